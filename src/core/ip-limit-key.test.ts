import fc from 'fast-check';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatIpv6, limitKeyForIp, parseIpv6 } from './ip-limit-key.js';

const group = fc.integer({ min: 0, max: 0xffff });
const groups = fc.array(group, { minLength: 8, maxLength: 8 });
/** Node's own canonical text for an IPv6 address (WHATWG URL host serialisation, RFC 5952). */
const canonical = (text: string) => new URL(`http://[${text}]/`).hostname.slice(1, -1);
/** Spellings of one address: full, zero-padded, upper case, and RFC 5952. */
const spellings = (g: number[]) => [
  g.map((x) => x.toString(16)).join(':'),
  g.map((x) => x.toString(16).padStart(4, '0')).join(':'),
  g.map((x) => x.toString(16).toUpperCase()).join(':'),
  formatIpv6(g),
];

describe('limitKeyForIp', () => {
  it('IPv4 is counted per address', () => {
    expect(limitKeyForIp('203.0.113.9', 64)).toBe('203.0.113.9');
    expect(limitKeyForIp('203.0.113.10', 64)).toBe('203.0.113.10');
  });

  it('an IPv4-mapped IPv6 address is the IPv4 address, however it is written', () => {
    for (const mapped of [
      '::ffff:203.0.113.9',
      '::FFFF:203.0.113.9',
      '::ffff:cb00:7109',
      '0:0:0:0:0:ffff:cb00:7109',
      '0000::ffff:203.0.113.9',
    ])
      expect(limitKeyForIp(mapped, 64)).toBe('203.0.113.9');
    // Not mapped: ::ffff:0:… (SIIT) and ::203.0.113.9 (deprecated "compatible") are IPv6.
    expect(limitKeyForIp('::ffff:0:cb00:7109', 64)).toBe('::/64');
    expect(limitKeyForIp('::203.0.113.9', 128)).toBe('::cb00:7109/128');
  });

  it('IPv6 by its /64 by default: every address of one network is one key', () => {
    const keys = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:DB8:1:2:a:b:c:d',
      '2001:0db8:0001:0002::',
      '2001:db8:1:2::1%eth0',
    ];
    expect(new Set(keys.map((k) => limitKeyForIp(k, 64)))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(limitKeyForIp('2001:db8:1:3::1', 64)).toBe('2001:db8:1:3::/64');
  });

  it('other prefixes, including ones that cut a group', () => {
    expect(limitKeyForIp('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48');
    expect(limitKeyForIp('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
    expect(limitKeyForIp('2001:db8:1:2::1', 128)).toBe('2001:db8:1:2::1/128');
    expect(limitKeyForIp('fe80::1', 1)).toBe('8000::/1');
  });

  it('property: addresses that agree on the first N bits share a key; ones that differ there do not', () => {
    fc.assert(
      fc.property(groups, groups, fc.integer({ min: 1, max: 128 }), (a, b, prefix) => {
        // Skip IPv4-mapped addresses, which are keyed as IPv4.
        fc.pre(!(a.slice(0, 6).join() === '0,0,0,0,0,65535') && !(b.slice(0, 6).join() === '0,0,0,0,0,65535'));
        const bit = (g: number[], i: number) => (g[i >> 4]! >> (15 - (i & 15))) & 1;
        let samePrefix = true;
        for (let i = 0; i < prefix; i++) if (bit(a, i) !== bit(b, i)) samePrefix = false;
        const [ka, kb] = [formatIpv6(a), formatIpv6(b)].map((t) => limitKeyForIp(t, prefix));
        expect(ka === kb).toBe(samePrefix);
      }),
    );
  });

  it('property: every spelling of an address gives one key, in canonical text', () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 1, max: 128 }), (g, prefix) => {
        fc.pre(g.slice(0, 6).join() !== '0,0,0,0,0,65535');
        const keys = new Set(spellings(g).map((s) => limitKeyForIp(s, prefix)));
        expect(keys.size).toBe(1);
        const [key] = [...keys] as [string];
        const [network, bits] = key.split('/') as [string, string];
        expect(Number(bits)).toBe(prefix);
        expect(network).toBe(canonical(network));
      }),
    );
  });
});

describe('parseIpv6 and formatIpv6', () => {
  it('property: parse accepts exactly what node:net calls IPv6, and formatting matches the URL standard', () => {
    fc.assert(
      fc.property(groups, (g) => {
        for (const s of spellings(g)) expect(parseIpv6(s)).toEqual(g);
        expect(formatIpv6(g)).toBe(canonical(formatIpv6(g)));
      }),
    );
    // Near-misses built from the pieces of real addresses, and plain noise.
    const piece = fc.constantFrom(
      '0',
      '1',
      'ffff',
      'FFFF',
      '0db8',
      '12345',
      'g',
      ':',
      ':',
      '::',
      '.',
      '1.2.3.4',
      '256.1.1.1',
      '01.2.3.4',
      '%eth0',
      '%',
    );
    const junk = fc.oneof(
      fc.array(piece, { maxLength: 14 }).map((p) => p.join('')),
      fc.stringMatching(/^[0-9a-fA-F:.%g-]{0,45}$/),
    );
    fc.assert(
      fc.property(junk, (text) => {
        expect(parseIpv6(text) !== null, text).toBe(isIP(text) === 6);
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses what is not an IPv6 address', () => {
    for (const bad of [
      '',
      '1.2.3.4',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'g::1',
      '::1.2.3',
      '1.2.3.4::',
      '::256.0.0.1',
      '1:2:3:4:5:6:7::8:9',
    ])
      expect(parseIpv6(bad), bad).toBeNull();
  });
});
