/**
 * Real `sessiond serve` processes for the multi-node and fault suites: each started from the
 * built CLI (`npm run build` first; `npm test` does it), on a free port, behind no load balancer.
 * Requests carry `X-Forwarded-For` (nodes trust 127.0.0.1) so every test has its own client IP
 * and the sign-in limits shared through Redis never carry over between runs. Nodes are started by
 * test/support/serve-process.ts, which also ends them with the file, whatever happens.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { spawnSessiond, stopAllSpawned, type SessiondProcess } from '../support/serve-process.js';

export { SPAWN_HOOK_TIMEOUT_MS } from '../support/serve-process.js';

import { REDIS_URL } from '../support/databases.js';

export { REDIS_URL };
export const PASSWORD = 'correct horse battery staple';

export interface NodeOptions {
  db: string;
  redis?: string;
  name?: string;
  extra?: string[];
  /** A fixed port instead of a free one the OS picks. */
  port?: number;
  /** `--public-url`: several nodes behind one address (the OpenID issuer is derived from it). */
  publicUrl?: string;
}

/** A running node: `url`, `name`, `output()` for failure messages, `kill()` (SIGKILL) and `stop()`. */
export type SessiondNode = SessiondProcess;

export async function startNode(options: NodeOptions): Promise<SessiondNode> {
  const port = String(options.port ?? 0);
  const args = ['--host', '127.0.0.1', '--port', port, '--db', options.db, '--trust-proxy', '127.0.0.1', '--log-level', 'warn'];
  if (options.redis) args.push('--redis', options.redis);
  if (options.publicUrl) args.push('--public-url', options.publicUrl);
  args.push(...(options.extra ?? []));
  return spawnSessiond({ args, name: options.name ?? 'node' });
}

/** Stops every node this file started (afterAll, also after a failure or a failed start). */
export async function stopAll(): Promise<void> {
  await stopAllSpawned();
}

/** A test's own client: a random public-looking IP and email. */
export function client() {
  const ip = `${randomInt(11, 99)}.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
  const email = `mn-${randomBytes(5).toString('hex')}@example.com`;
  return { ip, email };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** One request, with a deadline so a hang is a failure with a time, not a stuck test. */
export async function call(
  node: { url: string; output?: () => string },
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; ip?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  const res = await fetch(node.url + url, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  }).catch((err: Error) => {
    // A node that stopped answering (it crashed, say): what it printed last says why.
    throw new Error(`${method} ${url}: ${err.message}${node.output ? `; the node's last output:\n${node.output().slice(-4000)}` : ''}`, {
      cause: err,
    });
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Prometheus text and the like stay strings.
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

export async function signUp(node: { url: string }, who: { email: string; ip: string }): Promise<string> {
  const res = await call(node, 'POST', '/v1/auth/sign-up', { ip: who.ip, body: { email: who.email, password: PASSWORD } });
  if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.user.id as string;
}

export async function signIn(node: { url: string }, who: { email: string; ip: string }): Promise<{ token: string; sessionId: string }> {
  const res = await call(node, 'POST', '/v1/auth/sign-in', {
    ip: who.ip,
    body: { email: who.email, password: PASSWORD, transport: 'bearer' },
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token as string, sessionId: res.body.session.id as string };
}

/** The status `GET /v1/me/session` answers for a token on a node. */
export async function whoami(node: { url: string }, token: string, ip?: string): Promise<number> {
  return (await call(node, 'GET', '/v1/me/session', { token, ...(ip ? { ip } : {}) })).status;
}

/** Polls until the condition holds; returns the milliseconds it took, throws at the deadline. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A node's Prometheus text, as name{labels} -> value. */
export async function metrics(node: { url: string }): Promise<Map<string, number>> {
  const res = await call(node, 'GET', '/metrics');
  const out = new Map<string, number>();
  for (const line of String(res.body).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/**
 * Waits until a node says (`sessiond_revocation_bus_live`) that it hears every revocation, or
 * that it has stopped trusting its cache: the event a fault test waits for, instead of a sleep
 * as long as the heartbeat timeout.
 */
export async function untilBusLive(node: { url: string; name?: string }, live: boolean, timeoutMs = 10_000): Promise<number> {
  return until(
    async () => (await metrics(node)).get('sessiond_revocation_bus_live') === (live ? 1 : 0),
    timeoutMs,
    `${node.name ?? node.url} ${live ? 'live on' : 'off'} the revocation bus`,
  );
}
