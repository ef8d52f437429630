/** Health, readiness, metrics, OpenAPI, UI config and introspection: what operators and other services rely on. */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceKey } from '../../src/core/service-keys.js';
import { metricsServer } from '../../src/http/ops/routes.js';
import { ENGINES } from '../support/databases.js';
import { harness, type Harness } from '../support/harness.js';

let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

/** A sample of a Prometheus text exposition: the sum of the series with these labels, 0 when none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(' ')[0]!;
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

describe.each(ENGINES)('operations (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine, { sessionsPageCovers: 'Sign-ins to Acme apps.', sessionsPageExcludes: 'Apps you connected yourself.' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const metrics = async () => {
    const res = await h.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.body;
  };

  it('GET /healthz answers 200 {status: ok}', async () => {
    const res = await h.request({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 while the database is reachable and 503 unavailable when it is not', async () => {
    expect((await h.request({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok' });
    const broken = await harness(engine);
    try {
      await broken.registry.store.close();
      const res = await broken.request({ method: 'GET', url: '/readyz' });
      expectError(res, 503, 'unavailable');
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
      expect((await broken.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200); // alive, not ready
    } finally {
      await broken.app.close();
      await broken.database.drop();
    }
  });

  it('GET /metrics: sign-in and revocation counters move, latency is per route, the active-sessions gauge follows', async () => {
    const e = email('metrics');
    await h.signUp(e);
    const before = await metrics();
    const b = await h.browserSignIn(e);
    const t1 = await h.bearerSignIn(e);
    await h.bearerSignIn(e);
    await h.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: 'wrong password here' } });
    const mid = await metrics();
    expect(
      sample(mid, 'sessiond_sign_ins_total', { outcome: 'success' }) - sample(before, 'sessiond_sign_ins_total', { outcome: 'success' }),
    ).toBe(3);
    expect(
      sample(mid, 'sessiond_sign_ins_total', { outcome: 'invalid_credentials' }) -
        sample(before, 'sessiond_sign_ins_total', { outcome: 'invalid_credentials' }),
    ).toBe(1);
    expect(sample(mid, 'sessiond_active_sessions') - sample(before, 'sessiond_active_sessions')).toBe(3);

    await b.request({ method: 'DELETE', url: `/v1/me/sessions/${t1.split('.')[0]}` });
    await b.request({ method: 'POST', url: '/v1/me/sessions/revoke-others' });
    await b.request({ method: 'POST', url: '/v1/auth/sign-out' });
    const after = await metrics();
    for (const kind of ['one', 'others', 'sign_out'])
      expect(
        sample(after, 'sessiond_revocations_total', { kind, outcome: 'success' }) -
          sample(mid, 'sessiond_revocations_total', { kind, outcome: 'success' }),
        kind,
      ).toBe(1);
    expect(sample(after, 'sessiond_active_sessions')).toBe(sample(before, 'sessiond_active_sessions'));
    // Latency by route pattern (never by raw URL: ids would explode the label set).
    expect(
      sample(after, 'sessiond_http_request_duration_seconds_count', { method: 'POST', route: '/v1/auth/sign-in', status_code: '200' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sample(after, 'sessiond_http_request_duration_seconds_count', { method: 'DELETE', route: '/v1/me/sessions/:id' }),
    ).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain(t1.split('.')[0]);
    // A single SQLite node's in-process bus is always live; the cache holds the validated sessions.
    if (h.registry.engine === 'sqlite') expect(sample(after, 'sessiond_revocation_bus_live')).toBe(1);
    expect(after).toMatch(/^sessiond_session_cache\{measure="entries"\} \d+$/m);
    expect(after).toMatch(/^sessiond_session_cache\{measure="bytes"\} \d+$/m);
    expect(after).toMatch(/sessiond_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/v1\/auth\/sign-in"/);
  });

  it('GET /openapi.json is an OpenAPI 3.1 document listing every route with resolvable schemas', async () => {
    const res = await h.request({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'sessiond', version: expect.any(String) });
    const expected: [string, string][] = [
      ['post', '/v1/auth/sign-up'],
      ['post', '/v1/auth/sign-in'],
      ['post', '/v1/auth/sign-out'],
      ['get', '/v1/me/session'],
      ['get', '/v1/me/sessions'],
      ['delete', '/v1/me/sessions/{id}'],
      ['post', '/v1/me/sessions/revoke-others'],
      ['post', '/v1/me/sessions/revoke-all'],
      ['post', '/v1/me/password'],
      ['post', '/v1/introspect'],
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
      ['get', '/v1/ui/config'],
    ];
    for (const [method, path] of expected) {
      const op = doc.paths?.[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(op.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
    }
    expect(doc.paths['/v1/me/sessions/{id}'].delete.parameters).toEqual([
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    ]);
    const signIn = doc.paths['/v1/auth/sign-in'].post.requestBody.content['application/json'].schema;
    expect(signIn.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(signIn.additionalProperties).toBe(false);
    // Every $ref points at something in the document.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice(8, -1);
      expect(pointer.startsWith('#/'), pointer).toBe(true);
      const target = pointer
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, pointer).toBeDefined();
    }
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('GET /v1/ui/config gives the product name and the configured page text', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/ui/config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      product_name: 'sessiond',
      sessions_page: { covers: 'Sign-ins to Acme apps.', excludes: 'Apps you connected yourself.' },
      apps: [
        { id: 'web', name: 'Web', kind: 'browser' },
        { id: 'desktop', name: 'Desktop app', kind: 'desktop' },
        { id: 'mobile', name: 'Mobile app', kind: 'mobile' },
        { id: 'platform', name: 'Platform console', kind: 'browser' },
        { id: 'cli', name: 'Command line', kind: 'cli' },
      ],
      // The harness's public URL is an IP address: no WebAuthn relying party there.
      passkeys: false,
    });
  });

  describe('POST /v1/introspect', () => {
    let key: string;
    beforeAll(async () => {
      key = (await createServiceKey(h.registry, 'billing-api')).key;
    });
    const introspect = (token: unknown, authorization = `Bearer ${key}`) =>
      h.request({ method: 'POST', url: '/v1/introspect', headers: { authorization }, payload: { token } });

    it('describes an active session token', async () => {
      const e = email('intro');
      await h.signUp(e);
      const token = await h.bearerSignIn(e, { clientId: 'desktop' });
      const userId = (await h.registry.store.findUserByEmailKey(e))!.id;
      const res = await introspect(token);
      expect(res.statusCode).toBe(200);
      const now = Math.floor(h.clock.now() / 1000);
      expect(res.json()).toEqual({
        active: true,
        sub: userId,
        sid: token.split('.')[0],
        client_id: 'desktop',
        iat: now,
        exp: now + 14 * 86_400,
      });
    });

    it('says only {active: false} for a revoked, unknown or malformed token', async () => {
      const e = email('intro-revoked');
      await h.signUp(e);
      const token = await h.bearerSignIn(e);
      await h.request({ method: 'POST', url: '/v1/auth/sign-out', headers: { authorization: `Bearer ${token}` } });
      for (const t of [token, 'AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', '', 'garbage', `${token}x`]) {
        const res = await introspect(t);
        expect(res.statusCode, t).toBe(200);
        expect(res.json(), t).toEqual({ active: false });
      }
    });

    it('refuses callers without a valid service key (401), including a user session token', async () => {
      const e = email('intro-user');
      await h.signUp(e);
      const token = await h.bearerSignIn(e);
      const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      for (const authorization of [
        '',
        `Bearer ${token}`,
        `Bearer ${tampered}`,
        `Basic ${Buffer.from(`x:${key}`).toString('base64')}`,
        key,
      ]) {
        expectError(await introspect(token, authorization), 401, 'unauthenticated');
      }
      // A revoked key is refused (no API revokes keys yet, so the store is given one).
      const { record, key: retired } = await createServiceKey(h.registry, 'retired');
      const revokedId = `${record.id.slice(0, 21)}${record.id.endsWith('Z') ? 'Y' : 'Z'}`;
      await h.registry.store.insertServiceKey({ ...record, id: revokedId, revokedAt: h.clock.now() });
      expect((await introspect(token, `Bearer ${retired}`)).statusCode).toBe(200);
      expectError(await introspect(token, `Bearer ${revokedId}.${retired.split('.')[1]}`), 401, 'unauthenticated');
    });

    it('refuses a body that is not {token} (400)', async () => {
      for (const payload of [{}, { token: 1 }, { token: null }, { token: 'x', extra: true }]) {
        const res = await h.request({ method: 'POST', url: '/v1/introspect', headers: { authorization: `Bearer ${key}` }, payload });
        expectError(res, 400, 'invalid_request');
      }
    });
  });
});

/** `/metrics` shows counts an operator may not want public: a token, or a listener of its own. */
describe('GET /metrics access', () => {
  const TOKEN = 'metrics-token-0123456789abcdef0123456789';

  it('--metrics-token: 401 in the error shape without the bearer token or with a wrong one, 200 with it', async () => {
    const h = await harness('sqlite', { metricsToken: TOKEN });
    try {
      for (const authorization of [
        undefined,
        '',
        'Bearer',
        `Bearer ${TOKEN.slice(0, -1)}x`, // same length, last character wrong
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, 8)}`,
        `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`,
        TOKEN,
      ]) {
        const res = await h.request({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
        expectError(res, 401, 'unauthenticated');
        expect(res.headers['www-authenticate'], String(authorization)).toMatch(/^Bearer /);
        expect(res.body).not.toContain('sessiond_');
      }
      const ok = await h.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['content-type']).toMatch(/^text\/plain/);
      expect(ok.body).toMatch(/^# HELP sessiond_sign_ins_total /m);
      // The rest of the ops surface stays open, and the token never reaches a log line.
      expect((await h.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect(h.logs.join('')).not.toContain(TOKEN);
    } finally {
      await h.close();
      await h.database.drop();
    }
  });

  it('--metrics-listen: the main port answers 404 for /metrics; the own listener serves only GET /metrics of the same registry', async () => {
    const h = await harness('sqlite', { metricsListen: '127.0.0.1:0', metricsToken: TOKEN });
    const server = await metricsServer(h.app.metrics, h.registry.config);
    try {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }])
        expectError(await h.request({ method: 'GET', url: '/metrics', headers: { accept: 'text/plain', ...headers } }), 404, 'not_found');
      expect((await h.request({ method: 'GET', url: '/openapi.json' })).json().paths['/metrics']).toBeUndefined();

      await server.listen({ host: '127.0.0.1', port: 0 });
      const address = server.server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const scrape = async () => {
        const res = await fetch(`${base}/metrics`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        return res.text();
      };
      const before = await scrape();
      const e = email('listener');
      await h.signUp(e);
      await h.bearerSignIn(e);
      // A sign-in on the main port shows on the metrics listener: one registry, two doors.
      expect(sample(await scrape(), 'sessiond_sign_ins_total', { outcome: 'success' })).toBe(
        sample(before, 'sessiond_sign_ins_total', { outcome: 'success' }) + 1,
      );
      // Nothing else is served there: not the API, not health, not another method.
      for (const [method, path] of [
        ['GET', '/healthz'],
        ['GET', '/v1/me/session'],
        ['POST', '/v1/auth/sign-in'],
        ['POST', '/metrics'],
      ] as const) {
        const res = await fetch(`${base}${path}`, { method });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
      }
    } finally {
      await server.close();
      await h.close();
      await h.database.drop();
    }
  });
});
