/**
 * Pure wording for the security overview: what each figure is, how it is written, which way is
 * better, and the change against last week. No DOM; tested beside this file.
 */
import type { Overview, OverviewFigureId } from '../../api';
import { messages as defaultMessages } from '../../messages';
import type { Messages } from '../../messages';

/** How a figure is written: a count, a 0..1 ratio (as %), a duration in seconds or in ms, a plain number. */
export type FigureKind = 'count' | 'ratio' | 'seconds' | 'ms' | 'decimal';
/** Which way is good news: higher, lower, or neither (a count of activity, not of trouble). */
export type Better = 'higher' | 'lower' | 'none';

export interface FigureInfo {
  kind: FigureKind;
  better: Better;
  /** Measured per node for the whole instance, even on a workspace's overview. */
  instanceWide: boolean;
}

/** Every figure the API answers (a new one fails the type check until it is described here). */
export const FIGURES: Record<OverviewFigureId, FigureInfo> = {
  sign_ins: { kind: 'count', better: 'none', instanceWide: false },
  sign_in_success_rate: { kind: 'ratio', better: 'higher', instanceWide: false },
  sign_in_failures: { kind: 'count', better: 'lower', instanceWide: false },
  mfa_failures: { kind: 'count', better: 'lower', instanceWide: false },
  suspicious_sign_ins: { kind: 'count', better: 'lower', instanceWide: false },
  suspicious_confirmed: { kind: 'count', better: 'none', instanceWide: false },
  suspicious_reported: { kind: 'count', better: 'lower', instanceWide: false },
  median_alert_to_review_ms: { kind: 'ms', better: 'lower', instanceWide: false },
  revocations: { kind: 'count', better: 'none', instanceWide: false },
  validation_p50_seconds: { kind: 'seconds', better: 'lower', instanceWide: true },
  validation_p99_seconds: { kind: 'seconds', better: 'lower', instanceWide: true },
  revocation_lag_p99_seconds: { kind: 'seconds', better: 'lower', instanceWide: true },
  alert_mails_sent: { kind: 'count', better: 'none', instanceWide: true },
  alert_mails_failed: { kind: 'count', better: 'lower', instanceWide: true },
  database_errors: { kind: 'count', better: 'lower', instanceWide: true },
  unavailable_answers: { kind: 'count', better: 'lower', instanceWide: true },
  rate_limited: { kind: 'count', better: 'none', instanceWide: true },
  db_statements_per_request: { kind: 'decimal', better: 'lower', instanceWide: true },
  cpu_seconds_per_1000_validations: { kind: 'decimal', better: 'lower', instanceWide: true },
  cache_hit_ratio: { kind: 'ratio', better: 'higher', instanceWide: true },
};

export function figureInfo(id: string): FigureInfo {
  return (FIGURES as Record<string, FigureInfo | undefined>)[id] ?? { kind: 'decimal', better: 'none', instanceWide: false };
}

export function figureName(id: string, m: Messages = defaultMessages): string {
  return m.overview.figures[id] ?? id.replace(/_/g, ' ');
}

/** A figure's value as a person reads it: "1,234", "92.5%", "12 ms", "1.4 s", "3 min", "0.25". */
export function formatValue(value: number | null, kind: FigureKind, m: Messages = defaultMessages): string {
  if (value === null || !Number.isFinite(value)) return m.overview.none;
  const n = (v: number, digits: number) => new Intl.NumberFormat(m.locale, { maximumFractionDigits: digits }).format(v);
  switch (kind) {
    case 'count':
      return n(value, 0);
    case 'ratio':
      return `${n(value * 100, 1)}%`;
    case 'seconds':
      return formatDuration(value * 1000, m);
    case 'ms':
      return formatDuration(value, m);
    case 'decimal':
      return n(value, value !== 0 && Math.abs(value) < 1 ? 3 : 2);
  }
}

/** A duration from milliseconds: "0.4 ms", "12 ms", "1.4 s", "3 min", "2 h 5 min", "1 d 3 h". */
export function formatDuration(ms: number, m: Messages = defaultMessages): string {
  const n = (v: number, digits: number) => new Intl.NumberFormat(m.locale, { maximumFractionDigits: digits }).format(v);
  if (ms < 1) return `${n(ms, 2)} ms`;
  if (ms < 1000) return `${n(ms, ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${n(ms / 1000, 1)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 24 * 60) return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  const hours = Math.round(minutes / 60);
  return hours % 24 === 0 ? `${hours / 24} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export interface Change {
  /** null: nothing to compare with (either side missing). */
  direction: 'up' | 'down' | 'same' | null;
  /** The amount without its arrow: "20%", "3.5 pts", "from 0", "—". */
  amount: string;
  /** Whether the change is good news, by the figure's better direction; null when neither. */
  verdict: 'better' | 'worse' | null;
}

/**
 * This period against last week: the relative change in percent (10 → 12 is 20%); for a ratio the
 * difference in percentage points (95% → 92% is 3 pts), a percent of a percent misleads. No
 * baseline (either value null) is "—"; from 0 to more is "from 0".
 */
export function change(current: number | null, previous: number | null, info: FigureInfo, m: Messages = defaultMessages): Change {
  const o = m.overview;
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return { direction: null, amount: o.noBaseline, verdict: null };
  }
  const n = (v: number) => new Intl.NumberFormat(m.locale, { maximumFractionDigits: v < 10 ? 1 : 0 }).format(v);
  let amount: string;
  let size: number;
  if (info.kind === 'ratio') {
    size = (current - previous) * 100;
    amount = o.points(n(Math.abs(size)));
  } else if (previous === 0) {
    size = current;
    amount = current === 0 ? '0%' : o.fromZero;
  } else {
    size = ((current - previous) / Math.abs(previous)) * 100;
    amount = `${n(Math.abs(size))}%`;
  }
  // Rounded to nothing is no change: "▲ 0%" would say more than the numbers do.
  if (amount === '0%' || amount === o.points('0'))
    return { direction: 'same', amount: info.kind === 'ratio' ? o.points('0') : '0%', verdict: null };
  const direction = size > 0 ? 'up' : 'down';
  const verdict = info.better === 'none' ? null : (direction === 'up') === (info.better === 'higher') ? 'better' : 'worse';
  return { direction, amount, verdict };
}

/** A breakdown's key in words: "Wrong email or password" for invalid_credentials; unknown keys as the server names them. */
export function breakdownName(key: string, names: Record<string, string>): string {
  return names[key] ?? key.replace(/_/g, ' ');
}

/** The series of an overview by id; an id the server did not send is absent. */
export function seriesById(overview: Overview): Map<string, Overview['series'][number]> {
  return new Map(overview.series.map((s) => [s.id, s]));
}

/**
 * What a chart shows, in one sentence, for its text alternative: totals for counts, the highest
 * value otherwise ("Sign-ins: 12 in this period, 10 last week.").
 */
export function chartSummary(
  what: string,
  values: { current: (number | null)[]; previous: (number | null)[] },
  kind: FigureKind,
  m: Messages = defaultMessages,
): string {
  const o = m.overview;
  const present = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null && Number.isFinite(x));
  const cur = present(values.current);
  const prev = present(values.previous);
  if (cur.length === 0 && prev.length === 0) return o.chartNoData(what);
  if (kind === 'count') {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return o.chartTotals(what, formatValue(sum(cur), kind, m), formatValue(sum(prev), kind, m));
  }
  const max = (xs: number[]) => (xs.length === 0 ? null : Math.max(...xs));
  return o.chartPeaks(what, formatValue(max(cur), kind, m), formatValue(max(prev), kind, m));
}
