import { hash, randomBytes } from 'node:crypto';
import type { Crypto } from '../../core/ports/crypto.js';

/** The OS CSPRNG and Node's SHA-256. */
export const nodeCrypto: Crypto = {
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
  // One-shot hash(): same digest as createHash, ~2.7x faster on short inputs (Node >= 20.12).
  sha256: (text) => hash('sha256', text, 'base64url'),
};
