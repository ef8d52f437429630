/**
 * The caller's token, read the way sessiond reads it: `Authorization: Bearer <token>` or the
 * session cookie. Both present with different values is ambiguous and yields no token (sessiond
 * answers 400 there), never a guess.
 */
export const DEFAULT_COOKIE_NAME = '__Host-sessiond';

const BEARER = /^Bearer +(\S+)\s*$/i;

export function readToken(authorization: string | undefined, cookieHeader: string | undefined, cookieName: string): string | null {
  const bearer = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  const cookie = cookieHeader ? readCookie(cookieHeader, cookieName) : undefined;
  if (bearer !== undefined && cookie !== undefined && bearer !== cookie) return null;
  return bearer ?? cookie ?? null;
}

/** The first cookie of that name; session tokens are base64url, so no decoding is needed. */
function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
