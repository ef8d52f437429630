/**
 * The one table of error codes. Codes are born here and nowhere else; `src/http/errors.ts`
 * maps each one to an HTTP status in an exhaustive Record, and a test keeps `docs/errors.md`
 * in step with this table. Wire codes are snake_case and are a cross-process contract.
 */
export const ERROR_CODES = {
  invalid_request: 'The request is malformed or fails validation.',
  unsupported_media_type: 'The request body must be JSON (Content-Type: application/json).',
  payload_too_large: 'The request body is larger than the server accepts.',
  invalid_credentials: 'The email or password is incorrect.',
  incorrect_password: 'The password you entered is incorrect.',
  unauthenticated: 'A valid session is required.',
  ambiguous_credentials: 'Send the session either as a cookie or as a bearer token, not both.',
  csrf_failed: 'The request did not come from this site.',
  forbidden: 'You are not allowed to do this.',
  sign_up_disabled: 'Sign-up is turned off on this server.',
  weak_password: 'The password does not meet the password policy.',
  email_taken: 'An account with this email already exists.',
  unknown_client: 'The client_id is not one of the configured first-party apps.',
  not_found: 'The resource does not exist.',
  method_not_allowed: 'This method is not allowed on this resource.',
  rate_limited: 'Too many attempts. Try again later.',
  password_change_required: 'This account was reported as used by someone else. Reset the password to sign in again.',
  invalid_token: 'This link is invalid, has expired or was already used.',
  reauth_required: 'Confirm it is you: enter your password or a code again to continue.',
  aal_required: 'This needs a session that signed in with two-step verification.',
  invalid_code: 'The code is incorrect or has already been used.',
  mfa_token_invalid: 'The sign-in step expired or was already used. Sign in again.',
  mfa_already_enabled: 'Two-step verification is already on.',
  mfa_not_enabled: 'Two-step verification is not on.',
  count_mismatch: 'The number of matching sessions changed since the dry run.',
  not_pending: 'The operation is not waiting for approval.',
  unavailable: 'The service is temporarily unavailable.',
  internal_error: 'Something went wrong on our side.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error class. Thrown only for outcomes a caller must handle as a failure. */
export class SessiondError extends Error {
  readonly code: ErrorCode;
  /** Seconds the client should wait before retrying (rate limits, outages). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message?: string, options?: { retryAfterSeconds?: number; cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SessiondError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function isSessiondError(value: unknown): value is SessiondError {
  return value instanceof SessiondError;
}
