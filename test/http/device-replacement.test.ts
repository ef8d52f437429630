/** "I lost this device": from another device, end every session on it and untrust it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, UA, type Harness } from '../support/harness.js';

let n = 0;

describe.each(ENGINES)('device replacement (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('ends the lost device’s sessions, not this one; refuses the device in use and other people’s sessions', async () => {
    const email = `lost-${++n}@example.com`;
    await h.signUp(email);
    const laptop = await h.browserSignIn(email, { ua: UA.windowsChrome });
    const phone = await h.bearerSignIn(email, { clientId: 'mobile', device: { id: 'phone-device-000000000001', name: 'Pixel 8' } });
    const phoneAgain = await h.bearerSignIn(email, { clientId: 'mobile', device: { id: 'phone-device-000000000001', name: 'Pixel 8' } });
    const me = async (token: string) =>
      (await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } })).statusCode;

    const own = await laptop.request({ method: 'POST', url: `/v1/me/sessions/${laptop.sessionId}/replace-device`, payload: {} });
    expect(own.statusCode).toBe(400);
    const replaced = await laptop.request({ method: 'POST', url: `/v1/me/sessions/${phone.split('.')[0]}/replace-device`, payload: {} });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toEqual({ revoked: 2, untrusted: false });
    expect(await me(phone)).toBe(401);
    expect(await me(phoneAgain)).toBe(401);
    expect((await laptop.request({ method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);

    const stranger = `stranger-${++n}@example.com`;
    await h.signUp(stranger);
    const theirs = await h.bearerSignIn(stranger);
    const refused = await laptop.request({ method: 'POST', url: `/v1/me/sessions/${theirs.split('.')[0]}/replace-device`, payload: {} });
    expect(refused.statusCode).toBe(404);
    expect(await me(theirs)).toBe(200);
    const garbage = await laptop.request({ method: 'POST', url: '/v1/me/sessions/not-an-id/replace-device', payload: {} });
    expect(garbage.statusCode).toBe(404);
  });
});
