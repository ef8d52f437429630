/**
 * A sign-in flood meets a full hashing queue (adapters/password/hashing-queue.ts): the sign-in is
 * refused with 503 `unavailable` and Retry-After, in the contract's shape, the same for a known
 * and an unknown address, and it does not count as a failed attempt on the account.
 *
 * The queue is filled through the node's own hasher: one argon2 verification that takes seconds
 * (its stored hash asks for 1,000 passes) holds the one slot, and calls queue up behind it until
 * the queue refuses one. The sign-ins are sent together and answered (a refusal is held a second)
 * while that verification still runs, which the test checks, so it does not depend on how fast
 * the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { harness, IP, ORIGIN, PASSWORD, UA, type Harness } from '../support/harness.js';

/** argon2id, 19 MiB, 1,000 passes: seconds of one core (of "held"). */
const SLOW_HASH = '$argon2id$v=19$m=19456,t=1000,p=1$pFR/KeDvwjhrJDMZgL4prQ$Hv0GM9lkKe+Hxpza7JKDji/YrSVuI5WXLcJmWprVnL0';
const WRONG = 'a wrong password 0123456789';

function signIn(h: Harness, email: string, password = PASSWORD) {
  return h.request({
    method: 'POST',
    url: '/v1/auth/sign-in',
    headers: { origin: ORIGIN, 'user-agent': UA.windowsChrome, 'x-forwarded-for': IP.london },
    payload: { email, password },
  });
}

function expectBusy(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.json()).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/busy/) } });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['cache-control']).toBe('no-store');
}

/** Holds the hasher's one slot and fills its queue; `drain` waits for all of it to finish. */
function fillQueue(h: Harness) {
  const hasher = h.registry.passwords;
  let held = true;
  const slow = hasher.verify(SLOW_HASH, 'held').finally(() => (held = false));
  const calls: Promise<unknown>[] = [];
  // Until the queue refuses one (decided at once, answered a second later).
  const refused = hasher.stats().refused;
  for (let i = 0; hasher.stats().refused === refused && i < 10_000; i++) calls.push(hasher.hash(`queued ${i}`).catch(() => null));
  expect(hasher.stats()).toMatchObject({ running: 1, refused: refused + 1 });
  return {
    stillHeld: () => held,
    drain: () => Promise.all([slow, ...calls]),
  };
}

describe('sign-in while the hashing queue is full', () => {
  let h: Harness;
  const known = 'flood-known@example.com';
  beforeAll(async () => {
    h = await harness('sqlite', { passwordHashConcurrency: '1', passwordHashMaxWaitMs: '1s', signInAccountLimit: '6/15m' });
    expect((await h.signUp(known)).statusCode).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 503 unavailable with Retry-After, alike for a known and an unknown address, and counts no failure', async () => {
    const queue = fillQueue(h);
    // As many attempts at the account as its limit of 6 failures (the next would be refused), and an unknown address.
    const answers = await Promise.all([
      signIn(h, known),
      ...Array.from({ length: 5 }, () => signIn(h, known, WRONG)),
      signIn(h, 'flood-nobody@example.com'),
    ]);
    // Refused while the slot was still held: by the full queue, not after waiting for it.
    expect(queue.stillHeld()).toBe(true);
    for (const res of answers) expectBusy(res);
    const bodies = answers.map((r) => ({ status: r.statusCode, body: r.json() as unknown }));
    for (const b of bodies) expect(b).toEqual(bodies.at(-1));
    await queue.drain();

    // Once free: the right password signs in (the refusals were not failures of the account)…
    const res = await signIn(h, known);
    expect(res.statusCode, res.body).toBe(200);
    // …and an unknown address is checked as usual: its dummy hash, refused above, was not kept refused.
    const unknown = await signIn(h, 'flood-nobody@example.com');
    expect(unknown.statusCode, unknown.body).toBe(401);
    expect(unknown.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
  });
});
