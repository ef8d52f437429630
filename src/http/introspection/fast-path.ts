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
 * `token_type_hint`, both strings within the schema's lengths. The key and token are checked after
 * the turn's reads, in one synchronous stretch with the turn's other checks (after-reads.ts), so
 * the SQLite bus looks at its file once for all of them; by then Node has parsed the body of nearly
 * every request, which is taken from its buffer at once (a body still arriving is read first).
 * Everything else goes to Fastify with the bytes already read (replayedBody, a preParsing hook): a
 * refused key (401 from the hook), a form body, a body the schema or the JSON parser refuses
 * (400), a failed read, a closing server.
 *
 * test/http/fast-introspection.test.ts holds it to the normal path byte for byte on the wire.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../../registry.js';
import type { AfterReads } from '../after-reads.js';
import { handOver, jsonAnswer, type Fallback, type FastPath } from '../fast-validation.js';
import type { Metrics } from '../metrics.js';
import { IntrospectionAnswer } from '../me/token-schemas.js';
import { presentedServiceKey } from '../plugins/service-key.js';
import { INTROSPECTION_BODY_LIMIT, introspector, type Introspection } from './answer.js';

export const INTROSPECTION_PATH = '/v1/introspect';

/** Whether `s` has at most `max` code points (what JSON Schema's maxLength counts); UTF-16 units are never fewer. */
const withinCodePoints = (s: string, max: number): boolean => {
  if (s.length <= max) return true;
  let n = 0;
  for (const _ of s) if (++n > max) return false;
  return true;
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
    if (key === 'token' && withinCodePoints(value, 4096)) token = value;
    else if (!(key === 'token_type_hint' && withinCodePoints(value, 64))) return null;
  }
  return token;
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

/**
 * The body when Node has already parsed all of it (it came in the same reads as the headers, as
 * it does for nearly every request): taken from the request's buffer at once, without the
 * listeners, ticks and promises of reading it as a stream. Undefined when it is still on its way.
 */
function bodyAlreadyRead(req: IncomingMessage, length: number): Buffer | undefined {
  if (!req.complete || req.readableLength !== length) return undefined;
  return (req.read() as Buffer | null) ?? undefined;
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

  const answer = (res: ServerResponse, result: Introspection, started: number, statements: number) => {
    send(res, answerJson(result));
    metrics.observeRequest('POST', INTROSPECTION_PATH, 200, (performance.now() - started) / 1000, statements);
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

  /** Answers with the token's introspection, or leaves the request to Fastify with the body it read. */
  const settle = (
    req: IncomingMessage,
    res: ServerResponse,
    fallback: Fallback,
    body: Buffer,
    result: Introspection | null,
    started: number,
    count: { statements: number },
  ) => {
    if (result !== null) return answer(res, result, started, count.statements);
    // A refused key (401), a body the route refuses (400), a failed database read: Fastify answers.
    replays.set(req, body);
    handOver(req, res, fallback, started);
  };

  /**
   * Checks the key and the token, in the turn's stretch of checks (after-reads.ts): the answer
   * is written in it when both are cached, so the SQLite bus looks at its file once for all of
   * them; else once the database has answered. Never throws.
   */
  const checkBody = (req: IncomingMessage, res: ServerResponse, fallback: Fallback, key: string, body: Buffer, started: number) => {
    // Statements are counted for the route as the app counts them (a key or a session read).
    const count = { statements: 0 };
    const leave = () => settle(req, res, fallback, body, null, started, count);
    let result: ReturnType<typeof check>;
    try {
      result = registry.statements.run(count, () => check(key, tokenOf(body)));
    } catch {
      // A failed database read: Fastify answers it as every route does.
      return leave();
    }
    if (result instanceof Promise) result.then((r) => settle(req, res, fallback, body, r, started, count), leave);
    else settle(req, res, fallback, body, result, started, count);
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
    afterReads(() => {
      const body = bodyAlreadyRead(req, length);
      if (body !== undefined) return checkBody(req, res, fallback, key, body, started);
      // Still arriving: read as a stream, then checked with a later turn's checks. A client gone
      // before its body arrived has no one to answer.
      void readBody(req, length).then((read) => {
        if (read !== null) afterReads(() => checkBody(req, res, fallback, key, read, started));
      });
    });
    return true;
  };

  return {
    handle,
    close: () => {
      closing = true;
    },
  };
}
