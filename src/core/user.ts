/** Accounts. Emails are unique case-insensitively; the key is what uniqueness is checked on. */
export interface UserRecord {
  id: string;
  email: string;
  emailKey: string;
  name: string | null;
  passwordHash: string;
  isAdmin: boolean;
  createdAt: number;
  passwordChangedAt: number;
}

/** What a session carries about its owner: no password hash, so caches and views hold no secret. */
export type UserProfile = Omit<UserRecord, 'passwordHash' | 'emailKey'>;

/** Reasonable upper bound from RFC 5321 (a path is at most 256 octets incl. brackets). */
export const MAX_EMAIL_LENGTH = 254;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;

/**
 * The key an email is unique on: Unicode NFC (so the NFD spelling of the same address is the
 * same account), trimmed, lower-cased. Homoglyphs stay distinct: they are different addresses.
 */
export function emailKey(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

export function isPlausibleEmail(email: string): boolean {
  const key = emailKey(email);
  // Bidi overrides and zero-width characters have no place in an address and hide spoofs.
  if (/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u.test(key)) return false;
  return key.length <= MAX_EMAIL_LENGTH && EMAIL_SHAPE.test(key);
}

/** Password rules (NIST SP 800-63B rev 4 §3.1.1.2): length only, no composition rules. */
export interface PasswordPolicy {
  minLength: number;
  /** A cap before hashing keeps a 1 MB "password" from costing a CPU-second of argon2. */
  maxLength: number;
}

/** Counts code points, not UTF-16 units, so an emoji is one character as the user sees it. */
export function passwordProblem(password: string, policy: PasswordPolicy): string | null {
  const length = [...password].length;
  if (length < policy.minLength) return `Use at least ${policy.minLength} characters.`;
  if (length > policy.maxLength) return `Use at most ${policy.maxLength} characters.`;
  return null;
}
