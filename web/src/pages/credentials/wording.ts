/**
 * Issue 11's credentials in words: pure (no DOM, no clock of its own), tested beside this file
 * and shared by the Active sessions page and the consent page.
 */
import { ApiError } from '../../api';
import { formatLocation } from '../../format';
import { messages as defaultMessages } from '../../messages';
import type { Messages } from '../../messages';
import type { ApproximateLocation, ConnectedApp } from './types';

/** openid → "Confirm it’s you", profile → "Your name"…; a scope without words is shown as named. */
export function scopeText(scope: string, m: Messages = defaultMessages): string {
  return m.credentials.scopeWords[scope] ?? scope;
}

/** The scopes in words, once each, in the order given. */
export function scopesText(scopes: readonly string[], m: Messages = defaultMessages): string[] {
  return [...new Set(scopes.map((s) => scopeText(s, m)))];
}

/** "near Frankfurt, DE" or "in DE"; null when the place is not known. */
export function placeText(location: ApproximateLocation | null, m: Messages = defaultMessages): string | null {
  if (location === null) return null;
  const place = formatLocation(location, m);
  return place.known ? place.text : null;
}

/** A device sign-in as its owner recognises it: "Command line · build-server · near Frankfurt, DE". */
export function deviceSignInLabel(app: ConnectedApp, m: Messages = defaultMessages): string {
  const parts = [app.client.name, app.device_name?.trim() || null, placeText(app.last_used_location, m)];
  return parts.filter((p): p is string => p !== null && p !== '').join(' · ');
}

/**
 * Whether a list route is missing on this server (an older sessiond, or a feature it does not
 * serve): its section is then left out rather than shown as broken.
 */
export function isMissingRoute(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError)
    return err.retryAfterSeconds !== undefined ? `${err.message} ${defaultMessages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * A logo address worth asking the browser for: https (or this origin's own path). Anything else
 * (http, data:, javascript:) is not loaded; the app's initial stands in.
 */
export function safeLogoUri(uri: string | null): string | null {
  if (uri === null || uri.trim() === '') return null;
  if (uri.startsWith('/') && !uri.startsWith('//')) return uri;
  try {
    return new URL(uri).protocol === 'https:' ? uri : null;
  } catch {
    return null;
  }
}

/** The first letter of the app's name, for the stand-in logo. */
export function initialOf(name: string): string {
  const first = [...name.trim()][0];
  return first === undefined ? '?' : first.toUpperCase();
}
