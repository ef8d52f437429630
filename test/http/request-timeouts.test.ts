/**
 * Slow clients (slowloris, slow POST, a chunked body that never comes, idle kept-alive
 * connections) are cut off by the server at its configured timeouts, and one client address
 * holds a bounded number of connections. A real listening server and raw TCP sockets: `inject`
 * has no connection to hold open. Transport only, so SQLite alone: the database plays no part.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../support/harness.js';

/** The timeouts these tests set (1 s) plus the server's check interval and a generous margin. */
const DEADLINE_MS = 8_000;

interface Closed {
  afterMs: number;
  received: string;
}

/** Opens a socket; `closed` settles when the server ends it, or fails once DEADLINE_MS passes first. */
async function open(port: number): Promise<{ socket: Socket; closed: Promise<Closed>; openedAt: number }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const openedAt = Date.now();
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {}); // a reset is a close too
  const closed = new Promise<Closed>((resolve, reject) => {
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${DEADLINE_MS} ms; received ${JSON.stringify(received)}`));
    }, DEADLINE_MS);
    socket.once('close', () => {
      clearTimeout(guard);
      resolve({ afterMs: Date.now() - openedAt, received });
    });
  });
  return { socket, closed, openedAt };
}

/** Writes `chunk` every 100 ms until the socket closes: a client that is busy, never done. */
function trickle(socket: Socket, chunk: string): void {
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(chunk);
  }, 100);
  socket.once('close', () => clearInterval(timer));
}

describe('request timeouts and connections per client (real server, raw sockets)', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await harness('sqlite', {
      requestTimeoutMs: '1s',
      headersTimeoutMs: '1s',
      keepAliveTimeoutMs: '1s',
      maxConnectionsPerIp: '4',
      // 127.0.0.1 is the test's own address: not a proxy here, so its connections are counted.
      trustProxy: '10.255.255.1',
    });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await h?.close();
  });

  const headers = (lines: string[]) => `${lines.join('\r\n')}\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:7400\r\n`;

  it(
    'a POST body trickled a byte at a time is cut off at the request timeout (408), however busy the socket',
    { timeout: 20_000 },
    async () => {
      const c = await open(port);
      c.socket.write(`${headers(['POST /v1/auth/sign-in HTTP/1.1', 'Content-Type: application/json', 'Content-Length: 1000'])}\r\n{`);
      trickle(c.socket, ' ');
      const closed = await c.closed;
      expect(closed.afterMs).toBeLessThan(DEADLINE_MS);
      expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
    },
  );

  it('Transfer-Encoding: chunked with no body at all is cut off at the request timeout', { timeout: 20_000 }, async () => {
    const c = await open(port);
    c.socket.write(`${headers(['POST /v1/auth/sign-in HTTP/1.1', 'Content-Type: application/json', 'Transfer-Encoding: chunked'])}\r\n`);
    const closed = await c.closed;
    expect(closed.afterMs).toBeGreaterThanOrEqual(900);
    expect(closed.afterMs).toBeLessThan(DEADLINE_MS);
    expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('headers that never end (slowloris) are cut off at the headers timeout', { timeout: 20_000 }, async () => {
    const c = await open(port);
    c.socket.write('GET /healthz HTTP/1.1\r\n');
    let n = 0;
    const timer = setInterval(() => c.socket.writable && c.socket.write(`X-Slow-${n++}: a\r\n`), 100);
    const closed = await c.closed.finally(() => clearInterval(timer));
    expect(closed.afterMs).toBeGreaterThanOrEqual(900);
    expect(closed.afterMs).toBeLessThan(DEADLINE_MS);
    expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a connection that never sends a byte is closed', { timeout: 20_000 }, async () => {
    const c = await open(port);
    expect((await c.closed).afterMs).toBeLessThan(DEADLINE_MS);
  });

  it('an idle kept-alive connection is closed after the keep-alive timeout, once its answer is sent', { timeout: 20_000 }, async () => {
    const c = await open(port);
    c.socket.write(`${headers(['GET /healthz HTTP/1.1', 'Connection: keep-alive'])}\r\n`);
    const closed = await c.closed;
    expect(closed.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed.afterMs).toBeLessThan(DEADLINE_MS);
  });

  it('a well-behaved request is answered as before', { timeout: 20_000 }, async () => {
    const c = await open(port);
    c.socket.write(`${headers(['GET /healthz HTTP/1.1', 'Connection: close'])}\r\n`);
    expect((await c.closed).received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('one client address holds at most max-connections-per-ip connections; a closed one frees its place', { timeout: 20_000 }, async () => {
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await open(port));
    // The next one from the same address is closed at once, before a byte is read (the steps
    // below take milliseconds, well inside the held connections' own 1 s headers timeout).
    const extra = await open(port);
    const refused = await extra.closed;
    expect(refused.afterMs).toBeLessThan(1_000);
    expect(refused.received).toBe('');
    // The held ones were not touched by the refusal: each still answers.
    held[0]!.socket.write(`${headers(['GET /healthz HTTP/1.1', 'Connection: close'])}\r\n`);
    expect((await held[0]!.closed).received).toMatch(/^HTTP\/1\.1 200 /);
    // One place is free again.
    const next = await open(port);
    next.socket.write(`${headers(['GET /healthz HTTP/1.1', 'Connection: close'])}\r\n`);
    expect((await next.closed).received).toMatch(/^HTTP\/1\.1 200 /);
    for (const c of held.slice(1)) c.socket.destroy();
  });
});
