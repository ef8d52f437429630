/** Error codes are a cross-process contract; every one carries a message a client can show as is. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SessiondError, isSessiondError, type ErrorCode } from './errors.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

describe('ERROR_CODES', () => {
  it('are snake_case, as the wire contract says', () => {
    for (const code of CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('each have a human message: a sentence, distinct from every other', () => {
    for (const code of CODES) expect(ERROR_CODES[code], code).toMatch(/^[A-Z].{9,}\.$/);
    expect(new Set(Object.values(ERROR_CODES)).size).toBe(CODES.length);
  });
});

describe('SessiondError', () => {
  it('carries its code and, without a message of its own, the code’s message', () => {
    for (const code of CODES) {
      const err = new SessiondError(code);
      expect(err.code).toBe(code);
      expect(err.message).toBe(ERROR_CODES[code]);
    }
  });

  it('keeps a message of its own when given one', () => {
    expect(new SessiondError('invalid_request', 'Enter a valid email address.').message).toBe('Enter a valid email address.');
  });

  it('names itself in stack traces and logs', () => {
    const err = new SessiondError('forbidden');
    expect(err.name).toBe('SessiondError');
    expect(String(err)).toBe(`SessiondError: ${ERROR_CODES.forbidden}`);
    expect(err).toBeInstanceOf(Error);
  });

  it('says how long to wait before retrying, when told', () => {
    expect(new SessiondError('rate_limited', undefined, { retryAfterSeconds: 42 }).retryAfterSeconds).toBe(42);
    expect(new SessiondError('rate_limited').retryAfterSeconds).toBeUndefined();
  });

  it('keeps the cause it wraps, and has none when it wraps nothing', () => {
    const cause = new Error('connection refused');
    expect(new SessiondError('unavailable', undefined, { cause }).cause).toBe(cause);
    expect('cause' in new SessiondError('unavailable', undefined, { retryAfterSeconds: 1 })).toBe(false);
    expect('cause' in new SessiondError('unavailable')).toBe(false);
  });
});

describe('isSessiondError', () => {
  it('tells a SessiondError from any other thrown value', () => {
    expect(isSessiondError(new SessiondError('not_found'))).toBe(true);
    for (const other of [new Error('not_found'), { code: 'not_found' }, 'not_found', null, undefined])
      expect(isSessiondError(other)).toBe(false);
  });
});
