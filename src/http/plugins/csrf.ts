/**
 * CSRF defence for cookie-authenticated state changes (OWASP CSRF Prevention Cheat Sheet,
 * "Verifying Origin with standard headers" plus Fetch Metadata):
 *  - an `Origin` header must equal the public URL's origin, or the origin the request was sent
 *    to (its Host header) — a cross-site page cannot forge either;
 *  - without `Origin`, `Sec-Fetch-Site` must say same-origin (or none: typed by the user);
 *  - with neither header there is no evidence the request came from our pages: refused.
 * SameSite=Lax on the session cookie is a second layer, not the defence. JSON bodies are also
 * required (the text/plain parser is removed), so an HTML form cannot post to the API at all.
 * Bearer-authenticated requests carry no ambient credential and need no check.
 */
import type { FastifyRequest } from 'fastify';

export type SiteVerdict = 'same' | 'cross' | 'unknown';

export function requestSite(request: FastifyRequest, publicOrigin: string): SiteVerdict {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (origin === publicOrigin) return 'same';
    try {
      const url = new URL(origin);
      return url.host === request.headers.host ? 'same' : 'cross';
    } catch {
      return 'cross'; // "null" and garbage are never our own pages
    }
  }
  const site = request.headers['sec-fetch-site'];
  if (site === 'same-origin' || site === 'none') return 'same';
  if (site !== undefined) return 'cross';
  return 'unknown';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method);
}
