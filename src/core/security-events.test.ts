/**
 * The security timeline's shared rules: the opaque page cursor a client sends back (anything that
 * is not one this server could have issued is refused, never a crash), paging a real account's
 * timeline with it, the address an actor acted from, and the empty event callers fill in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { actorIp, blankEvent, decodeCursor, encodeCursor, SECURITY_EVENT_KINDS, type Actor, type EventCursor } from './security-events.js';
import { newId } from './token.js';
import { context, LONDON, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

/** Base64url of arbitrary text, as a client could forge it. */
const forge = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const ID = 'Ab0-_zY9xW8vU7tS6rQ5pO';

describe('event cursors', () => {
  it.each([
    // Timestamps of every length from 1 to 16 digits, so the encoded text ends on each of the
    // three byte boundaries of base64.
    0,
    7,
    42,
    1_714,
    86_400_000,
    1_777_629_600_000,
    12_345_678_901_234,
    Number.MAX_SAFE_INTEGER,
  ])('reads back a cursor it issued for at=%d', (at) => {
    const cursor: EventCursor = { at, id: ID };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it('reads back cursors for ids of every base64url character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < alphabet.length; i += 22) {
      const id = alphabet.slice(i, i + 22).padEnd(22, '_');
      expect(decodeCursor(encodeCursor({ at: 1_777_629_600_000, id }))).toEqual({ at: 1_777_629_600_000, id });
    }
    for (let i = 0; i < 50; i++) {
      const id = newId(nodeCrypto);
      expect(decodeCursor(encodeCursor({ at: i, id }))).toEqual({ at: i, id });
    }
  });

  it('issues the same opaque text for the same position, base64url of `<at>.<id>`, so cursors outlive a restart', () => {
    expect(encodeCursor({ at: 1_714, id: ID })).toBe(forge(`1714.${ID}`));
    expect(decodeCursor(forge(`1714.${ID}`))).toEqual({ at: 1_714, id: ID });
  });

  it.each([
    ['empty', ''],
    ['not base64url: padding', `${forge(`1714.${ID}`)}=`],
    ['not base64url: standard alphabet', forge(`1714.${ID}`).replace(/^./, '+')],
    ['not base64url: a dot', `${forge('1714')}.${ID}`],
    ['not base64url: whitespace', ` ${forge(`1714.${ID}`)}`],
    ['longer than any cursor', 'A'.repeat(65)],
    ['a length no base64 has', `${forge(`1714.${ID}`)}A`],
    ['a length no base64 has, short', 'A'],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')],
    ['no dot', forge(`1714${ID}`)],
    ['no timestamp', forge(`.${ID}`)],
    ['a negative timestamp', forge(`-1714.${ID}`)],
    ['a fractional timestamp', forge(`17.14.${ID}`)],
    ['a timestamp with a sign', forge(`+1714.${ID}`)],
    ['a timestamp in hex', forge(`0x1714.${ID}`)],
    ['a timestamp of 17 digits', forge(`12345678901234567.${ID}`)],
    ['a timestamp past safe integers', forge(`9007199254740993.${ID}`)],
    ['an id one short', forge(`1714.${ID.slice(1)}`)],
    ['an id one long', forge(`1714.${ID}A`)],
    ['an id with a character outside base64url', forge(`1714.${ID.slice(1)}+`)],
    ['leading text', forge(`x1714.${ID}`)],
    ['trailing text', forge(`1714.${ID}\n`)],
    ['only the id', forge(ID)],
  ])('refuses a cursor with %s', (_what, text) => {
    expect(decodeCursor(text)).toBeNull();
  });

  it('accepts the largest safe timestamp and a one-digit one, the bounds of the cursor text', () => {
    expect(decodeCursor(forge(`9007199254740991.${ID}`))).toEqual({ at: 9_007_199_254_740_991, id: ID });
    expect(decodeCursor(forge(`9999999999999999.${ID}`))).toBeNull();
    expect(decodeCursor(forge(`5.${ID}`))).toEqual({ at: 5, id: ID });
    // The longest text the cursor alphabet allows is 64 characters.
    const long = forge(`1234567890123456.${ID}`);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(decodeCursor(long)).toEqual({ at: 1_234_567_890_123_456, id: ID });
  });
});

describe('paging a timeline with cursors', () => {
  let u: UseCases;
  beforeEach(async () => {
    u = await useCases();
  });
  afterEach(async () => u.close());

  it('walks every event once, newest first, with the cursor a client sends back as text', async () => {
    const user = await u.accounts.signUp({ email: 'pager@example.com', password: PASSWORD });
    const self: Actor = { kind: 'session', sessionId: 'x', ip: '203.0.113.9' };
    for (let i = 0; i < 3; i++) {
      await u.signIn.withPassword(
        { email: 'pager@example.com', password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
        context({ deviceId: `device-${String(i).padStart(17, '0')}` }),
      );
      u.clock.advance(1_000);
    }
    await u.revocation.endAllSessions(user.id, self);
    await u.idle();
    const all = (await u.signals.listEvents(user.id, null, 100)).events;
    // Each sign-in after the first also records a new device in the same millisecond, so pages of
    // two end inside a tie, which only the id in the cursor breaks.
    expect(all).toHaveLength(6);
    expect(all[1]!.at).toBe(all[2]!.at);
    expect(all[3]!.at).toBe(all[4]!.at);

    const walked: string[] = [];
    let text: string | null = null;
    do {
      const cursor: EventCursor | null = text === null ? null : decodeCursor(text);
      if (text !== null) expect(cursor).not.toBeNull();
      const page = await u.signals.listEvents(user.id, cursor, 2);
      expect(page.events.length).toBeLessThanOrEqual(2);
      walked.push(...page.events.map((e) => e.id));
      text = page.next ? encodeCursor(page.next) : null;
    } while (text !== null);
    expect(walked).toEqual(all.map((e) => e.id));
    expect(new Set(walked).size).toBe(walked.length);
    const times = all.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('names, once each, every kind of event the use cases record (the API schema lists exactly these)', async () => {
    const email = 'kinds@example.com';
    const user = await u.accounts.signUp({ email, password: PASSWORD });
    const signIn = (i: number) =>
      u.signIn.withPassword(
        { email, password: PASSWORD, clientId: 'web', transport: 'cookie', device: null },
        context({ deviceId: `device-${String(i).padStart(17, '0')}` }),
      );
    const issued = [];
    for (let i = 0; i < 4; i++) {
      const result = await signIn(i);
      if (result.kind !== 'session') throw new Error('no session');
      issued.push(result.session);
    }
    await expect(
      u.signIn.withPassword(
        { email, password: 'wrong password, quite long', clientId: 'web', transport: 'cookie', device: null },
        context(),
      ),
    ).rejects.toThrow();
    const self: Actor = { kind: 'session', sessionId: issued[0]!.id, ip: '203.0.113.9' };
    await u.revocation.endSession(user.id, issued[1]!.id, self);
    await u.accounts.changePassword(
      user.id,
      { currentPassword: PASSWORD, newPassword: `${PASSWORD} and more`, keepSessionId: issued[0]!.id, signOutOthers: false },
      { actor: self, place: LONDON },
    );
    await u.revocation.endOtherSessions(user.id, issued[0]!.id, self);
    const renewed = await u.revocation.rotateSession(user.id, issued[0]!.id, self, 'reauthenticated');
    await u.revocation.reportSession(user.id, renewed.session.session.id, { ...self, sessionId: renewed.session.session.id });
    await u.idle();
    const recorded = new Set((await u.signals.listEvents(user.id, null, 100)).events.map((e) => e.kind));
    expect([...recorded].sort()).toEqual(
      [
        'sign_in',
        'new_device',
        'sign_in_failed',
        'session_revoked',
        'password_changed',
        'sessions_revoked',
        'reauthenticated',
        'session_reported',
      ].sort(),
    );
    for (const kind of recorded) expect(SECURITY_EVENT_KINDS).toContain(kind);
    expect(new Set(SECURITY_EVENT_KINDS).size).toBe(SECURITY_EVENT_KINDS.length);
  });
});

describe('actors and blank events', () => {
  it.each<[Actor, string | null]>([
    [{ kind: 'session', sessionId: 's', ip: '203.0.113.9' }, '203.0.113.9'],
    [{ kind: 'session', sessionId: 's', ip: null }, null],
    [{ kind: 'admin', adminId: 'a', ip: '198.51.100.7' }, '198.51.100.7'],
    [{ kind: 'link', ip: '192.0.2.1' }, '192.0.2.1'],
    [{ kind: 'policy', policy: 'password_expiry' }, null],
    [{ kind: 'system' }, null],
  ])('gives the address %j acted from', (actor, ip) => {
    expect(actorIp(actor)).toBe(ip);
  });

  it('starts an event with what the caller gave and every optional field empty', () => {
    expect(blankEvent('e1', 'u1', 'password_changed', 1_714)).toEqual({
      id: 'e1',
      userId: 'u1',
      kind: 'password_changed',
      at: 1_714,
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
    });
  });
});
