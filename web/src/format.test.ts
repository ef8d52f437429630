import { describe, expect, it } from 'vitest';
import {
  countryName,
  describeSession,
  formatDeviceDetail,
  formatExact,
  formatLocation,
  formatRelative,
  orderSessions,
  safeNextPath,
  signInMethodText,
} from './format';
import { makeSession, NOW } from './testing/fixtures';

const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

describe('formatRelative', () => {
  it.each([
    [0, 'now'],
    [30, 'now'],
    [-20, 'now'], // the server clock slightly ahead reads as now, not "in 20 seconds"
    [50, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [59 * 60, '59 minutes ago'],
    [60 * 60, '1 hour ago'],
    [3 * 3600, '3 hours ago'],
    [24 * 3600, 'yesterday'],
    [3 * 86400, '3 days ago'],
    [14 * 86400, '2 weeks ago'],
    [60 * 86400, '2 months ago'],
    [400 * 86400, 'last year'],
  ])('%i seconds before now reads "%s"', (seconds, expected) => {
    expect(formatRelative(ago(seconds), NOW)).toBe(expected);
  });

  it('depends only on the "now" it is given', () => {
    const iso = '2026-01-15T11:00:00Z';
    expect(formatRelative(iso, NOW)).toBe('1 hour ago');
    expect(formatRelative(iso, new Date('2026-01-15T11:10:00Z'))).toBe('10 minutes ago');
  });

  it('shows an unreadable time as given rather than "NaN"', () => {
    expect(formatRelative('not a time', NOW)).toBe('not a time');
  });
});

describe('formatExact', () => {
  it('gives the date, time and zone', () => {
    expect(formatExact('2026-01-05T14:03:00Z', 'en', 'UTC')).toBe('Jan 5, 2026, 2:03 PM UTC');
  });
});

describe('formatLocation', () => {
  it('says "near" a city with the country code, and hedges in the detail', () => {
    const w = formatLocation({ city: 'Cambridge', region: 'England', country: 'GB', approximate: true });
    expect(w.text).toBe('near Cambridge, GB');
    expect(w.known).toBe(true);
    expect(w.detail).toMatch(/^Approximate location/);
    expect(w.detail).toContain('Cambridge, England, United Kingdom');
  });

  it('falls back to the region when the city is unknown', () => {
    expect(formatLocation({ city: null, region: 'Bavaria', country: 'DE', approximate: true }).text).toBe('near Bavaria, DE');
  });

  it('says "in" a country when only the country is known', () => {
    expect(formatLocation({ city: null, region: null, country: 'FR', approximate: true }).text).toBe('in FR');
  });

  it('says the location is unknown when nothing is known (e.g. a private address)', () => {
    const w = formatLocation({ city: null, region: null, country: null, approximate: true });
    expect(w).toMatchObject({ text: 'Location unknown', known: false });
  });

  it('names countries for the tooltip and keeps unknown codes as they are', () => {
    expect(countryName('us')).toBe('United States');
    expect(countryName('??')).toBe('??');
  });
});

describe('device wording', () => {
  it('joins OS and browser, skipping what is missing', () => {
    expect(formatDeviceDetail({ name: 'x', os: 'iOS 18', browser: 'Safari 18', type: 'mobile' })).toBe('iOS 18 · Safari 18');
    expect(formatDeviceDetail({ name: 'x', os: 'Linux', browser: null, type: 'desktop' })).toBe('Linux');
    expect(formatDeviceDetail({ name: 'x', os: '', browser: null, type: 'unknown' })).toBe('');
  });

  it('describes a session for a sentence: device, app and place', () => {
    expect(describeSession(makeSession({ id: 'a' }))).toBe('Chrome on Windows (Web, near Cambridge, GB)');
    expect(
      describeSession(
        makeSession({
          id: 'b',
          device: { name: '', os: '', browser: null, type: 'unknown' },
          location: { city: null, region: null, country: null, approximate: true },
        }),
      ),
    ).toBe('Unknown device (Web)');
  });
});

describe('orderSessions', () => {
  it('lists the current session first, then the most recently active', () => {
    const list = [
      makeSession({ id: 'old', last_active_at: '2026-01-01T00:00:00Z' }),
      makeSession({ id: 'new', last_active_at: '2026-01-15T11:59:00Z' }),
      makeSession({ id: 'me', current: true, last_active_at: '2026-01-10T00:00:00Z' }),
      makeSession({ id: 'mid', last_active_at: '2026-01-12T00:00:00Z' }),
    ];
    expect(orderSessions(list).map((s) => s.id)).toEqual(['me', 'new', 'mid', 'old']);
  });

  it('is stable for equal activity and does not mutate its input', () => {
    const list = [makeSession({ id: 'b' }), makeSession({ id: 'a' })];
    expect(orderSessions(list).map((s) => s.id)).toEqual(['a', 'b']);
    expect(list.map((s) => s.id)).toEqual(['b', 'a']);
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/settings/security/password', '/settings/security/password'],
    ['/settings/security/sessions?x=1#y', '/settings/security/sessions?x=1#y'],
  ])('follows the same-site path %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    null,
    '',
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
    'settings',
    '/a\nb',
    '/sign-in',
    '/sign-in?next=/x',
  ])('refuses %j and goes to the sessions page', (input) => {
    expect(safeNextPath(input)).toBe('/settings/security/sessions');
  });
});

describe('signInMethodText', () => {
  it('names each way a session was signed in, one wording for every page', () => {
    expect(signInMethodText('passkey')).toBe('Passkey');
    expect(signInMethodText('mfa')).toBe('Password + authenticator code');
    expect(signInMethodText('mfa', 'totp')).toBe('Password + authenticator code');
    expect(signInMethodText('mfa', 'passkey')).toBe('Password + passkey');
    expect(signInMethodText('password')).toBe('Password');
    expect(signInMethodText('magic_link')).toBe('magic link');
  });
});
