/** Nothing is lost: sessions and revocations survive a restart of the server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceKey } from '../../src/core/service-keys.js';
import { ENGINES } from '../support/databases.js';
import { harness, PASSWORD, type Harness } from '../support/harness.js';

describe.each(ENGINES)('restart (%s)', (engine) => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-restart-'));
    h = await harness(engine, {}, path.join(dir, 'sessiond.db'));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async (headers: Record<string, string>) => (await h.request({ method: 'GET', url: '/v1/me/session', headers })).statusCode;

  it('keeps every session and every revocation, and the account, across a restart', async () => {
    const e = 'restart@example.com';
    await h.signUp(e);
    const browser = await h.browserSignIn(e);
    const kept = await h.bearerSignIn(e);
    const revoked = await h.bearerSignIn(e);
    const signedOut = await h.bearerSignIn(e);
    const cookie = { cookie: `__Host-sessiond=${browser.cookie}` };
    expect(await status({ authorization: `Bearer ${revoked}` })).toBe(200); // warm whatever the node keeps in memory
    expect((await browser.request({ method: 'DELETE', url: `/v1/me/sessions/${revoked.split('.')[0]}` })).statusCode).toBe(204);
    expect(
      (await h.request({ method: 'POST', url: '/v1/auth/sign-out', headers: { authorization: `Bearer ${signedOut}` } })).statusCode,
    ).toBe(204);
    const { key } = await createServiceKey(h.registry, 'survivor');
    const firstApp = h.app;

    await h.reopen();
    expect(h.app).not.toBe(firstApp);

    expect(await status(cookie)).toBe(200);
    expect(await status({ authorization: `Bearer ${kept}` })).toBe(200);
    expect(await status({ authorization: `Bearer ${revoked}` })).toBe(401);
    expect(await status({ authorization: `Bearer ${signedOut}` })).toBe(401);
    const list = await browser.request({ method: 'GET', url: '/v1/me/sessions' });
    expect(
      list
        .json()
        .sessions.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual([browser.sessionId, kept.split('.')[0]].sort());
    const introspect = await h.request({
      method: 'POST',
      url: '/v1/introspect',
      headers: { authorization: `Bearer ${key}` },
      payload: { token: kept },
    });
    expect(introspect.json().active).toBe(true);
    expect(
      (await h.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password: PASSWORD, transport: 'bearer' } }))
        .statusCode,
    ).toBe(200);
  });

  it('a revocation made just before a restart holds after it (revoke-all, then restart)', async () => {
    const e = 'restart-all@example.com';
    await h.signUp(e);
    const a = await h.bearerSignIn(e);
    const b = await h.bearerSignIn(e);
    const res = await h.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', headers: { authorization: `Bearer ${a}` } });
    expect(res.json()).toEqual({ revoked: 2 });
    await h.reopen();
    expect(await status({ authorization: `Bearer ${a}` })).toBe(401);
    expect(await status({ authorization: `Bearer ${b}` })).toBe(401);
  });

  it('a password changed before a restart is the password after it', async () => {
    const e = 'restart-pw@example.com';
    await h.signUp(e);
    const b = await h.browserSignIn(e);
    const other = await h.bearerSignIn(e);
    const newPassword = 'changed before the restart 77';
    expect(
      (await b.request({ method: 'POST', url: '/v1/me/password', payload: { current_password: PASSWORD, new_password: newPassword } }))
        .statusCode,
    ).toBe(204);
    await h.reopen();
    expect(await status({ authorization: `Bearer ${other}` })).toBe(401);
    expect(await status({ cookie: `__Host-sessiond=${b.cookie}` })).toBe(200);
    const signIn = (password: string) =>
      h.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: e, password, transport: 'bearer' } });
    expect((await signIn(PASSWORD)).statusCode).toBe(401);
    expect((await signIn(newPassword)).statusCode).toBe(200);
  });
});
