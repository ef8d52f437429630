/**
 * The whole list of one's sessions (`GET /v1/me/sessions` without `limit`) is built from views
 * this node keeps per session and from what Sessions last read of the user's sessions (issue 13):
 * what a user sees must still be exactly what the schema says and as fresh as before.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionOrigin } from '../../src/core/session.js';
import { newId } from '../../src/core/token.js';
import { ENGINES } from '../support/databases.js';
import { harness, type Browser, type Harness } from '../support/harness.js';

let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

/** Places and devices with characters JSON must escape, and ones it must not touch. */
const ORIGINS: SessionOrigin[] = [
  {
    ip: '198.51.100.7',
    userAgent: 'quoted',
    device: { name: 'Ana\'s "work" laptop \\ 2', os: 'Linux', browser: 'Firefox 133', type: 'desktop' },
    location: { city: 'São Paulo', region: 'São Paulo', country: 'BR', latitude: null, longitude: null },
    deviceId: 'device-quoted-0001',
  },
  {
    ip: '2001:db8::1',
    userAgent: 'unicode',
    device: { name: 'Téléphone 📱 de Zoë', os: 'iOS 17.4', browser: null, type: 'mobile' },
    location: { city: 'Zürich', region: null, country: 'CH', latitude: null, longitude: null },
    deviceId: null,
  },
  {
    ip: '192.0.2.44',
    userAgent: 'control',
    device: { name: 'tab\there\nnewline', os: 'Unknown OS', browser: null, type: 'unknown' },
    location: { city: null, region: null, country: null, latitude: null, longitude: null },
    deviceId: 'device-control-0001',
  },
];

describe.each(ENGINES)('The whole session list (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const whole = (b: Browser) => b.request({ method: 'GET', url: '/v1/me/sessions' });
  const ids = async (b: Browser) => {
    const res = await whole(b);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().sessions as { id: string }[]).map((s) => s.id);
  };
  async function userId(e: string): Promise<string> {
    return (await h.registry.store.findUserByEmailKey(e))!.id;
  }
  /** Sessions of the user from several places, each a second after the last, as if signed in elsewhere. */
  async function signedInElsewhere(user: string, count: number): Promise<string[]> {
    const made: string[] = [];
    for (let i = 0; i < count; i++) {
      h.clock.advance(1_000);
      made.push(
        (await h.registry.sessions.createSession(user, i % 2 ? 'mobile' : 'web', 'password', ORIGINS[i % ORIGINS.length]!)).session.id,
      );
    }
    return made;
  }

  it('is byte for byte what the schema serialises: the same bytes as one page holding every session', async () => {
    const e = email('bytes');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    await signedInElsewhere(await userId(e), 7);
    h.clock.advance(1_000);
    // Twice: the second answer comes from what the first kept.
    for (let i = 0; i < 2; i++) {
      const all = await whole(b);
      const page = await b.request({ method: 'GET', url: '/v1/me/sessions?limit=200' });
      expect(all.statusCode, all.body).toBe(200);
      expect(page.statusCode, page.body).toBe(200);
      expect(all.headers['content-type']).toBe(page.headers['content-type']);
      expect(all.json().sessions).toHaveLength(8);
      expect(all.body).toBe(page.body.replace(/,"next_cursor":null\}$/, '}'));
      expect(all.body).toContain('Ana\'s \\"work\\" laptop \\\\ 2');
      expect(all.body).toContain('tab\\there\\nnewline');
    }
  });

  it('shows a session signed in after the list was read, and no longer shows one that was ended', async () => {
    const e = email('fresh');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const [first] = await signedInElsewhere(await userId(e), 1);
    expect(await ids(b)).toEqual([b.sessionId, first]);
    // Less than a second later: nothing waits for what the list read to age.
    h.clock.advance(10);
    const phone = await h.bearerSignIn(e);
    const phoneId = phone.split('.')[0]!;
    expect(await ids(b)).toEqual([b.sessionId, phoneId, first]);
    const ended = await b.request({ method: 'DELETE', url: `/v1/me/sessions/${first}` });
    expect(ended.statusCode, ended.body).toBe(204);
    expect(await ids(b)).toEqual([b.sessionId, phoneId]);
    // Ended from the session itself, elsewhere: gone from the list at once too.
    const out = await h.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', headers: { authorization: `Bearer ${phone}` } });
    expect(out.statusCode, out.body).toBe(200);
    expect((await whole(b)).statusCode).toBe(401);
  });

  it('shows activity once a session is used again, and marks as current whichever session asks', async () => {
    const e = email('touch');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const phone = await h.bearerSignIn(e);
    const phoneId = phone.split('.')[0]!;
    const before = (await whole(b)).json().sessions as { id: string; last_active_at: string; current: boolean }[];
    expect(before.map((s) => [s.id, s.current])).toEqual([
      [b.sessionId, true],
      [phoneId, false],
    ]);
    h.clock.advance(5 * 60_000);
    const used = await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${phone}` } });
    expect(used.statusCode, used.body).toBe(200);
    const asPhone = await h.request({ method: 'GET', url: '/v1/me/sessions', headers: { authorization: `Bearer ${phone}` } });
    const listed = asPhone.json().sessions as { id: string; last_active_at: string; current: boolean }[];
    expect(listed.map((s) => [s.id, s.current])).toEqual([
      [phoneId, true],
      [b.sessionId, false],
    ]);
    expect(listed[0]!.last_active_at).toBe(new Date(h.clock.now()).toISOString());
    const asBrowser = (await whole(b)).json().sessions as { id: string; last_active_at: string; current: boolean }[];
    expect(asBrowser.find((s) => s.id === phoneId)).toMatchObject({
      current: false,
      last_active_at: new Date(h.clock.now()).toISOString(),
    });
  });

  it('shows a session another node issued within a second', async () => {
    const e = email('other-node');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    expect(await ids(b)).toEqual([b.sessionId]);
    // Another node writes the session to the database; nothing on this node hears of it.
    const now = h.clock.now();
    const id = newId({ randomBytes: (size) => randomBytes(size), sha256: () => '' });
    await h.registry.store.insertSession({
      id,
      userId: await userId(e),
      secretHash: 'x'.repeat(43),
      clientId: 'web',
      authMethod: 'password',
      deviceId: null,
      device: ORIGINS[1]!.device,
      ip: ORIGINS[1]!.ip,
      location: ORIGINS[1]!.location,
      userAgent: null,
      signedInAt: now,
      lastActiveAt: now,
      expiresAt: now + h.registry.sessions.policy.maxAgeMs,
      trusted: false,
      deviceTrustedUntil: null,
      revokedAt: null,
      revokeReason: null,
      passwordChangeRequired: false,
    });
    h.clock.advance(1_000);
    expect(await ids(b)).toEqual([b.sessionId, id]);
  });
});
