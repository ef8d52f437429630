/**
 * Each figure /metrics records (docs/metrics.md), from the requests and events that cause it: a
 * real app on SQLite (PostgreSQL behind a stalled link for the fail-closed answer), /metrics
 * parsed as Prometheus text, every assertion a difference between two scrapes.
 */
import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServiceKey } from '../../src/core/service-keys.js';
import { fixedClock } from '../../src/core/testing/fakes.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry } from '../../src/registry.js';
import { freshDatabase } from '../support/databases.js';
import { browserWith, harness, IP, ORIGIN, PASSWORD, UA, type Harness } from '../support/harness.js';
import { SoftAuthenticator } from '../support/webauthn-authenticator.js';
import { testKeyFile } from '../support/secret-key.js';
import { TcpProxy } from '../support/tcp-proxy.js';

let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

/** One scrape: `name{labels}` → value, for every sample line. */
type Scrape = Map<string, number>;

function parse(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none). */
function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, v] of scrape) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([k, l]) => key.includes(`${k}="${l}"`))) sum += v;
  }
  return sum;
}

/** Whether a series of `name` with exactly `labels` is shown. */
function has(scrape: Scrape, name: string, labels: Record<string, string>): boolean {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return scrape.has(`${name}{${text}}`);
}

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

describe('what /metrics records (sqlite)', () => {
  let h: Harness;
  let listeningAt: string | undefined;
  /** The app on a real port (once: a Fastify app listens at most once). */
  const listening = async () => (listeningAt ??= await h.app.listen({ host: '127.0.0.1', port: 0 }));
  const mails: { to: string; text: string }[] = [];
  beforeAll(async () => {
    h = await harness('sqlite', { signInAccountLimit: '3/15m', publicUrl: ORIGIN });
    const mailer = h.registry.mailer;
    const send = mailer.send.bind(mailer);
    vi.spyOn(mailer, 'send').mockImplementation(async (mail) => {
      mails.push({ to: mail.to, text: mail.text });
      await send(mail);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await h?.registry.signals.idle();
    await h?.close();
  });

  const scrape = async () => {
    const res = await h.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return parse(res.body);
  };
  /** What changed between two scrapes, for one metric and label subset. */
  const delta = (before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}) =>
    value(after, name, labels) - value(before, name, labels);

  const signIn = (payload: Record<string, unknown>, ip = IP.london) =>
    h.request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'user-agent': UA.windowsChrome, 'x-forwarded-for': ip },
      payload,
    });

  it('sign-ins by first factor, client and outcome: success and each failure by the code the caller saw', async () => {
    const e = email('sign-ins');
    await h.signUp(e);
    const before = await scrape();
    await h.browserSignIn(e);
    await h.bearerSignIn(e);
    await h.bearerSignIn(e);
    expectError(await signIn({ email: e, password: 'not the password at all' }), 401, 'invalid_credentials');
    expectError(
      await signIn({ email: e, password: 'not the password at all', transport: 'bearer', client_id: 'cli' }),
      401,
      'invalid_credentials',
    );
    const after = await scrape();

    const signIns = (labels: Record<string, string>) => delta(before, after, 'sessiond_sign_ins_total', labels);
    expect(signIns({ method: 'password', client: 'web', outcome: 'success' })).toBe(1);
    expect(signIns({ method: 'password', client: 'cli', outcome: 'success' })).toBe(2);
    expect(signIns({ method: 'password', client: 'web', outcome: 'invalid_credentials' })).toBe(1);
    expect(signIns({ method: 'password', client: 'cli', outcome: 'invalid_credentials' })).toBe(1);
    expect(signIns({ method: 'passkey' })).toBe(0);
    expect(signIns({})).toBe(5);
    // Labels are closed sets: no address, no id, no email in any series.
    for (const key of after.keys()) expect(key).not.toMatch(/@|81\.2\.69\.160/);
  });

  it('rate-limit denials by limit, and the refused sign-in by its outcome rate_limited', async () => {
    const e = email('limited');
    await h.signUp(e);
    const before = await scrape();
    // The account limit is 3 failures in 15 minutes: the fourth attempt is refused unchecked.
    for (let i = 0; i < 3; i++) expectError(await signIn({ email: e, password: `wrong password ${i}` }), 401, 'invalid_credentials');
    expectError(await signIn({ email: e, password: PASSWORD }), 429, 'rate_limited');
    const after = await scrape();
    expect(delta(before, after, 'sessiond_rate_limited_total', { limit: 'sign-in:account' })).toBe(1);
    expect(delta(before, after, 'sessiond_rate_limited_total')).toBe(1);
    expect(delta(before, after, 'sessiond_sign_ins_total', { method: 'password', client: 'web', outcome: 'rate_limited' })).toBe(1);
    // A refused attempt checks no password: three verifications, not four.
    expect(delta(before, after, 'sessiond_password_hash_duration_seconds_count')).toBe(3);
  });

  it('argon2 time: a sign-up hashes once, a sign-in verifies once', async () => {
    const e = email('hash');
    const before = await scrape();
    expect((await h.signUp(e)).statusCode).toBe(201);
    const mid = await scrape();
    expect(delta(before, mid, 'sessiond_password_hash_duration_seconds_count')).toBe(1);
    expect(delta(before, mid, 'sessiond_password_hash_duration_seconds_sum')).toBeGreaterThan(0);
    await h.bearerSignIn(e);
    const after = await scrape();
    expect(delta(mid, after, 'sessiond_password_hash_duration_seconds_count')).toBe(1);
    // The whole sign-in took at least as long as its hash.
    expect(delta(mid, after, 'sessiond_operation_duration_seconds_sum', { operation: 'sign_in' })).toBeGreaterThanOrEqual(
      delta(mid, after, 'sessiond_password_hash_duration_seconds_sum'),
    );
  });

  it('MFA code steps passed and failed', async () => {
    const e = email('mfa');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const secret = (await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).json().secret as string;
    const code = (offset = 0) =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() + offset });
    expect((await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: code() } })).statusCode).toBe(200);
    h.clock.advance(30_000);

    const before = await scrape();
    const step = await signIn({ email: e, password: PASSWORD });
    expect(step.statusCode, step.body).toBe(200);
    const token = step.json().mfa_token as string;
    const codeStep = (c: string) =>
      h.request({ method: 'POST', url: '/v1/auth/sign-in/mfa', headers: { origin: ORIGIN }, payload: { mfa_token: token, code: c } });
    expectError(await codeStep('000000'), 401, 'invalid_code');
    expect((await codeStep(code())).statusCode).toBe(200);
    const after = await scrape();
    expect(delta(before, after, 'sessiond_mfa_challenges_total', { outcome: 'failed' })).toBe(1);
    expect(delta(before, after, 'sessiond_mfa_challenges_total', { outcome: 'passed' })).toBe(1);
    // The code step's failure is a failed sign-in whose first factor was the password.
    // The code step's client is known only once its challenge is: `unknown` when refused before.
    expect(delta(before, after, 'sessiond_sign_ins_total', { method: 'password', client: 'unknown', outcome: 'invalid_code' })).toBe(1);
    expect(delta(before, after, 'sessiond_sign_ins_total', { method: 'password', client: 'web', outcome: 'success' })).toBe(1);
  });

  it('password resets requested and completed', async () => {
    const e = email('reset');
    await h.signUp(e);
    const before = await scrape();
    const post = (url: string, payload: Record<string, unknown>) =>
      h.request({ method: 'POST', url, headers: { origin: ORIGIN, 'x-forwarded-for': IP.london }, payload });
    expect((await post('/v1/auth/password-reset', { email: e })).statusCode).toBe(202);
    // An address with no account asks too: no mail, no reset requested.
    expect((await post('/v1/auth/password-reset', { email: email('nobody') })).statusCode).toBe(202);
    await h.registry.signals.idle();
    const mid = await scrape();
    expect(delta(before, mid, 'sessiond_password_resets_total', { stage: 'requested' })).toBe(1);
    expect(delta(before, mid, 'sessiond_password_resets_total', { stage: 'completed' })).toBe(0);

    const mail = mails.findLast((m) => m.to === e)!;
    const token = decodeURIComponent(/\/reset-password\/confirm\?token=([A-Za-z0-9._%-]+)/.exec(mail.text)![1]!);
    expect((await post('/v1/auth/password-reset/confirm', { token, new_password: 'a brand new passphrase' })).statusCode).toBe(204);
    const after = await scrape();
    expect(delta(mid, after, 'sessiond_password_resets_total', { stage: 'completed' })).toBe(1);
  });

  it('latency by operation: validation, introspection, sign-in, list and revoke each observed', async () => {
    const e = email('ops');
    await h.signUp(e);
    const serviceKey = (await createServiceKey(h.registry, `ops-${n}`)).key;
    const before = await scrape();
    const b = await h.browserSignIn(e);
    const other = await h.bearerSignIn(e);
    expect((await b.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
    expect((await b.request({ method: 'GET', url: '/v1/me/sessions' })).statusCode).toBe(200);
    const introspected = await h.request({
      method: 'POST',
      url: '/v1/introspect',
      headers: { authorization: `Bearer ${serviceKey}` },
      payload: { token: other },
    });
    expect(introspected.json().active).toBe(true);
    expect((await b.request({ method: 'DELETE', url: `/v1/me/sessions/${other.split('.')[0]}` })).statusCode).toBe(204);
    const after = await scrape();
    const count = (operation: string) => delta(before, after, 'sessiond_operation_duration_seconds_count', { operation });
    expect(count('sign_in')).toBe(2);
    expect(count('list')).toBe(1);
    expect(count('introspection')).toBe(1);
    expect(count('revoke')).toBe(1);
    // Three session checks (the session, the list, the revocation) and the introspected token.
    expect(count('validation')).toBe(4);
    expect(delta(before, after, 'sessiond_operation_duration_seconds_sum', { operation: 'validation' })).toBeGreaterThan(0);
    // Histograms: the +Inf bucket holds every observation.
    expect(delta(before, after, 'sessiond_operation_duration_seconds_bucket', { operation: 'list', le: '+Inf' })).toBe(1);
  });

  it('database statements per route: a validation that reads the session (not in this node’s cache) counts that read', async () => {
    const e = email('statements-miss');
    await h.signUp(e);
    const base = await listening();
    const fresh = await h.bearerSignIn(e);
    const [id, secret] = fresh.split('.');
    const unknown = `${id!.slice(0, -1)}${id!.endsWith('A') ? 'B' : 'A'}.${secret}`;
    const before = await scrape();
    // Answered by the fast path (a valid session read from the database), then refused by
    // Fastify after the fast path read the store (no such session).
    expect((await fetch(`${base}/v1/me/session`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
    expect((await fetch(`${base}/v1/me/session`, { headers: { authorization: `Bearer ${unknown}` } })).status).toBe(401);
    const after = await scrape();
    expect(delta(before, after, 'sessiond_database_statements_total', { route: '/v1/me/session' })).toBeGreaterThanOrEqual(2);
  });

  it('a refusal the fast path read the database for counts that time, in the validation and in the route’s latency', async () => {
    const e = email('slow-refusal');
    await h.signUp(e);
    const base = await listening();
    const [id, secret] = (await h.bearerSignIn(e)).split('.');
    const unknown = `${id!.slice(0, -1)}${id!.endsWith('A') ? 'B' : 'A'}.${secret}`;
    // The fast path's read of the session (the first) is slow; Fastify's own reads are not.
    const { store } = h.registry;
    const findSession = store.findSession;
    let slow = true;
    store.findSession = async (sessionId) => {
      if (slow) {
        slow = false;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return findSession.call(store, sessionId);
    };
    try {
      const before = await scrape();
      expect((await fetch(`${base}/v1/me/session`, { headers: { authorization: `Bearer ${unknown}` } })).status).toBe(401);
      const after = await scrape();
      expect(slow).toBe(false);
      const latency = (le: string) =>
        delta(before, after, 'sessiond_http_request_duration_seconds_bucket', { route: '/v1/me/session', status_code: '401', le });
      expect(latency('+Inf')).toBe(1);
      expect(latency('0.1')).toBe(0);
      expect(delta(before, after, 'sessiond_operation_duration_seconds_sum', { operation: 'validation' })).toBeGreaterThanOrEqual(0.1);
    } finally {
      store.findSession = findSession;
    }
  });

  it('database statements per route: counted for the request that issued them, also after its body was parsed', async () => {
    const e = email('statements');
    await h.signUp(e);
    const token = await h.bearerSignIn(e);
    // Its first validation also reads the session into this node's cache: the next ones do not.
    expect(
      (await h.request({ method: 'GET', url: '/v1/me/security-events', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(200);
    const before = await scrape();
    const requests = 3;
    for (let i = 0; i < requests; i++)
      expect(
        (await h.request({ method: 'GET', url: '/v1/me/security-events', headers: { authorization: `Bearer ${token}` } })).statusCode,
      ).toBe(200);
    // Over a real connection the body arrives in chunks after the request began: its statements
    // still count for it.
    const base = await listening();
    const res = await fetch(`${base}/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: e, password: PASSWORD, transport: 'bearer', client_id: 'cli' }),
    });
    expect(res.status, await res.text()).toBe(200);
    expect((await h.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const after = await scrape();
    const statements = (route: string) => delta(before, after, 'sessiond_database_statements_total', { route });
    // The timeline is read from the database each time (no cache in front of it): a multiple of
    // the requests, at least one each.
    expect(statements('/v1/me/security-events')).toBeGreaterThanOrEqual(requests);
    expect(statements('/v1/me/security-events') % requests).toBe(0);
    // A sign-in (a route with a body) reads the account and writes the session.
    expect(statements('/v1/auth/sign-in')).toBeGreaterThanOrEqual(2);
    // Liveness touches no database, and its series is shown at 0.
    expect(has(after, 'sessiond_database_statements_total', { route: '/healthz' })).toBe(true);
    expect(statements('/healthz')).toBe(0);

    // Requests served at the same time, counted and not, each count only their own.
    const each = statements('/v1/me/security-events') / requests;
    const mid = await scrape();
    const auth = { authorization: `Bearer ${token}` };
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => fetch(`${base}/v1/me/security-events`, { headers: auth })),
      ...Array.from({ length: 5 }, () => fetch(`${base}/v1/me/session`, { headers: auth })),
      ...Array.from({ length: 5 }, () => fetch(`${base}/healthz`)),
    ]);
    for (const answer of answers) expect(answer.status).toBe(200);
    const end = await scrape();
    expect(delta(mid, end, 'sessiond_database_statements_total', { route: '/v1/me/security-events' })).toBe(5 * each);
    expect(delta(mid, end, 'sessiond_database_statements_total', { route: '/healthz' })).toBe(0);
  });

  it('session cache lookups: the first validation of a session misses, the next ones hit', async () => {
    const e = email('cache');
    await h.signUp(e);
    const token = await h.bearerSignIn(e);
    const before = await scrape();
    for (let i = 0; i < 3; i++)
      expect((await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(
        200,
      );
    const after = await scrape();
    expect(delta(before, after, 'sessiond_session_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(delta(before, after, 'sessiond_session_cache_lookups_total', { result: 'hit' })).toBe(2);
  });

  it('policy denials by rule: a session limit set on a workspace ends the oldest session', async () => {
    const e = email('owner');
    await h.signUp(e);
    const token = await h.bearerSignIn(e);
    const auth = { authorization: `Bearer ${token}` };
    const created = await h.request({ method: 'POST', url: '/v1/admin/workspaces', headers: auth, payload: { name: 'Acme' } });
    expect(created.statusCode, created.body).toBe(201);
    const ws = created.json().workspace.id as string;
    await h.bearerSignIn(e);
    const before = await scrape();
    const set = await h.request({
      method: 'PUT',
      url: `/v1/admin/workspaces/${ws}/policy`,
      headers: auth,
      payload: {
        max_lifetime_seconds: null,
        idle_timeout_seconds: null,
        max_sessions: 1,
        mfa_required: false,
        trusted_device_apps: [],
        allowed_countries: null,
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().ended).toBe(1);
    const after = await scrape();
    expect(delta(before, after, 'sessiond_policy_denials_total', { policy: 'max_sessions' })).toBe(1);
    expect(delta(before, after, 'sessiond_policy_denials_total')).toBe(1);
  });
});

describe('sign-ins with a passkey (sqlite)', () => {
  const PUBLIC = 'http://localhost:7400';
  const HEADERS = { origin: PUBLIC, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london };
  let h: Harness;
  beforeAll(async () => {
    h = await harness('sqlite', { publicUrl: PUBLIC });
  });
  afterAll(async () => {
    await h?.close();
  });
  const send = (o: InjectOptions) => h.request({ ...o, headers: { ...(o.headers as Record<string, string>), ...HEADERS } });

  it('a passkey alone is a sign-in whose first factor is passkey, succeeded or failed', async () => {
    const e = email('passkey');
    await h.signUp(e);
    const signedIn = await send({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: PASSWORD } });
    const cookie = signedIn.cookies.find((c) => c.name === '__Host-sessiond')!.value;
    const b = browserWith(cookie, send);
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    const begin = await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} });
    expect(
      (await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response: auth.create(begin.json().options) } })).statusCode,
    ).toBe(201);

    const scrape = async () => parse((await h.request({ method: 'GET', url: '/metrics' })).body);
    const options = async () => (await send({ method: 'POST', url: '/v1/auth/passkey/options', payload: {} })).json().options;
    const before = await scrape();
    const ok = await send({ method: 'POST', url: '/v1/auth/passkey', payload: { response: auth.get(await options()) } });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await send({ method: 'POST', url: '/v1/auth/passkey', payload: { response: auth.get(await options()) } });
    expect(again.statusCode, again.body).toBe(200);
    // An answer naming a credential nobody registered is refused.
    const refused = await send({
      method: 'POST',
      url: '/v1/auth/passkey',
      payload: { response: { ...auth.get(await options()), id: 'bm90LWEtY3JlZGVudGlhbA', rawId: 'bm90LWEtY3JlZGVudGlhbA' } },
    });
    expect(refused.statusCode, refused.body).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode, refused.body).toBeLessThan(500);
    const after = await scrape();
    const signIns = (labels: Record<string, string>) =>
      value(after, 'sessiond_sign_ins_total', labels) - value(before, 'sessiond_sign_ins_total', labels);
    expect(signIns({ method: 'passkey', client: 'web', outcome: 'success' })).toBe(2);
    expect(signIns({ method: 'passkey', outcome: refused.json().error.code })).toBe(1);
    expect(signIns({ method: 'password' })).toBe(0);
  });
});

describe('fail-closed answers (postgres behind a stalled link)', () => {
  const silent = new Writable({ write: (_c, _e, done) => done() });

  it('a validation the database cannot answer is a 503, counted by reason database', async () => {
    const database = await freshDatabase('postgres');
    const proxy = await TcpProxy.for(database.url).start();
    const config = loadConfig({ databaseUrl: proxy.url(database.url), secretKeyFile: testKeyFile(), signUpMode: 'direct' }, {});
    const registry = await createRegistry(config, {
      clock: fixedClock('2026-03-01T09:00:00Z'),
      argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      logStream: silent,
      bus: 'memory',
    });
    const app = await buildApp(registry, { logStream: silent });
    try {
      const metrics = async () => parse((await app.inject({ method: 'GET', url: '/metrics' })).body);
      const e = 'closed@example.com';
      expect((await app.inject({ method: 'POST', url: '/v1/auth/sign-up', payload: { email: e, password: PASSWORD } })).statusCode).toBe(
        201,
      );
      const signedIn = await app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: e, password: PASSWORD, transport: 'bearer', client_id: 'cli' },
      });
      const token = signedIn.json().token as string;
      const before = await metrics();
      proxy.stall();
      let res: LightMyRequestResponse;
      try {
        // Not yet in this node's cache: the lookup needs the database, which does not answer.
        res = await app.inject({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } });
      } finally {
        proxy.restore();
      }
      expectError(res, 503, 'unavailable');
      const after = await metrics();
      expect(value(after, 'sessiond_unavailable_total', { reason: 'database' }) - value(before, 'sessiond_unavailable_total')).toBe(1);
    } finally {
      await app.close();
      await registry.close();
      await proxy.close();
      await database.drop();
    }
  });
});
