/**
 * What the pages get from outside: the API client, the clock, navigation and the browser's
 * passkey calls. Tests pass fakes (a fixed "now", a scripted API, a scripted authenticator)
 * through the same provider.
 */
import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { WebAuthn } from './webauthn';

export type NoticeCode = 'signed_out' | 'session_ended' | 'signed_out_everywhere' | 'sign_in_required' | 'workspace_invitation';

export interface Services {
  api: Api;
  now: () => Date;
  /** Creating and using passkeys (webauthn.ts): the browser's, or a test's fake. */
  webauthn: WebAuthn;
  navigate: (to: string, options?: { replace?: boolean }) => void;
  /**
   * A call answered 401: the session is gone. Sends the person to sign-in and back after (to
   * `next`, else where they are). Pass the error: when the server's 401 says why the session
   * ended (an administrator ended it), the sign-in page says so.
   */
  onUnauthenticated: (err?: unknown, options?: { next?: string; notice?: NoticeCode }) => void;
  /**
   * Why the last session ended, in the server's words, when its 401 said (kept in memory only,
   * never in the address: a crafted link cannot put words on the sign-in page); else null.
   */
  signInReason: () => string | null;
  /** Remembers that this page load had a working session (changes the sign-in notice). */
  markSignedIn: () => void;
}

const ServicesContext = createContext<Services | null>(null);

export const ServicesProvider = ServicesContext.Provider;

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices() outside <ServicesProvider>');
  return services;
}

/** `/sign-in?next=…&notice=…`, the one way every page sends a signed-out person to sign in. */
export function signInPath(notice: NoticeCode | null, next: string | null, count?: number): string {
  const query = new URLSearchParams();
  if (next !== null) query.set('next', next);
  if (notice !== null) query.set('notice', notice);
  if (count !== undefined) query.set('count', String(count));
  const qs = query.toString();
  return qs === '' ? '/sign-in' : `/sign-in?${qs}`;
}
