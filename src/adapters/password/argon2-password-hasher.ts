import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../core/ports/password-hasher.js';

export interface Argon2Params {
  /** KiB of memory per hash. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2_PARAMS: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function argon2PasswordHasher(params: Argon2Params = OWASP_ARGON2_PARAMS): PasswordHasher {
  return {
    hash: (password) => hash(password, { algorithm: ARGON2ID, ...params }),
    // A malformed stored hash is a failed verification, not a crash of the sign-in route.
    verify: (stored, password) => verify(stored, password).catch(() => false),
  };
}
