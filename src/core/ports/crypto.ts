/**
 * Randomness and digests the core needs, injected so that core has no `node:*` import and
 * tests can pass a seeded source. Production uses the OS CSPRNG (see adapters/crypto).
 */
export interface Crypto {
  /** `n` bytes from a cryptographically secure generator. */
  randomBytes(n: number): Uint8Array;
  /** SHA-256 of a UTF-8 string, base64url without padding. */
  sha256(text: string): string;
}
