/**
 * Device description from the User-Agent header and client hints, parsed with bowser (MIT;
 * ua-parser-js 2 is AGPL, which users could not ship in closed products).
 *
 * Browsers freeze what the User-Agent says about the system: every Chromium browser and Safari on
 * a Mac say "Mac OS X 10_15_7", every browser on Windows 10 or 11 says "Windows NT 10.0",
 * Chromium on Android says "Android 10; K", and Safari on iOS 26 says "iPhone OS 18_6". Such a
 * version is never shown ("macOS", "Windows", "Android"): only one the device really told. The
 * real ones come from the client hints Chromium sends once asked (`Accept-CH`,
 * src/http/client-hints.ts): `Sec-CH-UA-Platform-Version` for the system, the brand lists for the
 * browser, `Sec-CH-UA-Model` for the phone. Versions read as "<system> <marketing major>":
 * "macOS 15", "Windows 11", "Android 14", "iOS 18" (macOS 10.x as "macOS 10.14").
 *
 * Every value is attacker-chosen: headers are bounded, structured-header strings are parsed
 * strictly (printable ASCII, RFC 9651), anything malformed is ignored, and parsing never throws.
 */
import Bowser from 'bowser';
import type { UserAgentHints, UserAgentParser } from '../../core/ports/user-agent.js';
import type { DeviceInfo, DeviceType } from '../../core/session.js';

/** Longer user agents are cut before parsing: bounds regex work on attacker-chosen input. */
export const MAX_USER_AGENT_LENGTH = 512;
/** A brand list longer than this, or with more brands, is ignored (real ones are ~150 characters, 3 brands). */
const MAX_BRAND_LIST_LENGTH = 512;
const MAX_BRANDS = 8;
/** Platform, platform version, model and brand names longer than this are ignored. */
const MAX_HINT_STRING = 64;

const UNKNOWN: DeviceInfo = Object.freeze({ name: 'Unknown device', os: 'Unknown OS', browser: null, type: 'unknown' });

export const bowserUserAgentParser: UserAgentParser = {
  parse(hints) {
    try {
      return describe(hints);
    } catch {
      return UNKNOWN;
    }
  },
};

/** What the hints say, once parsed and found to be about the browser the User-Agent names. */
interface Hinted {
  platform: string | null;
  platformVersion: string | null;
  model: string;
  mobile: boolean;
  brand: Brand | null;
}

function describe(hints: UserAgentHints): DeviceInfo {
  const ua = hints.userAgent?.slice(0, MAX_USER_AGENT_LENGTH).trim();
  if (!ua) return UNKNOWN;
  const parsed = Bowser.parse(ua);
  const hinted = readHints(hints, ua);
  const uaOs = parsed.os.name ?? '';
  const osName = hinted?.platform ?? uaOs;
  const version =
    (hinted?.platform && hintedVersion(hinted.platform, hinted.platformVersion, parsed)) ||
    (osName === uaOs ? versionFromUserAgent(parsed, ua) : null);
  const type: DeviceType = hinted?.mobile ? 'mobile' : deviceType(parsed.platform.type);
  const model = hinted?.model || (REDUCED_ANDROID.test(ua) ? '' : (parsed.platform.model ?? ''));
  const browser = hinted?.brand
    ? browserName(hinted.brand)
    : parsed.browser.name
      ? `${parsed.browser.name}${major(parsed.browser.version)}`
      : null;
  return {
    name: model || deviceName(osName, type),
    os: osName ? (version ? `${osName} ${version}` : osName) : 'Unknown OS',
    browser,
    type,
  };
}

/**
 * The hints, when they are about the browser the User-Agent names. Only Chromium browsers send
 * them, always with a brand of the User-Agent's Chrome major version; hints beside another user
 * agent (a Safari or Firefox one), or whose brands disagree with it, come from a user agent that
 * was overridden (an extension, a testing tool) and describe some other browser: set aside.
 */
function readHints(hints: UserAgentHints, ua: string): Hinted | null {
  const chromeMajor = /Chrom(?:e|ium)\/(\d{1,6})/.exec(ua)?.[1];
  if (chromeMajor === undefined) return null;
  const brands = parseBrandList(hints.fullVersionList) ?? parseBrandList(hints.brands);
  if (brands !== null && !brands.some((b) => majorNumber(b.version) === Number(chromeMajor))) return null;
  return {
    platform: PLATFORMS.get(sfString(hints.platform)?.toLowerCase() ?? '') ?? null,
    platformVersion: sfString(hints.platformVersion),
    model: sfString(hints.model)?.trim() ?? '',
    mobile: hints.mobile?.trim() === '?1',
    brand: brands === null ? null : pickBrand(brands),
  };
}

/** `Sec-CH-UA-Platform` values (lower case) and the names shown; "Unknown" and anything else are ignored. */
const PLATFORMS: ReadonlyMap<string, string> = new Map([
  ['windows', 'Windows'],
  ['macos', 'macOS'],
  ['linux', 'Linux'],
  ['android', 'Android'],
  ['ios', 'iOS'],
  ['chrome os', 'Chrome OS'],
  ['chromium os', 'Chromium OS'],
  ['fuchsia', 'Fuchsia'],
]);

const VERSION = /^(\d{1,6})(?:\.(\d{1,6}))?(?:\.(\d{1,6}))?$/;

/**
 * The system version from `Sec-CH-UA-Platform-Version`. Windows by Microsoft's mapping: 13 and
 * above is Windows 11, 1 to 12 Windows 10, 0 an older Windows (which its User-Agent does name).
 * Linux (a kernel version) and Chrome OS (a build number) mean nothing to people: not shown.
 */
function hintedVersion(platform: string, value: string | null, parsed: Bowser.Parser.ParsedResult): string | null {
  const m = VERSION.exec(value ?? '');
  if (!m) return null;
  const [maj, min] = [Number(m[1]), Number(m[2] ?? 0)];
  switch (platform) {
    case 'Windows':
      if (maj >= 13) return '11';
      if (maj >= 1) return '10';
      return parsed.os.name === 'Windows' ? windowsFromUserAgent(parsed) : null;
    case 'macOS':
      return maj >= 11 ? String(maj) : maj === 10 ? `10.${min}` : null;
    case 'Android':
    case 'iOS':
      return maj >= 1 ? String(maj) : null;
    default:
      return null;
  }
}

/** Chromium's reduced Android user agent: the version is always 10 and the model always "K". */
const REDUCED_ANDROID = /Android 10; K[;)]/;

/** The system version the User-Agent tells, when it is not one of the frozen ones. */
function versionFromUserAgent(parsed: Bowser.Parser.ParsedResult, ua: string): string | null {
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?/.exec(parsed.os.version ?? '');
  const [maj, min] = m ? [Number(m[1]), m[2] === undefined ? null : Number(m[2])] : [null, null];
  switch (parsed.os.name) {
    case 'Windows':
      return windowsFromUserAgent(parsed);
    case 'macOS':
      // 10.15 is where every browser stopped; 11 and later are never sent.
      if (maj === 10) return min === null || min >= 15 ? null : `10.${min}`;
      return maj !== null && maj >= 11 ? String(maj) : null;
    case 'iOS':
      // Safari on iOS 26 says 18_6 (later 18_7); its Version/ token is the system's.
      if (maj === 18 && min !== null && min >= 6) {
        const safari = parsed.browser.name === 'Safari' ? Number(/Version\/(\d{1,3})/.exec(ua)?.[1] ?? 0) : 0;
        return safari >= 18 ? String(safari) : null;
      }
      return maj === null ? null : String(maj);
    case 'Android':
      return REDUCED_ANDROID.test(ua) || maj === null ? null : String(maj);
    default:
      return parsed.os.versionName ?? (maj === null ? null : String(maj));
  }
}

/** "Windows NT 10.0" is Windows 10 or 11: no version. Older ones as bowser names them ("7", "8.1"). */
function windowsFromUserAgent(parsed: Bowser.Parser.ParsedResult): string | null {
  const nt = /^NT (\d{1,3})/.exec(parsed.os.version ?? '');
  if (!nt || Number(nt[1]) >= 10) return null;
  return parsed.os.versionName ?? null;
}

function deviceType(platformType: string | undefined): DeviceType {
  if (platformType === 'desktop' || platformType === 'mobile' || platformType === 'tablet') return platformType;
  return 'unknown';
}

function deviceName(os: string, type: DeviceType): string {
  const lower = os.toLowerCase();
  if (lower === 'macos') return 'Mac';
  if (lower === 'windows') return 'Windows PC';
  if (lower === 'chrome os' || lower === 'chromeos' || lower === 'chromium os') return 'Chromebook';
  if (lower === 'linux') return 'Linux PC';
  if (lower === 'android') return type === 'tablet' ? 'Android tablet' : 'Android phone';
  if (lower === 'ios') return type === 'tablet' ? 'iPad' : 'iPhone';
  return os ? `${os} device` : 'Unknown device';
}

function major(version: string | undefined): string {
  const m = version?.split('.')[0];
  return m ? ` ${m}` : '';
}

function majorNumber(version: string): number | null {
  const m = /^\d{1,6}/.exec(version)?.[0];
  return m === undefined ? null : Number(m);
}

interface Brand {
  brand: string;
  version: string;
}

/** Chromium's GREASE brands: "Not A(Brand", "Not:A-Brand", " Not;A Brand", ... */
const GREASE = /not.a.brand/i;

/** The browser's own brand: not GREASE, and "Chromium" only when no more specific brand is listed. */
function pickBrand(brands: readonly Brand[]): Brand | null {
  const real = brands.filter((b) => b.brand.trim() !== '' && b.brand.length <= MAX_HINT_STRING && !GREASE.test(b.brand));
  return real.find((b) => b.brand !== 'Chromium') ?? real[0] ?? null;
}

/** Brands by the names bowser gives the same browsers from their user agents. */
const BRAND_NAMES: ReadonlyMap<string, string> = new Map([['Google Chrome', 'Chrome']]);

function browserName({ brand, version }: Brand): string {
  const name = BRAND_NAMES.get(brand) ?? brand.trim();
  const m = majorNumber(version);
  return m === null ? name : `${name} ${m}`;
}

/** One structured-header string (`"macOS"`), or null when the value is anything else. */
function sfString(value: string | undefined): string | null {
  if (value === undefined || value.length > MAX_HINT_STRING + 2) return null;
  const start = skipSpaces(value, 0);
  const parsed = readString(value, start);
  if (parsed === null || skipSpaces(value, parsed[1]) !== value.length) return null;
  return parsed[0];
}

/**
 * A brand list: `"Google Chrome";v="131.0.6778.86", "Chromium";v="131.0.6778.86", "Not_A Brand";v="24"`,
 * a structured-header list of strings with parameters, of which only `v` is kept. Null when the
 * header is absent, too long, or malformed anywhere.
 */
function parseBrandList(value: string | undefined): Brand[] | null {
  if (value === undefined || value.length > MAX_BRAND_LIST_LENGTH) return null;
  const brands: Brand[] = [];
  let at = skipSpaces(value, 0);
  if (at === value.length) return null;
  for (;;) {
    if (brands.length === MAX_BRANDS) return null;
    const item = readString(value, at);
    if (item === null) return null;
    let version = '';
    at = item[1];
    while (value[at] === ';') {
      at = skipSpaces(value, at + 1);
      const key = /^[a-z*][a-z0-9_\-.*]{0,63}/.exec(value.slice(at, at + 64))?.[0];
      if (key === undefined) return null;
      at += key.length;
      if (value[at] !== '=') continue;
      at += 1;
      if (value[at] === '"') {
        const param = readString(value, at);
        if (param === null) return null;
        if (key === 'v') version = param[0];
        at = param[1];
      } else {
        // A token, number or boolean: not a version Chromium sends, but well-formed.
        const bare = /^[?\w!#$%&'*+\-.^`|~:/]{1,64}/.exec(value.slice(at, at + 64))?.[0];
        if (bare === undefined) return null;
        at += bare.length;
      }
    }
    brands.push({ brand: item[0], version });
    at = skipSpaces(value, at);
    if (at === value.length) return brands;
    if (value[at] !== ',') return null;
    at = skipSpaces(value, at + 1);
    if (at === value.length) return null;
  }
}

/** A structured-header string starting at `at`: its text and the index after its closing quote. */
function readString(input: string, at: number): [string, number] | null {
  if (input[at] !== '"') return null;
  let text = '';
  for (let i = at + 1; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x22) return [text, i + 1];
    if (c === 0x5c) {
      const next = input[i + 1];
      if (next !== '"' && next !== '\\') return null;
      text += next;
      i++;
    } else if (c < 0x20 || c > 0x7e) {
      return null;
    } else {
      text += input[i];
    }
  }
  return null;
}

function skipSpaces(input: string, at: number): number {
  while (input[at] === ' ' || input[at] === '\t') at++;
  return at;
}
