/**
 * The introspection fast path: `POST /v1/introspect` with a JSON body and a valid service key is
 * answered from Node's `request` event, before Fastify builds a request and a reply, parses the
 * body and runs its hooks, with the bytes the route would send (as the validation fast path does
 * for `GET /v1/me/session`, ../fast-validation.ts).
 *
 * It applies no rule of its own: the service key is verified by ServiceKeys (verifyNow: `verify`
 * without a promise when its cache decides), as the route's hook verifies it; the answer is the
 * route's own (answer.ts); the counters and histograms are the ones the route feeds. It takes only
 * what it can read exactly as the route reads it: a JSON body of at most INTROSPECTION_BODY_LIMIT
 * bytes, declared by Content-Length, that parses to `{"token": …}` with at most a
 * `token_type_hint`, both strings within the schema's lengths. The body is read first and the key
 * and token are then checked after the turn's reads, in one synchronous stretch with the turn's
 * other checks (after-reads.ts), so the SQLite bus looks at its file once for all of them.
 * Everything else goes to Fastify with the bytes already read (replayedBody, a preParsing hook): a
 * refused key (401 from the hook), a form body, a body the schema or the JSON parser refuses
 * (400), a failed read, a closing server.
 *
 * test/http/fast-introspection.test.ts holds it to the normal path byte for byte on the wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../../registry.js';
import type { AfterReads } from '../after-reads.js';
import { handOver, jsonAnswer, type FastPath } from '../fast-validation.js';
import type { Metrics } from '../metrics.js';
import { IntrospectionAnswer } from '../me/token-schemas.js';
import { presentedServiceKey } from '../plugins/service-key.js';
import { INTROSPECTION_BODY_LIMIT, introspector, type Introspection } from './answer.js';

export const INTROSPECTION_PATH = '/v1/introspect';

/** What JSON Schema's maxLength counts: code points. */
const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Bodies the fast path read and then left to Fastify, which parses them again (replayedBody). */
const replays = new WeakMap<IncomingMessage, Buffer>();

/** The body the fast path already read from this request, for Fastify to parse; null when it read none. */
export function replayedBody(req: IncomingMessage): Buffer | null {
  return replays.get(req) ?? null;
}

/** The answer as the route's serializer writes it: the schema's properties in the schema's order. */
const ANSWER_KEYS = Object.keys(IntrospectionAnswer.properties) as (keyof Introspection)[];
function answerJson(answer: Introspection): string {
  let json = '';
  for (const key of ANSWER_KEYS) {
    const value = answer[key];
    if (value === undefined) continue;
    json += `${json === '' ? '{' : ','}"${key}":${JSON.stringify(value)}`;
  }
  return `${json}}`;
}

/** The token of a body the route's schema accepts (IntrospectionBody), else null. */
function tokenOf(body: Buffer): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  let token: string | null = null;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') return null;
    if (key === 'token' && codePoints(value) <= 4096) token = value;
    else if (!(key === 'token_type_hint' && codePoints(value) <= 64)) return null;
  }
  return token;
}

/** What `check` returns (or throws, or its promise settles to), once `afterReads` has run it. */
function afterTurnReads<T>(afterReads: AfterReads, check: () => T | Promise<T>): Promise<T> {
  return new Promise((resolve, reject) =>
    afterReads(() => {
      try {
        resolve(check());
      } catch (err) {
        reject(err as Error);
      }
    }),
  );
}

/** The whole body, or null when the request ended without it (the client went away). */
function readBody(req: IncomingMessage, length: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
    });
    req.once('end', () => resolve(size === length ? Buffer.concat(chunks, size) : null));
    req.once('error', () => resolve(null));
    req.once('close', () => resolve(null));
  });
}

export interface IntrospectionFastPathDeps {
  registry: Registry;
  metrics: Metrics;
  /** The security headers every answer carries (security-headers.ts), in the order the app sets them. */
  headers: Readonly<Record<string, string>>;
  /** Where checks wait for the turn's other reads (after-reads.ts). */
  afterReads: AfterReads;
}

export function introspectionFastPath(deps: IntrospectionFastPathDeps): { handle: FastPath; close(): void } {
  const { registry, metrics, afterReads } = deps;
  const introspect = introspector(deps);
  const send = jsonAnswer(deps.headers);
  let closing = false;

  const answer = (res: ServerResponse, result: Introspection, started: number, statements: number): true => {
    send(res, answerJson(result));
    metrics.observeRequest('POST', INTROSPECTION_PATH, 200, (performance.now() - started) / 1000, statements);
    return true;
  };

  /** The token's answer once the key is known to be good; null to leave the request to Fastify. */
  const introspectIf = (keyIsGood: boolean, token: string | null) => (keyIsGood && token !== null && !closing ? introspect(token) : null);

  /** The key, then the token: a promise only when either has to be read from the database. */
  const check = (key: string, token: string | null): Introspection | null | Promise<Introspection | null> => {
    const verified = registry.serviceKeys.verifyNow(key);
    return verified instanceof Promise
      ? verified.then((record) => introspectIf(record !== null, token))
      : introspectIf(verified !== null, token);
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    length: number,
    started: number,
    count: { statements: number },
  ) => {
    const body = await readBody(req, length);
    // Gone before its body arrived: there is no one to answer.
    if (body === null) return true;
    let result: Introspection | null = null;
    try {
      // The key and the session are checked after the turn's reads, in one synchronous stretch
      // with its other checks when both are cached: the SQLite bus looks at its file once for all.
      const token = tokenOf(body);
      // Its statements are still this request's: the turn's checks run outside any request's context.
      result = await afterTurnReads(afterReads, () => registry.statements.run(count, () => check(key, token)));
    } catch {
      // A failed read: Fastify answers it as every route does.
    }
    if (result === null) {
      // A refused key (401), a body the route refuses (400), a failed read: Fastify answers.
      replays.set(req, body);
      return handOver(req, started);
    }
    return answer(res, result, started, count.statements);
  };

  const handle: FastPath = (req, res, fallback) => {
    if (closing || req.method !== 'POST' || req.url !== INTROSPECTION_PATH) return false;
    const { headers } = req;
    const type = headers['content-type'];
    if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
    if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return false;
    const length = Number(headers['content-length']);
    if (!Number.isInteger(length) || length < 1 || length > INTROSPECTION_BODY_LIMIT) return false;
    const key = presentedServiceKey(headers.authorization);
    if (key === undefined) return false;
    const started = performance.now();
    // Statements are counted for the route as the app counts them (a key or a session read).
    const count = { statements: 0 };
    void registry.statements
      .run(count, () => serve(req, res, key, length, started, count))
      .catch(() => handOver(req, started))
      .then((answered) => answered || fallback(req, res));
    return true;
  };

  return {
    handle,
    close: () => {
      closing = true;
    },
  };
}
