/**
 * Cookie names and attributes. `__Host-` binds the cookie to this exact origin (Secure, Path=/,
 * no Domain), so a sibling subdomain cannot set or shadow it. Browsers accept Secure cookies
 * from http://localhost and http://127.0.0.1, so the prefix works in development too; only a
 * plain-http public URL on another host falls back to unprefixed, non-Secure names.
 */
import type {} from '@fastify/cookie';
import type { FastifyReply } from 'fastify';

export interface CookiePolicy {
  session: string;
  device: string;
  secure: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function cookiePolicy(publicUrl: string): CookiePolicy {
  const url = new URL(publicUrl);
  const secure = url.protocol === 'https:' || LOOPBACK.has(url.hostname);
  return secure
    ? { session: '__Host-sessiond', device: '__Host-sessiond-device', secure }
    : { session: 'sessiond', device: 'sessiond-device', secure };
}

/** The device cookie outlives sessions so a returning browser is recognised: 400 days (RFC 6265bis cap). */
export const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 3600;

function base(policy: CookiePolicy) {
  return { path: '/', httpOnly: true, secure: policy.secure, sameSite: 'lax' as const };
}

export function setSessionCookie(reply: FastifyReply, policy: CookiePolicy, token: string, maxAgeSeconds: number): void {
  reply.setCookie(policy.session, token, { ...base(policy), maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, policy: CookiePolicy): void {
  reply.clearCookie(policy.session, base(policy));
}

export function setDeviceCookie(reply: FastifyReply, policy: CookiePolicy, deviceId: string): void {
  reply.setCookie(policy.device, deviceId, { ...base(policy), maxAge: DEVICE_COOKIE_MAX_AGE_S });
}
