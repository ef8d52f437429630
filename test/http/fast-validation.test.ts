/**
 * The validation fast path (src/http/fast-validation.ts) answers `GET /v1/me/session` for cached
 * sessions before Fastify runs. It must be invisible: the same bytes as the normal route (status
 * line, every header in order and letter case, body), the same state left behind (activity,
 * addresses, counters), and every other request — a miss, a refusal, an odd request — handed to
 * Fastify. Two real listening apps on one registry, one with the fast path (the default) and one
 * without, and raw sockets, since `inject` never goes through the server's request event.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, IP, ORIGIN, UA, type Harness } from '../support/harness.js';
import { appPair, rawRequest, sendRaw as send, type AppPair } from '../support/raw-http.js';

/** A GET (or HEAD) of `path` with these headers, as raw bytes. */
const get = (path: string, headers: Record<string, string>, method = 'GET') => rawRequest(method, path, headers);

describe('validation fast path (real servers, raw sockets)', () => {
  let h: Harness;
  let pair: AppPair;
  const both = (request: string) => pair.both(request);

  beforeAll(async () => {
    h = await harness('sqlite');
    pair = await appPair(h.registry, (url) => url.startsWith('/v1/me/session') && !url.startsWith('/v1/me/sessions'));
    await h.signUp('ada@example.com');
  });
  afterAll(async () => {
    await pair?.close();
    await h?.close();
  });

  const cookieRequest = (cookie: string, extra: Record<string, string> = {}) =>
    get('/v1/me/session', { Cookie: `__Host-sessiond=${cookie}`, Origin: ORIGIN, 'X-Forwarded-For': IP.london, ...extra });

  it('answers a browser session with the normal route’s bytes, without Fastify, cached or not', async () => {
    const browser = await h.browserSignIn('ada@example.com', { ua: UA.windowsChrome });
    // The first request reads the session into the cache; the next is answered from it.
    const cold = await both(cookieRequest(browser.cookie));
    expect(cold.viaFastify).toBe(false);
    expect(cold.fast.bytes).toBe(cold.normal.bytes);
    const warm = await both(cookieRequest(browser.cookie));
    expect(warm.viaFastify).toBe(false);
    expect(warm.fast.status).toBe(200);
    expect(warm.fast.bytes).toBe(warm.normal.bytes);
    const body = JSON.parse(warm.fast.body);
    expect(body.session).toMatchObject({ id: browser.sessionId, current: true, location: { country: 'GB' } });
    expect(body.user.email).toBe('ada@example.com');
    // Every security header the app sets is there, and nothing about the session may be cached.
    expect(warm.fast.bytes).toMatch(/\r\ncontent-security-policy: default-src 'self'/);
    expect(warm.fast.bytes).toMatch(/\r\nstrict-transport-security: max-age=31536000; includeSubDomains/);
    expect(warm.fast.bytes).toMatch(/\r\ncache-control: no-store\r\n/);
  });

  it('answers a bearer session, with a device name that JSON must escape, byte for byte', async () => {
    const token = await h.bearerSignIn('ada@example.com', {
      clientId: 'cli',
      device: { name: 'Ada\u2019s "work" laptop \\ \u2028 ü', os: 'Linux' },
    });
    const request = get('/v1/me/session', { Authorization: `Bearer ${token}`, 'X-Forwarded-For': IP.mountainView });
    await both(request);
    const warm = await both(request);
    expect(warm.viaFastify).toBe(false);
    expect(warm.fast.bytes).toBe(warm.normal.bytes);
    expect(JSON.parse(warm.fast.body).session.device.name).toBe('Ada\u2019s "work" laptop \\ \u2028 ü');
  });

  it('hands Fastify every request it does not answer, which then answers as the route always has', async () => {
    const browser = await h.browserSignIn('ada@example.com');
    await both(cookieRequest(browser.cookie));
    const [id, secret] = browser.cookie.split('.') as [string, string];
    const wrongSecret = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const bearer = await h.bearerSignIn('ada@example.com');
    const cases: [string, string, number][] = [
      ['a wrong secret for a cached session', cookieRequest(wrongSecret), 401],
      ['no credential', get('/v1/me/session', { Origin: ORIGIN }), 401],
      ['a cookie and a different bearer token', cookieRequest(browser.cookie, { Authorization: `Bearer ${bearer}` }), 400],
      ['a malformed forwarded address', cookieRequest(browser.cookie, { 'X-Forwarded-For': 'not-an-address' }), 400],
      ['a query string', get('/v1/me/session?x=1', { Cookie: `__Host-sessiond=${browser.cookie}` }), 200],
      ['HEAD', get('/v1/me/session', { Cookie: `__Host-sessiond=${browser.cookie}` }, 'HEAD'), 200],
      ['a trailing slash', get('/v1/me/session/', { Cookie: `__Host-sessiond=${browser.cookie}` }), 404],
    ];
    for (const [what, request, status] of cases) {
      const answer = await both(request);
      expect(answer.viaFastify, what).toBe(true);
      expect(answer.fast.status, what).toBe(status);
      expect(answer.fast.bytes, what).toBe(answer.normal.bytes);
    }
    // The cookie is read by the app's own parser, so an encoded value means what it means there.
    const encoded = await both(cookieRequest(browser.cookie.replace('.', '%2E')));
    expect(encoded.viaFastify).toBe(false);
    expect(encoded.fast.status).toBe(200);
    expect(encoded.fast.bytes).toBe(encoded.normal.bytes);
  });

  it('refuses a session signed out elsewhere on the very next request (Fastify says why)', async () => {
    const signedOut = await h.browserSignIn('ada@example.com');
    const other = await h.browserSignIn('ada@example.com');
    await both(cookieRequest(signedOut.cookie));
    expect((await both(cookieRequest(signedOut.cookie))).viaFastify).toBe(false);
    const ended = await other.request({ method: 'DELETE', url: `/v1/me/sessions/${signedOut.sessionId}` });
    expect(ended.statusCode).toBe(204);
    const statements = async (app: FastifyInstance) => {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/sessiond_database_statements_total\{route="\/v1\/me\/session"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const [fastBefore, normalBefore] = [await statements(pair.fast), await statements(pair.normal)];
    const misses = () => h.registry.sessions.cacheLookups().misses;
    const missesBefore = misses();
    const fastAnswer = await send(pair.fastPort, cookieRequest(signedOut.cookie));
    const fastMisses = misses() - missesBefore;
    const normalAnswer = await send(pair.normalPort, cookieRequest(signedOut.cookie));
    expect(fastAnswer.status).toBe(401);
    expect(fastAnswer.bytes).toBe(normalAnswer.bytes);
    // Fastify did not read the session again: the refusal cost what it costs without the fast
    // path, in reads of the session and in the statements the route counts.
    expect(fastMisses).toBe(misses() - missesBefore - fastMisses);
    expect((await statements(pair.fast)) - fastBefore).toBe((await statements(pair.normal)) - normalBefore);
  });

  it('leaves what the normal path leaves: the address noted, the activity touched, the counters fed', async () => {
    const browser = await h.browserSignIn('ada@example.com', { ip: IP.london });
    await both(cookieRequest(browser.cookie));
    const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    const validations = /sessiond_session_validations_total\{outcome="valid"\} (\d+)/;
    const routeCount = /sessiond_http_request_duration_seconds_count\{method="GET",route="\/v1\/me\/session",status_code="200"\} (\d+)/;
    // Over a minute after sign-in (past the touch interval), from another address, while the
    // cache entry is younger than its 30 s limit (it was read again at 45 s).
    h.clock.advance(45_000);
    await send(pair.fastPort, cookieRequest(browser.cookie));
    await h.registry.sessions.flushAddresses();
    h.clock.advance(20_000);
    const metricsBefore = await pair.fast.inject({ method: 'GET', url: '/metrics' });
    const before = pair.reachedFastify;
    const moved = await send(pair.fastPort, cookieRequest(browser.cookie, { 'X-Forwarded-For': IP.mountainView }));
    expect(pair.reachedFastify).toBe(before);
    expect(moved.status).toBe(200);
    expect(JSON.parse(moved.body).session.last_active_at).toBe(new Date(h.clock.now()).toISOString());
    const metricsAfter = await pair.fast.inject({ method: 'GET', url: '/metrics' });
    expect(count(metricsAfter.body, validations)).toBe(count(metricsBefore.body, validations) + 1);
    expect(count(metricsAfter.body, routeCount)).toBe(count(metricsBefore.body, routeCount) + 1);
    // The touch and the new address wait for the background flush, as the normal path's do.
    expect(await h.registry.sessions.flushTouches()).toBe(1);
    expect(await h.registry.sessions.flushAddresses()).toBe(1);
    const stored = await h.registry.store.findSession(browser.sessionId);
    expect(stored?.session.lastActiveAt).toBe(h.clock.now());
    const history = await browser.request({ method: 'GET', url: `/v1/me/sessions/${browser.sessionId}/history` });
    expect(history.json().addresses.map((a: { ip: string }) => a.ip)).toContain(IP.mountainView);
  });
});
