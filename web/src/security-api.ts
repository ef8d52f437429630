/**
 * The calls of the pages reachable without a session (password reset, "This wasn't me"), and the
 * security timeline. Same rules as api.ts: same-origin fetch, JSON, errors as ApiError.
 */
import { ApiError, parseRetryAfter } from './api';
import { messages } from './messages';

export interface SecurityEvent {
  id: string;
  kind: string;
  at: string;
  /** The session the event is about (signed in, revoked, reported). */
  session_id: string | null;
  ip: string | null;
  location: { city: string | null; region: string | null; country: string | null } | null;
  device: { name: string; os: string; browser: string | null } | null;
  client: { id: string; name: string } | null;
  actor: { kind: string; session_id: string | null; ip: string | null; current: boolean } | null;
  /** Why a sign-in was flagged: new_device, new_country, impossible_travel, failures_then_success, new_client. */
  signals: SecuritySignal[];
  count: number | null;
  reason: string | null;
}

export interface SecuritySignal {
  kind: string;
  country?: string;
  known_countries?: string[];
  distance_km?: number;
  hours?: number;
  speed_kmh?: number | null;
  from?: { city: string | null; country: string | null; at: string };
  failures?: number;
  window_seconds?: number;
  client_id?: string;
}

export interface SecurityEventPage {
  events: SecurityEvent[];
  next_cursor: string | null;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', messages.common.networkError);
  }
  if (res.status === 202 || res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (res.ok && json !== undefined) return json as T;
  if (json?.error?.code && json.error.message)
    throw new ApiError(res.status, json.error.code, json.error.message, parseRetryAfter(res.headers.get('Retry-After')));
  throw new ApiError(res.status, 'unexpected_response', messages.common.unexpectedResponse(res.status));
}

export const securityApi = {
  requestPasswordReset: (email: string) => call<void>('POST', '/v1/auth/password-reset', { email }),
  confirmPasswordReset: (token: string, newPassword: string) =>
    call<void>('POST', '/v1/auth/password-reset/confirm', { token, new_password: newPassword }),
  reportSignIn: (token: string) => call<void>('POST', '/v1/auth/report-sign-in', { token }),
};

/**
 * Reads `?token=` once and removes it from the address bar and the history entry, so it is not
 * left in history, bookmarks or a screenshot, and never sent as a Referer.
 */
let taken: string | null = null;

export function takeTokenFromUrl(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token !== null) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search);
    // Kept here too: a second render (React StrictMode) must still see it.
    taken = token;
  }
  return taken;
}
