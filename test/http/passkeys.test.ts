/**
 * Passkeys over HTTP (issue 15), with a software authenticator (test/support/webauthn-authenticator.ts)
 * playing the browser: register, sign in with a discoverable credential, the second step after a
 * password, re-authenticate, rename, remove; the limit; a cloned credential with a stale counter
 * (W3C WebAuthn Level 3 §6.1.1), another origin or RP ID, a challenge used twice or late; another
 * user's passkey; bad bodies.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { browserWith, harness, IP, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';
import { SoftAuthenticator } from '../support/webauthn-authenticator.js';

const PUBLIC = 'http://localhost:7400';
const COOKIE = '__Host-sessiond';
const MINUTE = 60_000;
const HEADERS = { origin: PUBLIC, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london };
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

describe.each(ENGINES)('passkeys (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine, { publicUrl: PUBLIC, maxPasskeys: '3', signInAccountLimit: '5/15m' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const send = (o: InjectOptions) => h.request({ ...o, headers: { ...(o.headers ?? {}), ...HEADERS } });
  const asBrowser = (cookie: string) =>
    browserWith(cookie, (o) => h.request({ ...o, headers: { ...(o.headers as Record<string, string>), origin: PUBLIC } }));

  async function signUpAndIn(tag: string): Promise<{ e: string; b: Browser }> {
    const e = email(tag);
    expect((await h.signUp(e)).statusCode).toBe(201);
    const res = await send({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: PASSWORD } });
    expect(res.statusCode, res.body).toBe(200);
    return { e, b: asBrowser(res.cookies.find((c) => c.name === COOKIE)!.value) };
  }

  /** Registers a passkey of `auth` for the browser's account; returns the API's view of it. */
  async function register(b: Browser, auth: SoftAuthenticator, name?: string) {
    const begin = await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} });
    expect(begin.statusCode, begin.body).toBe(200);
    const response = auth.create(begin.json().options);
    const added = await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response, ...(name ? { name } : {}) } });
    expect(added.statusCode, added.body).toBe(201);
    return added.json().passkey as { id: string; name: string; authenticator: string | null; backed_up: boolean };
  }

  async function signInOptions(body: Record<string, unknown> = {}) {
    const res = await send({ method: 'POST', url: '/v1/auth/passkey/options', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().options;
  }

  async function passkeySignIn(payload: Record<string, unknown>) {
    return send({ method: 'POST', url: '/v1/auth/passkey', payload });
  }

  const list = async (b: Browser) => (await b.request({ method: 'GET', url: '/v1/me/passkeys' })).json();
  const kinds = async (b: Browser) =>
    ((await b.request({ method: 'GET', url: '/v1/me/security-events' })).json().events as { kind: string }[]).map((e) => e.kind);

  it('registers a passkey: required resident key and user verification, no attestation; listed with its authenticator; timeline and mail', async () => {
    const { e, b } = await signUpAndIn('register');
    const begin = await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} });
    const { options } = begin.json();
    expect(options.rp.id).toBe('localhost');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.attestation).toBe('none');
    expect(options.excludeCredentials).toEqual([]);

    const auth = new SoftAuthenticator({ origin: PUBLIC });
    const added = await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response: auth.create(options) } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().passkey).toEqual({
      id: expect.any(String),
      name: 'iCloud Keychain',
      created_at: new Date(h.clock.now()).toISOString(),
      last_used_at: null,
      backed_up: true,
      authenticator: 'iCloud Keychain',
    });

    const device = new SoftAuthenticator({ origin: PUBLIC, aaguid: '00000000-0000-0000-0000-000000000000', backedUp: false });
    h.clock.advance(1000);
    await register(b, device, 'YubiKey');
    const listed = await list(b);
    expect(listed.limit).toBe(3);
    expect(
      listed.passkeys.map((p: { name: string; authenticator: string | null; backed_up: boolean }) => [
        p.name,
        p.authenticator,
        p.backed_up,
      ]),
    ).toEqual([
      ['YubiKey', null, false],
      ['iCloud Keychain', 'iCloud Keychain', true],
    ]);
    // The next registration excludes both: an authenticator cannot hold a second passkey for the account.
    const again = (await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} })).json().options;
    expect(again.excludeCredentials).toHaveLength(2);

    expect(await kinds(b)).toContain('passkey_added');
    await h.registry.signals.idle();
    expect(h.logs.join('')).toContain('A passkey was added to your sessiond account');
    expect(h.logs.join('')).toContain(`Passkeys settings: ${PUBLIC}/settings/security/passkeys`);
    expect(h.logs.join('')).toContain(e);
  });

  it('signs in with a discoverable passkey: a "passkey" session, no code step, the passkey marked used', async () => {
    const { b } = await signUpAndIn('sign-in');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    h.clock.advance(MINUTE);

    const options = await signInOptions();
    expect(options.allowCredentials).toEqual([]);
    expect(options.userVerification).toBe('required');
    expect(options.rpId).toBe('localhost');
    const res = await passkeySignIn({ response: auth.get(options) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().session.auth_method).toBe('passkey');
    const cookie = res.cookies.find((c) => c.name === COOKIE)!.value;
    const signedIn = asBrowser(cookie);
    expect((await signedIn.request({ method: 'GET', url: '/v1/me/session' })).json().session.auth_method).toBe('passkey');
    expect((await list(b)).passkeys[0].last_used_at).toBe(new Date(h.clock.now()).toISOString());

    // A bearer client gets its token in the body, as from the password sign-in.
    const bearer = await passkeySignIn({ response: auth.get(await signInOptions()), transport: 'bearer', client_id: 'cli' });
    expect(bearer.statusCode, bearer.body).toBe(200);
    expect(bearer.json().token).toEqual(expect.any(String));

    // A passkey session is multi-factor: it may trust its device.
    const trust = await signedIn.request({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} });
    expect(trust.statusCode, trust.body).toBe(200);
  });

  it('a first passkey sign-in from a new device is a new device, as a password sign-in would be', async () => {
    const { b } = await signUpAndIn('new-device');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    const before = (await kinds(b)).filter((k) => k === 'new_device').length;
    h.clock.advance(MINUTE);
    const options = await signInOptions();
    const res = await h.request({
      method: 'POST',
      url: '/v1/auth/passkey',
      headers: { origin: PUBLIC, 'user-agent': UA.iphoneSafari, 'x-forwarded-for': IP.london },
      payload: { response: auth.get(options) },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await kinds(b)).filter((k) => k === 'new_device').length).toBe(before + 1);
  });

  it('completes the second step after a password: an "mfa" session whose sign-in says passkey', async () => {
    const { e, b } = await signUpAndIn('second-step');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    const secret = (await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).json().secret as string;
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() });
    expect((await b.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code } })).statusCode).toBe(200);

    h.clock.advance(MINUTE);
    const password = await send({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: PASSWORD } });
    const token = password.json().mfa_token as string;
    expect(token).toEqual(expect.any(String));
    // The code step's answer says a passkey may do it.
    expect(password.json().passkeys).toBe(true);
    const options = await signInOptions({ mfa_token: token });
    expect(options.allowCredentials).toHaveLength(1);
    const res = await passkeySignIn({ response: auth.get(options), mfa_token: token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().session.auth_method).toBe('mfa');
    const events = (await b.request({ method: 'GET', url: '/v1/me/security-events' })).json().events as {
      kind: string;
      second_factor?: string;
    }[];
    expect(events.find((ev) => ev.kind === 'sign_in')?.second_factor).toBe('passkey');
    // The token made one session: it is spent.
    expectError(await passkeySignIn({ response: auth.get(options), mfa_token: token }), 401, 'mfa_token_invalid');
  });

  it('re-authenticates with a passkey; removing one needs it; the owner hears of the removal', async () => {
    const { b } = await signUpAndIn('reauth');
    expectError(await b.request({ method: 'POST', url: '/v1/me/passkeys/authentication-options', payload: {} }), 404, 'not_found');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    const passkey = await register(b, auth);
    h.clock.advance(11 * MINUTE);
    expectError(await b.request({ method: 'DELETE', url: `/v1/me/passkeys/${passkey.id}` }), 403, 'reauth_required');
    expectError(await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} }), 403, 'reauth_required');

    const begin = await b.request({ method: 'POST', url: '/v1/me/passkeys/authentication-options', payload: {} });
    expect(begin.statusCode, begin.body).toBe(200);
    const { options } = begin.json();
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([auth.get(options).id]);
    const again = await b.request({ method: 'POST', url: '/v1/me/passkeys/authentication-options', payload: {} });
    const reauth = await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { passkey: auth.get(again.json().options) } });
    expect(reauth.statusCode, reauth.body).toBe(200);
    expect(reauth.json().authenticated_at).toBe(new Date(h.clock.now()).toISOString());

    const removed = await b.request({ method: 'DELETE', url: `/v1/me/passkeys/${passkey.id}` });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await list(b)).passkeys).toEqual([]);
    expect(await kinds(b)).toContain('passkey_removed');
    await h.registry.signals.idle();
    expect(h.logs.join('')).toContain('A passkey was removed from your sessiond account');
    // Its credential signs in no more.
    expectError(await passkeySignIn({ response: auth.get(await signInOptions()) }), 401, 'invalid_credentials');
  });

  it("renames a passkey; another user's passkey is 404 to rename or remove", async () => {
    const { b } = await signUpAndIn('rename');
    const passkey = await register(b, new SoftAuthenticator({ origin: PUBLIC }));
    const renamed = await b.request({ method: 'PATCH', url: `/v1/me/passkeys/${passkey.id}`, payload: { name: ' Work laptop ' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().passkey.name).toBe('Work laptop');

    const { b: other } = await signUpAndIn('rename-other');
    expectError(
      await other.request({ method: 'PATCH', url: `/v1/me/passkeys/${passkey.id}`, payload: { name: 'mine' } }),
      404,
      'not_found',
    );
    expectError(await other.request({ method: 'DELETE', url: `/v1/me/passkeys/${passkey.id}` }), 404, 'not_found');
    expectError(await b.request({ method: 'DELETE', url: '/v1/me/passkeys/no-such-passkey' }), 404, 'not_found');
    expect((await list(b)).passkeys.map((p: { name: string }) => p.name)).toEqual(['Work laptop']);
  });

  it('refuses a passkey over the limit', async () => {
    const { b } = await signUpAndIn('limit');
    for (let i = 0; i < 3; i++) await register(b, new SoftAuthenticator({ origin: PUBLIC }));
    const over = await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} });
    expectError(over, 403, 'forbidden');
    expect(over.json().error.message).toContain('at most 3 passkeys');
    expect((await list(b)).passkeys).toHaveLength(3);
  });

  it('refuses a cloned credential whose counter did not move forward', async () => {
    const { b } = await signUpAndIn('clone');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    const clone = auth.clone(auth.credentials[0]!);
    expect((await passkeySignIn({ response: auth.get(await signInOptions()) })).statusCode).toBe(200);
    h.clock.advance(MINUTE);
    // The clone signs with the counter the original already used.
    expectError(await passkeySignIn({ response: auth.get(await signInOptions(), { credential: clone }) }), 401, 'invalid_credentials');
    // The owner sees the refused attempt on their timeline.
    expect((await kinds(b))[0]).toBe('sign_in_failed');
    expect((await passkeySignIn({ response: auth.get(await signInOptions()) })).statusCode).toBe(200);
  });

  it('refuses a passkey made for another origin or RP ID, and an answer from another origin', async () => {
    const { b } = await signUpAndIn('origin');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    const options = async () =>
      (await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} })).json().options;
    const evilOrigin = auth.create(await options(), { origin: 'http://evil.example:7400' });
    expectError(await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response: evilOrigin } }), 400, 'invalid_request');
    const evilRp = auth.create(await options(), { rpId: 'evil.example' });
    expectError(await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response: evilRp } }), 400, 'invalid_request');
    expect((await list(b)).passkeys).toEqual([]);

    await register(b, auth);
    const mine = auth.credentials.at(-1)!;
    const phished = auth.get(await signInOptions(), { origin: 'http://localhost.evil.example', credential: mine });
    expectError(await passkeySignIn({ response: phished }), 401, 'invalid_credentials');
  });

  it('a challenge is good once and for five minutes', async () => {
    const { b } = await signUpAndIn('challenge');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    const options = await signInOptions();
    const response = auth.get(options);
    expect((await passkeySignIn({ response })).statusCode).toBe(200);
    expectError(await passkeySignIn({ response }), 401, 'invalid_credentials');
    // Sent twice at once, one answer makes one session.
    const raced = auth.get(await signInOptions());
    const both = await Promise.all([passkeySignIn({ response: raced }), passkeySignIn({ response: raced })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);

    // A registration challenge is as short-lived (within the session's recent authentication).
    const registration = (await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} })).json().options;
    h.clock.advance(5 * MINUTE + 1);
    const another = new SoftAuthenticator({ origin: PUBLIC });
    const tooLate = await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response: another.create(registration) } });
    expectError(tooLate, 400, 'invalid_request');

    const late = await signInOptions();
    h.clock.advance(5 * MINUTE + 1);
    expectError(await passkeySignIn({ response: auth.get(late) }), 401, 'invalid_credentials');
  });

  it('wrong passkeys count toward the account limit, as wrong passwords do', async () => {
    const { e, b } = await signUpAndIn('limits');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    for (let i = 0; i < 5; i++) {
      const response = auth.get(await signInOptions());
      const forged = { ...response, response: { ...response.response, signature: response.response.signature.slice(0, -4) + 'AAAA' } };
      expectError(await passkeySignIn({ response: forged }), 401, 'invalid_credentials');
    }
    expectError(await passkeySignIn({ response: auth.get(await signInOptions()) }), 429, 'rate_limited');
    expectError(await send({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: PASSWORD } }), 429, 'rate_limited');
  });

  it('bad bodies are 400 with the error envelope, never 5xx', async () => {
    const { b } = await signUpAndIn('bad');
    const auth = new SoftAuthenticator({ origin: PUBLIC });
    await register(b, auth);
    const good = auth.get(await signInOptions());
    const bodies: unknown[] = [
      {},
      { response: {} },
      { response: { ...good, type: 'password' } },
      { response: { ...good, id: 'not base64url!' } },
      { response: { ...good, response: { ...good.response, clientDataJSON: 'A'.repeat(9000) } } },
      { response: good, extra: true },
      { response: good, mfa_token: '' },
    ];
    for (const payload of bodies) expectError(await passkeySignIn(payload as Record<string, unknown>), 400, 'invalid_request');
    // Well-formed but meaningless: refused as a wrong passkey.
    const garbage = { ...good, response: { ...good.response, clientDataJSON: 'bm90LWpzb24', authenticatorData: 'AAAA' } };
    expectError(await passkeySignIn({ response: garbage }), 401, 'invalid_credentials');
    expectError(await passkeySignIn({ response: good, mfa_token: 'not-a-token' }), 401, 'mfa_token_invalid');
    expectError(await b.request({ method: 'POST', url: '/v1/me/passkeys', payload: { response: { id: 'x' } } }), 400, 'invalid_request');
    expectError(await b.request({ method: 'PATCH', url: '/v1/me/passkeys/x', payload: { name: '' } }), 400, 'invalid_request');
    expectError(await b.request({ method: 'PATCH', url: '/v1/me/passkeys/x', payload: { name: 'x'.repeat(65) } }), 400, 'invalid_request');
    expectError(
      await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { passkey: { id: 'x' } } }),
      400,
      'invalid_request',
    );
    expectError(await send({ method: 'POST', url: '/v1/auth/passkey/options', payload: { mfa_token: 5 } }), 400, 'invalid_request');
  });
});

describe.each(ENGINES)('passkey sign-in options, limited per IP (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine, { publicUrl: PUBLIC, signInIpLimit: '3/1m' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 429 with Retry-After past the limit, and again after the window', async () => {
    const ask = () => h.request({ method: 'POST', url: '/v1/auth/passkey/options', headers: HEADERS, payload: {} });
    for (let i = 0; i < 3; i++) expect((await ask()).statusCode).toBe(200);
    const refused = await ask();
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    h.clock.advance(MINUTE + 1);
    expect((await ask()).statusCode).toBe(200);
  });
});

describe.each(ENGINES)('passkeys on a public URL that is an IP address (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('are refused with a reason: an RP ID must be a domain name', async () => {
    const e = email('ip');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const res = await b.request({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} });
    expectError(res, 403, 'forbidden');
    expect(res.json().error.message).toContain('http://localhost');
    expect((await b.request({ method: 'GET', url: '/v1/me/passkeys' })).json()).toEqual({ passkeys: [], limit: 10 });
  });
});
