/** Properties of session tokens: every token we issue parses back, nothing else parses at all. */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { seededBytes } from './testing/fakes.js';
import {
  browserDeviceId,
  ID_BYTES,
  MAX_TOKEN_LENGTH,
  SECRET_BYTES,
  constantTimeEqual,
  formatToken,
  isWellFormedId,
  newId,
  newSecret,
  parseToken,
  toBase64Url,
} from './token.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
const b64 = (n: number) => fc.array(fc.constantFrom(...B64URL), { minLength: n, maxLength: n }).map((a) => a.join(''));
const id = b64(22);
const secret = b64(43);
const token = fc.tuple(id, secret).map(([i, s]) => formatToken(i, s));
const WELL_FORMED = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;
/** Characters a token can never contain, including look-alikes and ones that survive trimming badly. */
const foreign = fc.constantFrom('.', '=', '+', '/', ' ', '\t', '\n', '\0', '%', 'é', 'Ａ', '\u200b', '🙂', '"', ';', ',');

describe('formatToken / parseToken', () => {
  it('round-trips every well-formed id and secret', () => {
    fc.assert(
      fc.property(id, secret, (i, s) => {
        expect(parseToken(formatToken(i, s))).toEqual({ id: i, secret: s });
      }),
    );
  });

  it('parses every token issued from random bytes, with a 128-bit id and a 256-bit secret', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 - 1 }), (seed) => {
        const crypto = { randomBytes: seededBytes(seed), sha256: nodeCrypto.sha256 };
        const i = newId(crypto);
        const s = newSecret(crypto);
        expect(parseToken(formatToken(i, s))).toEqual({ id: i, secret: s });
        expect(isWellFormedId(i)).toBe(true);
      }),
    );
    expect(ID_BYTES * 8).toBeGreaterThanOrEqual(128);
    expect(SECRET_BYTES * 8).toBeGreaterThanOrEqual(128);
  });

  it('accepts a string exactly when it has the shape <22 base64url>.<43 base64url>', () => {
    const nearMiss = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...B64URL, '.', '=', '+', '/'), minLength: 60, maxLength: 70 }),
      token,
    );
    fc.assert(
      fc.property(nearMiss, (s) => {
        expect(parseToken(s) !== null).toBe(WELL_FORMED.test(s));
      }),
    );
  });

  it('rejects a valid token with one character replaced by one that cannot appear in it', () => {
    fc.assert(
      fc.property(token, fc.nat(MAX_TOKEN_LENGTH - 1), foreign, (t, at, ch) => {
        fc.pre(!(at === 22 && ch === '.'));
        expect(parseToken(t.slice(0, at) + ch + t.slice(at + 1))).toBeNull();
      }),
    );
  });

  it('rejects a valid token truncated, extended, padded or wrapped', () => {
    fc.assert(
      fc.property(token, fc.integer({ min: 1, max: MAX_TOKEN_LENGTH }), fc.constantFrom(...B64URL), (t, cut, extra) => {
        expect(parseToken(t.slice(0, MAX_TOKEN_LENGTH - cut))).toBeNull();
        expect(parseToken(t + extra)).toBeNull();
        expect(parseToken(extra + t)).toBeNull();
        expect(parseToken(` ${t}`)).toBeNull();
        expect(parseToken(`${t} `)).toBeNull();
        expect(parseToken(`${t}=`)).toBeNull();
        expect(parseToken(`Bearer ${t}`)).toBeNull();
      }),
    );
  });

  it('rejects a token whose separator moved or is missing', () => {
    fc.assert(
      fc.property(id, secret, fc.integer({ min: 1, max: 10 }), (i, s, shift) => {
        const joined = i + s;
        expect(parseToken(`${joined.slice(0, 22 + shift)}.${joined.slice(22 + shift, 65 - 1)}`)).toBeNull();
        expect(parseToken(`${joined.slice(0, 22 - shift)}.${joined.slice(22 - shift, 65 - 1)}`)).toBeNull();
        expect(parseToken(`${i}${s}x`)).toBeNull();
      }),
    );
  });
});

describe('toBase64Url', () => {
  it('agrees with Node for every byte string (so ids and secrets carry all their randomness)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });

  it('is injective on fixed-length inputs: different bytes never give the same id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (a, b) => {
        fc.pre(Buffer.compare(a, b) !== 0);
        expect(toBase64Url(a)).not.toBe(toBase64Url(b));
      }),
    );
  });
});

describe('constantTimeEqual', () => {
  it('answers exactly like ===', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });

  it('is false when any one character differs, wherever it is', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 0xffff }), (s, at, delta) => {
        const i = at % s.length;
        const changed = s.slice(0, i) + String.fromCharCode((s.charCodeAt(i) + delta) % 0x10000) + s.slice(i + 1);
        expect(constantTimeEqual(s, changed)).toBe(false);
        expect(constantTimeEqual(changed, s)).toBe(false);
      }),
    );
  });

  it('is false for a prefix (a length difference is not a match)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (s) => {
        expect(constantTimeEqual(s, s.slice(0, -1))).toBe(false);
        expect(constantTimeEqual('', s)).toBe(false);
      }),
    );
  });
});

describe('isWellFormedId', () => {
  it('accepts exactly 22 base64url characters, nothing around them (a device cookie or a path id)', () => {
    fc.assert(
      fc.property(id, fc.constantFrom(...B64URL), foreign, (i, extra, ch) => {
        expect(isWellFormedId(i)).toBe(true);
        expect(isWellFormedId(i + extra)).toBe(false);
        expect(isWellFormedId(extra + i)).toBe(false);
        expect(isWellFormedId(i.slice(1))).toBe(false);
        expect(isWellFormedId(i + ch)).toBe(false);
        expect(isWellFormedId(ch + i)).toBe(false);
      }),
    );
  });
});

describe('browserDeviceId', () => {
  it('names a browser by a hash of its device cookie: the same cookie always, never the cookie itself', () => {
    const cookie = newSecret(nodeCrypto);
    const id = browserDeviceId(nodeCrypto, cookie);
    expect(id).toBe(browserDeviceId(nodeCrypto, cookie));
    expect(id).toBe(nodeCrypto.sha256(cookie));
    expect(id).not.toContain(cookie);
    expect(browserDeviceId(nodeCrypto, newSecret(nodeCrypto))).not.toBe(id);
  });
});
