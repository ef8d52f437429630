/**
 * The Store port's contract, as one suite every adapter runs (`test/integration/store.test.ts`
 * runs it on SQLite and PostgreSQL). Each case names the promise the port makes; the use cases
 * in core rely on exactly these promises, so an adapter that passes here can be swapped in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionAddress, ServiceKeyRecord, Store } from '../ports/store.js';
import type { SessionRecord } from '../session.js';
import type { UserRecord } from '../user.js';

export interface StoreFixture {
  store: Store;
  /** Closes the store and removes its database. */
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const HOUR = 3_600_000;

let counter = 0;
/** Unique within a run and across runs sharing a database: a counter plus randomness. */
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

export function userRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = uniqueId('u');
  const email = `${id}@example.com`;
  return {
    id,
    email,
    emailKey: email.toLowerCase(),
    name: 'Ada',
    passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA',
    isAdmin: false,
    createdAt: T0,
    passwordChangedAt: T0,
    ...overrides,
  };
}

export function sessionRecord(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: uniqueId('s'),
    userId,
    secretHash: 'hash-of-secret',
    clientId: 'web',
    authMethod: 'password',
    deviceId: null,
    device: { name: 'Windows PC', os: 'Windows 10', browser: 'Chrome 124', type: 'desktop' },
    ip: '81.2.69.160',
    location: { city: 'London', region: 'England', country: 'GB', latitude: 51.5, longitude: -0.12 },
    userAgent: 'Mozilla/5.0',
    signedInAt: T0,
    lastActiveAt: T0,
    expiresAt: T0 + 24 * HOUR,
    trusted: false,
    deviceTrustedUntil: null,
    revokedAt: null,
    revokeReason: null,
    passwordChangeRequired: false,
    ...overrides,
  };
}

export function runStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeAll(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    async function newUser(overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
      const user = userRecord(overrides);
      expect(await store.insertUser(user)).toBe(true);
      return user;
    }

    async function newSession(userId: string, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
      const session = sessionRecord(userId, overrides);
      await store.insertSession(session);
      return session;
    }

    async function stateOf(id: string): Promise<SessionRecord> {
      const found = await store.findSession(id);
      if (!found) throw new Error(`session ${id} vanished`);
      return found.session;
    }

    it('ping() answers while the database is reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('users', () => {
      it('insertUser() stores every field, found by id and by email key', async () => {
        const user = await newUser({ name: null, isAdmin: true, passwordChangedAt: T0 + 5 });
        expect(await store.findUserById(user.id)).toEqual(user);
        expect(await store.findUserByEmailKey(user.emailKey)).toEqual(user);
      });

      it('insertUser() refuses a second account with the same email key and keeps the first', async () => {
        const first = await newUser();
        const twin = userRecord({ emailKey: first.emailKey, email: first.email.toUpperCase(), passwordHash: 'other' });
        expect(await store.insertUser(twin)).toBe(false);
        expect(await store.findUserById(twin.id)).toBeNull();
        expect(await store.findUserByEmailKey(first.emailKey)).toEqual(first);
      });

      it('finds nothing for an unknown id or email key', async () => {
        expect(await store.findUserById('no-such-user')).toBeNull();
        expect(await store.findUserByEmailKey('nobody@example.com')).toBeNull();
      });

      it('keeps text exactly (unicode, quotes, SQL-looking strings)', async () => {
        const user = await newUser({ name: "Zoë ' OR '1'='1 -- 🙂 \u202Eevil", email: "o'brien+tag@exämple.com" });
        expect(await store.findUserById(user.id)).toEqual(user);
      });
    });

    describe('sessions', () => {
      it('insertSession() then findSession() returns the record and its owner joined in', async () => {
        const user = await newUser();
        // `trusted` is derived when a session is read, from its device's trust (none here).
        const session = await newSession(user.id, { deviceId: 'device-123456', userAgent: null });
        const found = await store.findSession(session.id);
        // The owner's profile: everything but the password hash and the email key.
        const { passwordHash: _hash, emailKey: _key, ...profile } = user;
        expect(found).toEqual({ session, user: profile });
      });

      it('keeps null location and device fields as null', async () => {
        const user = await newUser();
        const session = await newSession(user.id, {
          location: { city: null, region: null, country: null, latitude: null, longitude: null },
          device: { name: 'Unknown device', os: 'Unknown OS', browser: null, type: 'unknown' },
        });
        expect((await store.findSession(session.id))?.session).toEqual(session);
      });

      it('insertSession() accepts a device seen before (same device id, second sign-in)', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'shared-device-1' });
        const second = await newSession(user.id, {
          deviceId: 'shared-device-1',
          device: { ...sessionRecord(user.id).device, name: 'Renamed' },
        });
        expect((await store.findSession(second.id))?.session.deviceId).toBe('shared-device-1');
      });

      it('two users may report the same device id', async () => {
        const a = await newUser();
        const b = await newUser();
        await newSession(a.id, { deviceId: 'same-device-id' });
        const s = await newSession(b.id, { deviceId: 'same-device-id' });
        expect((await store.findSession(s.id))?.user.id).toBe(b.id);
      });

      it('findSession() returns null for an unknown id', async () => {
        expect(await store.findSession('no-such-session-id-xx')).toBeNull();
      });

      it('findSession() asked for several sessions at once answers each with its own, and its owner', async () => {
        const [a, b] = [await newUser(), await newUser()];
        const sessions = [await newSession(a.id), await newSession(b.id), await newSession(a.id)];
        const ids = [sessions[1]!.id, 'no-such-session-id-yy', sessions[0]!.id, sessions[2]!.id, sessions[1]!.id];
        const found = await Promise.all(ids.map((id) => store.findSession(id)));
        expect(found.map((f) => f && [f.session.id, f.user.id])).toEqual([
          [sessions[1]!.id, b.id],
          null,
          [sessions[0]!.id, a.id],
          [sessions[2]!.id, a.id],
          [sessions[1]!.id, b.id],
        ]);
        expect(found[2]?.session).toEqual(sessions[0]);
      });

      it("listActiveSessions() returns only the user's sessions that are neither revoked nor expired", async () => {
        const user = await newUser();
        const other = await newUser();
        const live = await newSession(user.id);
        const live2 = await newSession(user.id, { expiresAt: T0 + HOUR + 1 });
        await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out' });
        await newSession(user.id, { expiresAt: T0 + HOUR }); // expires exactly at `now`: gone
        await newSession(user.id, { expiresAt: T0 + 1 });
        await newSession(other.id);
        const list = await store.listActiveSessions(user.id, T0 + HOUR);
        expect(list.map((s) => s.id).sort()).toEqual([live.id, live2.id].sort());
        expect(list.find((s) => s.id === live.id)).toEqual(live);
      });

      it('listActiveSessionPage() pages by newest stored activity, resumes after a cursor, leaves one out', async () => {
        const user = await newUser();
        const made = [];
        for (let i = 0; i < 7; i++) made.push(await newSession(user.id, { lastActiveAt: T0 + (i % 3) * 1_000 }));
        await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out', lastActiveAt: T0 + 9_000 });
        const except = made[0]!;
        const expected = made
          .filter((s) => s.id !== except.id)
          .sort((a, b) => b.lastActiveAt - a.lastActiveAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
          .map((s) => s.id);
        const seen: string[] = [];
        let after: { lastActiveAt: number; id: string } | null = null;
        for (let round = 0; round < 10; round++) {
          const page = await store.listActiveSessionPage(user.id, T0 + HOUR, { limit: 4, after, exceptId: except.id });
          seen.push(...page.map((s) => s.id));
          if (page.length < 4) break;
          const last = page.at(-1)!;
          after = { lastActiveAt: last.lastActiveAt, id: last.id };
        }
        expect(seen).toEqual(expected);
      });

      it('listActiveSessionStates() lists the same sessions as listActiveSessions(), with their activity, expiry and device', async () => {
        const user = await newUser();
        const other = await newUser();
        await newSession(user.id, { deviceId: 'device-states-0001', lastActiveAt: T0 + 5 });
        await newSession(user.id, { expiresAt: T0 + HOUR + 1 });
        await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out' });
        await newSession(user.id, { expiresAt: T0 + HOUR });
        await newSession(other.id);
        const whole = await store.listActiveSessions(user.id, T0 + HOUR);
        const states = await store.listActiveSessionStates(user.id, T0 + HOUR);
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
        expect(states.sort(byId)).toEqual(
          whole
            .map(({ id, signedInAt, lastActiveAt, expiresAt, deviceId }) => ({ id, signedInAt, lastActiveAt, expiresAt, deviceId }))
            .sort(byId),
        );
        expect(states).toHaveLength(2);
        // No device of the user is trusted.
        expect(await store.listTrustedDevices(user.id, T0)).toEqual(new Map());
      });

      it('listActiveSessions() is empty for a user without sessions', async () => {
        const user = await newUser();
        expect(await store.listActiveSessions(user.id, T0)).toEqual([]);
      });

      it('touchSessions() moves last activity forward and never backwards', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        await store.touchSessions([{ id: s.id, lastActiveAt: T0 + 10_000 }]);
        expect((await stateOf(s.id)).lastActiveAt).toBe(T0 + 10_000);
        await store.touchSessions([{ id: s.id, lastActiveAt: T0 + 5_000 }]); // a late write from a slower node
        expect((await stateOf(s.id)).lastActiveAt).toBe(T0 + 10_000);
        await store.touchSessions([{ id: s.id, lastActiveAt: T0 + 10_000 }]);
        expect((await stateOf(s.id)).lastActiveAt).toBe(T0 + 10_000);
      });

      it('touchSessions() writes many sessions in one call', async () => {
        const user = await newUser();
        const sessions = [await newSession(user.id), await newSession(user.id), await newSession(user.id)];
        await store.touchSessions(sessions.map((s, i) => ({ id: s.id, lastActiveAt: T0 + 1_000 * (i + 1) })));
        for (const [i, s] of sessions.entries()) expect((await store.findSession(s.id))?.session.lastActiveAt).toBe(T0 + 1_000 * (i + 1));
      });

      it('touchSessions() writes a busy minute’s flush (hundreds of sessions, one named twice) whole, each at its latest', async () => {
        const user = await newUser();
        const many = Array.from({ length: 450 }, () => sessionRecord(user.id));
        await store.insertSessions(many);
        const touches = many.map((s, i) => ({ id: s.id, lastActiveAt: T0 + 1_000 + i }));
        // The same session twice in one flush: the later time wins, whichever comes first.
        touches.push({ id: many[7]!.id, lastActiveAt: T0 + 99_000 }, { id: many[9]!.id, lastActiveAt: T0 + 2 });
        await store.touchSessions(touches);
        const states = new Map((await store.listActiveSessions(user.id, T0)).map((s) => [s.id, s.lastActiveAt]));
        expect(states.size).toBe(450);
        for (const [i, s] of many.entries()) expect(states.get(s.id), `session ${i}`).toBe(i === 7 ? T0 + 99_000 : T0 + 1_000 + i);
      });

      it('touchSessions() changes nothing else and ignores unknown ids', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        await store.touchSessions([{ id: s.id, lastActiveAt: T0 + 1 }]);
        await store.touchSessions([{ id: 'no-such-session-id-xx', lastActiveAt: T0 + 1 }]);
        expect(await stateOf(s.id)).toEqual({ ...s, lastActiveAt: T0 + 1 });
      });

      it("revokeSession() ends the owner's active session, records when and why, and returns what ended", async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        const sibling = await newSession(user.id);
        const ended = await store.revokeSession(s.id, user.id, 'revoked_by_user', T0 + 7);
        // The ended session as a person recognises it: device, app, place and address.
        expect(ended).toMatchObject({
          id: s.id,
          userId: user.id,
          clientId: s.clientId,
          deviceId: s.deviceId,
          device: s.device,
          ip: s.ip,
          location: s.location,
          revokedAt: T0 + 7,
          revokeReason: 'revoked_by_user',
        });
        expect(await stateOf(s.id)).toMatchObject({ revokedAt: T0 + 7, revokeReason: 'revoked_by_user' });
        expect((await stateOf(sibling.id)).revokedAt).toBeNull();
        expect((await store.listActiveSessions(user.id, T0 + 8)).map((x) => x.id)).toEqual([sibling.id]);
      });

      it("revokeSession() refuses another user's session and leaves it active", async () => {
        const owner = await newUser();
        const intruder = await newUser();
        const s = await newSession(owner.id);
        expect(await store.revokeSession(s.id, intruder.id, 'revoked_by_user', T0 + 1)).toBeNull();
        expect((await stateOf(s.id)).revokedAt).toBeNull();
      });

      it('revokeSession() is null for an unknown or already revoked session and keeps the first revocation', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        expect(await store.revokeSession('no-such-session-id-xx', user.id, 'revoked_by_user', T0)).toBeNull();
        expect(await store.revokeSession(s.id, user.id, 'sign_out', T0 + 1)).not.toBeNull();
        expect(await store.revokeSession(s.id, user.id, 'revoked_by_user', T0 + 2)).toBeNull();
        expect(await stateOf(s.id)).toMatchObject({ revokedAt: T0 + 1, revokeReason: 'sign_out' });
      });

      it('revokeSession() is null for a session past its absolute expiry', async () => {
        const user = await newUser();
        const s = await newSession(user.id, { expiresAt: T0 + 5 });
        expect(await store.revokeSession(s.id, user.id, 'revoked_by_user', T0 + 5)).toBeNull();
        expect((await stateOf(s.id)).revokedAt).toBeNull();
      });

      it('revokeSessions() without an exception ends every active session of the user and counts exactly those', async () => {
        const user = await newUser();
        const other = await newUser();
        const live = [await newSession(user.id), await newSession(user.id), await newSession(user.id)];
        const earlier = await newSession(user.id, { revokedAt: T0 + 1, revokeReason: 'sign_out' });
        const expired = await newSession(user.id, { expiresAt: T0 + 2 });
        const bystander = await newSession(other.id);
        const now = T0 + 10;
        expect(await store.revokeSessions({ userId: user.id }, 'revoke_all', now)).toBe(3);
        for (const s of live) expect(await stateOf(s.id)).toMatchObject({ revokedAt: now, revokeReason: 'revoke_all' });
        expect(await stateOf(earlier.id)).toMatchObject({ revokedAt: T0 + 1, revokeReason: 'sign_out' });
        expect((await stateOf(expired.id)).revokeReason).not.toBe('revoke_all');
        expect((await stateOf(bystander.id)).revokedAt).toBeNull();
        expect(await store.revokeSessions({ userId: user.id }, 'revoke_all', now + 1)).toBe(0);
      });

      it('revokeSessions() succeeds while last-activity and address writes for the same sessions run beside it', async () => {
        // A user's "Sign out all others" lands while the node flushes the activity of those very
        // sessions (in whatever order it noted them). Row locks taken in different orders must
        // never cost the user their sign-out: the revocation ends every session, every time.
        for (let round = 0; round < 12; round++) {
          const user = await newUser();
          const keep = await newSession(user.id);
          const others: SessionRecord[] = [];
          for (let i = 0; i < 12; i++) others.push(await newSession(user.id));
          const now = T0 + 100 + round;
          const touches = [keep, ...others].reverse().map((s) => ({ id: s.id, lastActiveAt: now }));
          const seen = [keep, ...others]
            .reverse()
            .map((s) => ({ sessionId: s.id, ip: '192.0.2.7', place: { city: null, region: null, country: null }, at: now }));
          const [revoked] = await Promise.all([
            store.revokeSessions({ userId: user.id, exceptSessionId: keep.id }, 'revoke_others', now),
            store.touchSessions(touches),
            store.recordSessionAddresses(seen, 5),
            store.touchSessions(
              touches
                .slice()
                .reverse()
                .map((t) => ({ ...t, lastActiveAt: now + 1 })),
            ),
          ]);
          expect(revoked).toBe(12);
          for (const s of others) expect((await stateOf(s.id)).revokeReason).toBe('revoke_others');
        }
      });

      it('revokeSessions() for the device of a session ends that session and the user’s others on its device, no more', async () => {
        const user = await newUser();
        const other = await newUser();
        const lost = [await newSession(user.id, { deviceId: 'lost' }), await newSession(user.id, { deviceId: 'lost' })];
        const kept = await newSession(user.id, { deviceId: 'kept' });
        const noDevice = await newSession(user.id);
        const theirs = await newSession(other.id, { deviceId: 'lost' });
        const now = T0 + 10;
        expect(await store.revokeSessions({ userId: user.id, deviceOfSessionId: lost[1]!.id }, 'admin', now)).toBe(2);
        for (const s of lost) expect(await stateOf(s.id)).toMatchObject({ revokedAt: now, revokeReason: 'admin' });
        for (const s of [kept, noDevice, theirs]) expect((await stateOf(s.id)).revokedAt).toBeNull();
        // A session without a device: only itself. Another user's session names nothing of this user's.
        expect(await store.revokeSessions({ userId: user.id, deviceOfSessionId: noDevice.id }, 'admin', now)).toBe(1);
        expect((await stateOf(kept.id)).revokedAt).toBeNull();
        expect(await store.revokeSessions({ userId: user.id, deviceOfSessionId: theirs.id }, 'admin', now)).toBe(0);
        expect((await stateOf(theirs.id)).revokedAt).toBeNull();
      });

      it('revokeSessions() with an exception keeps that one session and counts the others', async () => {
        const user = await newUser();
        const keep = await newSession(user.id);
        const others = [await newSession(user.id), await newSession(user.id)];
        await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out' });
        const n = await store.revokeSessions({ userId: user.id, exceptSessionId: keep.id }, 'revoke_others', T0 + 3);
        expect(n).toBe(2);
        expect((await stateOf(keep.id)).revokedAt).toBeNull();
        for (const s of others) expect(await stateOf(s.id)).toMatchObject({ revokedAt: T0 + 3, revokeReason: 'revoke_others' });
        expect(await store.revokeSessions({ userId: user.id, exceptSessionId: keep.id }, 'revoke_others', T0 + 4)).toBe(0);
      });

      it('revokeSessions() is not capped by any page size (1,500 sessions)', async () => {
        const user = await newUser();
        const keep = await newSession(user.id);
        for (let batch = 0; batch < 1_499; batch += 100) {
          const size = Math.min(100, 1_499 - batch);
          await Promise.all(Array.from({ length: size }, () => store.insertSession(sessionRecord(user.id))));
        }
        expect(await store.revokeSessions({ userId: user.id, exceptSessionId: keep.id }, 'revoke_others', T0 + 1)).toBe(1_499);
        expect((await store.listActiveSessions(user.id, T0 + 2)).map((s) => s.id)).toEqual([keep.id]);
      });

      it('countActiveSessions() counts sessions neither revoked nor past absolute expiry, across users', async () => {
        const now = T0 + HOUR;
        const before = await store.countActiveSessions(now);
        const a = await newUser();
        const b = await newUser();
        await newSession(a.id);
        await newSession(b.id);
        await newSession(a.id, { revokedAt: T0, revokeReason: 'sign_out' });
        await newSession(b.id, { expiresAt: now });
        expect(await store.countActiveSessions(now)).toBe(before + 2);
      });
    });

    describe('purgeEndedSessions()', () => {
      it('deletes sessions that ended before the cut-off, in bounded batches, and nothing else', async () => {
        const DAY = 24 * HOUR;
        const old = T0 - 400 * DAY;
        const user = await newUser();
        const live = await newSession(user.id);
        const recentlyRevoked = await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out' });
        const ended = [
          await newSession(user.id, { signedInAt: old - DAY, lastActiveAt: old - DAY, expiresAt: old, revokedAt: null }),
          await newSession(user.id, {
            signedInAt: old - DAY,
            lastActiveAt: old - DAY,
            expiresAt: T0 + DAY,
            revokedAt: old,
            revokeReason: 'revoke_all',
          }),
        ];
        // Other suites' rows all ended after T0 - 1 day; this cut-off reaches only ours.
        const cutOff = old + DAY;
        expect(await store.purgeEndedSessions(cutOff, 1)).toBe(1);
        expect(await store.purgeEndedSessions(cutOff, 10)).toBe(1);
        expect(await store.purgeEndedSessions(cutOff, 10)).toBe(0);
        for (const s of ended) expect(await store.findSession(s.id)).toBeNull();
        expect(await store.findSession(live.id)).not.toBeNull();
        expect(await store.findSession(recentlyRevoked.id)).not.toBeNull();
      });

      it('one batch takes expired and revoked sessions together, up to its bound', async () => {
        const DAY = 24 * HOUR;
        const old = T0 - 450 * DAY;
        const user = await newUser();
        const expired = await newSession(user.id, { signedInAt: old - DAY, lastActiveAt: old - DAY, expiresAt: old });
        const revoked = await newSession(user.id, {
          signedInAt: old - DAY,
          lastActiveAt: old - DAY,
          expiresAt: T0 + DAY,
          revokedAt: old,
          revokeReason: 'sign_out',
        });
        const both = await newSession(user.id, {
          signedInAt: old - DAY,
          lastActiveAt: old - DAY,
          expiresAt: old,
          revokedAt: old - 1,
          revokeReason: 'sign_out',
        });
        const cutOff = old + DAY;
        expect(await store.purgeEndedSessions(cutOff, 10)).toBe(3);
        for (const s of [expired, revoked, both]) expect(await store.findSession(s.id)).toBeNull();
      });
    });

    describe('rotateSession()', () => {
      it('revokes the session and inserts its successor in one step: same sign-in, new id and secret', async () => {
        const user = await newUser();
        const old = await newSession(user.id, { authMethod: 'mfa', deviceId: 'rotating-device', clientId: 'desktop' });
        const id = uniqueId('s');
        const next = await store.rotateSession(old.id, user.id, { id, secretHash: 'new-hash' }, T0 + 5, 'rotated');
        expect(next).toEqual({
          ...old,
          id,
          secretHash: 'new-hash',
          lastActiveAt: T0 + 5,
          deviceTrustedUntil: null,
        });
        expect(await stateOf(old.id)).toMatchObject({ revokedAt: T0 + 5, revokeReason: 'rotated' });
        expect(await stateOf(next!.id)).toEqual(next);
        expect((await store.listActiveSessions(user.id, T0 + 6)).map((s) => s.id)).toEqual([next!.id]);
      });

      it('carries a hold to the password change', async () => {
        const user = await newUser();
        const old = await newSession(user.id);
        await store.holdForPasswordChange(old.id, user.id, T0 + 1);
        const next = await store.rotateSession(old.id, user.id, { id: uniqueId('s'), secretHash: 'h2' }, T0 + 2, 'rotated');
        expect(next?.passwordChangeRequired).toBe(true);
      });

      it("is null for an ended, expired, unknown or another user's session, and inserts nothing", async () => {
        const user = await newUser();
        const stranger = await newSession((await newUser()).id);
        const ended = await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out' });
        const expired = await newSession(user.id, { expiresAt: T0 + 1 });
        for (const s of [stranger, ended, expired]) {
          const id = uniqueId('s');
          expect(await store.rotateSession(s.id, user.id, { id, secretHash: 'h' }, T0 + 2, 'rotated')).toBeNull();
          expect(await store.findSession(id)).toBeNull();
        }
        expect((await stateOf(stranger.id)).revokedAt).toBeNull();
        expect(await store.rotateSession('no-such-session', user.id, { id: uniqueId('s'), secretHash: 'h' }, T0 + 2, 'rotated')).toBeNull();
      });

      it('of two rotations of one session racing, exactly one succeeds', async () => {
        const user = await newUser();
        const old = await newSession(user.id);
        const results = await Promise.all(
          [1, 2].map(() => store.rotateSession(old.id, user.id, { id: uniqueId('s'), secretHash: 'h' }, T0 + 3, 'rotated')),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await store.listActiveSessions(user.id, T0 + 4)).toHaveLength(1);
      });
    });

    describe('session addresses', () => {
      const PARIS = { city: 'Paris', region: 'Île-de-France', country: 'FR' };
      const seen = (sessionId: string, ip: string, at: number, place: SessionAddress['place'] = PARIS) => ({ sessionId, ip, at, place });

      it('a session starts with its sign-in address, first and last seen at its sign-in', async () => {
        const user = await newUser();
        const s = await newSession(user.id, { ip: '2001:db8::7' });
        expect(await store.listSessionAddresses(s.id)).toEqual([
          { ip: '2001:db8::7', place: { city: 'London', region: 'England', country: 'GB' }, firstSeenAt: T0, lastSeenAt: T0 },
        ]);
      });

      it('recordSessionAddresses() inserts new pairs, moves a known one forward (never back), most recent first', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        const other = await newSession(user.id);
        await store.recordSessionAddresses(
          [seen(s.id, '198.51.100.1', T0 + 10), seen(s.id, '81.2.69.160', T0 + 20), seen(other.id, '198.51.100.2', T0 + 5)],
          50,
        );
        // A late write from a slower node: last seen stays; a known pair keeps its first place.
        await store.recordSessionAddresses([seen(s.id, '81.2.69.160', T0 + 15, { city: null, region: null, country: null })], 50);
        expect(await store.listSessionAddresses(s.id)).toEqual([
          { ip: '81.2.69.160', place: { city: 'London', region: 'England', country: 'GB' }, firstSeenAt: T0, lastSeenAt: T0 + 20 },
          { ip: '198.51.100.1', place: PARIS, firstSeenAt: T0 + 10, lastSeenAt: T0 + 10 },
        ]);
        expect((await store.listSessionAddresses(other.id)).map((a) => a.ip)).toEqual(['198.51.100.2', '81.2.69.160']);
      });

      it('keeps only the most recently seen addresses of a session, as many as asked', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        const batch = Array.from({ length: 6 }, (_, i) => seen(s.id, `203.0.113.${i + 1}`, T0 + 100 + i));
        await store.recordSessionAddresses(batch, 4);
        expect((await store.listSessionAddresses(s.id)).map((a) => a.ip)).toEqual([
          '203.0.113.6',
          '203.0.113.5',
          '203.0.113.4',
          '203.0.113.3',
        ]);
        // An old address seen again comes back as the most recent, and the oldest kept one goes.
        await store.recordSessionAddresses([seen(s.id, '81.2.69.160', T0 + 200)], 4);
        expect((await store.listSessionAddresses(s.id)).map((a) => a.ip)).toEqual([
          '81.2.69.160',
          '203.0.113.6',
          '203.0.113.5',
          '203.0.113.4',
        ]);
      });

      it('skips a session that no longer exists, and the rest of the batch is written', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        await store.recordSessionAddresses([seen('purged-session-000000', '198.51.100.9', T0 + 1), seen(s.id, '198.51.100.9', T0 + 1)], 50);
        expect((await store.listSessionAddresses(s.id)).map((a) => a.ip)).toContain('198.51.100.9');
        expect(await store.listSessionAddresses('purged-session-000000')).toEqual([]);
      });

      it('token rotation moves the addresses to the new id, later writes for an old id too; a purge deletes them with the session', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        await store.recordSessionAddresses([seen(s.id, '198.51.100.3', T0 + 1)], 50);
        const next = (await store.rotateSession(s.id, user.id, { id: uniqueId('s'), secretHash: 'h' }, T0 + 2, 'rotated'))!;
        expect((await store.listSessionAddresses(next.id)).map((a) => a.ip)).toEqual(['198.51.100.3', '81.2.69.160']);
        expect(await store.listSessionAddresses(s.id)).toEqual([]);

        // An address noted under the old id and written after the rotation (the batch was pending
        // while the session re-authenticated) lands on the id the session carries on with.
        const third = (await store.rotateSession(next.id, user.id, { id: uniqueId('s'), secretHash: 'h3' }, T0 + 3, 'rotated'))!;
        await store.recordSessionAddresses([seen(s.id, '198.51.100.5', T0 + 4), seen(next.id, '198.51.100.6', T0 + 5)], 50);
        expect((await store.listSessionAddresses(third.id)).map((a) => a.ip)).toEqual([
          '198.51.100.6',
          '198.51.100.5',
          '198.51.100.3',
          '81.2.69.160',
        ]);
        expect(await store.listSessionAddresses(next.id)).toEqual([]);

        const DAY = 24 * HOUR;
        const gone = await newSession(user.id, { signedInAt: T0 - 500 * DAY, lastActiveAt: T0 - 500 * DAY, expiresAt: T0 - 499 * DAY });
        await store.recordSessionAddresses([seen(gone.id, '198.51.100.4', T0 - 499 * DAY - 1)], 50);
        expect(await store.listSessionAddresses(gone.id)).toHaveLength(2);
        while ((await store.purgeEndedSessions(T0 - 498 * DAY, 1_000)) > 0);
        expect(await store.listSessionAddresses(gone.id)).toEqual([]);
      });
    });

    describe('findSessionChain()', () => {
      it('names one sign-in by any id it has had: the session as it is now, every id, the sign-in first', async () => {
        const user = await newUser();
        const first = await newSession(user.id);
        const second = (await store.rotateSession(first.id, user.id, { id: uniqueId('s'), secretHash: 'h2' }, T0 + 1, 'rotated'))!;
        const third = (await store.rotateSession(second.id, user.id, { id: uniqueId('s'), secretHash: 'h3' }, T0 + 2, 'rotated'))!;
        for (const id of [first.id, second.id, third.id]) {
          const chain = await store.findSessionChain(user.id, id);
          expect(chain?.session).toEqual(third);
          expect(chain?.signInId).toBe(first.id);
          expect([...chain!.ids].sort()).toEqual([first.id, second.id, third.id].sort());
          expect(chain?.ids[0]).toBe(first.id);
        }
        // Ended: as it ended.
        await store.revokeSession(third.id, user.id, 'sign_out', T0 + 3);
        expect((await store.findSessionChain(user.id, first.id))?.session).toMatchObject({
          id: third.id,
          revokedAt: T0 + 3,
          revokeReason: 'sign_out',
        });
      });

      it("is null for another user's session and for an unknown id", async () => {
        const user = await newUser();
        const stranger = await newSession((await newUser()).id);
        expect(await store.findSessionChain(user.id, stranger.id)).toBeNull();
        expect(await store.findSessionChain(user.id, 'no-such-session-00000')).toBeNull();
      });
    });

    describe('holdForPasswordChange()', () => {
      it('holds one active session of the user, which reads it back (also from lists), and nothing else', async () => {
        const user = await newUser();
        const reporter = await newSession(user.id);
        const other = await newSession(user.id);
        expect((await stateOf(reporter.id)).passwordChangeRequired).toBe(false);
        expect(await store.holdForPasswordChange(reporter.id, user.id, T0 + 1)).toBe(true);
        expect((await stateOf(reporter.id)).passwordChangeRequired).toBe(true);
        expect((await stateOf(other.id)).passwordChangeRequired).toBe(false);
        const listed = await store.listActiveSessions(user.id, T0 + 1);
        expect(listed.find((s) => s.id === reporter.id)?.passwordChangeRequired).toBe(true);
      });

      it("is false for another user's, an ended or an unknown session, and holds none of them", async () => {
        const user = await newUser();
        const stranger = await newSession((await newUser()).id);
        const ended = await newSession(user.id, { revokedAt: T0, revokeReason: 'sign_out' });
        const expired = await newSession(user.id, { expiresAt: T0 + 1 });
        expect(await store.holdForPasswordChange(stranger.id, user.id, T0 + 2)).toBe(false);
        expect(await store.holdForPasswordChange(ended.id, user.id, T0 + 2)).toBe(false);
        expect(await store.holdForPasswordChange(expired.id, user.id, T0 + 2)).toBe(false);
        expect(await store.holdForPasswordChange('no-such-session', user.id, T0 + 2)).toBe(false);
        for (const s of [stranger, ended, expired]) expect((await stateOf(s.id)).passwordChangeRequired).toBe(false);
      });

      it('a new password releases every held session of the user, not those of others', async () => {
        const user = await newUser();
        const held = await newSession(user.id);
        const otherUser = await newUser();
        const elsewhere = await newSession(otherUser.id);
        await store.holdForPasswordChange(held.id, user.id, T0 + 1);
        await store.holdForPasswordChange(elsewhere.id, otherUser.id, T0 + 1);
        await store.changePassword(user.id, 'new-hash', T0 + 2, null, 'password_changed');
        expect((await stateOf(held.id)).passwordChangeRequired).toBe(false);
        expect((await stateOf(elsewhere.id)).passwordChangeRequired).toBe(true);
      });
    });

    describe('changePassword()', () => {
      it('stores the new hash and, with a selector, revokes the other sessions and counts them', async () => {
        const user = await newUser();
        const current = await newSession(user.id);
        const others = [await newSession(user.id), await newSession(user.id)];
        const bystander = await newSession((await newUser()).id);
        const n = await store.changePassword(
          user.id,
          'new-hash',
          T0 + 9,
          { userId: user.id, exceptSessionId: current.id },
          'password_changed',
        );
        expect(n).toBe(2);
        expect(await store.findUserById(user.id)).toMatchObject({ passwordHash: 'new-hash', passwordChangedAt: T0 + 9 });
        expect((await stateOf(current.id)).revokedAt).toBeNull();
        for (const s of others) expect(await stateOf(s.id)).toMatchObject({ revokedAt: T0 + 9, revokeReason: 'password_changed' });
        expect((await stateOf(bystander.id)).revokedAt).toBeNull();
        // A session carries its owner's profile, never the password hash (caches hold no secret).
        expect((await store.findSession(current.id))?.user).toMatchObject({ id: user.id, passwordChangedAt: T0 + 9 });
        expect((await store.findSession(current.id))?.user).not.toHaveProperty('passwordHash');
      });

      it('without a selector changes the password and ends no session', async () => {
        const user = await newUser();
        const a = await newSession(user.id);
        const b = await newSession(user.id);
        expect(await store.changePassword(user.id, 'another-hash', T0 + 1, null, 'password_changed')).toBe(0);
        expect((await store.findUserById(user.id))?.passwordHash).toBe('another-hash');
        expect((await store.listActiveSessions(user.id, T0 + 2)).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
      });

      it('with a selector and no exception ends every session (password reset)', async () => {
        const user = await newUser();
        await newSession(user.id);
        await newSession(user.id);
        expect(await store.changePassword(user.id, 'reset-hash', T0 + 1, { userId: user.id }, 'password_reset')).toBe(2);
        expect(await store.listActiveSessions(user.id, T0 + 2)).toEqual([]);
      });
    });

    describe('disabling an account', () => {
      it('disableUser() revokes every active session of that user in the same step, once; enableUser() undoes only the flag', async () => {
        const user = await newUser();
        const other = await newUser();
        const live = [await newSession(user.id), await newSession(user.id)];
        const bystander = await newSession(other.id);
        expect(await store.isUserDisabled(user.id)).toBe(false);
        expect(await store.disableUser(user.id, T0 + 5, 'admin')).toBe(2);
        for (const s of live) expect(await stateOf(s.id)).toMatchObject({ revokedAt: T0 + 5, revokeReason: 'admin' });
        expect((await stateOf(bystander.id)).revokedAt).toBeNull();
        expect(await store.isUserDisabled(user.id)).toBe(true);
        expect(await store.isUserDisabled(other.id)).toBe(false);
        // Already disabled: nothing changes, not even a session made since.
        const since = await newSession(user.id);
        expect(await store.disableUser(user.id, T0 + 6, 'admin')).toBeNull();
        expect((await stateOf(since.id)).revokedAt).toBeNull();
        expect(await store.enableUser(user.id)).toBe(true);
        expect(await store.enableUser(user.id)).toBe(false);
        expect(await store.isUserDisabled(user.id)).toBe(false);
        expect((await stateOf(live[0]!.id)).revokedAt).toBe(T0 + 5);
      });
    });

    describe('service keys', () => {
      it('insertServiceKey() then findServiceKey() returns every field', async () => {
        const key: ServiceKeyRecord = { id: uniqueId('k'), name: 'billing-api', secretHash: 'h', createdAt: T0, revokedAt: null };
        await store.insertServiceKey(key);
        expect(await store.findServiceKey(key.id)).toEqual(key);
        const revoked: ServiceKeyRecord = { ...key, id: uniqueId('k'), revokedAt: T0 + 1 };
        await store.insertServiceKey(revoked);
        expect(await store.findServiceKey(revoked.id)).toEqual(revoked);
      });

      it('listServiceKeys() lists every key, revoked too; revokeServiceKey() revokes an active key once', async () => {
        const key: ServiceKeyRecord = { id: uniqueId('k'), name: 'listed', secretHash: 'h', createdAt: T0 + 2, revokedAt: null };
        await store.insertServiceKey(key);
        expect((await store.listServiceKeys()).find((k) => k.id === key.id)).toEqual(key);
        expect(await store.revokeServiceKey(key.id, T0 + 3)).toBe(true);
        expect(await store.revokeServiceKey(key.id, T0 + 4)).toBe(false);
        expect(await store.revokeServiceKey('no-such-key', T0 + 4)).toBe(false);
        expect(await store.findServiceKey(key.id)).toEqual({ ...key, revokedAt: T0 + 3 });
        expect((await store.listServiceKeys()).find((k) => k.id === key.id)?.revokedAt).toBe(T0 + 3);
      });

      it('findServiceKey() returns null for an unknown id', async () => {
        expect(await store.findServiceKey('no-such-key')).toBeNull();
      });

      it('insertServiceKey() refuses a duplicate id', async () => {
        const key: ServiceKeyRecord = { id: uniqueId('k'), name: 'a', secretHash: 'h', createdAt: T0, revokedAt: null };
        await store.insertServiceKey(key);
        await expect(store.insertServiceKey({ ...key, name: 'b' })).rejects.toThrow();
        expect((await store.findServiceKey(key.id))?.name).toBe('a');
      });
    });
  });
}
