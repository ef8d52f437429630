/**
 * One factory for API tests: a real app on a real database, an injectable clock, cheap argon2,
 * and helpers that act like a browser or a native client. Requests go through `app.inject`.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { fixedClock, type TestClock } from '../../src/core/testing/fakes.js';
import { buildApp } from '../../src/http/app.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { freshDatabase, type Engine, type TestDatabase } from './databases.js';
import { testKeyFile } from './secret-key.js';

export const PASSWORD = 'correct horse battery staple';
export const ORIGIN = 'http://127.0.0.1:7400';

export const UA = {
  windowsChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  macChrome: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
};

export const IP = { london: '81.2.69.160', mountainView: '8.8.8.8' };

export interface Harness {
  app: FastifyInstance;
  registry: Registry;
  clock: TestClock;
  database: TestDatabase;
  logs: string[];
  /**
   * Closes the app and its registry (as a process exit would) and builds a new registry and
   * app on the same database, clock and log capture: what survives is what the database kept.
   * SQLite needs a file (`harness('sqlite', {}, file)`); PostgreSQL reuses the suite's schema.
   */
  reopen(): Promise<void>;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  signUp(email: string, password?: string): Promise<LightMyRequestResponse>;
  /** Signs in like a browser; returns the session cookie value. */
  browserSignIn(email: string, options?: { ua?: string; ip?: string; password?: string }): Promise<Browser>;
  /** Signs in like a native client with a bearer token. */
  bearerSignIn(email: string, options?: { clientId?: string; device?: Record<string, string>; ip?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface Browser {
  /** The session cookie the browser holds now: a rotated token replaces it, as in a browser. */
  readonly cookie: string;
  /** The id of that session (the token's first part). */
  readonly sessionId: string;
  /**
   * Sends a request with this browser's cookie and a same-origin Origin header. A new session
   * cookie in the answer (token rotation) replaces the one held; a cleared cookie does not, so
   * tests go on proving the server refuses the old token, not that the browser forgot it.
   */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

/**
 * A browser holding the session `cookie` (and `otherCookies`, `name=value` each, such as its
 * device cookie), sending through `send`, that keeps the session cookie a rotation sets.
 */
export function browserWith(
  cookie: string,
  send: (options: InjectOptions) => Promise<LightMyRequestResponse>,
  otherCookies: string[] = [],
): Browser {
  let held = cookie;
  return {
    get cookie() {
      return held;
    },
    get sessionId() {
      return held.split('.')[0]!;
    },
    async request(o) {
      const jar = [`__Host-sessiond=${held}`, ...otherCookies].join('; ');
      const res = await send({ ...o, headers: { origin: ORIGIN, cookie: jar, ...(o.headers ?? {}) } });
      const renewed = res.cookies.find((c) => c.name === '__Host-sessiond' && c.value !== '');
      if (renewed) held = renewed.value;
      return res;
    },
  };
}

export async function harness(
  engine: Engine,
  overrides: Partial<Record<keyof Config, string | boolean>> = {},
  file?: string,
): Promise<Harness> {
  const database = await freshDatabase(engine, file);
  const keyFile = engine !== 'sqlite' ? { secretKeyFile: testKeyFile() } : {};
  // Sign-up is direct (201) and effectively unlimited unless a test says otherwise: suites create
  // many accounts from 127.0.0.1, and some configure mail (which would make it `email`).
  const signUpDefaults = { signUpMode: 'direct', signUpIpLimit: '100000/1m' };
  const config = loadConfig(
    { databaseUrl: database.url, trustProxy: '127.0.0.1', logLevel: 'info', ...keyFile, ...signUpDefaults, ...overrides },
    {},
  );
  const clock = fixedClock(Date.parse('2026-03-01T09:00:00Z'));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const start = async () => {
    const reg = await createRegistry(config, { clock, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, logStream });
    const built = await buildApp(reg, { logStream });
    await built.ready();
    return { registry: reg, app: built };
  };
  // `let`: reopen() swaps both; the returned object reads them through getters.
  let { registry, app } = await start();

  const request = (options: InjectOptions) => app.inject(options);

  async function signUp(email: string, password = PASSWORD) {
    return request({ method: 'POST', url: '/v1/auth/sign-up', payload: { email, password } });
  }

  async function browserSignIn(email: string, options: { ua?: string; ip?: string; password?: string } = {}): Promise<Browser> {
    const res = await request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { origin: ORIGIN, 'user-agent': options.ua ?? UA.windowsChrome, 'x-forwarded-for': options.ip ?? IP.london },
      payload: { email, password: options.password ?? PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === '__Host-sessiond');
    if (!cookie) throw new Error('no session cookie');
    return browserWith(cookie.value, request);
  }

  async function bearerSignIn(email: string, options: { clientId?: string; device?: Record<string, string>; ip?: string } = {}) {
    const res = await request({
      method: 'POST',
      url: '/v1/auth/sign-in',
      headers: { 'user-agent': 'sessiond-cli/1.0', 'x-forwarded-for': options.ip ?? IP.mountainView },
      payload: {
        email,
        password: PASSWORD,
        transport: 'bearer',
        client_id: options.clientId ?? 'cli',
        ...(options.device ? { device: options.device } : {}),
      },
    });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
    return res.json().token as string;
  }

  return {
    get app() {
      return app;
    },
    get registry() {
      return registry;
    },
    clock,
    database,
    logs,
    async reopen() {
      if (database.url === 'sqlite::memory:') throw new Error('reopen() needs a SQLite file or PostgreSQL');
      await app.close();
      await registry.close();
      ({ registry, app } = await start());
    },
    request,
    signUp,
    browserSignIn,
    bearerSignIn,
    async close() {
      await app.close();
      await registry.close();
      await database.drop();
    },
  };
}
