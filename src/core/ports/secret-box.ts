/**
 * Secrets at rest under a key held outside the database (`--secret-key-file`): what the server
 * must read back (the TOTP secret) is sealed, what it only compares (recovery codes) is a keyed
 * hash. The key file may hold several keys: the first seals and hashes, every one opens and
 * verifies, so keys rotate without a flag day (docs/mfa.md, "Secrets at rest").
 */
export interface SecretBox {
  /**
   * Authenticated encryption under the current key. `context` names where the value lives (e.g.
   * `mfa_totp:<user id>`); it is authenticated, not stored, so a sealed value copied to another
   * row does not open there.
   */
  seal(plaintext: string, context: string): string;
  /** The plaintext of a sealed value, under whichever key of the file sealed it; throws when it does not open. */
  open(sealed: string, context: string): string;
  /** Whether a stored value is sealed at all (values written before sealing existed are not). */
  isSealed(stored: string): boolean;
  /** Whether a sealed value is under the current key: if not, it is sealed again when next read. */
  isCurrent(sealed: string): boolean;
  /**
   * Keyed hashes (HMAC-SHA-256 under a key derived from each secret key) of a text, one per key,
   * the current key's first; each names its key. Store the first; accept any.
   */
  macs(text: string): string[];
}
