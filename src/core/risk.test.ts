import { describe, expect, it } from 'vitest';
import { fixedClock } from './testing/fakes.js';
import {
  DEFAULT_RISK_THRESHOLDS,
  assessRisk,
  greatCircleKm,
  isSuspicious,
  type CurrentSignIn,
  type PastSignIn,
  type PlaceAt,
} from './risk.js';

/** Fixed GeoIP answers: what a lookup of each city's addresses returns. */
const GEO = {
  london: { city: 'London', country: 'GB', latitude: 51.5074, longitude: -0.1278 },
  paris: { city: 'Paris', country: 'FR', latitude: 48.8566, longitude: 2.3522 },
  sydney: { city: 'Sydney', country: 'AU', latitude: -33.8688, longitude: 151.2093 },
  reading: { city: 'Reading', country: 'GB', latitude: 51.4543, longitude: -0.9781 },
  unknown: { city: null, country: null, latitude: null, longitude: null },
} satisfies Record<string, PlaceAt>;

const HOUR = 3_600_000;
const MINUTE = 60_000;
const clock = fixedClock('2026-03-01T09:00:00Z');
const NOW = clock.now();

const past = (place: PlaceAt, hoursAgo: number, extra: Partial<PastSignIn> = {}): PastSignIn => ({
  ...place,
  at: NOW - hoursAgo * HOUR,
  deviceId: 'device-laptop',
  clientId: 'web',
  ...extra,
});
const now = (place: PlaceAt, extra: Partial<CurrentSignIn> = {}): CurrentSignIn => ({
  ...place,
  at: NOW,
  deviceId: 'device-laptop',
  clientId: 'web',
  ...extra,
});

interface Case {
  name: string;
  signIns: PastSignIn[];
  knownDevice?: boolean;
  failures?: number[];
  current: CurrentSignIn;
  expect: string[];
  suspicious: boolean;
}

const CASES: Case[] = [
  {
    name: 'first sign-in of an account is the baseline',
    signIns: [],
    knownDevice: false,
    current: now(GEO.sydney),
    expect: [],
    suspicious: false,
  },
  { name: 'same device, place and app', signIns: [past(GEO.london, 24)], current: now(GEO.london), expect: [], suspicious: false },
  {
    name: 'a device never seen for this account',
    signIns: [past(GEO.london, 24)],
    knownDevice: false,
    current: now(GEO.london, { deviceId: 'device-phone' }),
    expect: ['new_device'],
    suspicious: false,
  },
  {
    name: 'no device id (a CLI that sends none) is not a new device',
    signIns: [past(GEO.london, 24)],
    knownDevice: false,
    current: now(GEO.london, { deviceId: null }),
    expect: [],
    suspicious: false,
  },
  {
    name: 'an app the account never used',
    signIns: [past(GEO.london, 24)],
    current: now(GEO.london, { clientId: 'cli' }),
    expect: ['new_client'],
    suspicious: false,
  },
  {
    name: 'a new country, reachable in time',
    signIns: [past(GEO.london, 24)],
    current: now(GEO.paris),
    expect: ['new_country'],
    suspicious: true,
  },
  {
    name: 'London to Paris (344 km) in 1 h is possible',
    signIns: [past(GEO.london, 1), past(GEO.paris, 48)],
    current: now(GEO.paris),
    expect: [],
    suspicious: false,
  },
  {
    name: 'London to Paris in 10 minutes is impossible',
    signIns: [past(GEO.london, 10 / 60), past(GEO.paris, 48)],
    current: now(GEO.paris),
    expect: ['impossible_travel'],
    suspicious: true,
  },
  {
    name: 'London to Sydney in 3 h: new country and impossible travel',
    signIns: [past(GEO.london, 3)],
    current: now(GEO.sydney),
    expect: ['new_country', 'impossible_travel'],
    suspicious: true,
  },
  {
    name: 'London to Reading (59 km) at once is GeoIP noise, not travel',
    signIns: [past(GEO.london, 0)],
    current: now(GEO.reading),
    expect: [],
    suspicious: false,
  },
  {
    name: 'unknown locations never trigger travel or country rules',
    signIns: [past(GEO.unknown, 0)],
    current: now(GEO.sydney),
    expect: [],
    suspicious: false,
  },
  {
    name: 'success after 5 failures within 15 minutes',
    signIns: [past(GEO.london, 24)],
    failures: [1, 2, 3, 4, 5].map((m) => NOW - m * MINUTE),
    current: now(GEO.london),
    expect: ['failures_then_success'],
    suspicious: true,
  },
  {
    name: '4 failures are not a burst',
    signIns: [past(GEO.london, 24)],
    failures: [1, 2, 3, 4].map((m) => NOW - m * MINUTE),
    current: now(GEO.london),
    expect: [],
    suspicious: false,
  },
  {
    name: 'failures older than the window do not count',
    signIns: [past(GEO.london, 24)],
    failures: [16, 17, 18, 19, 20].map((m) => NOW - m * MINUTE),
    current: now(GEO.london),
    expect: [],
    suspicious: false,
  },
  {
    name: 'failures before the previous success do not count',
    signIns: [past(GEO.london, 2 / 60)],
    failures: [3, 4, 5, 6, 7].map((m) => NOW - m * MINUTE),
    current: now(GEO.london),
    expect: [],
    suspicious: false,
  },
];

describe('assessRisk', () => {
  it.each(CASES)('$name', (c) => {
    const signals = assessRisk({ signIns: c.signIns, knownDevice: c.knownDevice ?? true, failures: c.failures ?? [] }, c.current);
    expect(signals.map((s) => s.kind)).toEqual(c.expect);
    expect(isSuspicious(signals)).toBe(c.suspicious);
  });

  it('records the evidence of impossible travel', () => {
    const [signal] = assessRisk({ signIns: [past(GEO.london, 0.25)], knownDevice: true, failures: [] }, now(GEO.paris, { country: 'GB' }));
    expect(signal).toEqual({
      kind: 'impossible_travel',
      distanceKm: 344,
      hours: 0.25,
      speedKmh: expect.closeTo(1375, -1),
      from: { city: 'London', country: 'GB', at: NOW - 0.25 * HOUR },
    });
  });

  it('takes its threshold from configuration', () => {
    const history = { signIns: [past(GEO.london, 0.5)], knownDevice: true, failures: [] };
    const current = now(GEO.paris, { country: 'GB' });
    expect(assessRisk(history, current, { ...DEFAULT_RISK_THRESHOLDS, impossibleTravelKmh: 900 })).toEqual([]);
    expect(assessRisk(history, current, { ...DEFAULT_RISK_THRESHOLDS, impossibleTravelKmh: 500 }).map((s) => s.kind)).toEqual([
      'impossible_travel',
    ]);
  });

  it('measures great-circle distance', () => {
    expect(Math.round(greatCircleKm(GEO.london, GEO.paris))).toBe(344);
    expect(Math.round(greatCircleKm(GEO.london, GEO.sydney) / 100) * 100).toBe(17000);
  });
});
