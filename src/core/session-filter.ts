/**
 * Which of a workspace's sessions an incident is about: a filter over the active sessions of its
 * active members. Every condition given must hold (AND); a list condition holds when any of its
 * values does (OR). The store answers every condition it can in SQL; the IP ranges (CIDR, IPv4
 * and IPv6) it cannot answer portably, so `matchesSessionFilter` here is the whole filter, pure,
 * and the one the use cases apply to what the store returns.
 */
import { SessiondError } from './errors.js';
import { isMultiFactor, type AuthMethod, type SessionRecord } from './session.js';

export const AUTH_METHODS: readonly AuthMethod[] = ['password', 'passkey', 'mfa'];

export interface SessionFilter {
  /** The session's app (client id): any of these. */
  clientIds?: readonly string[];
  /** ISO 3166-1 alpha-2 of the place it signed in from: any of these. */
  countries?: readonly string[];
  /** On a device trusted now, or not. */
  trusted?: boolean;
  /** Signed in with a second factor (auth method `mfa`), or not. */
  mfa?: boolean;
  /** How it signed in: any of these auth methods. */
  signInMethods?: readonly AuthMethod[];
  /** Signed in strictly before this time (ms). */
  signedInBefore?: number;
  /** Signed in at or after this time (ms). */
  signedInAfter?: number;
  /** Last stored activity strictly before this time (ms). */
  lastActiveBefore?: number;
  /** The sign-in address is in any of these ranges (CIDR, `10.0.0.0/8`, `2001:db8::/32`, or one address). */
  ipRanges?: readonly string[];
  /** Sessions of these members (user ids) only. */
  memberIds?: readonly string[];
}

/** A parsed range: the address family, the network as a number, the prefix length. */
export interface Cidr {
  v6: boolean;
  network: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return null;
    n = (n << 8n) | BigInt(part);
  }
  return n;
}

function parseIpv6(text: string): bigint | null {
  let head = text;
  let tail4: bigint | null = null;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as the last two groups.
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.')) {
    tail4 = parseIpv4(head.slice(lastColon + 1));
    if (tail4 === null) return null;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== null) n = (n & ~0xffffffffn) | tail4;
  return n;
}

/** An address as a number and its family; null when it is neither IPv4 nor IPv6. An IPv4-mapped IPv6 address is IPv4. */
export function parseIp(text: string): { v6: boolean; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text.replace(/%.*$/, '')) : null;
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { v6: false, value: v6 & 0xffffffffn };
  return { v6: true, value: v6 };
}

/** `10.0.0.0/8`, `2001:db8::/32`, or one address (a /32 or /128). Null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  // An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) is the IPv4 range it maps.
  const mapped = address.includes(':') && !ip.v6;
  const bits = ip.v6 ? 128 : 32;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^[0-9]{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText) - (mapped ? 96 : 0);
    if (prefix < 0 || prefix > bits) return null;
  }
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { v6: ip.v6, network: ip.value & mask, prefix };
}

export function ipInCidr(ip: string, range: Cidr): boolean {
  const parsed = parseIp(ip);
  if (!parsed || parsed.v6 !== range.v6) return false;
  const bits = range.v6 ? 128 : 32;
  if (range.prefix === 0) return true;
  const shift = BigInt(bits - range.prefix);
  return parsed.value >> shift === range.network >> shift;
}

/**
 * The whole filter, for one active session of a member: true when every condition given holds.
 * `trustedNow` is whether the session's device is trusted at the time of the search.
 */
export function matchesSessionFilter(session: SessionRecord, filter: SessionFilter, now: number): boolean {
  const f = filter;
  if (f.memberIds && !f.memberIds.includes(session.userId)) return false;
  if (f.clientIds && !f.clientIds.includes(session.clientId)) return false;
  if (f.countries && !f.countries.includes(session.location.country ?? '')) return false;
  if (f.trusted !== undefined && f.trusted !== (session.deviceTrustedUntil !== null && session.deviceTrustedUntil > now)) return false;
  if (f.mfa !== undefined && f.mfa !== isMultiFactor(session.authMethod)) return false;
  if (f.signInMethods && !f.signInMethods.includes(session.authMethod)) return false;
  if (f.signedInBefore !== undefined && !(session.signedInAt < f.signedInBefore)) return false;
  if (f.signedInAfter !== undefined && !(session.signedInAt >= f.signedInAfter)) return false;
  if (f.lastActiveBefore !== undefined && !(session.lastActiveAt < f.lastActiveBefore)) return false;
  if (f.ipRanges) {
    const ranges = f.ipRanges.map(parseCidr);
    if (!ranges.some((r) => r !== null && ipInCidr(session.ip, r))) return false;
  }
  return true;
}

/** The filter's keys as the API query string and the CLI's `--filter key=value` spell them. */
export const FILTER_KEYS = [
  'app',
  'country',
  'trusted',
  'mfa',
  'method',
  'signed_in_before',
  'signed_in_after',
  'last_active_before',
  'ip',
  'member',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** At most this many values per list condition. */
export const MAX_FILTER_VALUES = 100;

const bad = (message: string) => new SessiondError('invalid_request', message);

function time(key: string, value: string): number {
  const ms = /^[0-9]{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || !/^[0-9]{4}-|^[0-9]+$/.test(value))
    throw bad(`${key} must be an ISO 8601 time or milliseconds since the epoch.`);
  return ms;
}

function yesNo(key: string, value: string): boolean {
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  throw bad(`${key} must be true or false.`);
}

/**
 * The filter from its text form: each key once or several times (a list key's values may also be
 * comma-separated). Throws `invalid_request` for an unknown key, a malformed range, time or
 * method, or a boolean or time given twice.
 */
export function parseSessionFilter(params: Readonly<Record<string, string | readonly string[] | undefined>>): SessionFilter {
  const filter: { -readonly [K in keyof SessionFilter]: SessionFilter[K] } = {};
  for (const [key, raw] of Object.entries(params)) {
    if (raw === undefined) continue;
    if (!(FILTER_KEYS as readonly string[]).includes(key)) throw bad(`Unknown filter ${key}; the filters are ${FILTER_KEYS.join(', ')}.`);
    const texts = typeof raw === 'string' ? [raw] : [...raw];
    const list = texts.flatMap((t) => t.split(',')).map((t) => t.trim());
    if (list.length === 0 || list.some((v) => v === '')) throw bad(`${key} needs a value.`);
    if (list.length > MAX_FILTER_VALUES) throw bad(`${key} takes at most ${MAX_FILTER_VALUES} values.`);
    const single = () => {
      if (list.length !== 1) throw bad(`${key} takes one value.`);
      return list[0]!;
    };
    switch (key as FilterKey) {
      case 'app':
        filter.clientIds = list;
        break;
      case 'country':
        if (list.some((c) => !/^[A-Za-z]{2}$/.test(c))) throw bad('country is an ISO 3166-1 alpha-2 code, such as GB.');
        filter.countries = list.map((c) => c.toUpperCase());
        break;
      case 'trusted':
        filter.trusted = yesNo(key, single());
        break;
      case 'mfa':
        filter.mfa = yesNo(key, single());
        break;
      case 'method':
        if (list.some((m) => !(AUTH_METHODS as readonly string[]).includes(m))) throw bad(`method is one of ${AUTH_METHODS.join(', ')}.`);
        filter.signInMethods = list as AuthMethod[];
        break;
      case 'signed_in_before':
        filter.signedInBefore = time(key, single());
        break;
      case 'signed_in_after':
        filter.signedInAfter = time(key, single());
        break;
      case 'last_active_before':
        filter.lastActiveBefore = time(key, single());
        break;
      case 'ip':
        for (const r of list) if (!parseCidr(r)) throw bad(`ip ${r} is not an address or a CIDR range.`);
        filter.ipRanges = list;
        break;
      case 'member':
        filter.memberIds = list;
        break;
    }
  }
  return filter;
}

/** The filter in its text form again (what an incident records and shows). */
export function formatSessionFilter(filter: SessionFilter): Record<string, string> {
  const out: Record<string, string> = {};
  const iso = (ms: number) => new Date(ms).toISOString();
  if (filter.clientIds) out.app = filter.clientIds.join(',');
  if (filter.countries) out.country = filter.countries.join(',');
  if (filter.trusted !== undefined) out.trusted = String(filter.trusted);
  if (filter.mfa !== undefined) out.mfa = String(filter.mfa);
  if (filter.signInMethods) out.method = filter.signInMethods.join(',');
  if (filter.signedInBefore !== undefined) out.signed_in_before = iso(filter.signedInBefore);
  if (filter.signedInAfter !== undefined) out.signed_in_after = iso(filter.signedInAfter);
  if (filter.lastActiveBefore !== undefined) out.last_active_before = iso(filter.lastActiveBefore);
  if (filter.ipRanges) out.ip = filter.ipRanges.join(',');
  if (filter.memberIds) out.member = filter.memberIds.join(',');
  return out;
}
