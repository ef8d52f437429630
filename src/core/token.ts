/**
 * Session tokens are `<id>.<secret>`: the id finds the row in O(1) (primary key), the secret
 * proves possession. Only sha256(secret) is stored, so a database leak yields no usable token,
 * and the stored hash is compared in constant time. Lists, logs and events carry only the id.
 */
import type { Crypto } from './ports/crypto.js';

/** 16 random bytes: ids are public, unique, and not guessable in sequence. */
export const ID_BYTES = 16;
/** 32 random bytes = 256 bits of secret; ASVS 5.0 7.2.3 asks for at least 128. */
export const SECRET_BYTES = 32;

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Longest well-formed token; anything longer is rejected before any work is done. */
export const MAX_TOKEN_LENGTH = 22 + 1 + 43;

export interface ParsedToken {
  id: string;
  secret: string;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding, written out so that core needs no Buffer. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

/** A new random identifier (sessions, users, devices, service keys). */
export function newId(crypto: Crypto): string {
  return toBase64Url(crypto.randomBytes(ID_BYTES));
}

/**
 * A browser's device id as stored: sha256 of its device cookie. The cookie is what proves a
 * trusted browser, so, like a token's secret, the database holds only its hash.
 */
export function browserDeviceId(crypto: Crypto, deviceCookie: string): string {
  return crypto.sha256(deviceCookie);
}

export function newSecret(crypto: Crypto): string {
  return toBase64Url(crypto.randomBytes(SECRET_BYTES));
}

export function formatToken(id: string, secret: string): string {
  return `${id}.${secret}`;
}

/** Splits a token into id and secret; returns null for anything not exactly well-formed. */
export function parseToken(token: string): ParsedToken | null {
  if (token.length !== MAX_TOKEN_LENGTH || token[22] !== '.') return null;
  const id = token.slice(0, 22);
  const secret = token.slice(23);
  if (!ID_PATTERN.test(id) || !SECRET_PATTERN.test(secret)) return null;
  return { id, secret };
}

export function isWellFormedId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * Compares two strings in time that depends only on their length, not on where they differ:
 * an attacker timing responses learns nothing about how much of a guessed hash was right.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
