/**
 * Two sessiond processes on one SQLite file (a server and the CLI, or two servers): a session
 * ended through one is refused by the other on its very next request, though that one had it
 * cached. Here two registries on the same file stand in for the two processes; each has its own
 * connections and its own cache, as separate processes do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteRevocationBus } from '../../src/adapters/bus/sqlite-revocation-bus.js';
import type { RevocationEvent } from '../../src/core/ports/revocation-bus.js';
import { encode } from '../../src/core/revocation-wire.js';
import { harness, type Harness } from '../support/harness.js';
import { countLooks, type LookCounts } from '../support/count-looks.js';
import { appPair, rawRequest, sendPipelined } from '../support/raw-http.js';

describe('the SQLite revocation bus', () => {
  let dir: string;
  let file: string;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-sqlite-bus-'));
    file = path.join(dir, 'shared.db');
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

  // Asked once for a stretch of checks (lookOnce), on the same migrated file: buses of their own
  // stand in for other processes; what they publish names no session the two servers hold.
  it('asks the file once within lookOnce, and on every call outside it: a commit is heard at the next look', async () => {
    const reader = sqliteRevocationBus(file);
    const writer = sqliteRevocationBus(file);
    try {
      const heard: RevocationEvent[] = [];
      reader.subscribe((event) => heard.push(event));
      const sessionId = (n: number) => `${n}`.padStart(22, 's');
      const event = (n: number): RevocationEvent => ({ kind: 'session', userId: 'u'.repeat(22), sessionId: sessionId(n) });
      const heardIds = () => heard.map((e) => (e.kind === 'session' ? e.sessionId : e.kind));
      reader.lookOnce!(() => {
        expect(reader.isLive()).toBe(true);
        // Another process commits during the stretch (the request it serves had arrived before).
        void writer.publish(event(1));
        expect(reader.lookOnce!(() => reader.isLive())).toBe(true);
        expect(reader.isLive()).toBe(true);
        expect(heard).toEqual([]);
      });
      // The stretch is over: the next look reads the file again.
      expect(reader.isLive()).toBe(true);
      expect(heardIds()).toEqual([sessionId(1)]);
      // Outside a stretch nothing is remembered, not even within one synchronous run.
      void writer.publish(event(2));
      expect(reader.isLive()).toBe(true);
      expect(heardIds()).toEqual([sessionId(1), sessionId(2)]);
      // What the stretch returns or throws comes out of it, and it ends either way.
      expect(reader.lookOnce!(() => 42)).toBe(42);
      expect(() =>
        reader.lookOnce!(() => {
          reader.isLive();
          throw new Error('boom');
        }),
      ).toThrow('boom');
      void writer.publish(event(3));
      expect(reader.isLive()).toBe(true);
      expect(heardIds()).toEqual([sessionId(1), sessionId(2), sessionId(3)]);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('is what a server on a SQLite file gets: its bus, wrapped for telemetry and retries, keeps lookOnce', () => {
    const { bus } = a.registry;
    expect(bus.lookOnce).toBeTypeOf('function');
    expect(bus.lookOnce!(() => [bus.isLive(), bus.isLive()])).toEqual([true, true]);
  });

  it('checks the requests a server reads in one turn after the last of them, with one look at the file', async () => {
    // A listening server on the file, with its fast paths: `inject` never reaches them.
    const pair = await appPair(a.registry, () => false);
    const other = new SqliteDatabase(file);
    let looks: LookCounts | undefined;
    try {
      await a.signUp('turn@example.com');
      const first = await a.bearerSignIn('turn@example.com');
      const second = await a.bearerSignIn('turn@example.com');
      const firstId = (await me(a, first)).json().session.id as string;
      const request = (token: string) => rawRequest('GET', '/v1/me/session', { Authorization: `Bearer ${token}` });
      // Both cached by the server: its next answers for them come from its cache.
      expect((await sendPipelined(pair.fastPort, [request(first), request(second)])).map((r) => r.status)).toEqual([200, 200]);
      // Counted: stretches, and the asks inside them and outside any.
      looks = countLooks(a.registry.bus);
      // Another process (the CLI) ends the first session while the server reads the second
      // request, after it has read the first: its own connection, committed at once.
      const reads: string[] = [];
      const revokeOnSecond = (req: { headers: { authorization?: string } }) => {
        reads.push(req.headers.authorization ?? '');
        if (reads.length !== 2) return;
        other.prepare("update sessions set revoked_at = ?, revoke_reason = 'signed_out' where id = ?").run(Date.now(), firstId);
        other
          .prepare('insert into revocation_log (payload, at) values (?, ?)')
          .run(encode({ kind: 'session', userId: 'u'.repeat(22), sessionId: firstId }), Date.now());
      };
      pair.fast.server.on('request', revokeOnSecond);
      const answers = await sendPipelined(pair.fastPort, [request(first), request(second)]);
      pair.fast.server.off('request', revokeOnSecond);
      expect(reads).toEqual([`Bearer ${first}`, `Bearer ${second}`]);
      // The first was checked after the second was read, so after the commit: refused.
      expect(answers.map((r) => r.status)).toEqual([401, 200]);
      // One stretch for the turn, in which both checks asked: the file was asked once for both.
      expect(looks.stretches).toBe(1);
      expect(looks.asked.inside).toBeGreaterThanOrEqual(2);
    } finally {
      looks?.restore();
      other.close();
      await pair.close();
    }
  });

  it('is not live once closed, even within the stretch that asked', async () => {
    const bus = sqliteRevocationBus(file);
    let closing: Promise<void> | undefined;
    bus.lookOnce!(() => {
      expect(bus.isLive()).toBe(true);
      closing = bus.close();
      expect(bus.isLive()).toBe(false);
    });
    await closing;
    expect(bus.isLive()).toBe(false);
    expect(bus.lookOnce!(() => bus.isLive())).toBe(false);
  });
});
