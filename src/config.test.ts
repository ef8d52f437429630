import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDoc } from './config-doc.js';
import { ConfigError, loadConfig, passwordFromEnv } from './config.js';

describe('configuration', () => {
  it('keeps docs/config.md in step with the settings table', () => {
    const committed = readFileSync(new URL('../docs/config.md', import.meta.url), 'utf8');
    expect(committed, 'docs/config.md is stale: run npm run docs:config').toBe(renderConfigDoc());
  });

  it('uses the contract defaults', () => {
    const config = loadConfig({}, {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7400,
      databaseUrl: 'sqlite:./data/sessiond.db',
      redisUrl: null,
      publicUrl: 'http://127.0.0.1:7400',
      idleTimeoutMs: 14 * 86_400_000,
      maxAgeMs: 30 * 86_400_000,
      signUp: true,
    });
    expect(config.clients.map((c) => c.id)).toEqual(['web', 'desktop', 'mobile', 'platform', 'cli']);
  });

  it('lets a flag win over the environment, and the environment over the default', () => {
    const env = { SESSIOND_PORT: '8000', SESSIOND_IDLE_TIMEOUT: '30m' };
    expect(loadConfig({}, env)).toMatchObject({ port: 8000, idleTimeoutMs: 1_800_000 });
    expect(loadConfig({ port: '9000' }, env)).toMatchObject({ port: 9000, idleTimeoutMs: 1_800_000 });
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ port: 'eighty', idleTimeoutMs: 'soon', trustProxy: '10.0.0.0/8,not-an-ip', databaseUrl: 'oracle://x' }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/port.*eighty[\s\S]*db must[\s\S]*trust-proxy.*not-an-ip[\s\S]*idle-timeout/);
    }
  });

  it('signs up by mail whenever mail is configured, directly without it, and takes an explicit mode', () => {
    expect(loadConfig({}, {}).signUpMode).toBe('direct');
    expect(loadConfig({ smtpUrl: 'smtp://127.0.0.1:2525' }, {}).signUpMode).toBe('email');
    expect(loadConfig({}, { SESSIOND_SMTP_URL: 'smtp://mail:25', SESSIOND_SIGN_UP_MODE: 'direct' }).signUpMode).toBe('direct');
    expect(loadConfig({ signUpMode: 'email' }, {}).signUpMode).toBe('email');
    expect(() => loadConfig({ signUpMode: 'maybe' }, {})).toThrow(/sign-up-mode must be auto, email or direct/);
    expect(loadConfig({}, {})).toMatchObject({ signUpIpLimit: { limit: 20, windowMs: 3_600_000 }, signUpLinkTtlMs: 86_400_000 });
  });

  it('refuses an idle timeout longer than the absolute lifetime', () => {
    expect(() => loadConfig({ idleTimeoutMs: '31d', maxAgeMs: '30d' }, {})).toThrow(/idle-timeout must not be longer than max-age/);
  });

  it('counts IPv6 clients by a /64 unless told otherwise, and takes only a sensible prefix', () => {
    expect(loadConfig({}, {}).ipv6LimitPrefix).toBe(64);
    expect(loadConfig({}, { SESSIOND_IPV6_LIMIT_PREFIX: '56' }).ipv6LimitPrefix).toBe(56);
    for (const bad of ['0', '16', '129', '64.5', 'sixty-four', ''])
      expect(() => loadConfig({ ipv6LimitPrefix: bad }, {}), bad).toThrow(/ipv6-limit-prefix must be an integer 32-128/);
  });

  it('cuts slow clients off by default, and keeps the headers timeout within the request timeout', () => {
    expect(loadConfig({}, {})).toMatchObject({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
      maxConnectionsPerIp: 256,
    });
    expect(() => loadConfig({ headersTimeoutMs: '1m', requestTimeoutMs: '30s' }, {})).toThrow(
      /headers-timeout must not be longer than request-timeout/,
    );
    expect(() => loadConfig({ maxConnectionsPerIp: '-1' }, {})).toThrow(/max-connections-per-ip must be an integer/);
    expect(loadConfig({ maxConnectionsPerIp: '0' }, {}).maxConnectionsPerIp).toBe(0);
  });

  it('takes a Redis prefix as given, or leaves it to be named after the database', () => {
    expect(loadConfig({}, {}).redisPrefix).toBeNull();
    expect(loadConfig({}, { SESSIOND_REDIS_PREFIX: 'acme-prod' }).redisPrefix).toBe('acme-prod');
    for (const bad of ['has space', 'x'.repeat(101), 'tab\there', 'é'])
      expect(() => loadConfig({ redisPrefix: bad }, {}), bad).toThrow(/redis-prefix must be 1-100 printable ASCII/);
  });

  it('takes a MySQL or MariaDB URL as the database', () => {
    for (const url of ['mysql://sessiond:pw@db.internal:3306/sessiond', 'mariadb://root@127.0.0.1/test'])
      expect(loadConfig({ databaseUrl: url }, {}).databaseUrl).toBe(url);
  });

  it('never prints a database password in an error', () => {
    expect(() => loadConfig({ databaseUrl: 'mssql://admin:hunter2@db/x' }, {})).toThrow(/admin:\*\*\*@/);
    expect(() => loadConfig({ databaseUrl: 'mssql://admin:hunter2@db/x' }, {})).not.toThrow(/hunter2/);
  });

  it('reads the users create password from SESSIOND_PASSWORD, and keeps it out of the settings', () => {
    expect(passwordFromEnv({ SESSIOND_PASSWORD: 'correct horse battery staple' })).toBe('correct horse battery staple');
    expect(passwordFromEnv({ SESSIOND_PASSWORD: '' })).toBeNull();
    expect(passwordFromEnv({})).toBeNull();
    expect(Object.values(loadConfig({}, { SESSIOND_PASSWORD: 'correct horse battery staple' }))).not.toContain(
      'correct horse battery staple',
    );
  });
});
