/**
 * A tiny History API router: a handful of pages (page-routes.json; app.tsx picks the page) do
 * not need a library. `navigate` pushes or replaces a same-origin path and tells subscribers;
 * `useLocation` re-renders on navigation and Back.
 */
import { useSyncExternalStore } from 'react';
import pageRoutes from './page-routes.json';

/** The paths this app renders; any other path of the site is the server's (see `navigate`). */
const APP_PATHS: ReadonlySet<string> = new Set(Object.values(pageRoutes.pages));

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener('popstate', notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  // A path the app does not render is loaded from the server, not pushed: after sign-in, `next`
  // may be the OAuth provider's `/oauth/interaction/…`, which only the server can answer.
  if (!APP_PATHS.has(new URL(to, window.location.href).pathname)) {
    if (options.replace === true) window.location.replace(to);
    else window.location.assign(to);
    return;
  }
  if (options.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export interface RouteLocation {
  pathname: string;
  search: URLSearchParams;
  /** pathname + search, as used for `?next=`. */
  path: string;
}

export function useLocation(): RouteLocation {
  const path = useSyncExternalStore(subscribe, snapshot, snapshot);
  const url = new URL(path, 'http://local.invalid');
  return { pathname: url.pathname, search: url.searchParams, path };
}
