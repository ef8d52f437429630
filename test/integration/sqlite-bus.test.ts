/**
 * Two sessiond processes on one SQLite file (a server and the CLI, or two servers): a session
 * ended through one is refused by the other on its very next request, though that one had it
 * cached. Here two registries on the same file stand in for the two processes; each has its own
 * connections and its own cache, as separate processes do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../support/harness.js';

describe('the SQLite revocation bus', () => {
  let dir: string;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-sqlite-bus-'));
    const file = path.join(dir, 'shared.db');
    a = await harness('sqlite', {}, file);
    b = await harness('sqlite', {}, file);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const me = (h: Harness, token: string) =>
    h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } });

  it('a sign-out through one process is honoured by the other on the next request, cache or not', async () => {
    expect((await a.signUp('shared@example.com')).statusCode).toBe(201);
    const token = await a.bearerSignIn('shared@example.com');
    const other = await a.bearerSignIn('shared@example.com');
    // Warm b's cache with both sessions.
    expect((await me(b, token)).statusCode).toBe(200);
    expect((await me(b, token)).statusCode).toBe(200);
    expect((await me(b, other)).statusCode).toBe(200);
    const out = await a.request({ method: 'POST', url: '/v1/auth/sign-out', headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBeLessThan(300);
    expect((await me(b, token)).statusCode).toBe(401);
    expect((await me(b, other)).statusCode).toBe(200);
    // And the other way round, for a revocation of every session of the user.
    expect((await me(a, other)).statusCode).toBe(200);
    const all = await b.request({ method: 'POST', url: '/v1/me/sessions/revoke-all', headers: { authorization: `Bearer ${other}` } });
    expect(all.statusCode, all.body).toBeLessThan(300);
    expect((await me(a, other)).statusCode).toBe(401);
  });
});
