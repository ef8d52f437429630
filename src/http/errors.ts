/**
 * The contract's error envelope and the exhaustive code -> status map: a new code in
 * src/core/errors.ts does not compile until it has a status here.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode, isSessiondError } from '../core/errors.js';

export const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_credentials: 401,
  // Not 401: the caller is signed in; a client must not treat a typo as a signed-out session.
  incorrect_password: 400,
  unauthenticated: 401,
  ambiguous_credentials: 400,
  csrf_failed: 403,
  forbidden: 403,
  sign_up_disabled: 403,
  weak_password: 400,
  email_taken: 409,
  unknown_client: 400,
  not_found: 404,
  method_not_allowed: 405,
  rate_limited: 429,
  password_change_required: 403,
  invalid_token: 400,
  reauth_required: 403,
  aal_required: 403,
  invalid_code: 401,
  mfa_token_invalid: 401,
  mfa_already_enabled: 409,
  mfa_not_enabled: 409,
  count_mismatch: 409,
  not_pending: 409,
  unavailable: 503,
  internal_error: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id?: string };
}

export function errorBody(code: ErrorCode, message?: string, requestId?: string): ErrorBody {
  return { error: { code, message: message ?? ERROR_CODES[code], ...(requestId ? { request_id: requestId } : {}) } };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(STATUS[code]).header('cache-control', 'no-store').send(errorBody(code, message));
}

/** Framework errors that are the client's fault, by Fastify code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Driver errors that mean "the database is not reachable right now", not "bad input". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
  // mysql2: a query timed out, the connection was lost, or the server has no connection left.
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
]);

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  return (
    typeof e?.message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection is in closed state/i.test(e.message)
  );
}

/**
 * Every error leaves in the contract's shape. Client mistakes get a 4xx with a message that
 * names the problem; anything else is a 500 (or 503 for an unreachable database) with a
 * generic message and the request id, and the cause goes to the log, never to the client.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('cache-control', 'no-store');
  if (isSessiondError(error)) {
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(STATUS[error.code]).send(errorBody(error.code, error.message));
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const where = fe.validationContext ?? 'body';
    const field = first?.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    const additional = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const message = additional ? `${where} has an unknown field "${additional}"` : `${field} ${first?.message ?? 'is invalid'}`;
    return reply.code(400).send(errorBody('invalid_request', message));
  }
  const code = (fe.code && FASTIFY_CODES[fe.code]) || (fe.statusCode && fe.statusCode < 500 ? STATUS_CODES[fe.statusCode] : undefined);
  if (code) return reply.code(STATUS[code]).send(errorBody(code));
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return reply.code(400).send(errorBody('invalid_request'));
  if (isUnavailable(error)) {
    request.log.warn({ err: error }, 'dependency unavailable');
    return reply
      .code(503)
      .header('retry-after', '1')
      .send(errorBody('unavailable', undefined, request.id));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send(errorBody('internal_error', undefined, request.id));
}
