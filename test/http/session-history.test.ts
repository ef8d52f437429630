/**
 * A session's own page (issue 14, item 9): GET /v1/me/sessions/{id}/history answers one session
 * of the caller, live or ended, with the addresses it was used from (the address the server
 * trusts: X-Forwarded-For only from a trusted proxy), its sign-in, re-authentications, the trust
 * changes of its device and its end. Any other id is the same 404.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { browserWith, harness, IP, ORIGIN, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const DEVICE_COOKIE = '__Host-sessiond-device';
/** Another address, placed by the GeoIP database in another country than London. */
const TOKYO = '1.0.16.1';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

interface History {
  session: { id: string; current: boolean; ip: string; device: { name: string } };
  ended: { at: string; reason: string } | null;
  addresses: {
    ip: string;
    location: { city: string | null; country: string | null; approximate: true };
    first_seen_at: string;
    last_seen_at: string;
  }[];
  events: {
    kind: string;
    session_id: string | null;
    at: string;
    second_factor?: string;
    actor: { kind: string; current: boolean } | null;
    reason: string | null;
  }[];
}

describe.each(ENGINES)('GET /v1/me/sessions/{id}/history (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine, { signInAccountLimit: '50/15m' });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function account(tag: string): Promise<string> {
    const e = email(tag);
    expect((await h.signUp(e)).statusCode).toBe(201);
    return e;
  }

  const history = (b: Browser, id: string) => b.request({ method: 'GET', url: `/v1/me/sessions/${id}/history` });
  const historyOf = async (b: Browser, id: string): Promise<History> => {
    const res = await history(b, id);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('lists each address a session was used from, through a trusted proxy, with its place, first and last seen', async () => {
    const e = await account('addresses');
    const phone = await h.browserSignIn(e, { ua: UA.iphoneSafari, ip: IP.london });
    const laptop = await h.browserSignIn(e, { ua: UA.macChrome, ip: IP.london });
    const signedInAt = new Date(h.clock.now()).toISOString();
    h.clock.advance(5_000);
    // The phone moves: its requests now come from another address (the proxy says so).
    expect((await phone.request({ method: 'GET', url: '/v1/me/session', headers: { 'x-forwarded-for': TOKYO } })).statusCode).toBe(200);
    const movedAt = new Date(h.clock.now()).toISOString();
    // A peer that is not a trusted proxy: its X-Forwarded-For is not believed, its own address is.
    h.clock.advance(1_000);
    const direct = await h.app.inject({
      method: 'GET',
      url: '/v1/me/session',
      remoteAddress: '203.0.113.50',
      headers: { cookie: `${COOKIE}=${phone.cookie}`, 'x-forwarded-for': '198.51.100.66' },
    });
    expect(direct.statusCode).toBe(200);
    await h.registry.sessions.flushAddresses();

    const seen = await historyOf(laptop, phone.sessionId);
    expect(seen.session).toMatchObject({ id: phone.sessionId, current: false, ip: IP.london });
    expect(seen.ended).toBeNull();
    const tokyo = h.registry.geo.locate(TOKYO);
    expect(tokyo.country).not.toBe('GB');
    expect(seen.addresses.map((a) => a.ip)).toEqual(['203.0.113.50', TOKYO, IP.london]);
    expect(seen.addresses[1]).toEqual({
      ip: TOKYO,
      location: { city: tokyo.city, region: tokyo.region, country: tokyo.country, approximate: true },
      first_seen_at: movedAt,
      last_seen_at: movedAt,
    });
    expect(seen.addresses[2]).toMatchObject({ location: { city: 'London', country: 'GB' }, first_seen_at: signedInAt });
    expect(JSON.stringify(seen)).not.toContain('198.51.100.66');
    // Its sign-in, recorded as done without two-step verification.
    expect(seen.events.map((ev) => ev.kind)).toContain('sign_in');
    expect(seen.events.find((ev) => ev.kind === 'sign_in')).not.toHaveProperty('second_factor');

    // The same address again within a minute writes nothing new; after it, last seen moves.
    h.clock.advance(61_000);
    await phone.request({ method: 'GET', url: '/v1/me/sessions', headers: { 'x-forwarded-for': TOKYO } });
    await h.registry.sessions.flushAddresses();
    const later = await historyOf(phone, phone.sessionId);
    expect(later.session.current).toBe(true);
    expect(later.addresses[0]).toMatchObject({ ip: TOKYO, first_seen_at: movedAt, last_seen_at: new Date(h.clock.now()).toISOString() });
  });

  it("answers the same 404 for another user's session, an unknown id and a malformed one", async () => {
    const mine = await h.browserSignIn(await account('mine'));
    const theirs = await h.browserSignIn(await account('theirs'));
    const answers = await Promise.all(
      [theirs.sessionId, 'AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', '%3Cscript%3E'].map((id) => history(mine, id)),
    );
    for (const res of answers) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No such session.' } });
    }
    // The owner still sees it, and nobody without a session sees anything.
    expect((await history(theirs, theirs.sessionId)).statusCode).toBe(200);
    expect((await h.request({ method: 'GET', url: `/v1/me/sessions/${theirs.sessionId}/history` })).statusCode).toBe(401);
  });

  it('shows a re-authentication, under the id the session carries on with; any id it had names it', async () => {
    const e = await account('reauth');
    const b = await h.browserSignIn(e);
    const first = b.sessionId;
    h.clock.advance(60_000);
    // Every request from where it signed in: an address noted from anywhere else could be written
    // by the background flush at any moment between two reads.
    const fromLondon = { 'x-forwarded-for': IP.london };
    const res = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD }, headers: fromLondon });
    expect(res.statusCode, res.body).toBe(200);
    expect(b.sessionId).not.toBe(first);
    await h.registry.sessions.flushAddresses();
    const historyFromLondon = async (id: string): Promise<History> => {
      const answer = await b.request({ method: 'GET', url: `/v1/me/sessions/${id}/history`, headers: fromLondon });
      expect(answer.statusCode, answer.body).toBe(200);
      // The flush that may come at any moment comes now: what it writes must change nothing.
      await h.registry.sessions.flushAddresses();
      return answer.json();
    };
    const now = await historyFromLondon(b.sessionId);
    expect(now.session).toMatchObject({ id: b.sessionId, current: true });
    expect(now.events.map((ev) => ev.kind)).toEqual(['reauthenticated', 'sign_in']);
    expect(now.events[0]).toMatchObject({ session_id: b.sessionId, actor: { kind: 'session', current: true } });
    expect(now.events[1]).toMatchObject({ session_id: first });
    expect(now.addresses.map((a) => a.ip)).toEqual([IP.london]);
    expect(await historyFromLondon(first)).toEqual(now);
    // The Activity page's timeline has the same entry, in the same shape.
    const timeline = (await b.request({ method: 'GET', url: '/v1/me/security-events' })).json();
    expect(timeline.events[0]).toEqual(now.events[0]);
  });

  it("shows its sign-in's code step, the trust and untrust of its device, and a later sign-in that skipped the code", async () => {
    const e = await account('trust');
    const setup = await h.browserSignIn(e);
    const code = (secret: string) =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() });
    const { secret } = (await setup.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).json();
    expect((await setup.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: code(secret) } })).statusCode).toBe(200);
    h.clock.advance(30_000);

    const headers = { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london };
    const step1 = await h.request({ method: 'POST', url: '/v1/auth/sign-in', headers, payload: { email: e, password: PASSWORD } });
    const step2 = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers,
      payload: { mfa_token: step1.json().mfa_token, code: code(secret), remember_device: true },
    });
    expect(step2.statusCode, step2.body).toBe(200);
    const device = step2.cookies.find((c) => c.name === DEVICE_COOKIE)!.value;
    const mac = browserWith(step2.cookies.find((c) => c.name === COOKIE)!.value, h.request, [`${DEVICE_COOKIE}=${device}`]);
    h.clock.advance(60_000);
    expect((await mac.request({ method: 'DELETE', url: `/v1/me/sessions/${mac.sessionId}/trust` })).statusCode).toBe(204);

    const seen = await historyOf(mac, mac.sessionId);
    // Remembered at the code step: trusted at the sign-in's very moment.
    expect(seen.events.map((ev) => ev.kind)).toEqual(['device_untrusted', expect.any(String), expect.any(String)]);
    expect(
      seen.events
        .slice(1)
        .map((ev) => ev.kind)
        .sort(),
    ).toEqual(['device_trusted', 'sign_in']);
    expect(seen.events.find((ev) => ev.kind === 'sign_in')).toMatchObject({ second_factor: 'totp' });
    // Device ids never leave the server.
    const stored = (await h.registry.store.findSession(mac.sessionId))!.session.deviceId!;
    expect(JSON.stringify(seen)).not.toContain(stored);
    expect(JSON.stringify(seen)).not.toContain(device);
    // Another session's history does not have this device's trust changes.
    expect((await historyOf(setup, setup.sessionId)).events.map((ev) => ev.kind)).toEqual(['sign_in']);

    // Trusted again, the next sign-in on this browser skips the code, and says so.
    h.clock.advance(30_000);
    const reauth = await mac.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { code: code(secret) } });
    expect(reauth.statusCode, reauth.body).toBe(200);
    expect((await mac.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} })).statusCode).toBe(200);
    h.clock.advance(60_000);
    const again = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { ...headers, cookie: `${DEVICE_COOKIE}=${device}` },
      payload: { email: e, password: PASSWORD },
    });
    expect(again.json()).not.toHaveProperty('mfa_required');
    const skipped = browserWith(again.cookies.find((c) => c.name === COOKIE)!.value, h.request, [`${DEVICE_COOKIE}=${device}`]);
    const signIn = (await historyOf(skipped, skipped.sessionId)).events.find((ev) => ev.kind === 'sign_in');
    expect(signIn).toMatchObject({ second_factor: 'trusted_device' });
  });

  it('answers an ended session with when and why it ended and by whom, alone or with others', async () => {
    const e = await account('ended');
    const keeper = await h.browserSignIn(e, { ua: UA.macChrome });
    const phone = await h.browserSignIn(e, { ua: UA.iphoneSafari });
    const tablet = await h.browserSignIn(e, { ua: UA.windowsChrome });
    h.clock.advance(60_000);
    expect((await keeper.request({ method: 'DELETE', url: `/v1/me/sessions/${phone.sessionId}` })).statusCode).toBe(204);
    const endedAt = new Date(h.clock.now()).toISOString();
    const one = await historyOf(keeper, phone.sessionId);
    expect(one.ended).toEqual({ at: endedAt, reason: 'revoked_by_user' });
    expect(one.session).toMatchObject({ id: phone.sessionId, current: false });
    expect(one.events[0]).toMatchObject({
      kind: 'session_revoked',
      session_id: phone.sessionId,
      actor: { kind: 'session', current: true },
    });

    h.clock.advance(60_000);
    expect((await keeper.request({ method: 'POST', url: '/v1/me/sessions/revoke-others', payload: {} })).statusCode).toBe(200);
    const bulk = await historyOf(keeper, tablet.sessionId);
    expect(bulk.ended).toMatchObject({ reason: 'revoke_others' });
    expect(bulk.events.map((ev) => ev.kind)).toEqual(['sessions_revoked', 'sign_in']);
    expect(bulk.events[0]).toMatchObject({ reason: 'revoke_others', actor: { kind: 'session', current: true } });
    // The ended session itself gets only the 401 its token now earns.
    expect((await history(tablet, tablet.sessionId)).statusCode).toBe(401);
  });

  it('is in /openapi.json with its schema, tag and operationId', async () => {
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/v1/me/sessions/{id}/history'].get;
    expect(op).toMatchObject({ operationId: 'getMySessionHistory', tags: ['me'] });
    expect(op.responses['200'].content['application/json'].schema).toBeDefined();
    expect(op.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });
});
