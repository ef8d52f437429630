/**
 * The rules engine for sign-in risk: pure, no I/O, no clock of its own (times come in the
 * arguments). Each rule returns a signal with the evidence that triggered it, so the timeline and
 * the alert mail can say *why*. The account's first sign-in is the baseline: nothing is "new" yet.
 */
import type { Limit } from './accounts.js';

export interface PlaceAt {
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** An earlier successful sign-in of the account. */
export interface PastSignIn extends PlaceAt {
  at: number;
  deviceId: string | null;
  clientId: string | null;
}

export interface SignInHistory {
  /** Earlier successful sign-ins, newest first (bounded by the caller). */
  signIns: readonly PastSignIn[];
  /** Whether this device (cookie or native device.id) was seen on this account before. */
  knownDevice: boolean;
  /** Times of failed sign-ins against the account, newest first (bounded by the caller). */
  failures: readonly number[];
}

export interface CurrentSignIn extends PlaceAt {
  at: number;
  deviceId: string | null;
  clientId: string;
}

export interface RiskThresholds {
  /** Faster than this between two sign-ins' approximate locations is impossible travel. */
  impossibleTravelKmh: number;
  /** Closer than this is GeoIP noise (city databases are often tens of km off): never travel. */
  minTravelKm: number;
  /** This many failures within the window before a success is a burst. */
  failureBurst: Limit;
}

export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = {
  // Faster than an airliner's cruising speed.
  impossibleTravelKmh: 900,
  minTravelKm: 100,
  failureBurst: { limit: 5, windowMs: 15 * 60_000 },
};

export type RiskSignal =
  | { kind: 'new_device'; deviceId: string }
  | { kind: 'new_country'; country: string; knownCountries: string[] }
  | {
      kind: 'impossible_travel';
      distanceKm: number;
      hours: number;
      speedKmh: number | null;
      from: { city: string | null; country: string | null; at: number };
    }
  | { kind: 'failures_then_success'; failures: number; windowMs: number }
  | { kind: 'new_client'; clientId: string };

export type RiskKind = RiskSignal['kind'];

/** These alone make a sign-in suspicious; a new device or app on its own is a notice. */
const SUSPICIOUS: ReadonlySet<RiskKind> = new Set(['new_country', 'impossible_travel', 'failures_then_success']);

export function isSuspicious(signals: readonly RiskSignal[]): boolean {
  return signals.some((s) => SUSPICIOUS.has(s.kind));
}

export function assessRisk(
  history: SignInHistory,
  current: CurrentSignIn,
  thresholds: RiskThresholds = DEFAULT_RISK_THRESHOLDS,
): RiskSignal[] {
  const failures = failureBurst(history, current, thresholds);
  // First sign-in of the account: the baseline. Only a failure burst can be said already.
  if (history.signIns.length === 0) return failures ? [failures] : [];
  return [
    newDevice(history, current),
    newCountry(history, current),
    impossibleTravel(history, current, thresholds),
    failures,
    newClient(history, current),
  ].filter((s): s is RiskSignal => s !== null);
}

function newDevice(history: SignInHistory, current: CurrentSignIn): RiskSignal | null {
  // Without a device id (a CLI that sends none) there is nothing to recognise; the app rule covers it.
  return current.deviceId !== null && !history.knownDevice ? { kind: 'new_device', deviceId: current.deviceId } : null;
}

function newCountry(history: SignInHistory, current: CurrentSignIn): RiskSignal | null {
  if (current.country === null) return null;
  const known = [...new Set(history.signIns.map((s) => s.country).filter((c): c is string => c !== null))].sort();
  // Only when the account has a known country: a first real location after local ones is no signal.
  if (known.length === 0 || known.includes(current.country)) return null;
  return { kind: 'new_country', country: current.country, knownCountries: known };
}

function impossibleTravel(history: SignInHistory, current: CurrentSignIn, t: RiskThresholds): RiskSignal | null {
  const previous = history.signIns[0];
  if (!previous || !hasPoint(previous) || !hasPoint(current)) return null;
  const distanceKm = greatCircleKm(previous, current);
  if (distanceKm < t.minTravelKm) return null;
  const hours = Math.max(0, current.at - previous.at) / 3_600_000;
  const speedKmh = hours === 0 ? null : distanceKm / hours;
  if (speedKmh !== null && speedKmh <= t.impossibleTravelKmh) return null;
  return {
    kind: 'impossible_travel',
    distanceKm: Math.round(distanceKm),
    hours: round2(hours),
    speedKmh: speedKmh === null ? null : Math.round(speedKmh),
    from: { city: previous.city, country: previous.country, at: previous.at },
  };
}

function failureBurst(history: SignInHistory, current: CurrentSignIn, t: RiskThresholds): RiskSignal | null {
  const lastSuccess = history.signIns[0]?.at ?? -Infinity;
  const since = Math.max(lastSuccess, current.at - t.failureBurst.windowMs);
  const failures = history.failures.filter((at) => at > since && at <= current.at).length;
  return failures >= t.failureBurst.limit ? { kind: 'failures_then_success', failures, windowMs: t.failureBurst.windowMs } : null;
}

function newClient(history: SignInHistory, current: CurrentSignIn): RiskSignal | null {
  return history.signIns.some((s) => s.clientId === current.clientId) ? null : { kind: 'new_client', clientId: current.clientId };
}

type Point = { latitude: number; longitude: number };

function hasPoint(p: PlaceAt): p is PlaceAt & Point {
  return p.latitude !== null && p.longitude !== null;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Haversine distance: accurate to well under GeoIP's own error. */
export function greatCircleKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
