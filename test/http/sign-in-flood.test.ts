/**
 * A sign-in flood meets a full hashing queue (adapters/password/hashing-queue.ts): the sign-in is
 * refused at once with 503 `unavailable` and Retry-After, in the contract's shape, the same for a
 * known and an unknown address, and it does not count as a failed attempt on the account.
 *
 * The queue is filled through the node's own hasher: one argon2 verification that takes over a
 * second (its stored hash asks for 300 passes) holds the one slot, and calls queue up behind it
 * until the queue refuses one. The requests are answered while that verification still runs
 * (checked), so the test does not depend on how fast the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { isSessiondError } from '../../src/core/errors.js';
import { harness, IP, ORIGIN, PASSWORD, UA, type Harness } from '../support/harness.js';

/** argon2id, 19 MiB, 300 passes: about a second of one core (of "held"). */
const SLOW_HASH = '$argon2id$v=19$m=19456,t=300,p=1$7ugkaRy8Se5cWGBEZyjZFQ$PTALZLyWk2KnxsLQsCYuefdcErsRd4B4M7mdeNA/U+o';

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
async function fillQueue(h: Harness) {
  let held = true;
  const slow = h.registry.passwords.verify(SLOW_HASH, 'held').finally(() => (held = false));
  const queued: Promise<unknown>[] = [];
  for (let i = 0; i < 10_000; i++) {
    const call = h.registry.passwords.hash(`queued ${i}`);
    const refused = await Promise.race([call.then(() => false, isSessiondError), new Promise((r) => setImmediate(() => r(false)))]);
    if (refused) break;
    queued.push(call);
  }
  return {
    stillHeld: () => held,
    drain: () => Promise.all([slow, ...queued]),
  };
}

describe('sign-in while the hashing queue is full', () => {
  let h: Harness;
  const known = 'flood-known@example.com';
  beforeAll(async () => {
    h = await harness('sqlite', { passwordHashConcurrency: '1', passwordHashMaxWaitMs: '1s', signInAccountLimit: '3/15m' });
    expect((await h.signUp(known)).statusCode).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 503 unavailable with Retry-After at once, alike for a known and an unknown address', async () => {
    const queue = await fillQueue(h);
    const answers = [
      await signIn(h, known),
      await signIn(h, known, 'a wrong password 0123456789'),
      await signIn(h, 'flood-nobody@example.com'),
    ];
    // Refused while the slot was still held: by the full queue, not after a wait.
    expect(queue.stillHeld()).toBe(true);
    for (const res of answers) expectBusy(res);
    const [right, wrong, unknown] = answers.map((r) => ({ status: r.statusCode, body: r.json() as unknown }));
    expect(right).toEqual(unknown);
    expect(wrong).toEqual(unknown);
    await queue.drain();
  });

  it('does not count refused attempts as failures of the account; once free, the sign-in works', async () => {
    // More refusals than the account's limit of 3 failures.
    const queue = await fillQueue(h);
    for (let i = 0; i < 5; i++) expectBusy(await signIn(h, known, 'a wrong password 0123456789'));
    expect(queue.stillHeld()).toBe(true);
    await queue.drain();
    const res = await signIn(h, known);
    expect(res.statusCode, res.body).toBe(200);
  });

  it('signs an unknown address in the usual way once free (its dummy check was not left refused)', async () => {
    const queue = await fillQueue(h);
    expectBusy(await signIn(h, 'flood-first-unknown@example.com'));
    await queue.drain();
    const res = await signIn(h, 'flood-first-unknown@example.com');
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
  });
});
