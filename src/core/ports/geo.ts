import type { Location } from '../session.js';

/** Approximate location of an IP address, from an offline database. Never throws. */
export interface Geo {
  locate(ip: string): Location;
}
