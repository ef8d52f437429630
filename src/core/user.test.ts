/**
 * Accounts: one account per address however it is spelt, addresses that can hide a spoof are
 * refused, and the password rule is length only (NIST SP 800-63B §3.1.1.2), counted as a person
 * counts characters.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EMAIL_LENGTH, emailKey, isPlausibleEmail, passwordProblem } from './user.js';

describe('emailKey', () => {
  it('is the same for the same address typed in another case or with spaces around it', () => {
    expect(emailKey('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });

  it('is the same for the composed and decomposed spellings of an accented address (NFC)', () => {
    const composed = 'zo\u00eb@example.com';
    const decomposed = 'zoe\u0308@example.com';
    expect(composed).not.toBe(decomposed);
    expect(emailKey(decomposed)).toBe(emailKey(composed));
    expect(emailKey(decomposed)).toBe(composed);
  });

  it('keeps look-alike letters from other scripts apart: they are different addresses', () => {
    expect(emailKey('\u0430da@example.com')).not.toBe(emailKey('ada@example.com')); // Cyrillic а
  });
});

describe('isPlausibleEmail', () => {
  it('accepts ordinary addresses, also with spaces around them', () => {
    for (const email of ['ada@example.com', 'o.brien+tag@mail.example.co.uk', ' ada@example.com ', 'zoë@exämple.com', 'a@b.c']) {
      expect(isPlausibleEmail(email), email).toBe(true);
    }
  });

  it('refuses text that is not one local part, one @ and a dotted domain', () => {
    for (const email of [
      '',
      'ada',
      'ada@',
      '@example.com',
      'ada@example',
      'ada@.',
      'ada@example.',
      'ada@@example.com',
      'ada@exa@mple.com',
      'ada lovelace@example.com',
      'ada@exa mple.com',
      'ada@example.co m',
      'ada\t@example.com',
    ]) {
      expect(isPlausibleEmail(email), JSON.stringify(email)).toBe(false);
    }
  });

  it('refuses addresses hiding bidi overrides or zero-width characters, which disguise a spoof', () => {
    for (const hidden of ['\u200b', '\u200c', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\ufeff']) {
      expect(isPlausibleEmail(`ad${hidden}a@example.com`), hidden.codePointAt(0)!.toString(16)).toBe(false);
    }
    // Neighbours of those ranges that are not spaces are ordinary (if unusual) characters.
    for (const fine of ['\u2010', '\u2065', '\u206a', '\ufefe', '\uff00']) {
      expect(isPlausibleEmail(`ad${fine}a@example.com`), fine.codePointAt(0)!.toString(16)).toBe(true);
    }
  });

  it(`accepts up to ${MAX_EMAIL_LENGTH} characters (RFC 5321) and no more`, () => {
    const domain = '@example.com';
    const longest = 'a'.repeat(MAX_EMAIL_LENGTH - domain.length) + domain;
    expect(longest).toHaveLength(254);
    expect(isPlausibleEmail(longest)).toBe(true);
    expect(isPlausibleEmail(`a${longest}`)).toBe(false);
  });
});

describe('passwordProblem', () => {
  const policy = { minLength: 8, maxLength: 64 };

  it('accepts any password from the minimum to the maximum length, with no composition rules', () => {
    expect(passwordProblem('aaaaaaaa', policy)).toBeNull();
    expect(passwordProblem('correct horse battery staple', policy)).toBeNull();
    expect(passwordProblem('x'.repeat(64), policy)).toBeNull();
  });

  it('says how many characters are needed when it is too short', () => {
    expect(passwordProblem('aaaaaaa', policy)).toBe('Use at least 8 characters.');
    expect(passwordProblem('', policy)).toBe('Use at least 8 characters.');
  });

  it('says the maximum when it is too long', () => {
    expect(passwordProblem('x'.repeat(65), policy)).toBe('Use at most 64 characters.');
  });

  it('counts characters as a person sees them: an emoji is one, not two', () => {
    expect(passwordProblem('🙂'.repeat(8), policy)).toBeNull();
    expect(passwordProblem('🙂'.repeat(7), policy)).toBe('Use at least 8 characters.');
    expect(passwordProblem('🙂'.repeat(64), policy)).toBeNull();
  });
});
