/** The caller's session reviews over HTTP: what is pending, and "I have reviewed my sessions". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, IP, type Harness } from '../support/harness.js';

let n = 0;

describe.each(ENGINES)('session reviews (%s)', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists what the caller is asked to review until they confirm, and counts what they signed out', async () => {
    const email = `review-${++n}@example.com`;
    expect((await h.signUp(email)).statusCode).toBe(201);
    const b = await h.browserSignIn(email);
    const other = await h.bearerSignIn(email, { ip: IP.london });
    const userId = (await h.registry.store.findUserByEmailKey(email))!.id;
    const pending = async () => {
      const res = await b.request({ method: 'GET', url: '/v1/me/reviews' });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().reviews as Record<string, unknown>[];
    };
    expect(await pending()).toEqual([]);
    // What a password reset asks (the reset use case records it; here it is asked directly).
    await h.registry.reviews.request(userId, 'password_reset');
    h.clock.advance(1_000);
    expect(await pending()).toEqual([
      { id: expect.any(String), reason: 'password_reset', workspace_id: null, workspace_name: null, requested_at: expect.any(String) },
    ]);
    // The user ends the session they do not recognise (ending another session needs a recent sign-in: this one is).
    const end = await b.request({ method: 'DELETE', url: `/v1/me/sessions/${other.split('.')[0]}` });
    expect(end.statusCode, end.body).toBe(204);
    const done = await b.request({ method: 'POST', url: '/v1/me/reviews/complete', payload: {} });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ completed: 1, sign_outs: 1 });
    expect(await pending()).toEqual([]);
    const timeline = await b.request({ method: 'GET', url: '/v1/me/security-events' });
    expect(timeline.json().events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['review_requested', 'sessions_reviewed']),
    );
  });

  it('asks for a review after a sign-in from a new country', async () => {
    const email = `review-${++n}@example.com`;
    await h.signUp(email);
    const b = await h.browserSignIn(email, { ip: IP.london });
    h.clock.advance(60_000);
    await h.bearerSignIn(email, { ip: IP.mountainView });
    const res = await b.request({ method: 'GET', url: '/v1/me/reviews' });
    expect(res.json().reviews).toMatchObject([{ reason: 'suspicious_sign_in' }]);
  });

  it('needs a session, refuses a cross-site confirmation and a body it does not understand', async () => {
    expect((await h.request({ method: 'GET', url: '/v1/me/reviews' })).statusCode).toBe(401);
    const email = `review-${++n}@example.com`;
    await h.signUp(email);
    const b = await h.browserSignIn(email);
    const unknown = await b.request({ method: 'POST', url: '/v1/me/reviews/complete', payload: { all: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('invalid_request');
    const crossSite = await h.request({
      method: 'POST',
      url: '/v1/me/reviews/complete',
      headers: { cookie: `__Host-sessiond=${b.cookie}`, origin: 'https://evil.example' },
      payload: {},
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().error.code).toBe('csrf_failed');
  });
});
