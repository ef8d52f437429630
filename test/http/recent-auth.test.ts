/**
 * Recent authentication for every sensitive action of a session on its own account (ASVS 5.0
 * 7.5.1, 7.5.2, 7.5.3; review "Hardening", finding 1 and "Done when"). Every state-changing
 * /v1/me operation in the OpenAPI document is listed here as sensitive or not, with the reason
 * when not: a new route fails the first test until someone decides. Each sensitive one, from a
 * session whose last authentication is 11 minutes old, answers 403 `reauth_required` and changes
 * nothing; after a re-authentication the same session may act. (The admin plane has its own
 * matrix in test/http/admin.test.ts.)
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../scripts/openapi.js';
import { ENGINES } from '../support/databases.js';
import { browserWith, harness, IP, ORIGIN, PASSWORD, UA, type Browser, type Harness } from '../support/harness.js';

const MINUTE = 60_000;
const DEVICE_COOKIE = '__Host-sessiond-device';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string, what: string) {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
  expect(res.json(), what).toEqual({ error: { code, message: expect.any(String) } });
}

/** What a sensitive request acts on: another session of the account. */
interface Target {
  other: string;
}

const SENSITIVE: Record<string, (t: Target) => InjectOptions> = {
  'DELETE /v1/me/sessions/{id}': (t) => ({ method: 'DELETE', url: `/v1/me/sessions/${t.other}` }),
  'POST /v1/me/sessions/{id}/report': (t) => ({ method: 'POST', url: `/v1/me/sessions/${t.other}/report`, payload: {} }),
  'POST /v1/me/sessions/{id}/replace-device': (t) => ({ method: 'POST', url: `/v1/me/sessions/${t.other}/replace-device`, payload: {} }),
  'POST /v1/me/sessions/revoke-others': () => ({ method: 'POST', url: '/v1/me/sessions/revoke-others', payload: {} }),
  'POST /v1/me/sessions/revoke-all': () => ({ method: 'POST', url: '/v1/me/sessions/revoke-all', payload: {} }),
  'POST /v1/me/password': () => ({
    method: 'POST',
    url: '/v1/me/password',
    payload: { current_password: PASSWORD, new_password: 'a new and long enough passphrase' },
  }),
  'POST /v1/me/mfa/totp': () => ({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} }),
  'POST /v1/me/mfa/totp/confirm': () => ({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: '000000' } }),
  'POST /v1/me/mfa/recovery-codes': () => ({ method: 'POST', url: '/v1/me/mfa/recovery-codes', payload: {} }),
  'DELETE /v1/me/mfa': () => ({ method: 'DELETE', url: '/v1/me/mfa' }),
  'POST /v1/me/devices/current/trust': () => ({ method: 'POST', url: '/v1/me/devices/current/trust', payload: {} }),
  // Adding or removing a passkey changes what signs in to the account (issue 15).
  'POST /v1/me/passkeys/registration-options': () => ({ method: 'POST', url: '/v1/me/passkeys/registration-options', payload: {} }),
  'POST /v1/me/passkeys': () => ({
    method: 'POST',
    url: '/v1/me/passkeys',
    payload: {
      response: {
        id: 'AAAA',
        rawId: 'AAAA',
        type: 'public-key',
        response: { clientDataJSON: 'e30', attestationObject: 'oA' },
        clientExtensionResults: {},
      },
    },
  }),
  'DELETE /v1/me/passkeys/{id}': () => ({ method: 'DELETE', url: '/v1/me/passkeys/any-passkey-id' }),
  // A personal access token acts for the account (issue 11).
  'POST /v1/me/tokens': () => ({ method: 'POST', url: '/v1/me/tokens', payload: { name: 'x', scopes: ['api:read'], expires_in_days: 30 } }),
};

const NOT_SENSITIVE: Record<string, string> = {
  'POST /v1/me/reauthenticate': 'is the re-authentication itself (its wrong passwords count with sign-in failures)',
  'DELETE /v1/me/sessions/{id}/trust': 'takes trust away; it grants nothing (ending a session of the caller’s own is signing out)',
  'POST /v1/me/reviews/complete': 'records that the user looked at their sessions; it ends nothing and grants nothing',
  'POST /v1/me/workspaces/join': 'is proved by the invitation token mailed to the account’s address, not by the session',
  'PATCH /v1/me/passkeys/{id}': 'renames a passkey; what signs in is unchanged',
  'POST /v1/me/passkeys/authentication-options': 'starts a re-authentication (its challenge proves nothing until a passkey answers it)',
  'DELETE /v1/me/tokens/{id}': 'revokes a token; it takes a credential away and grants nothing, and cannot lock the owner out',
  'DELETE /v1/me/connected-apps/{id}': 'ends an app’s access; it takes a credential away and grants nothing, and cannot lock the owner out',
  'DELETE /v1/me/relying-party-sessions/{id}': 'signs out of an app signed in to with this account; the account itself is untouched',
};

/** Sensitive for some targets only; each is pinned where its targets are set up. */
const SENSITIVE_FOR_ANOTHER_DEVICE: Record<string, string> = {
  'DELETE /v1/me/trusted-devices/{id}':
    'needs recent authentication for another device’s trust, none for the caller’s own (test/http/trusted-devices.test.ts)',
};

describe('which /v1/me changes need a recent authentication', () => {
  it('every state-changing /v1/me operation is classified: sensitive, or not with a reason', async () => {
    const document = (await openApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    const changes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/me'))
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .filter((op) => !op.startsWith('GET ') && !op.startsWith('HEAD '));
    expect(changes.sort()).toEqual(
      [...Object.keys(SENSITIVE), ...Object.keys(NOT_SENSITIVE), ...Object.keys(SENSITIVE_FOR_ANOTHER_DEVICE)].sort(),
    );
  });
});

describe.each(ENGINES)('recent authentication for sensitive actions (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const codeFor = (secret: string) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: h.clock.now() });
  const alive = async (b: Browser) => (await b.request({ method: 'GET', url: '/v1/me/session' })).statusCode === 200;
  const mfaOn = async (b: Browser) => (await b.request({ method: 'GET', url: '/v1/me/mfa' })).json().enabled as boolean;

  /** An account with MFA on, and a browser session that signed in with its code (it may trust its device). */
  async function mfaSession(e: string): Promise<Browser> {
    await h.signUp(e);
    const first = await h.browserSignIn(e);
    const secret = (await first.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).json().secret as string;
    const on = await first.request({ method: 'POST', url: '/v1/me/mfa/totp/confirm', payload: { code: codeFor(secret) } });
    expect(on.statusCode, on.body).toBe(200);
    h.clock.advance(30_000);
    const headers = { origin: ORIGIN, 'user-agent': UA.macChrome, 'x-forwarded-for': IP.london };
    const password = await h.request({ method: 'POST', url: '/v1/auth/sign-in', headers, payload: { email: e, password: PASSWORD } });
    const step = await h.request({
      method: 'POST',
      url: '/v1/auth/sign-in/mfa',
      headers,
      payload: { mfa_token: password.json().mfa_token, code: codeFor(secret) },
    });
    expect(step.statusCode, step.body).toBe(200);
    const cookie = step.cookies.find((c) => c.name === '__Host-sessiond')!.value;
    const device = step.cookies.find((c) => c.name === DEVICE_COOKIE)!.value;
    return browserWith(cookie, (o) => h.request(o), [`${DEVICE_COOKIE}=${device}`]);
  }

  it('from a session last authenticated 11 minutes ago, each sensitive action is 403 reauth_required and changes nothing', async () => {
    const e = email('stale');
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const other = await h.browserSignIn(e, { ua: UA.iphoneSafari });
    // Enrolment started while recent: only its confirmation is asked below.
    expect((await b.request({ method: 'POST', url: '/v1/me/mfa/totp', payload: {} })).statusCode).toBe(200);
    const m = await mfaSession(email('stale-mfa'));
    h.clock.advance(11 * MINUTE);

    const target = { other: other.sessionId };
    const onMfaAccount = new Set(['POST /v1/me/mfa/recovery-codes', 'DELETE /v1/me/mfa', 'POST /v1/me/devices/current/trust']);
    for (const [op, build] of Object.entries(SENSITIVE))
      expectError(await (onMfaAccount.has(op) ? m : b).request(build(target)), 403, 'reauth_required', op);

    // Nothing happened: both sessions live, the password is the old one, MFA is as it was, the
    // MFA session's device is not trusted, the reported session's owner may still sign in.
    expect(await alive(b)).toBe(true);
    expect(await alive(other)).toBe(true);
    expect(await mfaOn(b)).toBe(false);
    expect(await mfaOn(m)).toBe(true);
    expect((await m.request({ method: 'GET', url: '/v1/me/session' })).json().session.trusted).toBe(false);
    expect(
      (await h.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: PASSWORD, transport: 'bearer' } }))
        .statusCode,
    ).toBe(200);

    // After a re-authentication the same session may act.
    expect((await b.request({ method: 'POST', url: '/v1/me/reauthenticate', payload: { password: PASSWORD } })).statusCode).toBe(200);
    expect((await b.request(SENSITIVE['DELETE /v1/me/sessions/{id}']!(target))).statusCode).toBe(204);
    expect(await alive(other)).toBe(false);
  });
});
