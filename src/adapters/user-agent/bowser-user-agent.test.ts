/**
 * The device a session shows, from real browsers' User-Agent strings with and without the client
 * hints Chromium sends once asked (Accept-CH). Frozen versions are never shown; hints win.
 */
import { describe, expect, it } from 'vitest';
import type { UserAgentHints } from '../../core/ports/user-agent.js';
import { bowserUserAgentParser } from './bowser-user-agent.js';

const UA = {
  macChrome: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  macEdge:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  macOpera:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0',
  macSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  macFirefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
  macMojaveSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.1.2 Safari/605.1.15',
  windowsChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  windowsFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  windows7Chrome: 'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
  windows81Chrome: 'Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
  androidChrome: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  androidFirefox: 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
  iphoneSafari17:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  iphoneSafari26:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  linuxHeadless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
  chromebook: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

/** What real Chromium browsers send (Sec-CH-UA and Sec-CH-UA-Full-Version-List). */
const CHROME_131 = {
  brands: '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  fullVersionList: '"Google Chrome";v="131.0.6778.86", "Chromium";v="131.0.6778.86", "Not_A Brand";v="24.0.0.0"',
};
const EDGE_131 = {
  brands: '"Microsoft Edge";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  fullVersionList: '"Microsoft Edge";v="131.0.2903.70", "Chromium";v="131.0.6778.86", "Not_A Brand";v="24.0.0.0"',
};

const parse = (hints: UserAgentHints) => bowserUserAgentParser.parse(hints);

describe('without client hints: no frozen version is shown', () => {
  it.each([
    ['Chrome on a Mac', UA.macChrome, { name: 'Mac', os: 'macOS', browser: 'Chrome 131', type: 'desktop' }],
    ['Edge on a Mac', UA.macEdge, { name: 'Mac', os: 'macOS', browser: 'Microsoft Edge 131', type: 'desktop' }],
    ['Opera on a Mac', UA.macOpera, { name: 'Mac', os: 'macOS', browser: 'Opera 116', type: 'desktop' }],
    ['Safari on a Mac', UA.macSafari, { name: 'Mac', os: 'macOS', browser: 'Safari 18', type: 'desktop' }],
    ['Firefox on a Mac', UA.macFirefox, { name: 'Mac', os: 'macOS', browser: 'Firefox 133', type: 'desktop' }],
    ['Chrome on Windows', UA.windowsChrome, { name: 'Windows PC', os: 'Windows', browser: 'Chrome 131', type: 'desktop' }],
    ['Edge on Windows', UA.windowsEdge, { name: 'Windows PC', os: 'Windows', browser: 'Microsoft Edge 131', type: 'desktop' }],
    ['Firefox on Windows', UA.windowsFirefox, { name: 'Windows PC', os: 'Windows', browser: 'Firefox 133', type: 'desktop' }],
    [
      'Chrome on Android (reduced: "Android 10; K")',
      UA.androidChrome,
      { name: 'Android phone', os: 'Android', browser: 'Chrome 131', type: 'mobile' },
    ],
    ['Chrome on an iPhone (18_6 may be iOS 26)', UA.iphoneChrome, { name: 'iPhone', os: 'iOS', browser: 'Chrome 131', type: 'mobile' }],
  ])('%s', (_label, userAgent, device) => {
    const parsed = parse({ userAgent });
    expect(parsed).toEqual(device);
    expect(parsed.os).not.toMatch(/Catalina|10\.15|Windows 10|Android 10/);
  });
});

describe('without client hints: versions the user agent tells truly are kept', () => {
  it.each([
    ['Safari on iOS 17', UA.iphoneSafari17, { name: 'iPhone', os: 'iOS 17', browser: 'Safari 17', type: 'mobile' }],
    ['Safari on iOS 26 (says 18_6, Version/26)', UA.iphoneSafari26, { name: 'iPhone', os: 'iOS 26', browser: 'Safari 26', type: 'mobile' }],
    ['Firefox on Android 14', UA.androidFirefox, { name: 'Android phone', os: 'Android 14', browser: 'Firefox 133', type: 'mobile' }],
    ['Chrome on Windows 7', UA.windows7Chrome, { name: 'Windows PC', os: 'Windows 7', browser: 'Chrome 109', type: 'desktop' }],
    ['Chrome on Windows 8.1', UA.windows81Chrome, { name: 'Windows PC', os: 'Windows 8.1', browser: 'Chrome 109', type: 'desktop' }],
    ['Safari on macOS 10.14', UA.macMojaveSafari, { name: 'Mac', os: 'macOS 10.14', browser: 'Safari 14', type: 'desktop' }],
    ['Firefox on Linux', UA.linuxFirefox, { name: 'Linux PC', os: 'Linux', browser: 'Firefox 133', type: 'desktop' }],
    ['a Chromebook', UA.chromebook, { name: 'Chromebook', os: 'Chrome OS', browser: 'Chrome 131', type: 'desktop' }],
  ])('%s', (_label, userAgent, device) => {
    expect(parse({ userAgent })).toEqual(device);
  });
});

describe('with the client hints Chromium sends once asked', () => {
  it.each([
    [
      'Chrome on Windows 11 (platform version 15.0.0)',
      { userAgent: UA.windowsChrome, platform: '"Windows"', platformVersion: '"15.0.0"', mobile: '?0', ...CHROME_131 },
      { name: 'Windows PC', os: 'Windows 11', browser: 'Chrome 131', type: 'desktop' },
    ],
    [
      'Edge on Windows 11 (13.0.0 is the first Windows 11)',
      { userAgent: UA.windowsEdge, platform: '"Windows"', platformVersion: '"13.0.0"', ...EDGE_131 },
      { name: 'Windows PC', os: 'Windows 11', browser: 'Microsoft Edge 131', type: 'desktop' },
    ],
    [
      'Chrome on Windows 10 (10.0.0)',
      { userAgent: UA.windowsChrome, platform: '"Windows"', platformVersion: '"10.0.0"', ...CHROME_131 },
      { name: 'Windows PC', os: 'Windows 10', browser: 'Chrome 131', type: 'desktop' },
    ],
    [
      'Chrome on Windows 10 1507 (1.0.0)',
      { userAgent: UA.windowsChrome, platform: '"Windows"', platformVersion: '"1.0.0"', ...CHROME_131 },
      { name: 'Windows PC', os: 'Windows 10', browser: 'Chrome 131', type: 'desktop' },
    ],
    [
      'Chrome on Windows 8.1 (0.3.0: older than 10, the user agent names it)',
      {
        userAgent: UA.windows81Chrome,
        platform: '"Windows"',
        platformVersion: '"0.3.0"',
        brands: '"Google Chrome";v="109", "Chromium";v="109", "Not_A Brand";v="99"',
      },
      { name: 'Windows PC', os: 'Windows 8.1', browser: 'Chrome 109', type: 'desktop' },
    ],
    [
      'Chrome on macOS 14.5',
      { userAgent: UA.macChrome, platform: '"macOS"', platformVersion: '"14.5.0"', ...CHROME_131 },
      { name: 'Mac', os: 'macOS 14', browser: 'Chrome 131', type: 'desktop' },
    ],
    [
      'Edge on macOS 15.1',
      { userAgent: UA.macEdge, platform: '"macOS"', platformVersion: '"15.1.0"', ...EDGE_131 },
      { name: 'Mac', os: 'macOS 15', browser: 'Microsoft Edge 131', type: 'desktop' },
    ],
    [
      'Chrome on a real Catalina (10.15.7 from the hint is true)',
      { userAgent: UA.macChrome, platform: '"macOS"', platformVersion: '"10.15.7"', ...CHROME_131 },
      { name: 'Mac', os: 'macOS 10.15', browser: 'Chrome 131', type: 'desktop' },
    ],
    [
      'Chrome on a Pixel 8 with Android 14',
      {
        userAgent: UA.androidChrome,
        platform: '"Android"',
        platformVersion: '"14.0.0"',
        model: '"Pixel 8"',
        mobile: '?1',
        ...CHROME_131,
      },
      { name: 'Pixel 8', os: 'Android 14', browser: 'Chrome 131', type: 'mobile' },
    ],
    [
      'Chromium on Linux (empty platform version, only the Chromium brand)',
      {
        userAgent: UA.linuxHeadless,
        platform: '"Linux"',
        platformVersion: '""',
        model: '""',
        mobile: '?0',
        brands: '"Not:A-Brand";v="8", "Chromium";v="156"',
        fullVersionList: '"Not:A-Brand";v="8.0.0.0", "Chromium";v="156.0.8078.129"',
      },
      { name: 'Linux PC', os: 'Linux', browser: 'Chromium 156', type: 'desktop' },
    ],
    [
      'a Chromebook (its platform version is a build number: not shown)',
      { userAgent: UA.chromebook, platform: '"Chrome OS"', platformVersion: '"14541.0.0"', ...CHROME_131 },
      { name: 'Chromebook', os: 'Chrome OS', browser: 'Chrome 131', type: 'desktop' },
    ],
    [
      'only the low-entropy hints (before Accept-CH took effect): the frozen version still hidden',
      { userAgent: UA.macChrome, platform: '"macOS"', mobile: '?0', brands: CHROME_131.brands },
      { name: 'Mac', os: 'macOS', browser: 'Chrome 131', type: 'desktop' },
    ],
  ])('%s', (_label, hints, device) => {
    expect(parse(hints)).toEqual(device);
  });

  it.each([
    [
      'GREASE first, Chromium before the real brand',
      '"Not A(Brand";v="99.0.0.0", "Chromium";v="131.0.6778.86", "Google Chrome";v="131.0.6778.86"',
    ],
    ['the old GREASE with a leading space', '" Not A;Brand";v="99.0.0.0", "Google Chrome";v="131.0.6778.86", "Chromium";v="131.0.6778.86"'],
    ['GREASE with punctuation Chromium uses', '"Chromium";v="131.0.6778.86", "Not)A;Brand";v="8.0.0.0", "Google Chrome";v="131.0.6778.86"'],
    ['escaped characters in GREASE', '"Not\\\\A\\"Brand";v="24", "Google Chrome";v="131.0.6778.86";x=?1, "Chromium";v="131"'],
  ])('picks the real brand: %s', (_label, fullVersionList) => {
    expect(parse({ userAgent: UA.windowsChrome, fullVersionList }).browser).toBe('Chrome 131');
  });

  it('prefers the full version list, and falls back to Sec-CH-UA when it is malformed', () => {
    expect(parse({ userAgent: UA.windowsEdge, ...EDGE_131 }).browser).toBe('Microsoft Edge 131');
    expect(parse({ userAgent: UA.windowsEdge, brands: EDGE_131.brands, fullVersionList: '"Microsoft Edge;v=131' }).browser).toBe(
      'Microsoft Edge 131',
    );
  });

  it('sets aside hints that are not about the browser the user agent names (an overridden user agent)', () => {
    // Safari and Firefox send no hints: these came from another browser.
    const iphone = parse({ userAgent: UA.iphoneSafari17, platform: '"Windows"', platformVersion: '"15.0.0"', ...CHROME_131 });
    expect(iphone).toEqual({ name: 'iPhone', os: 'iOS 17', browser: 'Safari 17', type: 'mobile' });
    // A Chromium 156 whose user agent was set to a Chrome 131 one (as a testing tool does).
    const overridden = parse({
      userAgent: UA.macChrome,
      platform: '"macOS"',
      platformVersion: '"10_15_7"',
      brands: '"Not:A-Brand";v="8", "Chromium";v="156"',
    });
    expect(overridden).toEqual({ name: 'Mac', os: 'macOS', browser: 'Chrome 131', type: 'desktop' });
  });
});

describe('attacker-chosen hints', () => {
  it.each([
    ['an unknown platform', { platform: '"<script>alert(1)</script>"' }],
    ['a platform that is not a string', { platform: 'Windows' }],
    ['a platform with a control character', { platform: '"Win\u0007dows"' }],
    ['a non-ASCII platform', { platform: '"Wíndows"' }],
    ['a platform version that is not one', { platformVersion: '"15.0.0; drop table"' }],
    ['a platform version with underscores', { platformVersion: '"15_0_0"' }],
    ['a huge platform version', { platformVersion: `"${'9'.repeat(10_000)}"` }],
    ['an unterminated string', { platformVersion: '"15.0.0' }],
    ['a trailing comma', { fullVersionList: '"Google Chrome";v="131",' }],
    ['too many brands', { fullVersionList: Array.from({ length: 9 }, (_, i) => `"B${i}";v="131"`).join(', ') }],
    ['a huge brand list', { fullVersionList: `"${'A'.repeat(100_000)}";v="131"` }],
  ])('ignores %s and shows what the user agent tells', (_label, bad) => {
    const parsed = parse({ userAgent: UA.macChrome, platform: '"macOS"', ...CHROME_131, ...bad });
    expect(parsed.os).toBe('macOS');
    expect(parsed.browser).toMatch(/^Chrome 131$|^Chromium 131$/);
  });

  it('keeps a long brand name or model out', () => {
    const model = parse({ userAgent: UA.androidChrome, model: `"${'P'.repeat(65)}"`, mobile: '?1', ...CHROME_131 });
    expect(model.name).toBe('Android phone');
    const brand = parse({ userAgent: UA.windowsChrome, fullVersionList: `"${'B'.repeat(65)}";v="131", "Chromium";v="131"` });
    expect(brand.browser).toBe('Chromium 131');
  });

  it('never throws, and always answers with short text, on random hints', () => {
    // A fixed generator: the same inputs on every run.
    let seed = 0x2545f491;
    const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const pieces = [
      '"',
      '\\',
      ';',
      ',',
      '=',
      'v',
      ' ',
      '?1',
      'Chromium',
      'Google Chrome',
      'Not;A=Brand',
      '131',
      '.',
      '\u0000',
      '\uD800',
      'é',
      '15.0.0',
    ];
    const junk = () => Array.from({ length: Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    for (let i = 0; i < 2_000; i++) {
      const hints: UserAgentHints = {
        userAgent: random() < 0.9 ? Object.values(UA)[i % Object.values(UA).length] + junk() : junk(),
        platform: junk(),
        mobile: junk(),
        brands: junk(),
        platformVersion: junk(),
        model: junk(),
        fullVersionList: random() < 0.5 ? `"Google Chrome";v="131", ${junk()}` : junk(),
      };
      const parsed = parse(hints);
      expect(parsed.name.length).toBeLessThanOrEqual(100);
      expect(parsed.os.length).toBeLessThanOrEqual(100);
      expect((parsed.browser ?? '').length).toBeLessThanOrEqual(100);
      // eslint-disable-next-line no-control-regex
      expect(`${parsed.name}${parsed.os}${parsed.browser ?? ''}`).not.toMatch(/[\u0000-\u001f\u007f\uD800-\uDFFF]/);
    }
  });

  it('describes an absent or empty user agent as unknown', () => {
    expect(parse({ userAgent: undefined, platform: '"Windows"' })).toEqual({
      name: 'Unknown device',
      os: 'Unknown OS',
      browser: null,
      type: 'unknown',
    });
    expect(parse({ userAgent: '   ' }).os).toBe('Unknown OS');
  });
});
