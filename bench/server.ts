/**
 * The process under test, run by `bench/run.ts` with plain `node` on the compiled `dist/` (this
 * file is only type-stripped, so no tsx transpile cost sits in the measured process).
 *
 *   node server.mjs seed        <dist> <db> <tokens-file> <sessions>   creates the user and sessions
 *   node server.mjs service-key <dist> <db>                            prints a new service key (for the SDK)
 *   node server.mjs session     <dist> <db> [stats]                    serves the real sessiond app
 *   node server.mjs bare        <dist>                                 serves a constant on the same path
 *   node server.mjs replay      <dist> <capture.json>                  serves a captured response (the ceiling)
 *
 * `<db>` is a SQLite file or a `postgres://` URL. With `stats`, the app also answers
 * `GET /bench/cache-stats` (bench-only: the node's `cacheStats()` and its heap after a GC when
 * node runs with `--expose-gc`), for the scale benchmark.
 *
 * `replay` is the same-bytes ceiling: a bare Fastify route (same `node_modules`) on the captured
 * request's method and path that answers with exactly the bytes sessiond answered that request
 * with, as `captureResponse` (bench/parts/shared.ts) read them off the socket: the status line,
 * every header in sessiond's order and letter case, and the body, all precomputed. Only the
 * headers named in `regenerate` are made per response, at the same length (`Date`, as Node makes
 * it: the current second). It hijacks the reply and writes the head and body with one
 * `writeHead`/`end`, the least Fastify can do to send those bytes.
 *
 * `serve` modes listen on 127.0.0.1 with an ephemeral port and print `READY <port>` once
 * listening; SIGTERM closes the server (and the database) and exits.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type * as AppModule from '../src/http/app.js';
import type * as ConfigModule from '../src/config.js';
import type * as RegistryModule from '../src/registry.js';
import type * as ServiceKeysModule from '../src/core/service-keys.js';
import type { DeviceInfo, SessionOrigin } from '../src/core/session.js';

export const BENCH_PATH = '/v1/me/session';
const HOST = '127.0.0.1';

/** One HTTP/1.1 response exactly as it came off the socket (written by the bench, read by `replay`). */
export interface CapturedResponse {
  method: 'GET' | 'POST';
  path: string;
  status: number;
  statusMessage: string;
  /** Every header line, in order, with its letter case: [name, value]. */
  headers: [string, string][];
  /** The body's bytes, base64. */
  body: string;
  /** Lower-case names of headers whose value must change per response (made at the same length). */
  regenerate: string[];
}

const [mode, dist, dbFile, tokensFile, count] = process.argv.slice(2);

async function load<T>(relative: string): Promise<T> {
  if (!dist) throw new Error('usage: server.mjs <seed|session|bare> <dist-dir> …');
  return (await import(pathToFileURL(path.join(dist, relative)).href)) as T;
}

async function registryFor(db: string, overrides: RegistryModule.RegistryOverrides = {}) {
  const { loadConfig } = await load<typeof ConfigModule>('config.js');
  const { createRegistry } = await load<typeof RegistryModule>('registry.js');
  const databaseUrl = /^(postgres|mysql|mariadb):\/\//.test(db) ? db : `sqlite:${db}`;
  // No environment: the bench must not pick up a developer's SESSIOND_* settings.
  const config = loadConfig({ databaseUrl, host: HOST, port: '0', logLevel: 'warn' }, {});
  return createRegistry(config, overrides);
}

/**
 * Sessions are created as if signed in just over a touch interval ago, so the warm-up writes
 * each rotated session's `last_active_at` once and the measured runs that follow (within the
 * next minute) are the read-only steady state.
 */
export const SEED_AGE_MS = 61_000;

/** A few realistic places sessions come from: browsers and native apps, several countries. */
const ORIGINS: { clientId: string; ip: string; userAgent: string; device: DeviceInfo }[] = [
  {
    clientId: 'web',
    ip: '81.2.69.160',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    device: { name: 'Windows PC', os: 'Windows 10', browser: 'Chrome 131', type: 'desktop' },
  },
  {
    clientId: 'web',
    ip: '8.8.8.8',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    device: { name: 'iPhone', os: 'iOS 17.4', browser: 'Safari 17.4', type: 'mobile' },
  },
  {
    clientId: 'desktop',
    ip: '212.58.244.20',
    userAgent: 'sessiond-desktop/2.4.1 (Macintosh; macOS 15.1)',
    device: { name: 'MacBook Pro', os: 'macOS 15', browser: null, type: 'desktop' },
  },
  {
    clientId: 'mobile',
    ip: '91.198.174.192',
    userAgent: 'sessiond-mobile/5.2.0 (Android 15; Pixel 8)',
    device: { name: 'Pixel 8', os: 'Android 15', browser: null, type: 'mobile' },
  },
  {
    clientId: 'web',
    ip: '133.242.0.1',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    device: { name: 'Mac', os: 'macOS 10.15.7', browser: 'Chrome 131', type: 'desktop' },
  },
];

async function seed(file: string, out: string, sessions: number): Promise<void> {
  const registry = await registryFor(file, {
    // Cheap hashing for the one user; sessions never hash passwords.
    argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
    clock: { now: () => Date.now() - SEED_AGE_MS },
  });
  try {
    const user = await registry.accounts.signUp({ email: 'bench@sessiond.test', password: 'bench password 0123456789', name: 'Bench' });
    const tokens: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const o = ORIGINS[i % ORIGINS.length]!;
      const origin: SessionOrigin = {
        ip: o.ip,
        userAgent: o.userAgent,
        device: o.device,
        location: registry.geo.locate(o.ip),
        deviceId: `bench-device-${i}`,
      };
      const { token } = await registry.sessions.createSession(user.id, o.clientId, 'password', origin);
      tokens.push(token);
    }
    writeFileSync(out, JSON.stringify(tokens));
  } finally {
    await registry.close();
  }
}

/**
 * With SESSIOND_BENCH_PROFILE set, stdin takes `start` and `stop <file>`: a CPU profile of just
 * the measured run (a whole-process `--cpu-prof` would mix in start-up and the warm-up's writes).
 */
async function profilerControl(): Promise<void> {
  if (!process.env.SESSIOND_BENCH_PROFILE) return;
  const { Session } = await import('node:inspector/promises');
  const { createInterface } = await import('node:readline');
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, file] = line.split(' ');
    const done =
      command === 'start'
        ? inspector.post('Profiler.start').then(() => console.log('PROFILING'))
        : inspector.post('Profiler.stop').then(({ profile }) => {
            writeFileSync(file!, JSON.stringify(profile));
            console.log('PROFILED');
          });
    done.catch((err: unknown) => console.error(err));
  });
}

async function serve(app: FastifyInstance, onClose: () => Promise<void>): Promise<void> {
  await profilerControl();
  await app.listen({ host: HOST, port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  console.log(`READY ${address.port}`);
  process.once('SIGTERM', () => {
    app
      .close()
      .then(onClose)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

async function main(): Promise<void> {
  if (mode === 'seed' && dbFile && tokensFile) {
    await seed(dbFile, tokensFile, Number(count ?? 10_000));
  } else if (mode === 'service-key' && dbFile) {
    const { createServiceKey } = await load<typeof ServiceKeysModule>('core/service-keys.js');
    const registry = await registryFor(dbFile);
    try {
      console.log((await createServiceKey(registry, 'bench-sdk')).key);
    } finally {
      await registry.close();
    }
  } else if (mode === 'session' && dbFile) {
    const { buildApp } = await load<typeof AppModule>('http/app.js');
    const registry = await registryFor(dbFile);
    // As `sessiond serve` builds it: process metrics on, request logging off.
    const app = await buildApp(registry, { defaultMetrics: true });
    if (tokensFile === 'stats') {
      const gc = (globalThis as { gc?: () => void }).gc;
      app.get('/bench/cache-stats', async () => {
        gc?.();
        return { ...registry.sessions.cacheStats(), heapUsed: process.memoryUsage().heapUsed, gc: gc !== undefined };
      });
    }
    await serve(app, () => registry.close());
  } else if (mode === 'bare') {
    // The same Fastify the app resolves, with a route that does no work.
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    const body = { ok: true };
    app.get(BENCH_PATH, async () => body);
    await serve(app, async () => {});
  } else if (mode === 'replay' && dbFile) {
    const captured = JSON.parse(readFileSync(dbFile, 'utf8')) as CapturedResponse;
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    const body = Buffer.from(captured.body, 'base64');
    // Node's writeHead takes a flat [name, value, name, value…] list and writes it as given (order
    // and case kept); with Date, Connection, Keep-Alive and Content-Length in it, Node adds none.
    const flat = captured.headers.flat();
    const unknown = captured.regenerate.filter((n) => n !== 'date');
    if (unknown.length) throw new Error(`replay: no way to regenerate ${unknown.join(', ')}`);
    const dateAt = captured.headers.findIndex(([n]) => n.toLowerCase() === 'date');
    let second = 0;
    const handler = (_request: unknown, reply: FastifyReply) => {
      if (dateAt >= 0) {
        const now = Math.floor(Date.now() / 1000);
        if (now !== second) {
          second = now;
          flat[2 * dateAt + 1] = new Date(now * 1000).toUTCString();
        }
      }
      reply.hijack();
      reply.raw.writeHead(captured.status, captured.statusMessage, flat);
      reply.raw.end(body);
    };
    if (captured.method === 'POST') app.post(captured.path, handler);
    else app.get(captured.path, handler);
    await serve(app, async () => {});
  } else {
    throw new Error(`unknown mode ${JSON.stringify(mode)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
