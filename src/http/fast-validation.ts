/**
 * The validation fast path: `GET /v1/me/session` with a valid session is answered from Node's
 * `request` event, before Fastify builds a request and a reply and runs its hook chain, with the
 * same bytes the route would send. Every refusal — a token that does not validate, both
 * credentials at once, no credential — and everything else (a query string, a closing server,
 * traces on, any other route) goes to Fastify, so each refusal and its message keep coming from
 * one place; a token the fast path has already found invalid is not read again there.
 *
 * It applies no rule of its own. Sessions.validateToken (a cached session without I/O, else the
 * store) checks the token by one set of rules (secret in constant time,
 * expiry, idle time, the workspace screen, the touch and the activity it records); the credential
 * is read with the cookie parser and Bearer rule of plugins/authenticate.ts; the client address
 * as Fastify derives it (trusted proxies included) goes to noteAddress; the counters and
 * histograms of the route and of validation are the ones the normal path feeds. What it saves is
 * the framework's per-request work: on the hot path that was most of the time, and it made every
 * cache miss costly enough to hold up whole event-loop turns (issue 13, docs/benchmarks.md).
 * The check itself waits for the rest of the event-loop turn's reads and runs with the turn's
 * other checks, with one look at the revocation bus for all of them (after-reads.ts).
 *
 * test/http/fast-validation.test.ts holds it to the normal path byte for byte on the wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import type { SessionWithUser } from '../core/ports/store.js';
import type { Registry } from '../registry.js';
import type { CookiePolicy } from './cookies.js';
import type { AfterReads } from './after-reads.js';
import type { Metrics } from './metrics.js';
import { CurrentSessionBodies } from './views.js';

export const FAST_PATH = '/v1/me/session';

/**
 * Requests the fast path validated and found invalid, with the token it validated, the
 * statements and the time (seconds) that took: the normal path refuses them without validating
 * again (resolveSession), and counts that validation as it went.
 */
const refused = new WeakMap<IncomingMessage, { token: string; statements: number; seconds: number }>();

/** Whether the fast path already found `token` invalid for this request; its statements and time, if so. */
export function refusedByFastPath(req: IncomingMessage, token: string): { statements: number; seconds: number } | null {
  const seen = refused.get(req);
  return seen?.token === token ? seen : null;
}

/** Fastify's handler for a request, for one a fast path took and then leaves to it. */
export type Fallback = (req: IncomingMessage, res: ServerResponse) => void;

/** When a fast path began on a request it then left to Fastify (performance.now()). */
const handedOver = new WeakMap<IncomingMessage, number>();

/**
 * Leaves a request a fast path took to Fastify (`fallback`), which answers it as every route does;
 * its route latency then counts from `started` (app.ts), not from Fastify's own start.
 */
export function handOver(req: IncomingMessage, res: ServerResponse, fallback: Fallback, started: number): void {
  handedOver.set(req, started);
  fallback(req, res);
}

/** When a fast path began on this request before leaving it to Fastify; undefined when none did. */
export function fastPathStarted(req: IncomingMessage): number | undefined {
  return handedOver.get(req);
}

/**
 * False: not this fast path's request, nothing written. True: it has taken the request, and
 * answers it or (having written nothing) passes it to `fallback`, now or later.
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse, fallback: Fallback) => boolean;

export interface FastPathDeps {
  registry: Registry;
  cookies: CookiePolicy;
  metrics: Metrics;
  /** The security headers every answer carries (security-headers.ts), in the order the app sets them. */
  headers: Readonly<Record<string, string>>;
  /** @fastify/cookie's parser, as the app registered it. */
  parseCookie(header: string): Record<string, string | undefined>;
  /** The trusted-proxy test the app gives Fastify; null when no proxy is trusted. */
  isTrustedProxy: ((address: string) => boolean) | null;
  /** Where checks wait for the turn's other reads (after-reads.ts). */
  afterReads: AfterReads;
}

const BEARER = /^Bearer +(\S+)\s*$/i;

/**
 * Writes a 200 JSON answer as a Fastify route of this app does: the app's security headers, then
 * cache-control, then the serializer's content type and length (Node adds Date, Connection and
 * Keep-Alive after them).
 */
export function jsonAnswer(headers: Readonly<Record<string, string>>): (res: ServerResponse, body: string) => void {
  const head: string[] = [];
  for (const [name, value] of Object.entries(headers)) head.push(name, value);
  head.push('cache-control', 'no-store', 'content-type', 'application/json; charset=utf-8', 'content-length', '');
  const lengthAt = head.length - 1;
  return (res, body) => {
    head[lengthAt] = String(Buffer.byteLength(body));
    res.writeHead(200, head);
    res.end(body);
  };
}

export function validationFastPath(deps: FastPathDeps): { handle: FastPath; close(): void } {
  const { registry, cookies, metrics, parseCookie, isTrustedProxy, afterReads } = deps;
  const { sessions, config } = registry;
  const send = jsonAnswer(deps.headers);
  const bodies = new CurrentSessionBodies();
  let closing = false;

  /** The credential as readCredential reads it; null when there is none or both disagree (Fastify answers those). */
  const credential = (req: IncomingMessage): string | null => {
    const cookieHeader = req.headers.cookie;
    const cookie = (cookieHeader && parseCookie(cookieHeader)[cookies.session]) || undefined;
    const authorization = req.headers.authorization;
    const bearer = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    if (cookie !== undefined && bearer !== undefined && cookie !== bearer) return null;
    return bearer ?? cookie ?? null;
  };

  /** request.ip as Fastify computes it (X-Forwarded-For only through trusted proxies), as clientIp cleans it. */
  const clientIp = (req: IncomingMessage): string | null => {
    let ip = isTrustedProxy ? proxyAddr(req, isTrustedProxy) : (req.socket.remoteAddress ?? '');
    // refuseMalformedClientIp answers what a trusted proxy forwards that is not an address.
    if (isTrustedProxy && isIP(ip) === 0) return null;
    if (ip.startsWith('::ffff:') && ip.includes('.')) ip = ip.slice(7);
    return ip;
  };

  const answer = (res: ServerResponse, found: SessionWithUser, ip: string, started: number, validation: number, statements: number) => {
    const { user, session } = found;
    sessions.noteAddress(session.id, ip);
    send(res, bodies.json(user, session, config.clients, sessions.policy));
    metrics.countValidation('valid', validation);
    metrics.observeRequest('GET', FAST_PATH, 200, (performance.now() - started) / 1000, statements);
  };

  /** Fastify answers a refusal; it is told this validation's outcome so it does not read again. */
  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    fallback: Fallback,
    token: string,
    statements: number,
    started: number,
    seconds: number,
  ) => {
    refused.set(req, { token, statements, seconds });
    handOver(req, res, fallback, started);
  };

  /** Validates and answers, or leaves the request to Fastify; never throws. */
  const check = (req: IncomingMessage, res: ServerResponse, fallback: Fallback, token: string, ip: string, started: number) => {
    const checking = performance.now();
    // Statements are counted for the route as the app counts them: a cache miss reads the
    // session, and the screen may read or end it.
    const count = { statements: 0 };
    let found: ReturnType<typeof sessions.validateToken>;
    try {
      found = registry.statements.run(count, () => sessions.validateToken(token));
    } catch {
      // A failed read: Fastify answers it as every route does.
      return handOver(req, res, fallback, started);
    }
    if (!(found instanceof Promise)) {
      const seconds = (performance.now() - checking) / 1000;
      if (found === null) return refuse(req, res, fallback, token, count.statements, started, seconds);
      return answer(res, found, ip, started, seconds, count.statements);
    }
    found.then(
      (valid) => {
        const seconds = (performance.now() - checking) / 1000;
        if (valid) answer(res, valid, ip, started, seconds, count.statements);
        else refuse(req, res, fallback, token, count.statements, started, seconds);
      },
      () => handOver(req, res, fallback, started),
    );
  };

  const handle: FastPath = (req, res, fallback) => {
    if (closing || req.url !== FAST_PATH || req.method !== 'GET') return false;
    const token = credential(req);
    if (token === null) return false;
    const ip = clientIp(req);
    if (ip === null) return false;
    const started = performance.now();
    afterReads(() => check(req, res, fallback, token, ip, started));
    return true;
  };

  return {
    handle,
    close: () => {
      closing = true;
    },
  };
}
