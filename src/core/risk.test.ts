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

  it('a first sign-in is the baseline: nothing about it is new, not even the device or the app', () => {
    expect(
      assessRisk({ signIns: [], knownDevice: false, failures: [] }, now(GEO.sydney, { deviceId: 'device-new', clientId: 'cli' })),
    ).toEqual([]);
  });

  it('a first sign-in right after a burst of failures is already suspicious', () => {
    const failures = [1, 2, 3, 4, 5].map((m) => NOW - m * MINUTE);
    const signals = assessRisk({ signIns: [], knownDevice: false, failures }, now(GEO.london));
    expect(signals).toEqual([{ kind: 'failures_then_success', failures: 5, windowMs: 15 * MINUTE }]);
  });

  it('counts failures strictly after the previous success and up to this sign-in, including its own millisecond', () => {
    const history = (failures: number[]) => ({ signIns: [past(GEO.london, 10 / 60)], knownDevice: true, failures });
    const lastSuccess = NOW - 10 * MINUTE;
    // Four after the last success, one at its very millisecond (before it, as far as we know): no burst.
    expect(assessRisk(history([lastSuccess, ...[1, 2, 3, 4].map((m) => NOW - m * MINUTE)]), now(GEO.london))).toEqual([]);
    // The fifth at the same millisecond as this sign-in counts.
    const burst = assessRisk(history([NOW, ...[1, 2, 3, 4].map((m) => NOW - m * MINUTE)]), now(GEO.london));
    expect(burst).toEqual([{ kind: 'failures_then_success', failures: 5, windowMs: 15 * MINUTE }]);
    // Failures recorded after this sign-in (a slower concurrent request) are not its prelude.
    expect(assessRisk(history([NOW + 1, ...[1, 2, 3, 4].map((m) => NOW - m * MINUTE)]), now(GEO.london))).toEqual([]);
  });

  it('counts failures within the window only, the window start excluded', () => {
    const history = (failures: number[]) => ({ signIns: [past(GEO.london, 24)], knownDevice: true, failures });
    const windowStart = NOW - 15 * MINUTE;
    expect(assessRisk(history([windowStart, ...[1, 2, 3, 4].map((m) => NOW - m * MINUTE)]), now(GEO.london))).toEqual([]);
    expect(assessRisk(history([windowStart + 1, ...[1, 2, 3, 4].map((m) => NOW - m * MINUTE)]), now(GEO.london))).toHaveLength(1);
  });

  it('an unknown location now says nothing about the country', () => {
    const signals = assessRisk({ signIns: [past(GEO.london, 24)], knownDevice: true, failures: [] }, now(GEO.unknown));
    expect(signals).toEqual([]);
  });

  it('names the countries the account is known from once each, in a stable order', () => {
    const signIns = [past(GEO.london, 1), past(GEO.paris, 24), past(GEO.london, 48), past(GEO.unknown, 72)];
    const [signal] = assessRisk({ signIns, knownDevice: true, failures: [] }, now({ ...GEO.unknown, country: 'AU' }));
    expect(signal).toEqual({ kind: 'new_country', country: 'AU', knownCountries: ['FR', 'GB'] });
  });

  it('an app the account has used before is not new, even when it was not the last one', () => {
    const signIns = [past(GEO.london, 1, { clientId: 'mobile' }), past(GEO.london, 24, { clientId: 'web' })];
    expect(assessRisk({ signIns, knownDevice: true, failures: [] }, now(GEO.london, { clientId: 'web' }))).toEqual([]);
  });

  it('a far-away sign-in in the same millisecond is impossible travel with no speed to state', () => {
    const [, signal] = assessRisk({ signIns: [past(GEO.london, 0)], knownDevice: true, failures: [] }, now(GEO.sydney));
    expect(signal).toMatchObject({ kind: 'impossible_travel', hours: 0, speedKmh: null });
  });

  it('travel of exactly the minimum distance, at exactly the threshold speed, is possible; any faster is not', () => {
    const distance = greatCircleKm(GEO.london, GEO.paris);
    const history = { signIns: [past(GEO.london, 1)], knownDevice: true, failures: [] };
    const current = now(GEO.paris, { country: 'GB' });
    const atThreshold = { ...DEFAULT_RISK_THRESHOLDS, minTravelKm: distance, impossibleTravelKmh: distance };
    expect(assessRisk(history, current, atThreshold)).toEqual([]);
    expect(assessRisk(history, current, { ...atThreshold, impossibleTravelKmh: distance - 1 }).map((s) => s.kind)).toEqual([
      'impossible_travel',
    ]);
    expect(assessRisk(history, current, { ...atThreshold, minTravelKm: distance + 1, impossibleTravelKmh: 1 })).toEqual([]);
  });

  it('a place missing either coordinate is no point to measure travel from or to', () => {
    const halfKnown = [
      { ...GEO.sydney, longitude: null },
      { ...GEO.sydney, latitude: null },
    ];
    for (const place of halfKnown) {
      expect(assessRisk({ signIns: [past(GEO.london, 0)], knownDevice: true, failures: [] }, now({ ...place, country: 'GB' }))).toEqual([]);
      expect(assessRisk({ signIns: [past({ ...place, country: 'GB' }, 0)], knownDevice: true, failures: [] }, now(GEO.london))).toEqual([]);
    }
  });
});
