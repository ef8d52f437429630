/**
 * Ending sessions on real parts: each use case ends exactly what it says, tells the node's cache
 * at once, and records what ended — with the ended session's device, app, place and address —
 * and who ended it. Also the one recorder: a failing sink never fails a use case.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Background } from './background.js';
import { Recorder, type DomainEvent } from './events.js';
import { defaultReason } from './revocation.js';
import type { Actor } from './security-events.js';
import { context, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

async function userWithSessions(count: number) {
  const e = `owner-${++n}@example.com`;
  const user = await u.accounts.signUp({ email: e, password: PASSWORD });
  const sessions = [];
  for (let i = 0; i < count; i++) {
    const issued = await u.signIn.withPassword(
      { email: e, password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
      context({ deviceId: `device-${String(i).padStart(17, '0')}` }),
    );
    if (issued.kind !== 'session') throw new Error('no session');
    sessions.push(issued);
  }
  u.events.length = 0;
  // Later than the sign-ins, so the timeline's newest-first order is the order of the test.
  u.clock.advance(1_000);
  return { user, sessions };
}

const self = (sessionId: string): Actor => ({ kind: 'session', sessionId, ip: '203.0.113.9' });
const timeline = async (userId: string) => (await u.signals.listEvents(userId, null, 100)).events;

describe('Revocation', () => {
  it('ends one session, refuses its token at once, and names it on the timeline with who did it', async () => {
    const { user, sessions } = await userWithSessions(2);
    const [mine, other] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
    const ended = await u.revocation.endSession(user.id, other.session.id, self(mine.session.id));
    expect(ended).toMatchObject({ id: other.session.id, clientId: 'web', ip: '81.2.69.160', device: { name: 'Mac' } });
    expect(await u.sessions.validateSessionToken(other.token)).toBeNull();
    expect(await u.sessions.validateSessionToken(mine.token)).not.toBeNull();
    expect(u.events).toEqual([
      expect.objectContaining({ type: 'session_ended', userId: user.id, reason: 'revoked_by_user', actor: self(mine.session.id) }),
    ]);
    const [entry] = await timeline(user.id);
    // The ended session's device, app, place and address; the actor's address stays with the actor.
    expect(entry).toMatchObject({
      kind: 'session_revoked',
      sessionId: other.session.id,
      reason: 'revoked_by_user',
      ip: '81.2.69.160',
      clientId: 'web',
      device: { name: 'Mac', os: 'macOS' },
      location: { city: 'London', country: 'GB' },
      actor: { kind: 'session', sessionId: mine.session.id, ip: '203.0.113.9' },
    });
  });

  it('answers null for another user’s, an unknown or an already ended session, and changes nothing', async () => {
    const { user, sessions } = await userWithSessions(1);
    const { user: stranger } = await userWithSessions(0);
    const id = sessions[0]!.session.id;
    expect(await u.revocation.endSession(stranger.id, id, self('x'))).toBeNull();
    expect(await u.sessions.validateSessionToken(sessions[0]!.token)).not.toBeNull();
    expect(await u.revocation.endSession(user.id, 'AAAAAAAAAAAAAAAAAAAAAA', self('x'))).toBeNull();
    expect(await u.revocation.endSession(user.id, id, self(id))).not.toBeNull();
    expect(await u.revocation.endSession(user.id, id, self(id))).toBeNull();
    expect(u.events.map((e) => e.type)).toEqual(['revocation_refused', 'revocation_refused', 'session_ended', 'revocation_refused']);
    expect((await timeline(user.id)).filter((e) => e.kind === 'session_revoked')).toHaveLength(1);
  });

  it('ends every other session, or all, in one step, and records the count and the actor', async () => {
    const { user, sessions } = await userWithSessions(4);
    const keep = sessions[0]!;
    expect(await u.revocation.endOtherSessions(user.id, keep.session.id, self(keep.session.id))).toBe(3);
    for (const s of sessions.slice(1)) expect(await u.sessions.validateSessionToken(s.token)).toBeNull();
    expect(await u.sessions.validateSessionToken(keep.token)).not.toBeNull();
    u.clock.advance(1_000);
    expect(await u.revocation.endAllSessions(user.id, self(keep.session.id))).toBe(1);
    expect(await u.sessions.validateSessionToken(keep.token)).toBeNull();
    expect(u.events).toEqual([
      expect.objectContaining({ type: 'sessions_ended', scope: 'others', count: 3, reason: 'revoke_others' }),
      expect.objectContaining({ type: 'sessions_ended', scope: 'all', count: 1, reason: 'revoke_all' }),
    ]);
    const bulk = (await timeline(user.id)).filter((e) => e.kind === 'sessions_revoked');
    expect(bulk.map((e) => [e.reason, e.count, e.ip])).toEqual([
      ['revoke_all', 1, '203.0.113.9'],
      ['revoke_others', 3, '203.0.113.9'],
    ]);
  });

  it('ends the sessions a selector names for an admin, with the admin as actor', async () => {
    const { user, sessions } = await userWithSessions(2);
    const admin: Actor = { kind: 'admin', adminId: 'admin-1', ip: '198.51.100.7' };
    expect(await u.revocation.endMatching({ userId: user.id }, admin, 'admin')).toBe(2);
    for (const s of sessions) expect(await u.sessions.validateSessionToken(s.token)).toBeNull();
    expect(u.events).toEqual([expect.objectContaining({ type: 'sessions_ended', scope: 'matching', reason: 'admin', actor: admin })]);
  });

  it('"This wasn\'t me": ends the session, blocks sign-in until the password changes, and records the report once', async () => {
    const { user, sessions } = await userWithSessions(2);
    const [mine, reported] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
    expect(await u.revocation.reportSession(user.id, reported.session.id, self(mine.session.id))).toBe(true);
    expect(await u.sessions.validateSessionToken(reported.token)).toBeNull();
    expect(await u.store.isPasswordChangeRequired(user.id)).toBe(true);
    expect(u.events.map((e) => e.type)).toEqual(['session_reported']);
    const entries = await timeline(user.id);
    expect(entries[0]).toMatchObject({
      kind: 'session_reported',
      sessionId: reported.session.id,
      ip: '81.2.69.160',
      device: { name: 'Mac' },
    });
    expect(entries.filter((e) => e.kind === 'session_revoked')).toHaveLength(0);
    // A second report of the same (now ended) session is a 404 for the caller.
    expect(await u.revocation.reportSession(user.id, reported.session.id, self(mine.session.id))).toBe(false);
  });

  it('"This wasn\'t me" from a session holds the reporter to the password change; only the change releases it', async () => {
    const { user, sessions } = await userWithSessions(3);
    const [mine, reported, bystander] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
    // Cached on this node before the report: the hold must not wait for the cache to age out.
    expect((await u.sessions.validateSessionToken(mine.token))?.session.passwordChangeRequired).toBe(false);
    expect(await u.revocation.reportSession(user.id, reported.session.id, self(mine.session.id))).toBe(true);
    expect((await u.sessions.validateSessionToken(mine.token))?.session.passwordChangeRequired).toBe(true);
    // Only the reporter: another session of the account is not held.
    expect((await u.sessions.validateSessionToken(bystander.token))?.session.passwordChangeRequired).toBe(false);

    await u.accounts.changePassword(
      user.id,
      { currentPassword: PASSWORD, newPassword: 'a brand new long passphrase here', keepSessionId: mine.session.id, signOutOthers: false },
      {
        actor: self(mine.session.id),
        place: { ip: '203.0.113.9', location: { city: null, region: null, country: null, latitude: null, longitude: null } },
      },
    );
    expect((await u.sessions.validateSessionToken(mine.token))?.session.passwordChangeRequired).toBe(false);
    expect(await u.store.isPasswordChangeRequired(user.id)).toBe(false);
  });

  it('reports from a mail link: spent once, and the report stands even if the session already ended', async () => {
    const { user, sessions } = await userWithSessions(1);
    const s = sessions[0]!;
    await u.idle();
    // The first sign-in of an account sends no alert; issue a link the way the alert mail does.
    const { issueActionToken } = await import('./action-tokens.js');
    const { nodeCrypto } = await import('../adapters/crypto/node-crypto.js');
    const token = await issueActionToken(
      { store: u.store, clock: u.clock, crypto: nodeCrypto },
      user.id,
      'report_session',
      60_000,
      s.session.id,
    );
    await u.revocation.endSession(user.id, s.session.id, self(s.session.id));
    await u.revocation.reportSessionByLink(token, {
      ip: '192.0.2.1',
      location: { city: null, region: null, country: null, latitude: null, longitude: null },
    });
    expect(await u.store.isPasswordChangeRequired(user.id)).toBe(true);
    expect(u.events.at(-1)).toMatchObject({ type: 'session_reported', session: null, actor: { kind: 'link', ip: '192.0.2.1' } });
    await expect(
      u.revocation.reportSessionByLink(token, {
        ip: '192.0.2.1',
        location: { city: null, region: null, country: null, latitude: null, longitude: null },
      }),
    ).rejects.toMatchObject({ code: 'invalid_token' });
  });

  describe('rotateSession (a privilege change: ASVS 7.2.4, 7.4.3)', () => {
    it('replaces the id and secret: the old token is refused at once, even from the cache; the sign-in is kept', async () => {
      const { user, sessions } = await userWithSessions(1);
      const old = sessions[0]!;
      // Cached on this node: the rotation must not wait for the entry to age out.
      expect(await u.sessions.validateSessionToken(old.token)).not.toBeNull();
      u.clock.advance(60_000);
      await u.mfa.reauthenticate(user.id, old.session.id, { password: PASSWORD }, '203.0.113.9');
      const authenticatedAt = u.clock.now();
      u.clock.advance(1_000);

      const renewed = await u.revocation.rotateSession(user.id, old.session.id, self(old.session.id), 'reauthenticated');
      expect(renewed.revoked).toBe(0);
      const next = renewed.session;
      expect(next.token).not.toBe(old.token);
      expect(next.session.id).not.toBe(old.session.id);
      expect(await u.sessions.validateSessionToken(old.token)).toBeNull();
      const found = await u.sessions.validateSessionToken(next.token);
      const keep = ({ id: _i, secretHash: _s, lastActiveAt: _l, trusted: _t, ...rest }: typeof old.session) => rest;
      expect(keep(found!.session)).toEqual(keep(old.session));
      expect(found!.session.lastActiveAt).toBe(u.clock.now());
      // The recent authentication moves with it.
      expect(await u.mfa.lastAuthenticatedAt(found!.session)).toBe(authenticatedAt);
      // The list shows one session, the new one.
      expect((await u.sessions.listUserSessions(user.id, next.session.id)).map((s) => s.id)).toEqual([next.session.id]);
      expect(u.events.filter((e) => e.type === 'session_rotated')).toEqual([
        {
          type: 'session_rotated',
          at: u.clock.now(),
          userId: user.id,
          previousId: old.session.id,
          sessionId: next.session.id,
          session: expect.objectContaining({ id: next.session.id, device: old.session.device, clientId: old.session.clientId }),
          cause: 'reauthenticated',
          actor: self(old.session.id),
        },
      ]);
      // On the timeline as its cause, a re-authentication, about the id that carries on; the old id's end is not.
      const kinds = (await timeline(user.id)).map((e) => e.kind);
      expect(kinds).not.toContain('session_revoked');
      expect((await timeline(user.id)).filter((e) => e.kind === 'reauthenticated').map((e) => e.sessionId)).toEqual([next.session.id]);
    });

    it('with endOthers, ends every other session first and counts them', async () => {
      const { user, sessions } = await userWithSessions(3);
      const [mine, ...others] = sessions as [(typeof sessions)[0], ...typeof sessions];
      const renewed = await u.revocation.rotateSession(user.id, mine.session.id, self(mine.session.id), 'mfa_enabled', {
        endOthers: true,
      });
      expect(renewed.revoked).toBe(2);
      for (const s of [mine, ...others]) expect(await u.sessions.validateSessionToken(s.token)).toBeNull();
      expect(await u.sessions.validateSessionToken(renewed.session.token)).not.toBeNull();
      expect(u.events.map((e) => e.type)).toEqual(['sessions_ended', 'session_rotated']);
    });

    it('keeps a hold to the password change', async () => {
      const { user, sessions } = await userWithSessions(2);
      const [mine, reported] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
      await u.revocation.reportSession(user.id, reported.session.id, self(mine.session.id));
      const renewed = await u.revocation.rotateSession(user.id, mine.session.id, self(mine.session.id), 'reauthenticated');
      expect((await u.sessions.validateSessionToken(renewed.session.token))?.session.passwordChangeRequired).toBe(true);
    });

    it("refuses a session that has ended, or another user's (401 unauthenticated), and changes nothing", async () => {
      const { user, sessions } = await userWithSessions(1);
      const { user: stranger, sessions: theirs } = await userWithSessions(1);
      const s = sessions[0]!;
      await expect(u.revocation.rotateSession(stranger.id, s.session.id, self(s.session.id), 'reauthenticated')).rejects.toMatchObject({
        code: 'unauthenticated',
      });
      expect(await u.sessions.validateSessionToken(s.token)).not.toBeNull();
      await u.revocation.endSession(user.id, s.session.id, self(s.session.id));
      await expect(u.revocation.rotateSession(user.id, s.session.id, self(s.session.id), 'password_changed')).rejects.toMatchObject({
        code: 'unauthenticated',
      });
      expect(await u.sessions.validateSessionToken(theirs[0]!.token)).not.toBeNull();
      expect(u.events.filter((e) => e.type === 'session_rotated')).toEqual([]);
    });
  });

  it('derives the reason from who ends which session', () => {
    expect(defaultReason(self('a'), 'a')).toBe('sign_out');
    expect(defaultReason(self('a'), 'b')).toBe('revoked_by_user');
    expect(defaultReason({ kind: 'admin', adminId: 'x', ip: null }, 'b')).toBe('admin');
    expect(defaultReason({ kind: 'policy', policy: 'max_sessions' }, 'b')).toBe('policy');
    expect(defaultReason({ kind: 'system' }, 'b')).toBe('revoked_by_user');
  });
});

describe('Recorder', () => {
  it('runs every sink in order; a failing sink is reported and the others still run', async () => {
    const reported: unknown[] = [];
    const recorder = new Recorder(new Background((err) => reported.push(err)));
    const seen: string[] = [];
    recorder.add(() => {
      seen.push('first');
      throw new Error('timeline down');
    });
    const remove = recorder.add(async () => {
      seen.push('second');
    });
    const event: DomainEvent = {
      type: 'password_reset_requested',
      at: 0,
      userId: 'u',
      place: { ip: '1.2.3.4', location: { city: null, region: null, country: null, latitude: null, longitude: null } },
    };
    await recorder.record(event);
    expect(seen).toEqual(['first', 'second']);
    expect(reported).toHaveLength(1);
    remove();
    await recorder.record(event);
    expect(seen).toEqual(['first', 'second', 'first']);
  });
});
