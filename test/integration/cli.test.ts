/**
 * The built CLI, as a user runs it from a clone: `node bin/sessiond.js …` (npm test builds dist/
 * first). Never `npx sessiond` in the repository: on a fresh clone npx first installs the folder
 * into npm's exec cache, which took longer than a test may. `npx` is tested where it belongs, in a
 * project that has the packed package installed.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MYSQL_URL } from '../support/databases.js';
import { harness, PASSWORD } from '../support/harness.js';
import { envWithoutSessiond, ROOT, runCli, spawnSessiond, SPAWN_HOOK_TIMEOUT_MS, stopAllSpawned } from '../support/serve-process.js';

const run = promisify(execFile);

/** The environment without any SESSIOND_* setting of the machine running the tests. */
const cleanEnv = envWithoutSessiond;

const cli = runCli;

/**
 * A project with the package installed from `npm pack`'s tarball, offline: the tarball unpacked
 * into node_modules/sessiond and its bin linked, as npm would; its declared dependencies linked
 * from this checkout's node_modules (fetching them is not a test's job). A module the server
 * loads but the package does not declare would not resolve from there.
 */
async function installPackedPackage(dir: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    env: cleanEnv(),
    timeout: 300_000,
  });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  const project = path.join(dir, 'project');
  const installed = path.join(project, 'node_modules', 'sessiond');
  mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
  mkdirSync(installed);
  writeFileSync(path.join(project, 'package.json'), '{ "name": "uses-sessiond", "private": true }\n');
  await run('tar', ['-xzf', path.join(dir, filename), '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    dependencies: Record<string, string>;
  };
  for (const dependency of Object.keys(manifest.dependencies)) {
    const link = path.join(project, 'node_modules', dependency);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', dependency), link, 'dir');
  }
  for (const [name, target] of Object.entries(manifest.bin)) {
    chmodSync(path.join(installed, target), 0o755);
    symlinkSync(path.join('..', 'sessiond', target), path.join(project, 'node_modules', '.bin', name));
  }
  return project;
}

describe('sessiond CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-'));
  });
  afterAll(async () => {
    await stopAllSpawned();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    '`node bin/sessiond.js serve --db sqlite::memory: --port 0` prints where it listens and answers /healthz there',
    { timeout: SPAWN_HOOK_TIMEOUT_MS },
    async () => {
      const server = await spawnSessiond({ args: ['--db', 'sqlite::memory:', '--port', '0', '--log-level', 'warn'], env: cleanEnv() });
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(server.port).toBeGreaterThan(0);
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
        const ready = await fetch(`${server.url}/readyz`);
        expect(ready.status).toBe(200);
      } finally {
        await server.stop();
      }
    },
  );

  it(
    '`npx sessiond serve` in a project that installed the packed package starts the server',
    { timeout: SPAWN_HOOK_TIMEOUT_MS },
    async () => {
      const project = await installPackedPackage(dir);
      // A user's shell, not npm's script environment (npm_config_local_prefix would point npx here).
      const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !/^npm_/i.test(k)));
      const server = await spawnSessiond({
        name: 'npx sessiond',
        via: { command: 'npx', args: ['--no-install', 'sessiond'] },
        cwd: project,
        env,
        args: ['--db', 'sqlite::memory:', '--port', '0', '--log-level', 'warn'],
      });
      try {
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
      } finally {
        await server.stop();
      }
    },
  );

  it(
    'serve --port 0 builds its public URL (mail links) from the port it really listens on',
    { timeout: SPAWN_HOOK_TIMEOUT_MS },
    async () => {
      const server = await spawnSessiond({ args: ['--db', 'sqlite::memory:', '--port', '0', '--log-level', 'info'], env: cleanEnv() });
      try {
        const url = server.url;
        const headers = { 'content-type': 'application/json', origin: url };
        const up = await fetch(`${url}/v1/auth/sign-up`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ email: 'port0@example.com', password: PASSWORD }),
        });
        expect(up.status).toBe(201);
        const reset = await fetch(`${url}/v1/auth/password-reset`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ email: 'port0@example.com' }),
        });
        expect(reset.status).toBe(202);
        // Without --smtp the mail is written to the log; its link must point at this server.
        const link = (
          await server.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/reset-password\/confirm/, { printed: true, deadlineMs: 60_000 })
        )[1];
        expect(link).toBe(url);
      } finally {
        await server.stop();
      }
    },
  );

  it('--help lists the commands', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'users', 'service-keys']) expect(stdout).toContain(command);
  });

  it('serve --help lists every flag of the contract with its environment variable and default', async () => {
    const { code, stdout } = await cli(['serve', '--help']);
    expect(code).toBe(0);
    const flags: [string, string, string][] = [
      ['--host', 'SESSIOND_HOST', '127.0.0.1'],
      ['--port', 'SESSIOND_PORT', '7400'],
      ['--db', 'SESSIOND_DATABASE_URL', 'sqlite:./data/sessiond.db'],
      ['--redis', 'SESSIOND_REDIS_URL', 'unset'],
      ['--trust-proxy', 'SESSIOND_TRUST_PROXY', 'unset'],
      ['--smtp', 'SESSIOND_SMTP_URL', 'unset'],
      ['--public-url', 'SESSIOND_PUBLIC_URL', 'unset'],
      ['--idle-timeout', 'SESSIOND_IDLE_TIMEOUT', '14d'],
      ['--max-age', 'SESSIOND_MAX_AGE', '30d'],
    ];
    const text = stdout.replace(/\s+/g, ' ');
    for (const [flag, env, def] of flags) {
      expect(text, flag).toContain(flag);
      expect(text, env).toContain(env);
      expect(text, `${flag} default`).toMatch(new RegExp(`${env}; default ${def.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    }
    expect(text).toContain('--no-sign-up');
  });

  it('migrate brings a new database up to date, then says it is up to date', async () => {
    const db = `sqlite:${path.join(dir, 'migrate.db')}`;
    const first = await cli(['migrate', '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied 0001-initial/);
    const second = await cli(['migrate', '--db', db]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('users create makes an account that signs in against the same database; a duplicate fails', async () => {
    const file = path.join(dir, 'users.db');
    const created = await cli(['users', 'create', '--email', 'ops@example.com', '--password', PASSWORD, '--db', `sqlite:${file}`]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('ops@example.com');
    expect(created.stdout).not.toContain(PASSWORD);
    const again = await cli(['users', 'create', '--email', 'OPS@example.com', '--db', `sqlite:${file}`], { SESSIOND_PASSWORD: PASSWORD });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    const h = await harness('sqlite', {}, file);
    try {
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: 'ops@example.com', password: PASSWORD, transport: 'bearer' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const wrong = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: 'ops@example.com', password: 'not the password' },
      });
      expect(wrong.statusCode).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('users disable ends the sessions a running server has cached and refuses sign-in; enable lets it back', async () => {
    const file = path.join(dir, 'disable.db');
    expect((await cli(['users', 'create', '--email', 'leaver@example.com', '--password', PASSWORD, '--db', `sqlite:${file}`])).code).toBe(
      0,
    );
    const h = await harness('sqlite', {}, file);
    // The CLI runs on the wall clock: so does this server, or its sessions would have expired for the CLI.
    h.clock.set(Date.now());
    try {
      const token = await h.bearerSignIn('leaver@example.com');
      const me = async () =>
        (await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } })).statusCode;
      expect(await me()).toBe(200);
      const disabled = await cli(['users', 'disable', '--email', 'LEAVER@example.com', '--db', `sqlite:${file}`]);
      expect(disabled.code, disabled.stderr).toBe(0);
      expect(disabled.stdout).toBe('leaver@example.com disabled; its sessions ended\n');
      // Another process ended them: this server, which had the session cached, refuses it at once.
      expect(await me()).toBe(401);
      const signIn = () =>
        h.request({
          method: 'POST',
          url: '/v1/auth/sign-in',
          payload: { email: 'leaver@example.com', password: PASSWORD, transport: 'bearer' },
        });
      const refused = await signIn();
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/disabled/) });
      expect((await cli(['users', 'enable', '--email', 'leaver@example.com', '--db', `sqlite:${file}`])).stdout).toBe(
        'leaver@example.com enabled\n',
      );
      expect((await signIn()).statusCode).toBe(200);
      const unknown = await cli(['users', 'disable', '--email', 'nobody@example.com', '--db', `sqlite:${file}`]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/No account with the address nobody@example\.com/);
    } finally {
      await h.close();
    }
  });

  it('users create refuses a weak password and creates nothing', async () => {
    const file = path.join(dir, 'weak.db');
    const res = await cli(['users', 'create', '--email', 'weak@example.com', '--password', 'short', '--db', `sqlite:${file}`]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/at least \d+ characters/);
    const h = await harness('sqlite', {}, file);
    try {
      expect(await h.registry.store.findUserByEmailKey('weak@example.com')).toBeNull();
    } finally {
      await h.close();
    }
  });

  it('service-keys create prints a key that works on /v1/introspect', async () => {
    const file = path.join(dir, 'keys.db');
    const res = await cli(['service-keys', 'create', '--name', 'billing-api', '--db', `sqlite:${file}`]);
    expect(res.code, res.stderr).toBe(0);
    const key = res.stdout.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toContain('billing-api');
    const h = await harness('sqlite', {}, file);
    try {
      await h.signUp('svc@example.com');
      const token = await h.bearerSignIn('svc@example.com');
      const ok = await h.request({
        method: 'POST',
        url: '/v1/introspect',
        headers: { authorization: `Bearer ${key}` },
        payload: { token },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ active: true, sid: token.split('.')[0] });
      const forged = `${key.slice(0, -2)}${key.endsWith('AA') ? 'BB' : 'AA'}`;
      const refused = await h.request({
        method: 'POST',
        url: '/v1/introspect',
        headers: { authorization: `Bearer ${forged}` },
        payload: { token },
      });
      expect(refused.statusCode).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('a bad flag exits non-zero and names the problem (every problem at once)', async () => {
    const bad = await cli(['serve', '--db', 'sqlite::memory:', '--idle-timeout', 'nonsense']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).not.toContain('listening');
    expect(bad.stderr).toMatch(/idle-timeout must be a duration/);
    expect(bad.stderr).toContain('"nonsense"');
    expect(bad.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    const two = await cli(['serve', '--db', 'sqlite::memory:', '--idle-timeout', 'soon', '--port', 'http']);
    expect(two.code).not.toBe(0);
    expect(two.stderr).toMatch(/idle-timeout/);
    expect(two.stderr).toMatch(/port must be/);
    const unknown = await cli(['serve', '--no-such-flag']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option/i);
  });

  it.skipIf(MYSQL_URL === 'off')('serve on MySQL without --redis refuses to start and says why, before touching the database', async () => {
    // A database that does not exist: the refusal comes first, so it is never reached.
    const url = new URL(MYSQL_URL);
    url.pathname = '/sessiond_never_created';
    const refused = await cli(['serve', '--db', url.toString(), '--port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).not.toContain('listening');
    expect(refused.stderr).toMatch(/MySQL and MariaDB have no LISTEN\/NOTIFY; serving on them needs --redis/);
    expect(refused.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    const mariadb = await cli(['serve', '--db', url.toString().replace(/^mysql:/, 'mariadb:'), '--port', '0']);
    expect(mariadb.code).toBe(2);
    expect(mariadb.stderr).toMatch(/needs --redis/);
  });
});
