/**
 * The member's side of an administrator ending their session: the next request with that
 * session's token answers the usual 401 `unauthenticated`, in the usual envelope, whose message
 * says an administrator of their workspace ended it, so the pages can tell them why. The reason
 * is told only to whoever presents the session's own secret; anything else gets the ordinary
 * message.
 */
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/security-events.js';
import { ACCOUNT_ENDED_MESSAGES, ADMIN_ENDED_MESSAGE } from '../../src/http/plugins/authenticate.js';
import { ENGINES } from '../support/databases.js';
import { PASSWORD, browserWith, harness, type Harness } from '../support/harness.js';

const ORDINARY = ERROR_CODES.unauthenticated;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ADMIN: Actor = { kind: 'admin', adminId: 'an-admin', ip: '81.2.69.160' };

function expect401(res: LightMyRequestResponse, message: string) {
  expect(res.statusCode, res.body).toBe(401);
  // The contract's shape, unchanged: only the message says more.
  expect(res.json()).toEqual({ error: { code: 'unauthenticated', message } });
}

describe.each(ENGINES)('the 401 after an administrator ended the session (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const userId = async (e: string) => (await h.registry.store.findUserByEmailKey(e))!.id;
  const me = (headers: Record<string, string>) => h.request({ method: 'GET', url: '/v1/me/sessions', headers });

  it('says an administrator ended it, to the browser holding the cookie and to a bearer client', async () => {
    const e = email('member');
    await h.signUp(e);
    const browser = await h.browserSignIn(e);
    const token = await h.bearerSignIn(e);
    expect((await browser.request({ method: 'GET', url: '/v1/me/sessions' })).statusCode).toBe(200);
    const id = await userId(e);
    await h.registry.revocation.endSession(id, browser.sessionId, ADMIN, 'admin');
    await h.registry.revocation.endSession(id, token.split('.')[0]!, ADMIN, 'admin');

    expect401(await browser.request({ method: 'GET', url: '/v1/me/sessions' }), ADMIN_ENDED_MESSAGE);
    expect401(await browser.request({ method: 'POST', url: '/v1/me/sessions/revoke-others', payload: {} }), ADMIN_ENDED_MESSAGE);
    expect401(await me(bearer(token)), ADMIN_ENDED_MESSAGE);
    expect(ADMIN_ENDED_MESSAGE).toMatch(/^An administrator of your workspace ended this session/);
  });

  it('says it after a workspace admin ends every session of the member', async () => {
    const e = email('offboarded');
    await h.signUp(e);
    const browser = await h.browserSignIn(e);
    await h.registry.revocation.endMatching({ userId: await userId(e) }, ADMIN, 'admin');
    expect401(await browser.request({ method: 'GET', url: '/v1/me/session' }), ADMIN_ENDED_MESSAGE);
  });

  it('gives the ordinary message for a wrong secret, an unknown id or a malformed token of an ended session', async () => {
    const e = email('guess');
    await h.signUp(e);
    const token = await h.bearerSignIn(e);
    await h.registry.revocation.endSession(await userId(e), token.split('.')[0]!, ADMIN, 'admin');
    const [id, secret] = token.split('.') as [string, string];
    const wrongSecret = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect401(await me(bearer(wrongSecret)), ORDINARY);
    expect401(await me(bearer(`${id.startsWith('A') ? 'B' : 'A'}${id.slice(1)}.${secret}`)), ORDINARY);
    expect401(await me(bearer(`${id}.short`)), ORDINARY);
    // The cookie path is no different.
    expect401(await browserWith(wrongSecret, h.request).request({ method: 'GET', url: '/v1/me/sessions' }), ORDINARY);
    expect401(await me({}), ORDINARY);
  });

  it('gives the ordinary message for sessions ended any other way', async () => {
    const e = email('other');
    await h.signUp(e);
    const signedOut = await h.browserSignIn(e);
    const endedByUser = await h.browserSignIn(e);
    const expiring = await h.bearerSignIn(e);
    expect((await signedOut.request({ method: 'POST', url: '/v1/auth/sign-out', payload: {} })).statusCode).toBe(204);
    const self: Actor = { kind: 'session', sessionId: signedOut.sessionId, ip: null };
    await h.registry.revocation.endSession(await userId(e), endedByUser.sessionId, self);
    expect401(await signedOut.request({ method: 'GET', url: '/v1/me/sessions' }), ORDINARY);
    expect401(await endedByUser.request({ method: 'GET', url: '/v1/me/sessions' }), ORDINARY);
    h.clock.advance(h.registry.sessions.policy.maxAgeMs + 1_000);
    expect401(await me(bearer(expiring)), ORDINARY);
  });

  it('leaves valid sessions alone: no extra read on the way in', async () => {
    const e = email('valid');
    await h.signUp(e);
    const token = await h.bearerSignIn(e);
    const sessions = h.registry.sessions;
    const original = sessions.revokedReason.bind(sessions);
    let asked = 0;
    sessions.revokedReason = (t: string) => {
      asked++;
      return original(t);
    };
    try {
      for (let i = 0; i < 3; i++) expect((await me(bearer(token))).statusCode).toBe(200);
      expect(asked).toBe(0);
      expect401(await me(bearer(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)), ORDINARY);
      expect(asked).toBe(1);
    } finally {
      sessions.revokedReason = original;
    }
  });
});

describe.each(ENGINES)('the 401 after a password change, a reset or a report ended the session (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const userId = async (e: string) => (await h.registry.store.findUserByEmailKey(e))!.id;
  const NEW_PASSWORD = 'a different and longer passphrase';

  it('says the password was changed, to the other browser and to a bearer client', async () => {
    const e = email('changed');
    await h.signUp(e);
    const laptop = await h.browserSignIn(e);
    const phone = await h.browserSignIn(e);
    const token = await h.bearerSignIn(e);
    const res = await laptop.request({
      method: 'POST',
      url: '/v1/me/password',
      payload: { current_password: PASSWORD, new_password: NEW_PASSWORD, sign_out_others: true },
    });
    expect(res.statusCode, res.body).toBe(204);
    expect401(await phone.request({ method: 'GET', url: '/v1/me/sessions' }), ACCOUNT_ENDED_MESSAGES.password_changed);
    expect401(await h.request({ method: 'GET', url: '/v1/me/sessions', headers: bearer(token) }), ACCOUNT_ENDED_MESSAGES.password_changed);
    expect(ACCOUNT_ENDED_MESSAGES.password_changed).toMatch(/password was changed/);
  });

  it('says the password was reset', async () => {
    const e = email('reset');
    await h.signUp(e);
    const phone = await h.browserSignIn(e);
    const id = await userId(e);
    // What PasswordReset.confirmReset does once the link checks out.
    await h.registry.store.changePassword(id, 'x', h.clock.now(), { userId: id }, 'password_reset', { endDeviceTrust: true });
    await h.registry.sessions.announce({ kind: 'user', userId: id });
    expect401(await phone.request({ method: 'GET', url: '/v1/me/session' }), ACCOUNT_ENDED_MESSAGES.password_reset);
    expect(ACCOUNT_ENDED_MESSAGES.password_reset).toMatch(/password was reset/);
  });

  it('says the sign-in was reported, and still only to the holder of the secret', async () => {
    const e = email('reported');
    await h.signUp(e);
    const owner = await h.browserSignIn(e);
    const stranger = await h.bearerSignIn(e);
    const [id, secret] = stranger.split('.') as [string, string];
    const self: Actor = { kind: 'session', sessionId: owner.sessionId, ip: null };
    expect(await h.registry.revocation.reportSession(await userId(e), id, self)).toBe(true);
    expect401(await h.request({ method: 'GET', url: '/v1/me/sessions', headers: bearer(stranger) }), ACCOUNT_ENDED_MESSAGES.reported);
    const wrongSecret = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect401(await h.request({ method: 'GET', url: '/v1/me/sessions', headers: bearer(wrongSecret) }), ORDINARY);
    expect(ACCOUNT_ENDED_MESSAGES.reported).toMatch(/reported/);
  });
});

it('the web app knows the ordinary message, so it can tell it from one that says why', () => {
  // web/src/api.ts (ORDINARY_UNAUTHENTICATED_MESSAGE) compares a 401's message with this one.
  expect(readFileSync(new URL('../../web/src/api.ts', import.meta.url), 'utf8')).toContain(
    `ORDINARY_UNAUTHENTICATED_MESSAGE = '${ORDINARY}'`,
  );
});
