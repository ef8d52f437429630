/**
 * `Sessions.revokedReason`: why a presented token stopped working, told only to whoever holds
 * the token's secret. The 401 of the HTTP API uses it to say "an administrator ended this
 * session" instead of the generic message.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryRevocationBus } from '../adapters/bus/memory-revocation-bus.js';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import { Background } from './background.js';
import { Recorder } from './events.js';
import type { SessionWithUser, Store } from './ports/store.js';
import { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import type { SessionOrigin } from './session.js';
import { Sessions } from './sessions.js';
import { fixedClock } from './testing/fakes.js';

const ORIGIN: SessionOrigin = {
  ip: '81.2.69.160',
  userAgent: null,
  device: { name: 'Mac', os: 'macOS', browser: 'Chrome 124', type: 'desktop' },
  location: { city: 'London', region: null, country: 'GB', latitude: null, longitude: null },
  deviceId: null,
};
const ADMIN: Actor = { kind: 'admin', adminId: 'admin-1', ip: '81.2.69.160' };
const SELF: Actor = { kind: 'session', sessionId: 'some-other-session', ip: '81.2.69.160' };
const POLICY = { idleTimeoutMs: 30 * 60_000, maxAgeMs: 12 * 3_600_000, touchIntervalMs: 60_000 };

describe('Sessions.revokedReason', () => {
  let raw: Store;
  let reads: number;
  let sessions: Sessions;
  let revocation: Revocation;
  const clock = fixedClock('2026-05-01T10:00:00Z');
  const userId = 'user-1';

  beforeEach(async () => {
    const { db } = connect('sqlite::memory:');
    await migrateToLatest(db);
    raw = kyselyStore(db);
    reads = 0;
    const store = Object.create(raw) as Store;
    store.findSession = (id: string): Promise<SessionWithUser | null> => {
      reads++;
      return raw.findSession(id);
    };
    sessions = new Sessions({ store, clock, crypto: nodeCrypto, policy: POLICY, bus: memoryRevocationBus() });
    revocation = new Revocation({ store, sessions, recorder: new Recorder(new Background(() => undefined)), clock, crypto: nodeCrypto });
    await raw.insertUser({
      id: userId,
      email: 'a@example.com',
      emailKey: 'a@example.com',
      name: null,
      passwordHash: 'x',
      isAdmin: false,
      createdAt: clock.now(),
      passwordChangedAt: clock.now(),
    });
  });
  afterEach(async () => raw.close());

  it('says `admin` for the holder of a session an administrator ended', async () => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    expect(await sessions.validateSessionToken(token)).not.toBeNull();
    expect(await revocation.endSession(userId, session.id, ADMIN, 'admin')).not.toBeNull();
    expect(await sessions.validateSessionToken(token)).toBeNull();
    expect(await sessions.revokedReason(token)).toEqual({ reason: 'admin', detail: null });
  });

  it('says the other reasons as they were recorded', async () => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    await revocation.endSession(userId, session.id, SELF);
    expect(await sessions.revokedReason(token)).toEqual({ reason: 'revoked_by_user', detail: null });
  });

  it('says which rule, for a session a workspace policy ended', async () => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    await revocation.endSession(userId, session.id, { kind: 'policy', policy: 'idle_timeout' });
    expect(await sessions.revokedReason(token)).toEqual({ reason: 'policy', detail: 'idle_timeout' });
  });

  it('says nothing for a wrong secret, an unknown id, a malformed token or a live session', async () => {
    const { token, session } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    expect(await sessions.revokedReason(token)).toBeNull();
    await revocation.endSession(userId, session.id, ADMIN, 'admin');
    const wrongSecret = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await sessions.revokedReason(wrongSecret)).toBeNull();
    const unknownId = (token.startsWith('A') ? 'B' : 'A') + token.slice(1);
    expect(await sessions.revokedReason(unknownId)).toBeNull();
    const before = reads;
    expect(await sessions.revokedReason('not-a-token')).toBeNull();
    expect(reads, 'a malformed token reads nothing').toBe(before);
  });

  it('says nothing for a session that simply expired', async () => {
    const { token } = await sessions.createSession(userId, 'web', 'password', ORIGIN);
    clock.advance(POLICY.maxAgeMs + 1);
    expect(await sessions.validateSessionToken(token)).toBeNull();
    expect(await sessions.revokedReason(token)).toBeNull();
  });
});
