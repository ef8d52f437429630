/**
 * Single-use link tokens (password reset, "This wasn't me"), on a real SQLite store: a link
 * works once, for its own purpose, until it expires, and only with its full secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import { issueActionToken, issueSignUpToken, redeemActionToken, redeemSignUpToken, type ActionTokenDeps } from './action-tokens.js';
import type { Store } from './ports/store.js';
import { fixedClock } from './testing/fakes.js';
import { userRecord } from './testing/store.contract.js';
import { formatToken, newId, newSecret, parseToken } from './token.js';

const MINUTE = 60_000;

describe('action tokens', () => {
  let store: Store;
  let deps: ActionTokenDeps;
  const clock = fixedClock('2026-03-01T09:00:00Z');
  let userId: string;

  beforeAll(async () => {
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    store = kyselyStore(db);
    deps = { store, clock, crypto: nodeCrypto };
    const user = userRecord();
    await store.insertUser(user);
    userId = user.id;
  });
  afterAll(async () => {
    await store.close();
  });

  it('a link works once: the first use returns its record, every later use nothing', async () => {
    const token = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    const record = await redeemActionToken(deps, token, 'password_reset');
    expect(record).toMatchObject({ userId, purpose: 'password_reset', sessionId: null, usedAt: null });
    expect(await redeemActionToken(deps, token, 'password_reset')).toBeNull();
  });

  it('stores only a hash of the secret, and expires the link `ttl` after issuing it', async () => {
    const token = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    const { id, secret } = parseToken(token)!;
    const stored = await store.findActionToken(id);
    expect(stored).toEqual({
      id,
      userId,
      purpose: 'password_reset',
      secretHash: nodeCrypto.sha256(secret),
      sessionId: null,
      createdAt: clock.now(),
      expiresAt: clock.now() + 30 * MINUTE,
      usedAt: null,
    });
  });

  it('a "This wasn\'t me" link remembers the session it is about', async () => {
    const token = await issueActionToken(deps, userId, 'report_session', 7 * 24 * 60 * MINUTE, 'session-id-123456789x');
    expect((await redeemActionToken(deps, token, 'report_session'))?.sessionId).toBe('session-id-123456789x');
  });

  it('works until its last millisecond, not after', async () => {
    const start = clock.now();
    const onTime = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    const late = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    clock.set(start + 30 * MINUTE - 1);
    expect(await redeemActionToken(deps, onTime, 'password_reset')).not.toBeNull();
    clock.set(start + 30 * MINUTE);
    expect(await redeemActionToken(deps, late, 'password_reset')).toBeNull();
    clock.set(start);
  });

  it('a link for one purpose does nothing for another, and stays usable for its own', async () => {
    const report = await issueActionToken(deps, userId, 'report_session', 30 * MINUTE, 'session-id-123456789x');
    expect(await redeemActionToken(deps, report, 'password_reset')).toBeNull();
    expect(await redeemActionToken(deps, report, 'report_session')).not.toBeNull();
  });

  it('a link with a wrong secret is refused and does not spend the real one', async () => {
    const token = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    const forged = formatToken(parseToken(token)!.id, newSecret(nodeCrypto));
    expect(await redeemActionToken(deps, forged, 'password_reset')).toBeNull();
    expect(await redeemActionToken(deps, token, 'password_reset')).not.toBeNull();
  });

  it('refuses what is not a link we issued', async () => {
    const token = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    for (const bad of ['', 'not-a-token', token.slice(0, -1), `${token}x`, formatToken(newId(nodeCrypto), newSecret(nodeCrypto))]) {
      expect(await redeemActionToken(deps, bad, 'password_reset')).toBeNull();
    }
  });

  it('a link spent by a later reset (every outstanding link ends) no longer works', async () => {
    const token = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    await store.consumeUserTokens(userId, 'password_reset', clock.now());
    expect(await redeemActionToken(deps, token, 'password_reset')).toBeNull();
  });

  it('of two simultaneous uses of one link exactly one succeeds', async () => {
    const token = await issueActionToken(deps, userId, 'password_reset', 30 * MINUTE);
    const results = await Promise.all([redeemActionToken(deps, token, 'password_reset'), redeemActionToken(deps, token, 'password_reset')]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });
});

describe('sign-up links', () => {
  let store: Store;
  let deps: ActionTokenDeps;
  const clock = fixedClock('2026-03-01T09:00:00Z');
  const account = {
    email: 'Ada@Example.com',
    emailKey: 'ada@example.com',
    name: 'Ada',
    passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA',
  };

  beforeAll(async () => {
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    store = kyselyStore(db);
    deps = { store, clock, crypto: nodeCrypto };
  });
  afterAll(async () => {
    await store.close();
  });

  it('a link creates the account it was issued for, once', async () => {
    const token = await issueSignUpToken(deps, account, 30 * MINUTE);
    const request = await redeemSignUpToken(deps, token);
    expect(request).toMatchObject({ ...account, createdAt: clock.now(), expiresAt: clock.now() + 30 * MINUTE, usedAt: null });
    expect(await redeemSignUpToken(deps, token)).toBeNull();
  });

  it('keeps only a hash of the secret', async () => {
    const token = await issueSignUpToken(deps, account, 30 * MINUTE);
    const { id, secret } = parseToken(token)!;
    expect((await store.findSignUpRequest(id))?.secretHash).toBe(nodeCrypto.sha256(secret));
  });

  it('works until its last millisecond, not after', async () => {
    const start = clock.now();
    const onTime = await issueSignUpToken(deps, account, 30 * MINUTE);
    const late = await issueSignUpToken(deps, account, 30 * MINUTE);
    clock.set(start + 30 * MINUTE - 1);
    expect(await redeemSignUpToken(deps, onTime)).not.toBeNull();
    clock.set(start + 30 * MINUTE);
    expect(await redeemSignUpToken(deps, late)).toBeNull();
    clock.set(start);
  });

  it('a forged secret is refused and does not spend the real link; other links are not sign-up links', async () => {
    const token = await issueSignUpToken(deps, account, 30 * MINUTE);
    expect(await redeemSignUpToken(deps, formatToken(parseToken(token)!.id, newSecret(nodeCrypto)))).toBeNull();
    expect(await redeemSignUpToken(deps, 'not-a-token')).toBeNull();
    expect(await redeemSignUpToken(deps, formatToken(newId(nodeCrypto), newSecret(nodeCrypto)))).toBeNull();
    expect(await redeemSignUpToken(deps, token)).not.toBeNull();
  });
});
