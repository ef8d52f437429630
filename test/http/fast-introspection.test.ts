/**
 * The introspection fast path (src/http/introspection/fast-path.ts) answers `POST /v1/introspect`
 * before Fastify runs. It must be invisible: the same bytes as the normal route for every kind of
 * token, the same counters fed, and every request it does not take — no or a refused key, a form,
 * a body the schema or the JSON parser refuses — answered by Fastify as before, from the same body
 * even when the fast path had read it. Two real listening apps on one registry, one with the fast
 * paths and one without, and raw sockets.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Browser, type Harness } from '../support/harness.js';
import { countLooks } from '../support/count-looks.js';
import { appPair, rawRequest, sendRaw, type AppPair } from '../support/raw-http.js';

describe('introspection fast path (real servers, raw sockets)', () => {
  let h: Harness;
  let pair: AppPair;
  let serviceKey: string;
  let browser: Browser;
  const both = (request: string) => pair.both(request);
  const introspect = (body: string, headers: Record<string, string> = {}, path = '/v1/introspect') =>
    rawRequest('POST', path, { Authorization: `Bearer ${serviceKey}`, 'Content-Type': 'application/json', ...headers }, body);
  const tokenBody = (token: string) => JSON.stringify({ token });

  beforeAll(async () => {
    h = await harness('sqlite');
    pair = await appPair(h.registry, (url) => url.startsWith('/v1/introspect'));
    serviceKey = (await h.registry.serviceKeys.create('resource-server')).key;
    await h.signUp('ada@example.com');
    browser = await h.browserSignIn('ada@example.com');
  });
  afterAll(async () => {
    await pair?.close();
    await h?.close();
  });

  it('answers a session, a personal token and an unknown token with the route’s bytes, without Fastify', async () => {
    const session = await h.bearerSignIn('ada@example.com');
    const created = await browser.request({
      method: 'POST',
      url: '/v1/me/tokens',
      payload: { name: 'deploy bot', scopes: ['api:read'], expires_in_days: 30 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const pat: string = created.json().secret;
    const cases: [string, string, Record<string, unknown>][] = [
      ['a session, not yet cached', session, { active: true, sid: session.split('.')[0] }],
      ['the session again, cached', session, { active: true, sid: session.split('.')[0] }],
      ['a personal access token', pat, { active: true, token_type: 'personal_access_token', scope: 'api:read' }],
      ['a session token that names no session', `${session.split('.')[0]}x.${session.split('.')[1]}`, { active: false }],
      ['something that is no token of ours', 'not-a-token', { active: false }],
      ['an empty token', '', { active: false }],
      // maxLength counts code points: 4,096 of them, 1,096 outside the BMP (5,192 UTF-16 units).
      ['a token of 4,096 code points', `${'t'.repeat(3000)}${'😀'.repeat(1096)}`, { active: false }],
    ];
    for (const [what, token, expected] of cases) {
      const answer = await both(introspect(tokenBody(token)));
      expect(answer.viaFastify, what).toBe(false);
      expect(answer.fast.status, what).toBe(200);
      expect(answer.fast.bytes, what).toBe(answer.normal.bytes);
      expect(JSON.parse(answer.fast.body), what).toMatchObject(expected);
    }
    // With the hint RFC 7662 allows, and the charset a client may name.
    const hinted = await both(
      introspect(JSON.stringify({ token: session, token_type_hint: 'access_token' }), {
        'Content-Type': 'application/json; charset=utf-8',
      }),
    );
    expect(hinted.viaFastify).toBe(false);
    expect(hinted.fast.bytes).toBe(hinted.normal.bytes);
    expect(hinted.fast.bytes).toMatch(/\r\ncache-control: no-store\r\n/);
    expect(hinted.fast.bytes).toMatch(/\r\ncontent-security-policy: default-src 'self'/);
  });

  it('hands Fastify what it does not take, which answers from the same body as it always has', async () => {
    const session = await h.bearerSignIn('ada@example.com');
    const form = new URLSearchParams({ token: session }).toString();
    const cases: [string, string, number][] = [
      ['no key', rawRequest('POST', '/v1/introspect', { 'Content-Type': 'application/json' }, tokenBody(session)), 401],
      ['a key we never issued', introspect(tokenBody(session), { Authorization: 'Bearer abc.def' }), 401],
      ['a form body', introspect(form, { 'Content-Type': 'application/x-www-form-urlencoded' }), 200],
      ['JSON in upper case charset', introspect(tokenBody(session), { 'Content-Type': 'application/json; charset=UTF-8' }), 200],
      ['a query string', introspect(tokenBody(session), {}, '/v1/introspect?x=1'), 200],
      // These are read by the fast path before it knows; Fastify parses the same bytes.
      ['malformed JSON', introspect('{"token": '), 400],
      ['a property the schema does not have', introspect(JSON.stringify({ token: session, scope: 'x' })), 400],
      ['a token that is not a string', introspect(JSON.stringify({ token: 42 })), 400],
      ['a prototype key', introspect(`{"token":"${session}","__proto__":{"x":1}}`), 400],
      ['an over-long hint', introspect(JSON.stringify({ token: session, token_type_hint: 'h'.repeat(65) })), 400],
      ['an over-long token', introspect(tokenBody('t'.repeat(4097))), 400],
      ['a token of 4,097 code points', introspect(tokenBody(`${'t'.repeat(3001)}${'😀'.repeat(1096)}`)), 400],
      ['an array', introspect(JSON.stringify([session])), 400],
      ['a body over the limit', introspect(tokenBody('t'.repeat(17_000))), 413],
    ];
    for (const [what, request, status] of cases) {
      const answer = await both(request);
      expect(answer.viaFastify, what).toBe(true);
      expect(answer.fast.status, what).toBe(status);
      expect(answer.fast.bytes, what).toBe(answer.normal.bytes);
    }
  });

  it('refuses a revoked service key and an ended session on the very next request', async () => {
    const session = await h.bearerSignIn('ada@example.com');
    const key = await h.registry.serviceKeys.create('other');
    const withKey = (token: string) => introspect(tokenBody(token), { Authorization: `Bearer ${key.key}` });
    expect(JSON.parse((await both(withKey(session))).fast.body).active).toBe(true);
    expect((await both(withKey(session))).viaFastify).toBe(false);

    const signedOut = await h.request({ method: 'POST', url: '/v1/auth/sign-out', headers: { authorization: `Bearer ${session}` } });
    expect(signedOut.statusCode).toBe(204);
    const ended = await both(withKey(session));
    expect(ended.viaFastify).toBe(false);
    expect(ended.fast.bytes).toBe(ended.normal.bytes);
    expect(JSON.parse(ended.fast.body)).toEqual({ active: false });

    expect(await h.registry.serviceKeys.revoke(key.record.id)).toBe(true);
    const refused = await both(withKey(session));
    expect(refused.viaFastify).toBe(true);
    expect(refused.fast.status).toBe(401);
    expect(refused.fast.bytes).toBe(refused.normal.bytes);
  });

  it('feeds the counters the route feeds', async () => {
    const session = await h.bearerSignIn('ada@example.com');
    await both(introspect(tokenBody(session)));
    const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    const validations = /sessiond_session_validations_total\{outcome="valid"\} (\d+)/;
    const routeCount = /sessiond_http_request_duration_seconds_count\{method="POST",route="\/v1\/introspect",status_code="200"\} (\d+)/;
    const before = (await pair.fast.inject({ method: 'GET', url: '/metrics' })).body;
    const answered = pair.reachedFastify;
    const answer = await sendRaw(pair.fastPort, introspect(tokenBody(session)));
    expect(answer.status).toBe(200);
    // Fed by the fast path itself: Fastify never saw the request.
    expect(pair.reachedFastify).toBe(answered);
    const after = (await pair.fast.inject({ method: 'GET', url: '/metrics' })).body;
    expect(count(after, validations)).toBe(count(before, validations) + 1);
    expect(count(after, routeCount)).toBe(count(before, routeCount) + 1);
  });

  it('checks a cached key and a cached session in one lookOnce stretch (the SQLite bus looks at its file once)', async () => {
    const session = await h.bearerSignIn('ada@example.com');
    // Warm: the key and the session are in this node's caches.
    expect(JSON.parse((await sendRaw(pair.fastPort, introspect(tokenBody(session)))).body).active).toBe(true);
    // Each isLive() is counted as asked inside a stretch or outside any (sqlite-revocation-bus.ts
    // answers a stretch's asks with its first).
    const looks = countLooks(h.registry.bus);
    try {
      const answered = pair.reachedFastify;
      const answer = await sendRaw(pair.fastPort, introspect(tokenBody(session)));
      expect(JSON.parse(answer.body).active).toBe(true);
      expect(pair.reachedFastify).toBe(answered);
      expect(looks.stretches).toBe(1);
      // The key and the session: both asked, both within the one stretch.
      expect(looks.asked).toEqual({ inside: 2, outside: 0 });
    } finally {
      looks.restore();
    }
  });

  it('answers a body that comes after its headers, once it has all come', async () => {
    const session = await h.bearerSignIn('ada@example.com');
    const answered = pair.reachedFastify;
    const body = tokenBody(session);
    const [head, rest] = [body.slice(0, 9), body.slice(9)];
    const socket = connect(pair.fastPort, '127.0.0.1');
    try {
      const received: Buffer[] = [];
      const closed = new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        socket.on('error', reject);
        socket.on('end', () => resolve());
      });
      // The headers and the first bytes of the body; the rest only once the server has seen the
      // request and the turn's checks have run (this server shares the test's event loop).
      const seen = new Promise<void>((resolve) => pair.fast.server.once('request', () => resolve()));
      socket.write(introspect(head, { 'Content-Length': String(body.length), Connection: 'close' }));
      await seen;
      await new Promise((resolve) => setImmediate(resolve));
      socket.end(rest);
      await closed;
      const answer = Buffer.concat(received).toString('utf8');
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).active).toBe(true);
      expect(pair.reachedFastify).toBe(answered);
    } finally {
      socket.destroy();
    }
  });

  it('lets a client go away before its body is sent, and goes on answering from the fast path', async () => {
    const answered = pair.reachedFastify;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(pair.fastPort, '127.0.0.1');
      socket.on('error', reject);
      socket.on('close', () => resolve());
      // Headers promise 40 bytes; 9 come, then the connection is gone.
      socket.write(introspect('{"token":', { 'Content-Length': '40' }), () => socket.destroy());
    });
    const session = await h.bearerSignIn('ada@example.com');
    const answer = await sendRaw(pair.fastPort, introspect(tokenBody(session)));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).active).toBe(true);
    // Neither the request whose client left nor the next one was handed to Fastify.
    expect(pair.reachedFastify).toBe(answered);
  });
});
