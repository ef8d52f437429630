/** Database and Redis URLs are printed in errors and CLI output; their passwords never are. */
import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('hides the password and keeps the user, host, port, database and options', () => {
    expect(redactUrl('postgres://app:s3cr3t@db.internal:5432/sessiond?sslmode=require')).toBe(
      'postgres://app:***@db.internal:5432/sessiond?sslmode=require',
    );
    expect(redactUrl('redis://default:hunter2@cache:6379/0')).toBe('redis://default:***@cache:6379/0');
  });

  it('hides a password with characters URL-encoded or otherwise awkward', () => {
    expect(redactUrl('postgresql://app:p%40ss:w0rd!@db/x')).toBe('postgresql://app:***@db/x');
  });

  it('hides a password without a user name (Redis before ACLs), and every password in a message', () => {
    expect(redactUrl('redis://:hunter2@cache:6379')).toBe('redis://:***@cache:6379');
    expect(redactUrl('from redis://:a1@one:6379 to postgres://app:b2@two/x failed')).toBe(
      'from redis://:***@one:6379 to postgres://app:***@two/x failed',
    );
    expect(redactUrl('connect to redis://cache:6379 failed for ada@example.com')).toBe(
      'connect to redis://cache:6379 failed for ada@example.com',
    );
  });

  it('hides an empty password too (the separator says one was meant)', () => {
    expect(redactUrl('postgres://app:@db/x')).toBe('postgres://app:***@db/x');
  });

  it('leaves a URL without a password as it is', () => {
    for (const url of [
      'postgres://db.internal/sessiond',
      'postgres://app@db/x',
      'sqlite:data/sessiond.db',
      'sqlite::memory:',
      'redis://cache:6379',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
