/**
 * CSRF defence for cookie-authenticated state changes (OWASP CSRF Prevention Cheat Sheet,
 * "Verifying Origin with standard headers" plus Fetch Metadata):
 *  - an `Origin` header must equal the public URL's origin, or the origin the request was sent
 *    to (its scheme and Host header) — a cross-site page cannot forge either. The whole origin
 *    is compared, scheme, host and port: `http://accounts.example.com` is not the https site
 *    (anyone on the network path can inject pages into plain http), nor is another port;
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
    const seen = originOf(origin);
    // "null", garbage, and anything but a bare origin (a path, a default port spelled out) are
    // never what a browser sends for our own pages.
    if (seen === null || seen !== origin) return 'cross';
    // The request's own origin: the scheme it arrived over (X-Forwarded-Proto only from trusted
    // proxies) and the Host it was sent to.
    const host = request.headers.host;
    return host !== undefined && seen === originOf(`${request.protocol}://${host}`) ? 'same' : 'cross';
  }
  const site = request.headers['sec-fetch-site'];
  if (site === 'same-origin' || site === 'none') return 'same';
  if (site !== undefined) return 'cross';
  return 'unknown';
}

/** The serialised origin (`scheme://host[:port]`, default port dropped, host lower case), or null. */
function originOf(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method);
}
