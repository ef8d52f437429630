/**
 * The one error the SDK throws at run time. `verify()` answers `null` for a token that is not a
 * live session; it throws this only when it cannot tell, because sessiond could not be asked.
 * A service should answer 503 (not 401) then: the user's session may well be valid.
 */
export type UnavailableReason =
  /** No connection, DNS failure, connection reset. */
  | 'unreachable'
  /** No answer within `timeoutMs`. */
  | 'timeout'
  /** sessiond answered 401: the service key is wrong or was revoked (a configuration error). */
  | 'service_key_rejected'
  /** Any other status (429, 5xx) or a body that is not an introspection answer. */
  | 'unexpected_response';

export class SessiondUnavailableError extends Error {
  override readonly name = 'SessiondUnavailableError';
  /** Read by Fastify's and Express's default error handlers. */
  readonly statusCode = 503;

  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status ?? null;
  }

  /** The HTTP status sessiond answered with, when it answered at all. */
  readonly status: number | null;
}
