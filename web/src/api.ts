/**
 * The pages' only way to the server: a small typed client for sessiond's HTTP API (`/v1`).
 * The session lives in the HttpOnly cookie `__Host-sessiond`; this code never sees a token and
 * stores nothing in localStorage or sessionStorage. State-changing calls rely on the browser's
 * Origin header for the server's CSRF check, so they are plain same-origin fetches.
 */
import { messages } from './messages';
import type { SecurityEventPage } from './security-api';

export type ClientKind = 'browser' | 'desktop' | 'mobile' | 'cli' | 'service';
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'unknown';

export interface Session {
  id: string;
  client: { id: string; name: string; kind: ClientKind };
  device: { name: string; os: string; browser: string | null; type: DeviceType };
  ip: string;
  location: { city: string | null; region: string | null; country: string | null; approximate: true };
  signed_in_at: string;
  last_active_at: string;
  expires_at: string;
  trusted: boolean;
  current: boolean;
  auth_method: string;
}

export interface User {
  id: string;
  email: string;
  name?: string | null;
}

/** The password step's answer when the account has two-step verification and the device is not trusted. */
export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
  expires_at: string;
}

export type SignInResult = { user: User; session: Session } | MfaChallenge;

export function needsCode(result: SignInResult): result is MfaChallenge {
  return 'mfa_required' in result && result.mfa_required === true;
}

export interface MfaStatus {
  enabled: boolean;
  enabled_at: string | null;
  recovery_codes_remaining: number;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  qr_code: string;
}

export interface UiConfig {
  product_name: string;
  sessions_page: { covers: string; excludes: string };
}

/**
 * A failed call, in words. `code` is the server's snake_case code, or `network_error` /
 * `unexpected_response` when the server could not be reached or did not answer in the contract.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A sensitive action needs a fresh password or code (sudo mode); see useReauth. */
export function isReauthRequired(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'reauth_required';
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'unauthenticated';
}

export interface Api {
  getUiConfig(): Promise<UiConfig>;
  getCurrentSession(): Promise<{ user: User; session: Session }>;
  listSessions(): Promise<Session[]>;
  revokeSession(id: string): Promise<void>;
  revokeOtherSessions(): Promise<number>;
  revokeAllSessions(): Promise<number>;
  signIn(email: string, password: string): Promise<SignInResult>;
  signInWithCode(mfaToken: string, code: string): Promise<{ user: User; session: Session }>;
  reauthenticate(proof: { password: string } | { code: string }): Promise<void>;
  getMfaStatus(): Promise<MfaStatus>;
  startTotpEnrolment(): Promise<TotpEnrolment>;
  confirmTotpEnrolment(code: string): Promise<string[]>;
  regenerateRecoveryCodes(): Promise<string[]>;
  disableMfa(): Promise<void>;
  trustThisDevice(): Promise<void>;
  stopTrustingDevice(sessionId: string): Promise<void>;
  signOut(): Promise<void>;
  changePassword(input: { currentPassword: string; newPassword: string; signOutOthers: boolean }): Promise<void>;
  /** The security timeline, newest first; pass `next_cursor` back as `cursor` for the next page. */
  listSecurityEvents(options?: { cursor?: string | null; limit?: number }): Promise<SecurityEventPage>;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export function createApi(fetchImpl: FetchLike = (input, init) => fetch(input, init)): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetchImpl(path, init);
    } catch {
      throw new ApiError(0, 'network_error', messages.common.networkError);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok && json !== undefined) return json as T;
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (!res.ok && typeof error?.code === 'string' && typeof error.message === 'string') {
      throw new ApiError(res.status, error.code, error.message, parseRetryAfter(res.headers.get('Retry-After')));
    }
    throw new ApiError(res.status, 'unexpected_response', messages.common.unexpectedResponse(res.status));
  }

  return {
    getUiConfig: () => call<UiConfig>('GET', '/v1/ui/config'),
    getCurrentSession: () => call('GET', '/v1/me/session'),
    listSessions: async () => (await call<{ sessions: Session[] }>('GET', '/v1/me/sessions')).sessions,
    revokeSession: (id) => call('DELETE', `/v1/me/sessions/${encodeURIComponent(id)}`),
    revokeOtherSessions: async () => (await call<{ revoked: number }>('POST', '/v1/me/sessions/revoke-others', {})).revoked,
    revokeAllSessions: async () => (await call<{ revoked: number }>('POST', '/v1/me/sessions/revoke-all', {})).revoked,
    signIn: (email, password) => call('POST', '/v1/auth/sign-in', { email, password }),
    signInWithCode: (mfaToken, code) => call('POST', '/v1/auth/sign-in/mfa', { mfa_token: mfaToken, code }),
    reauthenticate: async (proof) => {
      await call('POST', '/v1/me/reauthenticate', proof);
    },
    getMfaStatus: () => call('GET', '/v1/me/mfa'),
    startTotpEnrolment: () => call('POST', '/v1/me/mfa/totp', {}),
    confirmTotpEnrolment: async (code) =>
      (await call<{ recovery_codes: string[] }>('POST', '/v1/me/mfa/totp/confirm', { code })).recovery_codes,
    regenerateRecoveryCodes: async () => (await call<{ recovery_codes: string[] }>('POST', '/v1/me/mfa/recovery-codes', {})).recovery_codes,
    disableMfa: () => call('DELETE', '/v1/me/mfa'),
    trustThisDevice: async () => {
      await call('POST', '/v1/me/devices/current/trust', {});
    },
    stopTrustingDevice: (sessionId) => call('DELETE', `/v1/me/sessions/${encodeURIComponent(sessionId)}/trust`),
    signOut: () => call('POST', '/v1/auth/sign-out', {}),
    changePassword: ({ currentPassword, newPassword, signOutOthers }) =>
      call('POST', '/v1/me/password', { current_password: currentPassword, new_password: newPassword, sign_out_others: signOutOthers }),
    listSecurityEvents: ({ cursor = null, limit = 20 } = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) query.set('cursor', cursor);
      return call('GET', `/v1/me/security-events?${query.toString()}`);
    },
  };
}
