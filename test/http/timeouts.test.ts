/** Idle and absolute timeouts, enforced by the server against an injected clock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceKey } from '../../src/core/service-keys.js';
import { ENGINES } from '../support/databases.js';
import { harness, type Harness } from '../support/harness.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const IDLE = 30 * MINUTE;
const MAX_AGE = 2 * 60 * MINUTE;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

describe.each(ENGINES)('timeouts (%s): idle 30m, max age 2h', (engine) => {
  let h: Harness;
  let serviceKey: string;
  beforeAll(async () => {
    h = await harness(engine, { idleTimeoutMs: '30m', maxAgeMs: '2h' });
    serviceKey = (await createServiceKey(h.registry, 'timeouts')).key;
  });
  afterAll(async () => {
    await h?.close();
  });

  const status = async (headers: Record<string, string>) => (await h.request({ method: 'GET', url: '/v1/me/session', headers })).statusCode;
  const introspect = async (token: string) =>
    (
      await h.request({ method: 'POST', url: '/v1/introspect', headers: { authorization: `Bearer ${serviceKey}` }, payload: { token } })
    ).json();

  async function signedIn() {
    const e = email('t');
    await h.signUp(e);
    const browser = await h.browserSignIn(e);
    const token = await h.bearerSignIn(e);
    return { e, browser, cookie: { cookie: `__Host-sessiond=${browser.cookie}` }, bearer: { authorization: `Bearer ${token}` }, token };
  }

  it('activity at idle − 1s keeps a session alive; idle + 1s after the last activity ends it', async () => {
    const s = await signedIn();
    for (let i = 0; i < 3; i++) {
      h.clock.advance(IDLE - SECOND);
      expect(await status(s.cookie)).toBe(200);
      expect(await status(s.bearer)).toBe(200);
    }
    h.clock.advance(IDLE + SECOND);
    expect(await status(s.cookie)).toBe(401);
    expect(await status(s.bearer)).toBe(401);
    expect(await introspect(s.token)).toEqual({ active: false });
    // Trying again does not revive it.
    expect(await status(s.cookie)).toBe(401);
  });

  it('activity in the last minute (not yet written to the database) still counts', async () => {
    const s = await signedIn();
    h.clock.advance(10 * SECOND); // inside the touch interval: remembered, not written
    expect(await status(s.bearer)).toBe(200);
    h.clock.advance(IDLE - 5 * SECOND);
    expect(await status(s.bearer)).toBe(200);
  });

  it('an idle session is ended for every client: not listed, not revocable, not counted by others', async () => {
    const s = await signedIn();
    const other = await h.bearerSignIn(s.e);
    h.clock.advance(IDLE / 2);
    expect(await status({ authorization: `Bearer ${other}` })).toBe(200);
    h.clock.advance(IDLE / 2 + SECOND);
    const list = await h.request({ method: 'GET', url: '/v1/me/sessions', headers: { authorization: `Bearer ${other}` } });
    expect(list.json().sessions.map((x: { id: string }) => x.id)).toEqual([other.split('.')[0]]);
  });

  it('exactly at the idle deadline the session is over', async () => {
    const s = await signedIn();
    h.clock.advance(IDLE);
    expect(await status(s.bearer)).toBe(401);
  });

  it('kept busy every (idle − 1m), a session still ends at max age', async () => {
    const s = await signedIn();
    const start = h.clock.now();
    const step = IDLE - MINUTE;
    while (h.clock.now() + step < start + MAX_AGE) {
      h.clock.advance(step);
      expect(await status(s.cookie), `at ${(h.clock.now() - start) / MINUTE}m`).toBe(200);
      expect(await status(s.bearer)).toBe(200);
    }
    // The last minute before max age still works ...
    h.clock.set(start + MAX_AGE - SECOND);
    expect(await status(s.bearer)).toBe(200);
    // ... and max age + 1s does not, however recent the activity.
    h.clock.set(start + MAX_AGE + SECOND);
    expect(await status(s.cookie)).toBe(401);
    expect(await status(s.bearer)).toBe(401);
    expect(await introspect(s.token)).toEqual({ active: false });
  });

  it('expires_at shows the earlier of the idle and the absolute deadline', async () => {
    const s = await signedIn();
    const start = h.clock.now();
    const first = await h.request({ method: 'GET', url: '/v1/me/session', headers: s.bearer });
    expect(Date.parse(first.json().session.expires_at)).toBe(start + IDLE);
    for (let i = 0; i < 4; i++) {
      h.clock.advance(IDLE - MINUTE);
      await status(s.bearer);
    }
    const late = await h.request({ method: 'GET', url: '/v1/me/session', headers: s.bearer });
    expect(Date.parse(late.json().session.expires_at)).toBe(start + MAX_AGE);
    expect((await introspect(s.token)).exp).toBe(Math.floor((start + MAX_AGE) / 1000));
  });

  it('signing in again starts both clocks afresh', async () => {
    const s = await signedIn();
    h.clock.advance(MAX_AGE + SECOND);
    expect(await status(s.bearer)).toBe(401);
    const fresh = await h.bearerSignIn(s.e);
    expect(await status({ authorization: `Bearer ${fresh}` })).toBe(200);
    h.clock.advance(IDLE - SECOND);
    expect(await status({ authorization: `Bearer ${fresh}` })).toBe(200);
  });
});
