/**
 * The SecurityStore port's contract, as one suite every adapter runs
 * (`test/integration/security-store.test.ts` runs it on SQLite and PostgreSQL). Each case names a
 * promise the security signals rely on: the timeline is one account's, newest first, paged by a
 * cursor that neither skips nor repeats an event; the risk rules see exactly the sign-ins and
 * failures they ask for; a mailed link works once, even when two requests race (ASVS 5.0 6.5.1);
 * and "This wasn't me" keeps the account locked to its password until it is changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionTokenRecord, SecurityStore, SignUpRequestRecord } from '../ports/security-store.js';
import type { Store } from '../ports/store.js';
import type { SecurityEvent, SecurityEventKind } from '../security-events.js';
import type { SessionRecord } from '../session.js';
import type { UserRecord } from '../user.js';
import { sessionRecord, userRecord } from './store.contract.js';

export interface SecurityStoreFixture {
  /** The store under test. */
  security: SecurityStore;
  /** The session store of the same database: users, sessions and devices are made through it. */
  store: Store;
  /** Closes both and removes the database. */
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let counter = 0;
/** Unique within a run and across runs sharing a database; letters and digits only (any collation). */
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

function event(userId: string, kind: SecurityEventKind, at: number, overrides: Partial<SecurityEvent> = {}): SecurityEvent {
  return {
    id: uniqueId('e'),
    userId,
    kind,
    at,
    sessionId: null,
    ip: null,
    clientId: null,
    deviceId: null,
    location: null,
    device: null,
    actor: null,
    signals: [],
    count: null,
    reason: null,
    secondFactor: null,
    ...overrides,
  };
}

function tokenRecord(userId: string, overrides: Partial<ActionTokenRecord> = {}): ActionTokenRecord {
  return {
    id: uniqueId('a'),
    userId,
    purpose: 'password_reset',
    secretHash: 'hash-of-link-secret',
    sessionId: null,
    createdAt: T0,
    expiresAt: T0 + HOUR,
    usedAt: null,
    ...overrides,
  };
}

export function runSecurityStoreContract(name: string, makeStore: () => Promise<SecurityStoreFixture>): void {
  describe(`SecurityStore contract: ${name}`, () => {
    let fixture: SecurityStoreFixture;
    let security: SecurityStore;
    let store: Store;

    beforeAll(async () => {
      fixture = await makeStore();
      security = fixture.security;
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    async function newUser(): Promise<UserRecord> {
      const user = userRecord();
      expect(await store.insertUser(user)).toBe(true);
      return user;
    }

    async function newSession(userId: string, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
      const session = sessionRecord(userId, overrides);
      await store.insertSession(session);
      return session;
    }

    async function append(...events: SecurityEvent[]): Promise<SecurityEvent[]> {
      for (const e of events) await security.appendSecurityEvent(e);
      return events;
    }

    describe('the security timeline', () => {
      it('appendSecurityEvent() keeps every field of an event exactly', async () => {
        const user = await newUser();
        const full = event(user.id, 'suspicious_sign_in', T0, {
          sessionId: 'session-id-123456789x',
          ip: '2001:db8::1',
          clientId: 'mobile',
          deviceId: 'phone-device',
          location: { city: 'Zürich', region: null, country: 'CH', latitude: 47.3769, longitude: 8.5417 },
          device: { name: "Zoë's <b>phone</b> 📱", os: 'iOS 18', browser: null, type: 'mobile' },
          actor: { kind: 'session', sessionId: 'session-id-123456789x', ip: '2001:db8::1' },
          signals: [
            { kind: 'new_country', country: 'CH', knownCountries: ['FR', 'GB'] },
            {
              kind: 'impossible_travel',
              distanceKm: 940,
              hours: 0.25,
              speedKmh: 3760,
              from: { city: 'London', country: 'GB', at: T0 - 15 * MINUTE },
            },
          ],
        });
        const bulk = event(user.id, 'sessions_revoked', T0 + 1, {
          actor: { kind: 'admin', adminId: null, ip: null },
          count: 3,
          reason: 'revoke_all',
        });
        await append(full, bulk);
        const { events } = await security.listSecurityEvents(user.id, null, 10);
        expect(events).toEqual([bulk, full]);
      });

      it('lists only the events of the account asked about', async () => {
        const user = await newUser();
        const other = await newUser();
        const [mine] = await append(event(user.id, 'sign_in', T0), event(other.id, 'sign_in', T0));
        expect(await security.listSecurityEvents(user.id, null, 10)).toEqual({ events: [mine], next: null });
      });

      it('is empty, with no next page, for an account with no events', async () => {
        const user = await newUser();
        expect(await security.listSecurityEvents(user.id, null, 20)).toEqual({ events: [], next: null });
      });

      it('lists newest first whatever the order they were appended in', async () => {
        const user = await newUser();
        const [a, b, c] = await append(
          event(user.id, 'sign_in', T0 + 2 * MINUTE),
          event(user.id, 'password_changed', T0),
          event(user.id, 'session_revoked', T0 + MINUTE),
        );
        const { events } = await security.listSecurityEvents(user.id, null, 10);
        expect(events.map((e) => e.id)).toEqual([a!.id, c!.id, b!.id]);
      });

      it('orders events of the same millisecond by id, descending', async () => {
        const user = await newUser();
        const prefix = uniqueId('t').slice(0, 12);
        const ids = ['3', '1', '4', '2'].map((d) => `${prefix}${d}`.padEnd(22, 'x'));
        await append(...ids.map((id) => event(user.id, 'sign_in_failed', T0, { id })));
        const { events } = await security.listSecurityEvents(user.id, null, 10);
        expect(events.map((e) => e.id.charAt(12))).toEqual(['4', '3', '2', '1']);
      });

      it('sets `next` exactly when more events follow the page', async () => {
        const user = await newUser();
        await append(...[0, 1, 2].map((i) => event(user.id, 'sign_in', T0 + i)));
        const full = await security.listSecurityEvents(user.id, null, 3);
        expect(full.events).toHaveLength(3);
        expect(full.next).toBeNull();
        const partial = await security.listSecurityEvents(user.id, null, 2);
        expect(partial.events).toHaveLength(2);
        const last = partial.events[1]!;
        expect(partial.next).toEqual({ at: last.at, id: last.id });
      });

      it('pages with the cursor through every event exactly once, in the order of one long listing', async () => {
        const user = await newUser();
        // Many share a millisecond, so the cursor must break ties by id.
        await append(...Array.from({ length: 23 }, (_, i) => event(user.id, i % 2 ? 'sign_in' : 'sign_in_failed', T0 + Math.floor(i / 4))));
        const all = (await security.listSecurityEvents(user.id, null, 100)).events;
        expect(all).toHaveLength(23);
        const walked: SecurityEvent[] = [];
        let cursor = null;
        let pages = 0;
        do {
          const page = await security.listSecurityEvents(user.id, cursor, 5);
          walked.push(...page.events);
          cursor = page.next;
          pages++;
        } while (cursor && pages < 10);
        expect(pages).toBe(5);
        expect(walked.map((e) => e.id)).toEqual(all.map((e) => e.id));
        for (let i = 1; i < all.length; i++) expect(all[i]!.at).toBeLessThanOrEqual(all[i - 1]!.at);
      });

      it('a cursor resumes strictly after itself, even when newer events were appended meanwhile', async () => {
        const user = await newUser();
        await append(...[0, 1, 2, 3].map((i) => event(user.id, 'sign_in', T0 + i * MINUTE)));
        const first = await security.listSecurityEvents(user.id, null, 2);
        await append(event(user.id, 'sign_in', T0 + HOUR)); // newer than everything: not on a later page
        const second = await security.listSecurityEvents(user.id, first.next, 2);
        expect(second.events.map((e) => e.at)).toEqual([T0 + MINUTE, T0]);
        expect(second.next).toBeNull();
      });

      it("a cursor from one account's listing shows nothing of another's", async () => {
        const user = await newUser();
        const other = await newUser();
        await append(event(other.id, 'sign_in', T0 - MINUTE));
        const page = await security.listSecurityEvents(user.id, { at: T0, id: 'zzzzzzzzzzzzzzzzzzzzzz' }, 10);
        expect(page).toEqual({ events: [], next: null });
      });
    });

    describe("one session's history", () => {
      it('listSessionEvents() finds the entries about its ids, its device’s trust changes in its life and the bulk end at its end, newest first', async () => {
        const user = await newUser();
        const other = await newUser();
        const [a, b, elsewhere] = ['sa', 'sb', 'sc'].map((p) => uniqueId(p)) as [string, string, string];
        const ours = await append(
          event(user.id, 'sign_in', T0, { sessionId: a, deviceId: 'dev-1', secondFactor: 'trusted_device' }),
          event(user.id, 'reauthenticated', T0 + MINUTE, { sessionId: b, deviceId: 'dev-1' }),
          // Trust of its device, made from another session.
          event(user.id, 'device_trusted', T0 + 2 * MINUTE, { sessionId: elsewhere, deviceId: 'dev-1' }),
          event(user.id, 'sessions_revoked', T0 + 3 * MINUTE, { count: 2, reason: 'revoke_others' }),
        );
        await append(
          // Not its kind of entry, another device's trust, trust after it ended, another session, another account.
          event(user.id, 'password_changed', T0 + MINUTE, { sessionId: b }),
          event(user.id, 'device_untrusted', T0 + MINUTE, { sessionId: b, deviceId: 'dev-2' }),
          event(user.id, 'device_untrusted', T0 + 4 * MINUTE, { sessionId: elsewhere, deviceId: 'dev-1' }),
          event(user.id, 'sign_in', T0, { sessionId: elsewhere, deviceId: 'dev-3' }),
          event(other.id, 'sign_in', T0, { sessionId: a }),
        );
        const about = { sessionIds: [a, b], deviceId: 'dev-1', from: T0, to: T0 + 3 * MINUTE, endedAt: T0 + 3 * MINUTE };
        expect(await security.listSessionEvents(user.id, about, 50)).toEqual([...ours].reverse());
        expect(await security.listSessionEvents(user.id, about, 2)).toEqual([ours[3], ours[2]]);
        expect(await security.listSessionEvents(user.id, { ...about, deviceId: null, endedAt: null }, 50)).toEqual([ours[1], ours[0]]);
        expect(await security.listSessionEvents(user.id, { ...about, sessionIds: [], deviceId: null, endedAt: null }, 50)).toEqual([]);
      });

      it('listSessionEvents() keeps the order a sign-in recorded its entries when they share an instant: the flag above the sign-in', async () => {
        const user = await newUser();
        const s = uniqueId('s');
        // Ids that sort against the recording order, so only the kinds can order them.
        const [signIn, flagged, trusted] = await append(
          event(user.id, 'sign_in', T0, { id: uniqueId('ez'), sessionId: s, deviceId: 'dev-9' }),
          event(user.id, 'suspicious_sign_in', T0, { id: uniqueId('em'), sessionId: s, deviceId: 'dev-9' }),
          event(user.id, 'device_trusted', T0, { id: uniqueId('ea'), sessionId: s, deviceId: 'dev-9' }),
        );
        const about = { sessionIds: [s], deviceId: 'dev-9', from: T0, to: T0 + MINUTE, endedAt: null };
        expect(await security.listSessionEvents(user.id, about, 50)).toEqual([trusted, flagged, signIn]);
      });
    });

    describe('history for the risk rules', () => {
      it('recentSignIns() returns successful sign-ins only, newest first, with where they came from', async () => {
        const user = await newUser();
        const paris = { city: 'Paris', region: 'Île-de-France', country: 'FR', latitude: 48.8566, longitude: 2.3522 };
        await append(
          event(user.id, 'sign_in', T0, { deviceId: 'laptop', clientId: 'web', location: paris }),
          event(user.id, 'sign_in_failed', T0 + 1, { deviceId: 'laptop', clientId: 'web', location: paris }),
          event(user.id, 'new_device', T0 + 2, { deviceId: 'phone', clientId: 'mobile' }),
          event(user.id, 'sign_in', T0 + HOUR, { deviceId: null, clientId: 'cli', location: null }),
        );
        expect(await security.recentSignIns(user.id, 10)).toEqual([
          { at: T0 + HOUR, deviceId: null, clientId: 'cli', city: null, country: null, latitude: null, longitude: null },
          { at: T0, deviceId: 'laptop', clientId: 'web', city: 'Paris', country: 'FR', latitude: 48.8566, longitude: 2.3522 },
        ]);
      });

      it('recentSignIns() returns at most `limit`, the newest', async () => {
        const user = await newUser();
        await append(...[5, 1, 4, 2, 3].map((i) => event(user.id, 'sign_in', T0 + i * MINUTE)));
        expect((await security.recentSignIns(user.id, 3)).map((s) => s.at)).toEqual([5, 4, 3].map((i) => T0 + i * MINUTE));
      });

      it("recentSignIns() sees only the account's own sign-ins", async () => {
        const user = await newUser();
        const other = await newUser();
        await append(event(other.id, 'sign_in', T0));
        expect(await security.recentSignIns(user.id, 10)).toEqual([]);
      });

      it('recentFailures() returns failed sign-ins at or after `since`, newest first, at most `limit`', async () => {
        const user = await newUser();
        const other = await newUser();
        await append(
          event(user.id, 'sign_in_failed', T0 - 1), // before the window
          event(user.id, 'sign_in_failed', T0), // exactly at `since`: counts
          event(user.id, 'sign_in_failed', T0 + 3 * MINUTE),
          event(user.id, 'sign_in_failed', T0 + MINUTE),
          event(user.id, 'sign_in', T0 + 2 * MINUTE), // a success is not a failure
          event(other.id, 'sign_in_failed', T0 + 2 * MINUTE),
        );
        expect(await security.recentFailures(user.id, T0, 10)).toEqual([T0 + 3 * MINUTE, T0 + MINUTE, T0]);
        expect(await security.recentFailures(user.id, T0, 2)).toEqual([T0 + 3 * MINUTE, T0 + MINUTE]);
        expect(await security.recentFailures(user.id, T0 + 4 * MINUTE, 10)).toEqual([]);
      });

      it('isKnownDevice() is true once the account signed in on the device, and only for that account', async () => {
        const user = await newUser();
        const other = await newUser();
        expect(await security.isKnownDevice(user.id, 'laptop-device')).toBe(false);
        await newSession(user.id, { deviceId: 'laptop-device' });
        expect(await security.isKnownDevice(user.id, 'laptop-device')).toBe(true);
        expect(await security.isKnownDevice(other.id, 'laptop-device')).toBe(false);
        expect(await security.isKnownDevice(user.id, 'LAPTOP-DEVICE')).toBe(false);
      });

      it('isKnownDevice() stays true after the session on it is revoked', async () => {
        const user = await newUser();
        const s = await newSession(user.id, { deviceId: 'old-device' });
        await store.revokeSession(s.id, user.id, 'sign_out', T0 + 1);
        expect(await security.isKnownDevice(user.id, 'old-device')).toBe(true);
      });
    });

    describe('sign-up requests (sign-up by mail)', () => {
      let n = 0;
      const request = (overrides: Partial<SignUpRequestRecord> = {}): SignUpRequestRecord => {
        n++;
        return {
          id: `sign-up-request-${n}-xxxxx`,
          email: `New.Person${n}@Example.com`,
          emailKey: `new.person${n}@example.com`,
          name: n % 2 ? 'Ada' : null,
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          secretHash: 'hash-of-link-secret',
          createdAt: T0,
          expiresAt: T0 + 24 * HOUR,
          usedAt: null,
          ...overrides,
        };
      };

      it('insertSignUpRequest() then findSignUpRequest() returns every field; an unknown id is null', async () => {
        const a = request();
        const b = request({ usedAt: T0 + 5 });
        for (const r of [a, b]) await security.insertSignUpRequest(r);
        expect(await security.findSignUpRequest(a.id)).toEqual(a);
        expect(await security.findSignUpRequest(b.id)).toEqual(b);
        expect(await security.findSignUpRequest('no-such-request-xxxxx')).toBeNull();
      });

      it('consumeSignUpRequest() spends a live request once, never after it expires, and exactly one of racing uses wins', async () => {
        const live = request();
        const expiring = request();
        const raced = request();
        for (const r of [live, expiring, raced]) await security.insertSignUpRequest(r);
        expect(await security.consumeSignUpRequest(live.id, T0 + MINUTE)).toBe(true);
        expect(await security.consumeSignUpRequest(live.id, T0 + 2 * MINUTE)).toBe(false);
        expect((await security.findSignUpRequest(live.id))?.usedAt).toBe(T0 + MINUTE);
        expect(await security.consumeSignUpRequest(expiring.id, expiring.expiresAt)).toBe(false);
        expect((await security.findSignUpRequest(expiring.id))?.usedAt).toBeNull();
        expect(await security.consumeSignUpRequest('no-such-request-xxxxx', T0)).toBe(false);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => security.consumeSignUpRequest(raced.id, T0 + i)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('purgeSignUpRequests() deletes used and expired requests in bounded batches, and keeps live ones', async () => {
        const now = T0 + 1_000 * 24 * HOUR;
        const spent = [request({ usedAt: T0 + 1 }), request({ expiresAt: now }), request({ expiresAt: now - 1 })];
        const live = request({ createdAt: now - HOUR, expiresAt: now + HOUR });
        for (const r of [...spent, live]) await security.insertSignUpRequest(r);
        let purged = 0;
        for (let n = await security.purgeSignUpRequests(now, 1); n > 0; n = await security.purgeSignUpRequests(now, 1)) {
          expect(n).toBe(1);
          purged += n;
        }
        // Earlier tests of this suite left spent requests too: at least these three went.
        expect(purged).toBeGreaterThanOrEqual(3);
        for (const r of spent) expect(await security.findSignUpRequest(r.id)).toBeNull();
        expect(await security.findSignUpRequest(live.id)).toEqual(live);
      });
    });

    describe('single-use link tokens', () => {
      it('insertActionToken() then findActionToken() returns every field', async () => {
        const user = await newUser();
        const reset = tokenRecord(user.id);
        const report = tokenRecord(user.id, {
          purpose: 'report_session',
          sessionId: 'session-id-123456789x',
          expiresAt: T0 + 7 * 24 * HOUR,
        });
        const used = tokenRecord(user.id, { usedAt: T0 + 5 });
        for (const t of [reset, report, used]) await security.insertActionToken(t);
        expect(await security.findActionToken(reset.id)).toEqual(reset);
        expect(await security.findActionToken(report.id)).toEqual(report);
        expect(await security.findActionToken(used.id)).toEqual(used);
      });

      it('findActionToken() is null for an unknown id', async () => {
        expect(await security.findActionToken('no-such-token-xxxxxxx')).toBeNull();
      });

      it('consumeActionToken() spends a live token once and records when', async () => {
        const user = await newUser();
        const t = tokenRecord(user.id);
        await security.insertActionToken(t);
        expect(await security.consumeActionToken(t.id, T0 + MINUTE)).toBe(true);
        expect(await security.consumeActionToken(t.id, T0 + 2 * MINUTE)).toBe(false);
        expect((await security.findActionToken(t.id))?.usedAt).toBe(T0 + MINUTE);
      });

      it('consumeActionToken() is false from the moment the token expires, and leaves it unused', async () => {
        const user = await newUser();
        const t = tokenRecord(user.id);
        await security.insertActionToken(t);
        expect(await security.consumeActionToken(t.id, t.expiresAt)).toBe(false);
        expect(await security.consumeActionToken(t.id, t.expiresAt + HOUR)).toBe(false);
        expect((await security.findActionToken(t.id))?.usedAt).toBeNull();
        expect(await security.consumeActionToken(t.id, t.expiresAt - 1)).toBe(true);
      });

      it('consumeActionToken() is false for an unknown id', async () => {
        expect(await security.consumeActionToken('no-such-token-xxxxxxx', T0)).toBe(false);
      });

      it('of concurrent consumes of one token exactly one succeeds', async () => {
        const user = await newUser();
        const t = tokenRecord(user.id);
        await security.insertActionToken(t);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => security.consumeActionToken(t.id, T0 + i)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('consumeUserTokens() spends every unused token of the user for that purpose, and nothing else', async () => {
        const user = await newUser();
        const other = await newUser();
        const open = [tokenRecord(user.id), tokenRecord(user.id, { expiresAt: T0 + 2 * HOUR })];
        const spentEarlier = tokenRecord(user.id, { usedAt: T0 + 1 });
        const otherPurpose = tokenRecord(user.id, { purpose: 'report_session', sessionId: 'session-id-123456789x' });
        const otherUser = tokenRecord(other.id);
        for (const t of [...open, spentEarlier, otherPurpose, otherUser]) await security.insertActionToken(t);

        await security.consumeUserTokens(user.id, 'password_reset', T0 + 9);
        for (const t of open) {
          expect((await security.findActionToken(t.id))?.usedAt).toBe(T0 + 9);
          expect(await security.consumeActionToken(t.id, T0 + 10)).toBe(false);
        }
        expect((await security.findActionToken(spentEarlier.id))?.usedAt).toBe(T0 + 1);
        expect((await security.findActionToken(otherPurpose.id))?.usedAt).toBeNull();
        expect((await security.findActionToken(otherUser.id))?.usedAt).toBeNull();
      });
    });

    describe('password change required', () => {
      it('is off for a new account, on after it is set, off again after it is cleared', async () => {
        const user = await newUser();
        expect(await security.isPasswordChangeRequired(user.id)).toBe(false);
        await security.setPasswordChangeRequired(user.id, true);
        expect(await security.isPasswordChangeRequired(user.id)).toBe(true);
        await security.setPasswordChangeRequired(user.id, true);
        expect(await security.isPasswordChangeRequired(user.id)).toBe(true);
        await security.setPasswordChangeRequired(user.id, false);
        expect(await security.isPasswordChangeRequired(user.id)).toBe(false);
      });

      it("is one account's flag: setting it leaves others alone", async () => {
        const user = await newUser();
        const other = await newUser();
        await security.setPasswordChangeRequired(user.id, true);
        expect(await security.isPasswordChangeRequired(other.id)).toBe(false);
      });

      it('is off for an unknown account', async () => {
        expect(await security.isPasswordChangeRequired('no-such-user')).toBe(false);
        await security.setPasswordChangeRequired('no-such-user', true);
        expect(await security.isPasswordChangeRequired('no-such-user')).toBe(false);
      });

      it('a new password clears it: changePassword() answers "This wasn\'t me", with or without revocations', async () => {
        const user = await newUser();
        await security.setPasswordChangeRequired(user.id, true);
        await store.changePassword(user.id, 'new-hash', T0 + 1, null, 'password_changed');
        expect(await security.isPasswordChangeRequired(user.id)).toBe(false);
        await security.setPasswordChangeRequired(user.id, true);
        await store.changePassword(user.id, 'reset-hash', T0 + 2, { userId: user.id }, 'password_reset');
        expect(await security.isPasswordChangeRequired(user.id)).toBe(false);
      });
    });
  });
}
