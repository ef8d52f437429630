/**
 * The per-account failure limit under concurrency, through the composition root on real parts:
 * one node with its own counters, and two nodes sharing PostgreSQL (SQLite when PostgreSQL is
 * off) and Redis. 40 wrong passwords sent at once against a limit of 10 may check at most 10
 * (ASVS 5.0 6.3.1, NIST SP 800-63B §5.2.2): an attempt is counted before its password is
 * verified, so none can slip in between a check and the count. How many were checked is read
 * from what SignIn records: each `sign_in_failed` says `invalid_credentials` (the password was
 * verified and wrong) or `rate_limited` (it was refused before any check).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { DomainEvent } from '../../src/core/events.js';
import type { SignInContext } from '../../src/core/sign-in.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { freshDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.js';
import { testKeyFile } from '../support/secret-key.js';

const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'correct horse battery staple';
const ATTEMPTS = 40;
const LIMIT = 10;

const context: SignInContext = {
  place: { ip: '203.0.113.9', location: { city: null, region: null, country: null, latitude: null, longitude: null } },
  knownDeviceId: () => null,
  origin: () => {
    throw new Error('a refused sign-in makes no session');
  },
  replaces: null,
};

const opened: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of opened.reverse()) await close();
});

/** A node: its registry and every `sign_in_failed` it recorded. */
async function node(databaseUrl: string, redisUrl: string | null) {
  const config = loadConfig(
    {
      databaseUrl,
      logLevel: 'silent',
      signInAccountLimit: `${LIMIT}/15m`,
      signInIpLimit: '1000/15m',
      ...(redisUrl ? { redisUrl } : {}),
      // PostgreSQL nodes share one secret key file, as in production.
      ...(databaseUrl.startsWith('postgres') ? { secretKeyFile: testKeyFile() } : {}),
    },
    {},
  );
  const registry = await createRegistry(config, { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
  opened.push(() => registry.close());
  const failures: Extract<DomainEvent, { type: 'sign_in_failed' }>[] = [];
  registry.recorder.add((e) => {
    if (e.type === 'sign_in_failed') failures.push(e);
  });
  return { registry, failures };
}

const wrongPassword = (registry: Registry, email: string, i: number) =>
  registry.signIn
    .withPassword({ email, password: `wrong password guess ${i}`, clientId: 'web', transport: 'cookie', device: null }, context)
    .then(
      () => 'signed_in',
      (err: { code?: string }) => err.code ?? 'error',
    );

function outcomes(...nodes: { failures: { outcome: string }[] }[]) {
  const all = nodes.flatMap((n) => n.failures.map((f) => f.outcome));
  return { checked: all.filter((o) => o === 'invalid_credentials').length, refused: all.filter((o) => o === 'rate_limited').length };
}

describe('40 concurrent wrong passwords against a limit of 10', () => {
  it('one node (its own counters): at most 10 passwords are checked, the rest are refused unchecked', async () => {
    const one = await node('sqlite::memory:', null);
    const email = `race-${randomUUID()}@example.com`;
    await one.registry.accounts.signUp({ email, password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: ATTEMPTS }, (_, i) => wrongPassword(one.registry, email, i)));
    expect(answers.filter((a) => a === 'signed_in')).toEqual([]);
    expect(outcomes(one)).toEqual({ checked: LIMIT, refused: ATTEMPTS - LIMIT });
  });

  it('two nodes sharing Redis: at most 10 passwords are checked across both', async () => {
    let database: TestDatabase;
    if (POSTGRES_URL === 'off') {
      const dir = mkdtempSync(join(tmpdir(), 'sessiond-race-'));
      database = { url: `sqlite:${join(dir, 'race.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    } else database = await freshDatabase('postgres');
    opened.push(() => database.drop());
    const a = await node(database.url, REDIS_URL);
    const b = await node(database.url, REDIS_URL);
    const email = `race-${randomUUID()}@example.com`;
    await a.registry.accounts.signUp({ email, password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: ATTEMPTS }, (_, i) => wrongPassword(i % 2 ? b.registry : a.registry, email, i)));
    expect(answers.filter((x) => x === 'signed_in')).toEqual([]);
    expect(outcomes(a, b)).toEqual({ checked: LIMIT, refused: ATTEMPTS - LIMIT });
    // The right password is refused too until the window ends: the account is locked on both nodes.
    const right = { email, password: PASSWORD, clientId: 'web', transport: 'cookie' as const, device: null };
    await expect(b.registry.signIn.withPassword(right, context)).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
