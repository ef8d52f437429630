/** The incident filter's pure parts: CIDR ranges (IPv4, IPv6, mapped), parsing the text form, and the matcher. */
import { describe, expect, it } from 'vitest';
import { SessiondError } from './errors.js';
import { formatSessionFilter, ipInCidr, matchesSessionFilter, parseCidr, parseIp, parseSessionFilter } from './session-filter.js';
import { sessionRecord } from './testing/store.contract.js';

const inRange = (ip: string, cidr: string) => ipInCidr(ip, parseCidr(cidr)!);

describe('CIDR ranges', () => {
  it('match IPv4 addresses by prefix, at the edges of the range and not outside', () => {
    expect(inRange('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.0.0.0', '10.0.0.0/8')).toBe(false);
    expect(inRange('192.168.1.0', '192.168.1.0/24')).toBe(true);
    expect(inRange('192.168.1.255', '192.168.1.0/24')).toBe(true);
    expect(inRange('192.168.2.0', '192.168.1.0/24')).toBe(false);
    expect(inRange('203.0.113.9', '203.0.113.9')).toBe(true);
    expect(inRange('203.0.113.10', '203.0.113.9')).toBe(false);
    expect(inRange('1.2.3.4', '0.0.0.0/0')).toBe(true);
    // Host bits in the range are ignored: 10.1.2.3/8 is 10.0.0.0/8.
    expect(inRange('10.200.0.1', '10.1.2.3/8')).toBe(true);
  });

  it('match IPv6 addresses, compressed or not, and never across families', () => {
    expect(inRange('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:0db8:ffff:0:0:0:0:1', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(inRange('fe80::1%eth0', 'fe80::/10')).toBe(true);
    expect(inRange('2001:db8::1', '::/0')).toBe(true);
    expect(inRange('10.0.0.1', '::/0')).toBe(false);
    expect(inRange('2001:db8::1', '0.0.0.0/0')).toBe(false);
    expect(inRange('2001:db8:0:1::5', '2001:db8:0:1::/64')).toBe(true);
    expect(inRange('2001:db8:0:2::5', '2001:db8:0:1::/64')).toBe(false);
  });

  it('treat IPv4-mapped IPv6 addresses and ranges as IPv4', () => {
    expect(parseIp('::ffff:10.0.0.1')).toEqual({ v6: false, value: parseIp('10.0.0.1')!.value });
    expect(inRange('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(inRange('10.0.0.1', '::ffff:10.0.0.0/104')).toBe(true);
    expect(inRange('11.0.0.1', '::ffff:10.0.0.0/104')).toBe(false);
  });

  it('refuse malformed addresses and prefixes', () => {
    for (const bad of [
      '',
      '10.0.0',
      '10.0.0.256',
      '01.2.3.4',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      '2001:db8::/129',
      '1::2::3',
      'g::1',
      '1:2:3:4:5:6:7:8:9',
      'example.com',
    ])
      expect(parseCidr(bad), bad).toBeNull();
  });
});

describe('parsing the filter', () => {
  it('reads every key, repeated or comma-separated, and writes it back', () => {
    const filter = parseSessionFilter({
      app: ['web', 'cli'],
      country: 'gb,FR',
      trusted: 'false',
      mfa: 'true',
      method: 'password,mfa',
      signed_in_before: '2026-04-01T00:00:00Z',
      signed_in_after: '1700000000000',
      last_active_before: '2026-03-01T00:00:00.000Z',
      ip: ['10.0.0.0/8', '2001:db8::/32'],
      member: 'u1',
    });
    expect(filter).toEqual({
      clientIds: ['web', 'cli'],
      countries: ['GB', 'FR'],
      trusted: false,
      mfa: true,
      signInMethods: ['password', 'mfa'],
      signedInBefore: Date.parse('2026-04-01T00:00:00Z'),
      signedInAfter: 1_700_000_000_000,
      lastActiveBefore: Date.parse('2026-03-01T00:00:00Z'),
      ipRanges: ['10.0.0.0/8', '2001:db8::/32'],
      memberIds: ['u1'],
    });
    expect(parseSessionFilter(formatSessionFilter(filter))).toEqual(filter);
    expect(parseSessionFilter({})).toEqual({});
  });

  it('refuses unknown keys and malformed values with invalid_request', () => {
    for (const params of [
      { colour: 'red' },
      { ip: '10.0.0.0/40' },
      { country: 'GBR' },
      { method: 'magic' },
      { trusted: 'maybe' },
      { trusted: ['true', 'false'] },
      { signed_in_before: 'yesterday' },
      { app: '' },
    ]) {
      let code = 'ok';
      try {
        parseSessionFilter(params);
      } catch (err) {
        code = err instanceof SessiondError ? err.code : 'other';
      }
      expect(code, JSON.stringify(params)).toBe('invalid_request');
    }
  });
});

describe('the matcher', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const s = sessionRecord('u1', { ip: '2001:db8::7', authMethod: 'mfa', deviceTrustedUntil: now + 1, clientId: 'cli' });

  it('needs every condition (AND), any value of a list (OR)', () => {
    expect(matchesSessionFilter(s, {}, now)).toBe(true);
    expect(matchesSessionFilter(s, { ipRanges: ['10.0.0.0/8', '2001:db8::/32'], clientIds: ['web', 'cli'] }, now)).toBe(true);
    expect(matchesSessionFilter(s, { ipRanges: ['2001:db8::/32'], clientIds: ['web'] }, now)).toBe(false);
    expect(matchesSessionFilter(s, { mfa: true, trusted: true }, now)).toBe(true);
    expect(matchesSessionFilter(s, { trusted: true }, now + 1)).toBe(false);
    expect(matchesSessionFilter(s, { mfa: false }, now)).toBe(false);
    expect(matchesSessionFilter(s, { signInMethods: ['password'] }, now)).toBe(false);
    expect(matchesSessionFilter(s, { signedInBefore: s.signedInAt }, now)).toBe(false);
    expect(matchesSessionFilter(s, { signedInAfter: s.signedInAt }, now)).toBe(true);
    expect(matchesSessionFilter(s, { lastActiveBefore: s.lastActiveAt + 1 }, now)).toBe(true);
    expect(matchesSessionFilter(s, { countries: ['FR'] }, now)).toBe(false);
    expect(matchesSessionFilter(s, { memberIds: ['u2'] }, now)).toBe(false);
  });

  it('counts a passkey sign-in as multi-factor, a password alone as not', () => {
    const passkey = { ...s, authMethod: 'passkey' as const };
    const password = { ...s, authMethod: 'password' as const };
    expect(matchesSessionFilter(passkey, { mfa: true }, now)).toBe(true);
    expect(matchesSessionFilter(passkey, { mfa: false }, now)).toBe(false);
    expect(matchesSessionFilter(password, { mfa: true }, now)).toBe(false);
    expect(matchesSessionFilter(password, { mfa: false }, now)).toBe(true);
  });
});
