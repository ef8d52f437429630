/** The Active sessions control: see, revoke one, revoke others, revoke all, change password. */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionOrigin } from '../../src/core/session.js';
import { ENGINES } from '../support/databases.js';
import { harness, IP, ORIGIN, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(ENGINES)('Active sessions (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const me = (headers: Record<string, string>) => h.request({ method: 'GET', url: '/v1/me/session', headers });
  const list = async (b: Browser) => {
    const res = await b.request({ method: 'GET', url: '/v1/me/sessions' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().sessions as Record<string, unknown>[];
  };
  async function userId(e: string): Promise<string> {
    return (await h.registry.store.findUserByEmailKey(e))!.id;
  }

  describe('GET /v1/me/session', () => {
    it('answers the current user and session, by cookie and by bearer', async () => {
      const e = email('me');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const res = await b.request({ method: 'GET', url: '/v1/me/session' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ user: { email: e }, session: { id: b.sessionId, current: true } });
      expect(res.headers['cache-control']).toBe('no-store');
      const token = await h.bearerSignIn(e);
      const viaBearer = await me(bearer(token));
      expect(viaBearer.json().session.id).toBe(token.split('.')[0]);
      expect(viaBearer.json().session.current).toBe(true);
    });

    it('answers 401 unauthenticated with no credential, an unknown token, or a wrong secret', async () => {
      const e = email('me401');
      await h.signUp(e);
      const token = await h.bearerSignIn(e);
      expectError(await me({}), 401, 'unauthenticated');
      expectError(await me(bearer('AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')), 401, 'unauthenticated');
      const wrongSecret = `${token.split('.')[0]}.${'C'.repeat(43)}`;
      expectError(await me(bearer(wrongSecret)), 401, 'unauthenticated');
      expectError(await me({ cookie: `${COOKIE}=${wrongSecret}` }), 401, 'unauthenticated');
    });
  });

  describe('GET /v1/me/sessions', () => {
    it('lists the current session first, then by most recent activity (not sign-in order)', async () => {
      const e = email('order');
      await h.signUp(e);
      const first = await h.browserSignIn(e, { ua: UA.windowsChrome });
      h.clock.advance(60_000);
      const second = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      h.clock.advance(60_000);
      const third = await h.browserSignIn(e, { ua: UA.macChrome });
      h.clock.advance(5 * 60_000);
      expect((await first.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200); // first is now the most recent
      h.clock.advance(60_000);
      const ids = (await list(second)).map((s) => s.id);
      expect(ids).toEqual([second.sessionId, first.sessionId, third.sessionId]);
      // Listing was activity of `second`, a minute after `first` was used.
      const fromThird = await list(third);
      expect(fromThird.map((s) => s.id)).toEqual([third.sessionId, second.sessionId, first.sessionId]);
      expect(fromThird.map((s) => s.current)).toEqual([true, false, false]);
    });

    it('describes each session as the contract says: device from the User-Agent, approximate place from X-Forwarded-For', async () => {
      const e = email('fields');
      await h.signUp(e);
      const phone = await h.browserSignIn(e, { ua: UA.iphoneSafari, ip: IP.london });
      const token = await h.bearerSignIn(e, { clientId: 'mobile', device: { name: 'Pixel 8', os: 'Android 15' }, ip: IP.mountainView });
      const sessions = await list(phone);
      expect(sessions).toHaveLength(2);
      const [current, app] = sessions as [Record<string, unknown>, Record<string, unknown>];
      expect(current).toEqual({
        id: phone.sessionId,
        client: { id: 'web', name: 'Web', kind: 'browser' },
        device: { name: 'iPhone', os: expect.stringMatching(/^iOS 17/), browser: expect.stringMatching(/^Safari/), type: 'mobile' },
        ip: IP.london,
        location: { city: 'London', region: expect.any(String), country: 'GB', approximate: true },
        signed_in_at: expect.stringMatching(ISO),
        last_active_at: expect.stringMatching(ISO),
        expires_at: expect.stringMatching(ISO),
        trusted: false,
        trusted_until: null,
        current: true,
        auth_method: 'password',
        device_group: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      });
      expect(app).toMatchObject({
        id: token.split('.')[0],
        client: { id: 'mobile', kind: 'mobile' },
        device: { name: 'Pixel 8', os: 'Android 15', browser: null, type: 'mobile' },
        ip: IP.mountainView,
        location: { country: 'US', approximate: true },
        current: false,
      });
      // Times are real: signed in now, idle expiry (14 days by default) ahead.
      expect(Date.parse(current.signed_in_at as string)).toBe(h.clock.now());
      expect(Date.parse(current.expires_at as string)).toBe(h.clock.now() + 14 * 86_400_000);
      // No secret leaves the server: neither token secrets nor their hashes.
      const body = JSON.stringify(sessions);
      expect(body).not.toContain(phone.cookie.split('.')[1]);
      expect(body).not.toContain(token.split('.')[1]);
      expect(body).not.toMatch(/secret|hash/i);
    });

    it('believes X-Forwarded-For only from a trusted proxy', async () => {
      const e = email('xff');
      await h.signUp(e);
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        remoteAddress: '203.0.113.7',
        headers: { origin: ORIGIN, 'x-forwarded-for': IP.london },
        payload: { email: e, password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().session.ip).toBe('203.0.113.7');
      expect(res.json().session.location.city).not.toBe('London');
    });

    it("never shows another user's sessions", async () => {
      const a = email('mine');
      const b = email('theirs');
      await h.signUp(a);
      await h.signUp(b);
      const browserA = await h.browserSignIn(a);
      await h.bearerSignIn(b);
      await h.browserSignIn(b);
      expect((await list(browserA)).map((s) => s.id)).toEqual([browserA.sessionId]);
    });
  });

  describe('GET /v1/me/sessions?limit=&cursor= (paged, an extension)', () => {
    it('pages through 250 sessions: current first, every session exactly once, then no cursor', async () => {
      const e = email('paged');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      await createSessions(h, await userId(e), 249);
      const all = await list(b);
      expect(all).toHaveLength(250);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/v1/me/sessions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await b.request({ method: 'GET', url });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { sessions: { id: string; current: boolean }[]; next_cursor: string | null };
        expect(body.sessions.length).toBeLessThanOrEqual(100);
        if (pages === 0) expect(body.sessions[0]).toMatchObject({ id: b.sessionId, current: true });
        seen.push(...body.sessions.map((s) => s.id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(250);
      expect(new Set(seen)).toEqual(new Set(all.map((s) => s.id)));
    });

    it.each([
      ['limit=0', 400],
      ['limit=201', 400],
      ['limit=abc', 400],
      ['limit=1&limit=2', 400],
      ['cursor=abc', 400],
      ['limit=10&cursor=bm90LWEtY3Vyc29y', 400],
      ['limit=10&sort=password_hash', 400],
    ])('refuses %s with 400 invalid_request', async (query, status) => {
      const e = email('paged-bad');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      expectError(await b.request({ method: 'GET', url: `/v1/me/sessions?${query}` }), status, 'invalid_request');
    });
  });

  describe('DELETE /v1/me/sessions/:id', () => {
    it('ends one other session (204): its bearer token is refused on the very next request, the rest live on', async () => {
      const e = email('one');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const t1 = await h.bearerSignIn(e);
      const t2 = await h.bearerSignIn(e);
      expect((await me(bearer(t1))).statusCode).toBe(200); // warm any cache
      const res = await b.request({ method: 'DELETE', url: `/v1/me/sessions/${t1.split('.')[0]}` });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expectError(await me(bearer(t1)), 401, 'unauthenticated');
      expect((await me(bearer(t2))).statusCode).toBe(200);
      expect((await list(b)).map((s) => s.id).sort()).toEqual([b.sessionId, t2.split('.')[0]].sort());
      // Already ended: 404 like any id that is not a live session of the caller.
      expectError(await b.request({ method: 'DELETE', url: `/v1/me/sessions/${t1.split('.')[0]}` }), 404, 'not_found');
    });

    it('ends a cookie session from a bearer client: the browser is refused on its next request', async () => {
      const e = email('one-cookie');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      expect((await b.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      const t = await h.bearerSignIn(e);
      expect((await h.request({ method: 'DELETE', url: `/v1/me/sessions/${b.sessionId}`, headers: bearer(t) })).statusCode).toBe(204);
      expectError(await b.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
    });

    it("answers 404 for another user's session id and does not end it", async () => {
      const owner = email('owner');
      const intruder = email('intruder');
      await h.signUp(owner);
      await h.signUp(intruder);
      const victim = await h.browserSignIn(owner);
      const attacker = await h.browserSignIn(intruder);
      const res = await attacker.request({ method: 'DELETE', url: `/v1/me/sessions/${victim.sessionId}` });
      expectError(res, 404, 'not_found');
      const unknown = await attacker.request({ method: 'DELETE', url: '/v1/me/sessions/AAAAAAAAAAAAAAAAAAAAAA' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body).toBe(res.body); // no oracle: same answer as an unknown id
      expect((await victim.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      expect((await h.registry.store.findSession(victim.sessionId))?.session.revokedAt).toBeNull();
    });

    it('ends the current session too, clearing its cookie', async () => {
      const e = email('self');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const res = await b.request({ method: 'DELETE', url: `/v1/me/sessions/${b.sessionId}` });
      expect(res.statusCode).toBe(204);
      expect(res.cookies.find((c) => c.name === COOKIE)?.value).toBe('');
      expectError(await b.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
    });

    it('needs a session (401)', async () => {
      expectError(await h.request({ method: 'DELETE', url: '/v1/me/sessions/AAAAAAAAAAAAAAAAAAAAAA' }), 401, 'unauthenticated');
    });
  });

  describe('POST /v1/me/sessions/revoke-others', () => {
    it('ends every other session (cookie and bearer) and counts them; the current one lives on', async () => {
      const e = email('others');
      await h.signUp(e);
      const keep = await h.browserSignIn(e);
      const otherBrowser = await h.browserSignIn(e, { ua: UA.macChrome });
      const t = await h.bearerSignIn(e);
      expect((await me(bearer(t))).statusCode).toBe(200);
      const bystander = email('bystander');
      await h.signUp(bystander);
      const bt = await h.bearerSignIn(bystander);
      const res = await keep.request({ method: 'POST', url: '/v1/me/sessions/revoke-others' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ revoked: 2 });
      expectError(await me(bearer(t)), 401, 'unauthenticated');
      expectError(await otherBrowser.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expect((await keep.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      expect((await me(bearer(bt))).statusCode).toBe(200);
      expect((await list(keep)).map((s) => s.id)).toEqual([keep.sessionId]);
      expect((await keep.request({ method: 'POST', url: '/v1/me/sessions/revoke-others' })).json()).toEqual({ revoked: 0 });
    });

    it('ends all 1,499 other sessions of a user with 1,500: no page size caps a revocation', async () => {
      const e = email('many');
      await h.signUp(e);
      const keep = await h.browserSignIn(e);
      const id = await userId(e);
      await createSessions(h, id, 1_499);
      expect(await h.registry.store.listActiveSessions(id, h.clock.now())).toHaveLength(1_500);
      const res = await keep.request({ method: 'POST', url: '/v1/me/sessions/revoke-others' });
      expect(res.json()).toEqual({ revoked: 1_499 });
      const left = await h.registry.store.listActiveSessions(id, h.clock.now());
      expect(left.map((s) => s.id)).toEqual([keep.sessionId]);
    });
  });

  describe('POST /v1/me/sessions/revoke-all', () => {
    it('ends every session including the current one, clears the cookie, and counts them', async () => {
      const e = email('all');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const t = await h.bearerSignIn(e);
      const t2 = await h.bearerSignIn(e);
      const res = await h.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', headers: bearer(t) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ revoked: 3 });
      expect(res.cookies.find((c) => c.name === COOKIE)?.value).toBe('');
      for (const headers of [bearer(t), bearer(t2), { cookie: `${COOKIE}=${b.cookie}` }])
        expectError(await me(headers), 401, 'unauthenticated');
    });

    it('ends all 1,500 sessions of a user', async () => {
      const e = email('many-all');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const id = await userId(e);
      await createSessions(h, id, 1_499);
      const before = await h.registry.store.countActiveSessions(h.clock.now());
      const res = await b.request({ method: 'POST', url: '/v1/me/sessions/revoke-all' });
      expect(res.json()).toEqual({ revoked: 1_500 });
      expect(await h.registry.store.listActiveSessions(id, h.clock.now())).toEqual([]);
      expect(await h.registry.store.countActiveSessions(h.clock.now())).toBe(before - 1_500);
    });
  });

  describe('POST /v1/me/password', () => {
    const NEW = 'a brand new passphrase 2026';
    const change = (b: Browser, payload: Record<string, unknown>) => b.request({ method: 'POST', url: '/v1/me/password', payload });
    const canSignIn = async (e: string, password: string) =>
      (await h.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password, transport: 'bearer', client_id: 'cli' } }))
        .statusCode === 200;

    it('changes the password (204) and ends every other session; the current one lives on', async () => {
      const e = email('pw');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const other = await h.browserSignIn(e, { ua: UA.iphoneSafari });
      const t = await h.bearerSignIn(e);
      expect((await me(bearer(t))).statusCode).toBe(200);
      const res = await change(b, { current_password: PASSWORD, new_password: NEW });
      expect(res.statusCode, res.body).toBe(204);
      expectError(await me(bearer(t)), 401, 'unauthenticated');
      expectError(await other.request({ method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expect((await b.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      expect(await canSignIn(e, PASSWORD)).toBe(false);
      expect(await canSignIn(e, NEW)).toBe(true);
    });

    it('with sign_out_others: false changes the password and keeps the other sessions', async () => {
      const e = email('pw-keep');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const t = await h.bearerSignIn(e);
      expect((await change(b, { current_password: PASSWORD, new_password: NEW, sign_out_others: false })).statusCode).toBe(204);
      expect((await me(bearer(t))).statusCode).toBe(200);
      expect(await canSignIn(e, NEW)).toBe(true);
      expect(await canSignIn(e, PASSWORD)).toBe(false);
    });

    it('with a wrong current password changes nothing (400 incorrect_password, still signed in)', async () => {
      const e = email('pw-wrong');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const t = await h.bearerSignIn(e);
      expectError(await change(b, { current_password: 'not my password at all', new_password: NEW }), 400, 'incorrect_password');
      expect((await me(bearer(t))).statusCode).toBe(200);
      expect((await b.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      expect(await canSignIn(e, PASSWORD)).toBe(true);
      expect(await canSignIn(e, NEW)).toBe(false);
    });

    it('counts a wrong current password with the sign-in failures: past the limit, 429 rate_limited with Retry-After, even when right', async () => {
      const e = email('pw-guess');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      for (let i = 0; i < 10; i++)
        expectError(await change(b, { current_password: `wrong guess number ${i}`, new_password: NEW }), 400, 'incorrect_password');
      const refused = await change(b, { current_password: PASSWORD, new_password: NEW });
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The account's sign-in limit is the same one; the password did not change.
      expect(await canSignIn(e, PASSWORD)).toBe(false);
      h.clock.advance(15 * 60_000);
      expect(await canSignIn(e, NEW)).toBe(false);
      expect(await canSignIn(e, PASSWORD)).toBe(true);
    });

    it('with a too-short new password changes nothing (400 weak_password)', async () => {
      const e = email('pw-weak');
      await h.signUp(e);
      const b = await h.browserSignIn(e);
      const t = await h.bearerSignIn(e);
      expectError(await change(b, { current_password: PASSWORD, new_password: 'short' }), 400, 'weak_password');
      expect((await me(bearer(t))).statusCode).toBe(200);
      expect(await canSignIn(e, PASSWORD)).toBe(true);
    });

    it('needs a session (401)', async () => {
      expectError(
        await h.request({ method: 'POST', url: '/v1/me/password', payload: { current_password: PASSWORD, new_password: NEW } }),
        401,
        'unauthenticated',
      );
    });
  });

  describe('device_group in GET /v1/me/sessions (an extension)', () => {
    /** A browser sign-in sending only `cookies` (a device cookie, no session): a new session each time. */
    async function signInWith(e: string, cookies: string[]): Promise<LightMyRequestResponse> {
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        headers: { origin: ORIGIN, 'user-agent': UA.windowsChrome, 'x-forwarded-for': IP.london, cookie: cookies.join('; ') },
        payload: { email: e, password: PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res;
    }
    const MACHINE = 'macbook-machine-id-000000000001';

    it('is shared by the sessions of one device, differs between devices, and is null without a device id', async () => {
      const e = email('groups');
      await h.signUp(e);
      // One browser, twice: the second sign-in sends the device cookie the first one set.
      const first = await signInWith(e, []);
      const deviceCookie = first.cookies.find((c) => c.name === `${COOKIE}-device`)!;
      expect(deviceCookie.value).toBeTruthy();
      const second = await signInWith(e, [`${COOKIE}-device=${deviceCookie.value}`]);
      expect(second.cookies.find((c) => c.name === `${COOKIE}-device`)).toBeUndefined();
      // Another browser (no device cookie yet), the desktop app and the CLI on one machine, another machine, and no device id.
      await signInWith(e, []);
      const desktop = await h.bearerSignIn(e, { clientId: 'desktop', device: { id: MACHINE, name: 'MacBook Pro' } });
      const cli = await h.bearerSignIn(e, { clientId: 'cli', device: { id: MACHINE, name: 'macbook.local' } });
      const server = await h.bearerSignIn(e, { clientId: 'cli', device: { id: 'build-server-id-0000000001' } });
      const bare = await h.bearerSignIn(e, { clientId: 'cli' });

      const res = await h.request({ method: 'GET', url: '/v1/me/sessions', headers: bearer(bare) });
      expect(res.statusCode, res.body).toBe(200);
      const groups = new Map((res.json().sessions as { id: string; device_group: string | null }[]).map((s) => [s.id, s.device_group]));
      const of = (cookieOrToken: string) => groups.get(cookieOrToken.split('.')[0]!);
      const browserCookie = (r: LightMyRequestResponse) => r.cookies.find((c) => c.name === COOKIE)!.value;

      expect(groups.size).toBe(7);
      expect(of(browserCookie(first))).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(of(browserCookie(second))).toBe(of(browserCookie(first)));
      expect(of(desktop)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(of(cli)).toBe(of(desktop));
      expect(of(bare)).toBeNull();
      // Four devices, four groups: the two browsers, the machine, the build server.
      const named = [...groups.values()].filter((g) => g !== null);
      expect(named).toHaveLength(6);
      expect(new Set(named).size).toBe(4);
      expect(of(server)).not.toBe(of(desktop));

      // It names no device: not a stored device id, not a device cookie, and nothing of either in it.
      const id = (await h.registry.store.findUserByEmailKey(e))!.id;
      const stored = (await h.registry.store.listActiveSessions(id, h.clock.now())).map((s) => s.deviceId).filter((d) => d !== null);
      expect(stored).toHaveLength(6);
      for (const group of named) {
        for (const deviceId of stored) {
          expect(group).not.toBe(deviceId);
          expect(deviceId).not.toContain(group);
        }
        expect(group).not.toBe(deviceCookie.value);
        expect(group).not.toContain(MACHINE.slice(0, 8));
      }
      expect(res.body).not.toContain(MACHINE);
      expect(res.body).not.toContain(deviceCookie.value);
      for (const deviceId of stored) expect(res.body).not.toContain(deviceId!);
    });

    it('differs between two people on the same device id, and is the same on the next read', async () => {
      const [a, b] = [email('group-a'), email('group-b')];
      await h.signUp(a);
      await h.signUp(b);
      const ta = await h.bearerSignIn(a, { clientId: 'desktop', device: { id: MACHINE } });
      const tb = await h.bearerSignIn(b, { clientId: 'desktop', device: { id: MACHINE } });
      const groupOf = async (token: string) =>
        (
          (await h.request({ method: 'GET', url: '/v1/me/sessions', headers: bearer(token) })).json().sessions as { device_group: string }[]
        )[0]!.device_group;
      const ga = await groupOf(ta);
      expect(ga).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await groupOf(tb)).not.toBe(ga);
      expect(await groupOf(ta)).toBe(ga);
    });
  });
});

/** Many sessions fast: straight through the use case, no HTTP and no argon2. */
async function createSessions(h: Harness, userId: string, count: number): Promise<void> {
  const origin: SessionOrigin = {
    ip: '192.0.2.1',
    userAgent: 'bulk',
    device: { name: 'Unknown device', os: 'Unknown OS', browser: null, type: 'unknown' },
    location: { city: null, region: null, country: null, latitude: null, longitude: null },
    deviceId: null,
  };
  for (let i = 0; i < count; i += 100) {
    const size = Math.min(100, count - i);
    await Promise.all(Array.from({ length: size }, () => h.registry.sessions.createSession(userId, 'cli', 'password', origin)));
  }
}
