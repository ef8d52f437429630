/**
 * The PostgreSQL bus sends the revocations published while a NOTIFY statement is in flight
 * together, in the next statement (issue 17: one statement, and one serialised commit, per
 * revocation capped a node at about 4,000 a second). What is checked is behaviour, not speed:
 * how many statements reach PostgreSQL, counted by a proxy in front of it, and that every
 * revocation is heard, once, in the order it was published.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresRevocationBus } from '../../src/adapters/bus/postgres-revocation-bus.js';
import type { RevocationBus } from '../../src/core/ports/revocation-bus.js';
import { freshDatabase, type TestDatabase } from '../support/databases.js';

/** Forwards to PostgreSQL and counts the statements calling pg_notify that clients send through it. */
class CountingProxy {
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  /** Client-to-server bytes of each connection, as text (extended-protocol Parse messages carry the SQL). */
  readonly #sent: string[] = [];

  async start(target: URL): Promise<number> {
    const server = net.createServer((client) => {
      const index = this.#sent.push('') - 1;
      const upstream = net.connect(Number(target.port) || 5432, target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.on('data', (chunk: Buffer) => {
        this.#sent[index] += chunk.toString('latin1');
        upstream.write(chunk);
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    return (server.address() as net.AddressInfo).port;
  }

  get notifyStatements(): number {
    return this.#sent.reduce((n, text) => n + text.split('pg_notify(').length - 1, 0);
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('PostgreSQL revocation bus: batched NOTIFY', () => {
  let database: TestDatabase;
  const proxy = new CountingProxy();
  const buses: RevocationBus[] = [];

  beforeAll(async () => {
    database = await freshDatabase('postgres');
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await proxy.stop();
    await database?.drop();
  });

  it('sends 500 revocations published at once in a few statements; a listener hears each once, in order', async () => {
    const direct = new URL(database.url);
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.start(direct));
    // No heartbeat during the test besides the first one, which makes the bus live.
    const heartbeat = { intervalMs: 60_000, timeoutMs: 120_000 };
    const publisher = await postgresRevocationBus(proxied.toString(), { heartbeat });
    const listener = await postgresRevocationBus(database.url, { heartbeat });
    buses.push(publisher, listener);
    await until(() => publisher.isLive() && listener.isLive());
    const heard: string[] = [];
    listener.subscribe((event) => {
      if (event.kind === 'session') heard.push(event.sessionId);
    });

    const before = proxy.notifyStatements;
    const ids = Array.from({ length: 500 }, (_, i) => `s${i}`);
    await Promise.all(ids.map((sessionId) => publisher.publish({ kind: 'session', userId: 'u1', sessionId })));
    await until(() => heard.length >= ids.length);
    await new Promise((r) => setTimeout(r, 100));

    expect(heard).toEqual(ids);
    // The first publish goes alone; the 499 made while it was in flight go in the next statement.
    expect(proxy.notifyStatements - before).toBeLessThanOrEqual(5);
  });
});
