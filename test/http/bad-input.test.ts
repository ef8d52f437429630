/**
 * Bad input (ASVS 5.0 V2.2 input validation, V16.5 error handling): every malformed, hostile or
 * odd request gets a 4xx in the contract's error shape, never a 5xx or a stack trace, and
 * writes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/adapters/kysely/connect.js';
import { ENGINES } from '../support/databases.js';
import { harness, ORIGIN, PASSWORD, type Harness } from '../support/harness.js';

const COOKIE = '__Host-sessiond';
const json = { 'content-type': 'application/json' };

/** The contract's error envelope: a snake_case code and a human message, nothing else of note. */
function expect4xx(res: LightMyRequestResponse, status?: number, code?: string) {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (status !== undefined) expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body, res.body).toEqual({ error: { code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.any(String) } });
  if (code !== undefined) expect(body.error.code).toBe(code);
  expect(res.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|SqliteError|PostgresError|syntax error|stack/i);
}

describe.each(ENGINES)('bad input (%s)', (engine) => {
  let h: Harness;
  let cookie: string;
  let token: string;
  let sessionId: string;
  let otherSessionId: string;
  let dir: string;
  /** A second connection to the same database, to count rows independently of the app. */
  let observer: Connection;

  beforeAll(async () => {
    // A file, not :memory:, so that the observer connection sees the app's database.
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-bad-input-'));
    h = await harness(engine, {}, path.join(dir, 'db.sqlite'));
    observer = connect(h.database.url);
    await h.signUp('owner@example.com');
    await h.signUp('other@example.com');
    const b = await h.browserSignIn('owner@example.com');
    cookie = b.cookie;
    sessionId = b.sessionId;
    token = await h.bearerSignIn('owner@example.com');
    otherSessionId = (await h.browserSignIn('other@example.com')).sessionId;
  });
  afterAll(async () => {
    await observer?.db.destroy();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every row that a request could have written: users, sessions (live or not), service keys. */
  async function counts() {
    const { rows } = await sql<{
      users: number | string;
      sessions: number | string;
      revoked: number | string;
      service_keys: number | string;
    }>`
      select (select count(*) from users) as users, (select count(*) from sessions) as sessions,
             (select count(*) from sessions where revoked_at is not null) as revoked, (select count(*) from service_keys) as service_keys`.execute(
      observer.db,
    );
    return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
  }

  /** Sends the request and checks it is refused without writing anything. */
  async function refused(options: InjectOptions, status?: number, code?: string) {
    const before = await counts();
    const res = await h.request(options);
    expect4xx(res, status, code);
    expect(await counts()).toEqual(before);
    return res;
  }

  const asOwner = (o: InjectOptions): InjectOptions => ({
    ...o,
    headers: { origin: ORIGIN, cookie: `${COOKIE}=${cookie}`, ...(o.headers ?? {}) },
  });
  const signIn = (payload: string | object, headers: Record<string, string> = json): InjectOptions => ({
    method: 'POST',
    url: '/v1/auth/sign-in',
    headers: { origin: ORIGIN, ...headers },
    payload,
  });
  const signUp = (payload: string | object, headers: Record<string, string> = json): InjectOptions => ({
    method: 'POST',
    url: '/v1/auth/sign-up',
    headers: { origin: ORIGIN, ...headers },
    payload,
  });

  describe('JSON bodies', () => {
    it('malformed and truncated JSON: 400 invalid_request', async () => {
      for (const body of [
        '{',
        '{"email": "a@example.com", "password": ',
        '{"email" "x"}',
        "{'email': 'a'}",
        'nul',
        '[1,2',
        '{"a":1}}',
        '\u0000',
      ])
        for (const route of [signIn, signUp]) await refused(route(body), 400, 'invalid_request');
    });

    it('an empty body where fields are required: 400', async () => {
      await refused(signIn(''), 400);
      await refused(signUp('{}'), 400, 'invalid_request');
    });

    it('wrong types and null for required fields: 400 invalid_request naming the field', async () => {
      const cases: unknown[] = [
        { email: 1, password: PASSWORD },
        { email: 'owner@example.com', password: 1234567890 },
        { email: null, password: PASSWORD },
        { email: 'owner@example.com', password: null },
        { email: ['owner@example.com'], password: PASSWORD },
        { email: { $ne: null }, password: { $gt: '' } },
        { email: 'owner@example.com', password: PASSWORD, transport: 'carrier-pigeon' },
        { email: 'owner@example.com', password: PASSWORD, device: 'phone' },
        { email: 'owner@example.com', password: PASSWORD, client_id: 7 },
        [],
        'a string',
        42,
      ];
      for (const payload of cases) {
        const res = await refused(signIn(JSON.stringify(payload)), 400, 'invalid_request');
        if (typeof payload === 'object' && !Array.isArray(payload)) expect(res.json().error.message).toMatch(/body/);
      }
      await refused(asOwner({ method: 'POST', url: '/v1/me/password', payload: { current_password: PASSWORD, new_password: null } }), 400);
      await refused(
        asOwner({
          method: 'POST',
          url: '/v1/me/password',
          payload: { current_password: PASSWORD, new_password: 'x'.repeat(20), sign_out_others: 'no' },
        }),
        400,
      );
    });

    it('unknown fields (mass assignment): 400 naming the field, nothing written', async () => {
      const res = await refused(signUp({ email: 'mass@example.com', password: PASSWORD, is_admin: true }), 400, 'invalid_request');
      expect(res.json().error.message).toContain('is_admin');
      await refused(signIn({ email: 'owner@example.com', password: PASSWORD, expires_at: '2099-01-01T00:00:00Z' }), 400, 'invalid_request');
      await refused(signIn({ email: 'owner@example.com', password: PASSWORD, device: { id: 'abcdefgh1', role: 'admin' } }), 400);
      await refused(asOwner({ method: 'POST', url: '/v1/me/sessions/revoke-others', payload: { user_id: 'someone-else' } }), 400);
      await refused(asOwner({ method: 'POST', url: '/v1/me/sessions/revoke-all', payload: { except: sessionId } }), 400);
      await refused(asOwner({ method: 'POST', url: '/v1/auth/sign-out', payload: { session_id: otherSessionId } }), 400);
    });

    it('bodies over 1 MiB: 413 payload_too_large', async () => {
      const big = JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(1024 * 1024 + 10) });
      await refused(signUp(big), 413, 'payload_too_large');
      await refused(signIn(big), 413, 'payload_too_large');
      await refused(asOwner({ method: 'POST', url: '/v1/me/sessions/revoke-all', headers: json, payload: big }), 413);
    });

    it('overlong but under 1 MiB fields: 400, and no argon2 work on a 100 KB password', async () => {
      await refused(signUp({ email: `${'a'.repeat(400)}@example.com`, password: PASSWORD }), 400);
      await refused(signUp({ email: 'long@example.com', password: 'x'.repeat(100_000) }), 400);
      const started = performance.now();
      await refused(signIn({ email: 'owner@example.com', password: 'x'.repeat(100_000) }), 400);
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it('deeply nested JSON: 400, not a crash', async () => {
      const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      await refused(signIn(deep), 400);
      await refused(
        signIn(`{"email":"owner@example.com","password":"${PASSWORD}","device":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
        400,
      );
    });

    it('wrong Content-Type: 415 unsupported_media_type', async () => {
      const body = JSON.stringify({ email: 'ct@example.com', password: PASSWORD });
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=abc',
        'application/xml',
        'text/html',
      ])
        await refused(
          signUp(type === 'application/x-www-form-urlencoded' ? `email=ct%40example.com&password=${encodeURIComponent(PASSWORD)}` : body, {
            'content-type': type,
          }),
          415,
          'unsupported_media_type',
        );
      await refused(asOwner({ method: 'POST', url: '/v1/me/password', headers: { 'content-type': 'text/plain' }, payload: 'x' }), 415);
    });
  });

  describe('text', () => {
    it('lone surrogates and NUL in any string field: 400, nothing stored', async () => {
      for (const bad of ['\ud800', 'a\udfffb', 'nul\u0000byte']) {
        await refused(signUp(JSON.stringify({ email: `x${bad}@example.com`, password: PASSWORD })), 400, 'invalid_request');
        await refused(signUp(JSON.stringify({ email: 'fine@example.com', password: `${PASSWORD}${bad}` })), 400, 'invalid_request');
        await refused(signUp(JSON.stringify({ email: 'fine2@example.com', password: PASSWORD, name: bad })), 400, 'invalid_request');
        await refused(signIn(JSON.stringify({ email: 'owner@example.com', password: PASSWORD, device: { name: bad } })), 400);
      }
      // Escaped in JSON text too.
      await refused(signUp('{"email":"esc\\ud800@example.com","password":"correct horse battery staple"}'), 400, 'invalid_request');
    });

    it('a right-to-left override or zero-width character in an email: 400 on sign-up, 401 on sign-in', async () => {
      for (const e of ['evil\u202Emoc.elpmaxe@example.com', 'own\u200Ber@example.com', 'owner\u2066@example.com']) {
        await refused(signUp({ email: e, password: PASSWORD }), 400, 'invalid_request');
        await refused(signIn({ email: e, password: PASSWORD }), 401, 'invalid_credentials');
      }
    });

    it('emoji and 4-byte characters are ordinary text: accepted in names and passwords', async () => {
      const pw = '🔐 пароль 密码 contraseña 🙂';
      const res = await h.request(signUp({ email: 'emoji@example.com', password: pw, name: 'Zoë 🦄' }));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().user.name).toBe('Zoë 🦄');
      expect((await h.request(signIn({ email: 'emoji@example.com', password: pw }))).statusCode).toBe(200);
      expect((await h.request(signIn({ email: 'emoji@example.com', password: pw.normalize('NFD') + 'x' }))).statusCode).toBe(401);
    });

    it('SQL-looking input is just text: no injection, same answer as any wrong credential', async () => {
      const wrong = await h.request(signIn({ email: 'owner@example.com', password: 'definitely wrong password' }));
      for (const payload of [
        { email: "' OR '1'='1", password: "' OR '1'='1" },
        { email: "owner@example.com' --", password: 'x' },
        { email: 'owner@example.com', password: "' OR '1'='1' --" },
        { email: "admin'--@example.com", password: '"; DROP TABLE sessions; --' },
      ]) {
        const res = await refused(signIn(payload), 401, 'invalid_credentials');
        expect(res.body).toBe(wrong.body);
      }
      await refused(signUp({ email: "x'); DROP TABLE users; --@example.com", password: PASSWORD }), 400);
      expect((await h.request(asOwner({ method: 'GET', url: '/v1/me/sessions' }))).statusCode).toBe(200);
    });
  });

  describe('tokens', () => {
    const me = (headers: Record<string, string>) => ({ method: 'GET' as const, url: '/v1/me/session', headers });
    const garbage = () => {
      const changed = token.slice(0, 30) + (token[30] === 'A' ? 'B' : 'A') + token.slice(31);
      return {
        empty: '',
        whitespace: '   ',
        'one char': 'x',
        '10 KB': 'a'.repeat(10 * 1024),
        '100 KB': 'a'.repeat(100 * 1024),
        'one char changed': changed,
        'id changed': (token[0] === 'A' ? 'B' : 'A') + token.slice(1),
        truncated: token.slice(0, -1),
        'extra char': `${token}A`,
        'no separator': token.replace('.', ''),
        'two tokens': `${token} ${token}`,
        'percent-encoded': encodeURIComponent(token).replace('.', '%2E'),
        'base64 of the token': Buffer.from(token).toString('base64'),
        SQL: "' OR '1'='1",
        path: '../../etc/passwd',
        'NUL inside': `${token.slice(0, 10)}%00${token.slice(10)}`,
      };
    };

    it('garbage and tampered bearer tokens: 401 unauthenticated, all alike', async () => {
      const bodies = new Set<string>();
      for (const [what, t] of Object.entries(garbage())) {
        const res = await h.request(me({ authorization: `Bearer ${t}` }));
        expect4xx(res, 401, 'unauthenticated');
        bodies.add(res.body);
        expect(what).toBeTruthy();
      }
      expect(bodies.size).toBe(1);
    });

    it('garbage and tampered cookies: 401 unauthenticated', async () => {
      for (const t of Object.values(garbage())) {
        if (t.length > 8 * 1024) continue; // a header that large is the next test
        if (t.includes('%2E')) continue; // cookie values are percent-decoded: that is the same token
        expect4xx(await h.request(me({ cookie: `${COOKIE}=${t}` })), 401, 'unauthenticated');
      }
      expect4xx(await h.request(me({ cookie: `${COOKIE}="${cookie}` })), 401);
      expect4xx(await h.request(me({ cookie: `sessiond=${cookie}` })), 401, 'unauthenticated'); // another cookie name is never read
      expect4xx(await h.request(me({ cookie: Array.from({ length: 200 }, (_, i) => `c${i}=v`).join('; ') })), 401);
    });

    it('a session token anywhere but the cookie or the Authorization header is ignored', async () => {
      expect4xx(await h.request({ method: 'GET', url: `/v1/me/session?token=${token}` }), 401, 'unauthenticated');
      expect4xx(await h.request({ method: 'GET', url: `/v1/me/session?session=${token}&access_token=${token}` }), 401);
      expect4xx(await h.request(me({ 'x-session-token': token, 'x-auth-token': token })), 401, 'unauthenticated');
    });

    it('other schemes: Basic, no scheme, Bearer with nothing: 401', async () => {
      for (const authorization of [
        `Basic ${Buffer.from(`owner@example.com:${PASSWORD}`).toString('base64')}`,
        token,
        'Bearer',
        'Bearer ',
        `Token ${token}`,
        `Bearer\t${token}x`,
      ])
        expect4xx(await h.request(me({ authorization })), 401, 'unauthenticated');
    });

    it('cookie and bearer that disagree: 400 ambiguous_credentials, and nothing is revoked', async () => {
      const other = await h.bearerSignIn('owner@example.com');
      const res = await refused(
        asOwner({ method: 'POST', url: '/v1/me/sessions/revoke-all', headers: { authorization: `Bearer ${other}` } }),
        400,
        'ambiguous_credentials',
      );
      expect(res.cookies.find((c) => c.name === COOKIE)).toBeUndefined();
      expect4xx(
        await h.request(me({ cookie: `${COOKIE}=${cookie}`, authorization: `Bearer ${'x'.repeat(10)}` })),
        400,
        'ambiguous_credentials',
      );
      expect((await h.request(me({ authorization: `Bearer ${other}` }))).statusCode).toBe(200);
      // The same token both ways is not ambiguous.
      expect((await h.request(me({ cookie: `${COOKIE}=${cookie}`, authorization: `Bearer ${cookie}` }))).statusCode).toBe(200);
    });

    it('an oversized header is refused with a 4xx', async () => {
      const res = await h.request(me({ cookie: `${COOKIE}=${'a'.repeat(100 * 1024)}` }));
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    });
  });

  describe('client address (X-Forwarded-For)', () => {
    // The harness trusts 127.0.0.1, inject's socket address: X-Forwarded-For is believed.
    const HOSTILE = ['<img src=x onerror=alert(1)>', 'garbage', '1.2.3.4:5678', '999.1.1.1', "1.2.3.4'--", '::g'];

    it('a malformed address from a trusted proxy: 400 invalid_request, nothing stored, never a limit key', async () => {
      for (const xff of HOSTILE) {
        await refused(
          signIn({ email: 'owner@example.com', password: PASSWORD }, { ...json, 'x-forwarded-for': xff }),
          400,
          'invalid_request',
        );
        await refused(
          signIn({ email: 'owner@example.com', password: PASSWORD }, { ...json, 'x-forwarded-for': `203.0.113.7, ${xff}` }),
          400,
        );
        await refused(
          {
            method: 'POST',
            url: '/v1/auth/password-reset',
            headers: { origin: ORIGIN, ...json, 'x-forwarded-for': xff },
            payload: { email: 'owner@example.com' },
          },
          400,
          'invalid_request',
        );
      }
      // Nothing hostile became a session's address.
      const list = await h.request(asOwner({ method: 'GET', url: '/v1/me/sessions' }));
      for (const s of list.json().sessions as { ip: string }[]) expect(s.ip).toMatch(/^[0-9a-f.:]+$/);
    });

    it('the client entry in a longer chain is what is checked: garbage left of it is never read', async () => {
      const res = await h.request(
        signIn({ email: 'owner@example.com', password: PASSWORD }, { ...json, 'x-forwarded-for': '<b>x</b>, 203.0.113.8' }),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().session.ip).toBe('203.0.113.8');
    });

    it('from an untrusted socket X-Forwarded-For is ignored, hostile or not: the socket address is the client', async () => {
      const res = await h.request({
        ...signIn({ email: 'owner@example.com', password: PASSWORD }, { ...json, 'x-forwarded-for': '<img src=x onerror=alert(1)>' }),
        remoteAddress: '198.51.100.23',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().session.ip).toBe('198.51.100.23');
    });
  });

  describe('IPv6 rotation', () => {
    // One /64 is one subscriber's network: every address in it is one client to the limits.
    const inNetwork = (net: string, i: number) => {
      const x = (i + 1).toString(16);
      return [`${net}::${x}`, `${net.toUpperCase().replace(/(^|:)0*/g, '$1')}:0:0:0:${x}`, `${net}:${x}:0:0:1`][i % 3]!;
    };

    it('150 sign-ins from 150 addresses of one /64: limited like one address (100, then 429)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 150; i++) {
        const res = await h.request(
          signIn(
            { email: `rotate-${i}@example.com`, password: 'wrong password, rotating' },
            { ...json, 'x-forwarded-for': inNetwork('2001:db8:4:1', i) },
          ),
        );
        statuses.push(res.statusCode);
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(100);
      expect(statuses.slice(100).every((s) => s === 429)).toBe(true);
      // Another /64 is another client; an IPv4 address is counted on its own.
      const other = await h.request(
        signIn({ email: 'rotate-x@example.com', password: 'wrong password' }, { ...json, 'x-forwarded-for': '2001:db8:4:2::1' }),
      );
      expect(other.statusCode).toBe(401);
    });

    it('password-reset requests from rotating addresses of one /64 share its limit (20, then 429)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await h.request({
          method: 'POST',
          url: '/v1/auth/password-reset',
          headers: { origin: ORIGIN, ...json, 'x-forwarded-for': inNetwork('2001:db8:4:3', i) },
          payload: { email: `reset-rotate-${i}@example.com` },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    });

    it('an IPv4-mapped IPv6 address is the IPv4 address: one limit for both spellings', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) {
        const xff = ['198.51.100.77', '::ffff:198.51.100.77', '::FFFF:198.51.100.77', '::ffff:c633:644d', '0:0:0:0:0:ffff:c633:644d'][
          i % 5
        ]!;
        statuses.push(
          (await h.request(signIn({ email: `mapped-${i}@example.com`, password: 'wrong password' }, { ...json, 'x-forwarded-for': xff })))
            .statusCode,
        );
      }
      expect(statuses.at(-1)).toBe(429);
      // The neighbouring IPv4 address is not limited: IPv4 is counted per address.
      const next = await h.request(
        signIn({ email: 'mapped-x@example.com', password: 'wrong password' }, { ...json, 'x-forwarded-for': '198.51.100.78' }),
      );
      expect(next.statusCode).toBe(401);
    });
  });

  describe('session ids and methods', () => {
    it('odd session ids: 404 not_found (or 405 for a path that is not a session), never a revocation', async () => {
      for (const id of [
        '..%2F',
        '..%2F..%2Fetc%2Fpasswd',
        '%2e%2e',
        'x'.repeat(200),
        'x'.repeat(5_000),
        "'%20OR%20'1'%3D'1",
        '%00',
        otherSessionId,
        otherSessionId.toLowerCase(),
        `${sessionId}%20`,
      ])
        await refused(asOwner({ method: 'DELETE', url: `/v1/me/sessions/${id}` }), undefined);
      for (const id of ['..%2F', '%2e%2e', otherSessionId, 'x'.repeat(100)]) {
        const res = await h.request(asOwner({ method: 'DELETE', url: `/v1/me/sessions/${id}` }));
        expect4xx(res, 404, 'not_found');
      }
      expect((await h.registry.store.findSession(otherSessionId))?.session.revokedAt).toBeNull();
      expect((await h.request(asOwner({ method: 'GET', url: '/v1/me/session' }))).statusCode).toBe(200);
    });

    it('a trailing slash or a dot segment is not a session id (404), and is not "method not allowed"', async () => {
      for (const url of [`/v1/me/sessions/${otherSessionId}/`, '/v1/me/sessions/../', `/v1/me/sessions/${sessionId}/..`]) {
        const res = await h.request(asOwner({ method: 'DELETE', url }));
        expect4xx(res, 404, 'not_found');
      }
      // A URL that is not even valid percent-encoding.
      expect4xx(await h.request(asOwner({ method: 'DELETE', url: '/v1/me/sessions/%zz' })), 400, 'invalid_request');
      expect((await h.request(asOwner({ method: 'GET', url: '/v1/me/session' }))).statusCode).toBe(200);
    });

    it('TRACE, PUT, PATCH and GET on existing paths that do not take them: 405 with Allow', async () => {
      const cases: [InjectOptions['method'], string][] = [
        ['TRACE', '/v1/me/sessions'],
        ['PUT', '/v1/me/sessions'],
        ['PATCH', '/v1/me/session'],
        ['GET', '/v1/me/sessions/revoke-all'],
        ['GET', '/v1/auth/sign-out'],
        ['GET', '/v1/auth/sign-in'],
        ['PUT', `/v1/me/sessions/${sessionId}`],
        ['TRACE', '/healthz'],
        ['DELETE', '/v1/me/password'],
      ];
      for (const [method, url] of cases) {
        const res = await refused(asOwner({ method, url }), 405, 'method_not_allowed');
        expect(res.headers.allow, `${method} ${url}`).toBeTruthy();
        expect(String(res.headers.allow).split(', ')).not.toContain(method);
      }
      expect((await h.request(asOwner({ method: 'GET', url: '/v1/me/session' }))).statusCode).toBe(200);
    });

    it('unknown paths: 404 not_found in the same shape', async () => {
      for (const url of ['/v1/nope', '/v1/me/sessions/a/b', '/v2/me/session', '/.env', '/v1/admin'])
        expect4xx(await h.request(asOwner({ method: 'GET', url })), 404, 'not_found');
    });
  });
});
