import { createHash, randomBytes } from 'node:crypto';
import type { Crypto } from '../../core/ports/crypto.js';

/** The OS CSPRNG and Node's SHA-256. */
export const nodeCrypto: Crypto = {
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
  sha256: (text) => createHash('sha256').update(text, 'utf8').digest('base64url'),
};
