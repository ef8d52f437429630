/**
 * HTTP/1.1 over a raw socket, for the tests that hold the fast paths (src/http/fast-validation.ts,
 * src/http/introspection/fast-path.ts) to the normal route byte for byte: `inject` never goes
 * through the server's request event, and an HTTP client would normalise what it reads.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import type { Registry } from '../../src/registry.js';

export interface RawAnswer {
  /** The whole answer as it came off the socket, Date's value blanked. */
  bytes: string;
  status: number;
  body: string;
}

/** Sends one request on a new connection and reads one whole answer (Content-Length framed). */
export async function sendRaw(port: number, request: string): Promise<RawAnswer> {
  const [answer] = await sendPipelined(port, [request]);
  return answer!;
}

/**
 * Sends the requests in one write on a new connection (HTTP/1.1 pipelining: the server reads them
 * together) and reads their whole answers, in order (Content-Length framed).
 */
export function sendPipelined(port: number, requests: string[]): Promise<RawAnswer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const answers: RawAnswer[] = [];
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = received.subarray(0, end).toString('latin1');
        const length = requests[answers.length]!.startsWith('HEAD ') ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (received.length < end + 4 + length) return;
        const whole = received.subarray(0, end + 4 + length);
        received = received.subarray(end + 4 + length);
        answers.push({
          bytes: whole.toString('utf8').replace(/\r\nDate: [^\r]*/, '\r\nDate: -'),
          status: Number(head.split(' ')[1]),
          body: whole.subarray(end + 4).toString('utf8'),
        });
        if (answers.length === requests.length) {
          socket.destroy();
          resolve(answers);
          return;
        }
      }
    });
    socket.write(requests.join(''));
  });
}

/** A request's bytes; a body gets its Content-Length unless the headers give one. */
export function rawRequest(method: string, path: string, headers: Record<string, string>, body?: string): string {
  const all = { Host: '127.0.0.1', ...headers };
  if (body !== undefined && !Object.keys(all).some((k) => k.toLowerCase() === 'content-length'))
    Object.assign(all, { 'Content-Length': String(Buffer.byteLength(body)) });
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/**
 * Two real listening apps on one registry: `fast` with the fast paths (the default), `normal`
 * without. `reachedFastify` counts the answers Fastify gave on the fast app to requests whose URL
 * `counts` selects (onResponse runs for every answer, refusals by earlier hooks included).
 */
export interface AppPair {
  fast: FastifyInstance;
  normal: FastifyInstance;
  fastPort: number;
  normalPort: number;
  readonly reachedFastify: number;
  /** The same request to both apps: the fast app's answer, the normal app's, and whether Fastify served the fast one. */
  both(request: string): Promise<{ fast: RawAnswer; normal: RawAnswer; viaFastify: boolean }>;
  close(): Promise<void>;
}

export async function appPair(registry: Registry, counts: (url: string) => boolean): Promise<AppPair> {
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  let reached = 0;
  const fast = await buildApp(registry, { logStream: quiet });
  fast.addHook('onResponse', (request, _reply, done) => {
    if (counts(request.url)) reached++;
    done();
  });
  const normal = await buildApp(registry, { logStream: quiet, fastValidation: false });
  await fast.listen({ host: '127.0.0.1', port: 0 });
  await normal.listen({ host: '127.0.0.1', port: 0 });
  const fastPort = (fast.server.address() as { port: number }).port;
  const normalPort = (normal.server.address() as { port: number }).port;
  return {
    fast,
    normal,
    fastPort,
    normalPort,
    get reachedFastify() {
      return reached;
    },
    async both(request) {
      const before = reached;
      const fastAnswer = await sendRaw(fastPort, request);
      const viaFastify = reached > before;
      return { fast: fastAnswer, normal: await sendRaw(normalPort, request), viaFastify };
    },
    async close() {
      await fast.close();
      await normal.close();
    },
  };
}
