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
import { sqliteRevocationBus } from '../../src/adapters/bus/sqlite-revocation-bus.js';
import type { RevocationEvent } from '../../src/core/ports/revocation-bus.js';
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

describe('the SQLite revocation bus, asked within one synchronous run', () => {
  let dir: string;
  let file: string;
  let h: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-sqlite-bus-run-'));
    file = path.join(dir, 'shared.db');
    // A migrated file (revocation_log), as a running server leaves it.
    h = await harness('sqlite', {}, file);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the file once per run, and a commit made before the next run is heard in it', async () => {
    const reader = sqliteRevocationBus(file);
    const writer = sqliteRevocationBus(file);
    try {
      const heard: RevocationEvent[] = [];
      reader.subscribe((event) => heard.push(event));
      const event: RevocationEvent = { kind: 'session', userId: 'u'.repeat(22), sessionId: 's'.repeat(22) };
      expect(reader.isLive()).toBe(true);
      // Another process commits while this run goes on (nothing in this run was sent after it).
      void writer.publish(event);
      expect(reader.isLive()).toBe(true);
      expect(heard).toEqual([]);
      // The next run (here: after a microtask, before any timer or I/O callback) asks again.
      await Promise.resolve();
      expect(reader.isLive()).toBe(true);
      expect(heard).toEqual([expect.objectContaining({ kind: 'session', sessionId: event.sessionId })]);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('is not live once closed, even in the run that asked', async () => {
    const bus = sqliteRevocationBus(file);
    expect(bus.isLive()).toBe(true);
    await bus.close();
    expect(bus.isLive()).toBe(false);
  });
});
