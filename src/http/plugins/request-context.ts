/**
 * What a request says about where it came from: the client IP (X-Forwarded-For is believed
 * only from the configured proxies, which Fastify's `trustProxy` function enforces), the
 * device from the User-Agent and client hints or from a native app's own description, the
 * approximate location, and the device id (a long-lived cookie for browsers).
 */
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { SessiondError } from '../../core/errors.js';
import type { Client, DeviceInfo, NativeDevice, SessionOrigin } from '../../core/session.js';

export type { NativeDevice };
import { browserDeviceId, isWellFormedId, newId } from '../../core/token.js';
import type { Registry } from '../../registry.js';
import { setDeviceCookie, type CookiePolicy } from '../cookies.js';

/** `::ffff:203.0.113.9` is the IPv4 address 203.0.113.9 seen through a dual-stack socket. */
export function clientIp(request: FastifyRequest): string {
  const ip = request.ip ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * `onRequest`, only when proxies are trusted: the address a trusted proxy forwards must be an
 * IPv4 or IPv6 address (`isIP`), or the request is refused with 400 `invalid_request` before any
 * handler sees it. Refused rather than replaced by the socket address: the socket address is the
 * proxy's, which every client behind it shares, so falling back would let one client spend the
 * per-IP sign-in limit of all of them and would record the proxy as the place of a session. A
 * proxy that appends the address it saw never forwards anything else, so only hostile or broken
 * input is refused. Without trusted proxies the socket address is the client, always valid.
 */
export function refuseMalformedClientIp(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  if (isIP(request.ip ?? '') === 0) done(new SessiondError('invalid_request', 'X-Forwarded-For does not hold a valid IP address.'));
  else done();
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Strips control characters and unpaired surrogates: header text goes into the database and the page. */
export function cleanText(value: string | undefined, max: number): string | null {
  if (!value) return null;
  const text = value.toWellFormed().replace(CONTROL_CHARACTERS, '').trim().slice(0, max);
  return text || null;
}

/** As much of the User-Agent as sessions and audit entries record. */
const MAX_USER_AGENT = 512;

/** The request's User-Agent, cleaned and cut to what is recorded; null without one. */
export function requestUserAgent(request: FastifyRequest): string | null {
  return cleanText(header(request, 'user-agent'), MAX_USER_AGENT);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sessionOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  registry: Registry,
  cookies: CookiePolicy,
  client: Client,
  native: NativeDevice | undefined,
): SessionOrigin {
  const ip = clientIp(request);
  const userAgent = requestUserAgent(request);
  const parsed = registry.userAgents.parse({
    userAgent: userAgent ?? undefined,
    platform: header(request, 'sec-ch-ua-platform'),
    mobile: header(request, 'sec-ch-ua-mobile'),
    brands: header(request, 'sec-ch-ua'),
    // Sent once the pages' Accept-CH asked for them (src/http/client-hints.ts).
    platformVersion: header(request, 'sec-ch-ua-platform-version'),
    model: header(request, 'sec-ch-ua-model'),
    fullVersionList: header(request, 'sec-ch-ua-full-version-list'),
  });
  const isBrowser = client.kind === 'browser';
  const device: DeviceInfo = isBrowser || !native ? parsed : nativeDevice(native, parsed, client);
  return {
    ip,
    userAgent,
    device,
    location: registry.geo.locate(ip),
    deviceId: isBrowser ? browserDevice(request, reply, cookies, registry) : (native?.id ?? null),
  };
}

/** A native app describes itself; what it leaves out comes from its user agent. */
function nativeDevice(native: NativeDevice, parsed: DeviceInfo, client: Client): DeviceInfo {
  const type = client.kind === 'mobile' ? 'mobile' : client.kind === 'desktop' ? 'desktop' : parsed.type;
  return {
    name: cleanText(native.name, 100) ?? cleanText(native.model, 100) ?? parsed.name,
    os: cleanText(native.os, 100) ?? parsed.os,
    browser: null,
    type,
  };
}

/**
 * Reuses the browser's device cookie, or issues one. A malformed value is replaced, never trusted.
 * The device id is the cookie's hash: the cookie proves a trusted browser, so it is not stored.
 */
function browserDevice(request: FastifyRequest, reply: FastifyReply, cookies: CookiePolicy, registry: Registry): string {
  const existing = request.cookies[cookies.device];
  if (existing && isWellFormedId(existing)) return browserDeviceId(registry.crypto, existing);
  const cookie = newId(registry.crypto);
  setDeviceCookie(reply, cookies, cookie);
  return browserDeviceId(registry.crypto, cookie);
}
