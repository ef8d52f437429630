/**
 * The security overview (issue 10): what a security owner reads of the last 24 hours or 7 days,
 * each figure beside the same period one week earlier, from the built-in history
 * (ports/telemetry-store.ts) and the security timeline.
 *
 * Who reads it: a workspace's owners and security admins (and its API keys with `audit:read`)
 * its own, through `Workspaces.authorize` (an outsider: 404, a member: 403); the accounts named by
 * `--instance-admins` the instance's (everyone else: 403). A workspace's overview counts its
 * members' sign-ins, code steps, suspicious sign-ins and ended sessions; the node figures
 * (latency, revocation lag, mail, database, cost) are the instance's on both.
 */
import { SessiondError } from './errors.js';
import type { Clock } from './ports/clock.js';
import {
  INSTANCE_SCOPE,
  SERIES,
  parseLabelKey,
  type AlertTimelineEntry,
  type TelemetryBucket,
  type TelemetryStore,
} from './ports/telemetry-store.js';
import { emailKey } from './user.js';
import type { WorkspaceCaller, Workspaces } from './workspaces.js';

export type OverviewRange = '24h' | '7d';
export const OVERVIEW_RANGES: readonly OverviewRange[] = ['24h', '7d'];

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** Each range's length and chart step. */
export const RANGE_SHAPE: Record<OverviewRange, { lengthMs: number; stepMs: number }> = {
  '24h': { lengthMs: 24 * HOUR_MS, stepMs: 15 * 60_000 },
  '7d': { lengthMs: WEEK_MS, stepMs: HOUR_MS },
};

export const FIGURE_IDS = [
  'sign_ins',
  'sign_in_success_rate',
  'sign_in_failures',
  'mfa_failures',
  'suspicious_sign_ins',
  'suspicious_confirmed',
  'suspicious_reported',
  'median_alert_to_review_ms',
  'revocations',
  'validation_p50_seconds',
  'validation_p99_seconds',
  'revocation_lag_p99_seconds',
  'alert_mails_sent',
  'alert_mails_failed',
  'database_errors',
  'unavailable_answers',
  'rate_limited',
  'db_statements_per_request',
  'cpu_seconds_per_1000_validations',
  'cache_hit_ratio',
] as const;
export type FigureId = (typeof FIGURE_IDS)[number];

export const SERIES_IDS = [
  'sign_ins',
  'sign_in_failures',
  'sign_in_success_rate',
  'validation_p50_seconds',
  'validation_p99_seconds',
  'revocation_lag_p99_seconds',
  'revocations',
  'suspicious_sign_ins',
  'alert_mails_sent',
  'alert_mails_failed',
] as const;
export type SeriesId = (typeof SERIES_IDS)[number];

/** The mails that tell an account's owner about its security (sessiond_mail_total{kind}). */
export const ALERT_MAIL_KINDS: readonly string[] = ['suspicious_sign_in', 'new_device', 'password_changed', 'mfa_changed'];

/** At most this many timeline entries are read for the alert figures of one period. */
const ALERT_LIMIT = 100_000;

export interface Figure {
  id: FigureId;
  current: number | null;
  previous: number | null;
}

export interface Breakdown {
  key: string;
  current: number;
  previous: number;
}

export interface ChartSeries {
  id: SeriesId;
  t: number[];
  current: (number | null)[];
  previous: (number | null)[];
}

export interface OverviewReport {
  scope: 'workspace' | 'instance';
  range: OverviewRange;
  from: number;
  to: number;
  previousFrom: number;
  previousTo: number;
  stepMs: number;
  figures: Figure[];
  failuresByReason: Breakdown[];
  revocationsByActor: Breakdown[];
  series: ChartSeries[];
}

export interface OverviewDeps {
  store: TelemetryStore;
  workspaces: Pick<Workspaces, 'authorize'>;
  clock: Clock;
  /** Addresses of the accounts that read the instance's overview. */
  instanceAdmins: readonly string[];
}

/** The series a scope's own events fill; the others are the instance's. */
const EVENT_SERIES = [SERIES.signIns, SERIES.mfaChallenges, SERIES.suspiciousSignIns, SERIES.revocations];
const NODE_SERIES = [
  SERIES.cpuSeconds,
  SERIES.validationDuration,
  SERIES.revocationLag,
  SERIES.mails,
  SERIES.databaseErrors,
  SERIES.unavailable,
  SERIES.rateLimited,
  SERIES.databaseStatements,
  SERIES.requests,
  SERIES.validations,
  SERIES.cacheLookups,
];

export class Overview {
  readonly #deps: OverviewDeps;
  readonly #admins: ReadonlySet<string>;

  constructor(deps: OverviewDeps) {
    this.#deps = deps;
    this.#admins = new Set(deps.instanceAdmins.map(emailKey));
  }

  /** Whether the account reads the instance's overview. */
  isInstanceAdmin(email: string): boolean {
    return this.#admins.has(emailKey(email));
  }

  async workspace(caller: Pick<WorkspaceCaller, 'userId' | 'key'>, workspaceId: string, range: OverviewRange): Promise<OverviewReport> {
    await this.#deps.workspaces.authorize(caller, workspaceId, 'view_overview');
    return this.#report('workspace', workspaceId, range);
  }

  /** `email`: the signed-in caller's address; null for a caller without an account (an API key). */
  async instance(email: string | null, range: OverviewRange): Promise<OverviewReport> {
    if (email === null || !this.isInstanceAdmin(email))
      throw new SessiondError('forbidden', 'Only the instance’s admins (--instance-admins) read the instance overview.');
    return this.#report('instance', INSTANCE_SCOPE, range);
  }

  async #report(kind: OverviewReport['scope'], scope: string, range: OverviewRange): Promise<OverviewReport> {
    const { lengthMs, stepMs } = RANGE_SHAPE[range];
    const now = this.#deps.clock.now();
    // Periods end at the end of the current hour: the week before is kept per hour, and its
    // figures are then whole hours too. Steps after now have no value yet (null).
    const to = Math.ceil((now + 1) / HOUR_MS) * HOUR_MS;
    const from = to - lengthMs;
    const [current, previous] = await Promise.all([
      this.#period(scope, from, to, stepMs),
      this.#period(scope, from - WEEK_MS, to - WEEK_MS, stepMs),
    ]);
    const figures = FIGURE_IDS.map((id) => ({ id, current: current.figures[id], previous: previous.figures[id] }));
    const series = SERIES_IDS.map((id) => ({
      id,
      t: current.t,
      current: current.series[id].map((v, i) => (current.t[i]! > now ? null : v)),
      previous: previous.series[id],
    }));
    return {
      scope: kind,
      range,
      from,
      to,
      previousFrom: from - WEEK_MS,
      previousTo: to - WEEK_MS,
      stepMs,
      figures,
      failuresByReason: breakdown(current.failures, previous.failures),
      revocationsByActor: breakdown(current.actors, previous.actors),
      series,
    };
  }

  async #period(scope: string, from: number, to: number, stepMs: number) {
    const { store } = this.#deps;
    const [own, node, alerts] = await Promise.all([
      store.read({ scope, series: EVENT_SERIES, from, to, stepMs }),
      store.read({ scope: INSTANCE_SCOPE, series: NODE_SERIES, from, to, stepMs }),
      store.alertTimeline(scope, from, to, ALERT_LIMIT),
    ]);
    const n = Math.round((to - from) / stepMs);
    const grid = spread([...own, ...node], from, stepMs, n);
    const steps = (series: string, match: (labels: Record<string, string>) => boolean = () => true) => {
      const out = new Array<number>(n).fill(0);
      for (const [label, values] of grid.get(series) ?? []) {
        if (!match(parseLabelKey(label))) continue;
        for (let i = 0; i < n; i++) out[i]! += values[i]!;
      }
      return out;
    };
    const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

    const signIns = steps(SERIES.signIns);
    const successes = steps(SERIES.signIns, (l) => l.outcome === 'success');
    const failures = signIns.map((v, i) => v - successes[i]!);
    const mails = (outcome: string) => steps(SERIES.mails, (l) => l.outcome === outcome && ALERT_MAIL_KINDS.includes(l.kind ?? ''));
    const mailsSent = mails('sent');
    const mailsFailed = mails('failed');
    const revocations = steps(SERIES.revocations);
    const suspicious = steps(SERIES.suspiciousSignIns);
    const validationBuckets = histogram(grid.get(SERIES.validationDuration), n, (l) => l.operation === 'validation');
    const lagBuckets = histogram(grid.get(SERIES.revocationLag), n, () => true);
    const answers = answersTo(alerts);
    const lookups = steps(SERIES.cacheLookups);

    const figures: Record<FigureId, number | null> = {
      sign_ins: total(signIns),
      sign_in_success_rate: ratio(total(successes), total(signIns)),
      sign_in_failures: total(failures),
      mfa_failures: total(steps(SERIES.mfaChallenges, (l) => l.outcome === 'failed')),
      suspicious_sign_ins: total(suspicious),
      suspicious_confirmed: answers.confirmed,
      suspicious_reported: answers.reported,
      median_alert_to_review_ms: median(answers.delays),
      revocations: total(revocations),
      validation_p50_seconds: quantile(0.5, validationBuckets.total),
      validation_p99_seconds: quantile(0.99, validationBuckets.total),
      revocation_lag_p99_seconds: quantile(0.99, lagBuckets.total),
      alert_mails_sent: total(mailsSent),
      alert_mails_failed: total(mailsFailed),
      database_errors: total(steps(SERIES.databaseErrors)),
      unavailable_answers: total(steps(SERIES.unavailable)),
      rate_limited: total(steps(SERIES.rateLimited)),
      db_statements_per_request: ratio(total(steps(SERIES.databaseStatements)), total(steps(SERIES.requests))),
      cpu_seconds_per_1000_validations: ((v) => (v === null ? null : v * 1000))(
        ratio(total(steps(SERIES.cpuSeconds)), total(steps(SERIES.validations))),
      ),
      cache_hit_ratio: ratio(total(steps(SERIES.cacheLookups, (l) => l.result === 'hit')), total(lookups)),
    };
    const series: Record<SeriesId, (number | null)[]> = {
      sign_ins: signIns,
      sign_in_failures: failures,
      sign_in_success_rate: signIns.map((v, i) => ratio(successes[i]!, v)),
      validation_p50_seconds: validationBuckets.perStep.map((b) => quantile(0.5, b)),
      validation_p99_seconds: validationBuckets.perStep.map((b) => quantile(0.99, b)),
      revocation_lag_p99_seconds: lagBuckets.perStep.map((b) => quantile(0.99, b)),
      revocations,
      suspicious_sign_ins: suspicious,
      alert_mails_sent: mailsSent,
      alert_mails_failed: mailsFailed,
    };
    const byLabel = (series: string, key: string, skip?: string) => {
      const out = new Map<string, number>();
      for (const [label, values] of grid.get(series) ?? []) {
        const value = parseLabelKey(label)[key];
        if (value === undefined || value === skip) continue;
        out.set(value, (out.get(value) ?? 0) + total(values));
      }
      return out;
    };
    return {
      t: Array.from({ length: n }, (_, i) => from + i * stepMs),
      figures,
      series,
      failures: byLabel(SERIES.signIns, 'outcome', 'success'),
      actors: byLabel(SERIES.revocations, 'actor'),
    };
  }
}

/**
 * The buckets on the step grid: series → label → one value per step. A bucket longer than a step
 * (an hour kept only as an hour, read at 15-minute steps) is shared among the steps it covers in
 * proportion, so totals stay exact and the chart shows the hour's level.
 */
function spread(buckets: readonly TelemetryBucket[], from: number, stepMs: number, n: number): Map<string, Map<string, number[]>> {
  const grid = new Map<string, Map<string, number[]>>();
  for (const b of buckets) {
    let labels = grid.get(b.series);
    if (!labels) grid.set(b.series, (labels = new Map()));
    let values = labels.get(b.label);
    if (!values) labels.set(b.label, (values = new Array<number>(n).fill(0)));
    const end = b.at + b.widthMs;
    for (let i = Math.max(0, Math.floor((b.at - from) / stepMs)); i < n; i++) {
      const start = from + i * stepMs;
      if (start >= end) break;
      const overlap = Math.min(end, start + stepMs) - Math.max(b.at, start);
      if (overlap > 0) values[i]! += (b.value * overlap) / b.widthMs;
    }
  }
  return grid;
}

/** Cumulative bucket counts by upper bound (`le`), in total and per step. */
type Buckets = Map<number, number>;

function histogram(
  labels: Map<string, number[]> | undefined,
  n: number,
  match: (labels: Record<string, string>) => boolean,
): { total: Buckets; perStep: Buckets[] } {
  const total: Buckets = new Map();
  const perStep: Buckets[] = Array.from({ length: n }, () => new Map());
  for (const [label, values] of labels ?? []) {
    const parsed = parseLabelKey(label);
    if (parsed.le === undefined || !match(parsed)) continue;
    const le = parsed.le === '+Inf' ? Infinity : Number(parsed.le);
    if (Number.isNaN(le)) continue;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      total.set(le, (total.get(le) ?? 0) + v);
      perStep[i]!.set(le, (perStep[i]!.get(le) ?? 0) + v);
    }
  }
  return { total, perStep };
}

/**
 * The q-quantile of a histogram from its cumulative buckets, by linear interpolation inside the
 * bucket it falls in (as Prometheus's histogram_quantile); in the +Inf bucket, the highest finite
 * bound. Null without observations.
 */
export function quantile(q: number, buckets: Buckets): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const count = buckets.get(Infinity) ?? (bounds.length ? buckets.get(bounds[bounds.length - 1]!)! : 0);
  if (!(count > 0)) return null;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const cumulative = buckets.get(le)!;
    if (cumulative >= rank) {
      if (le === Infinity) return lower;
      const inBucket = cumulative - below;
      return inBucket > 0 ? lower + ((le - lower) * (rank - below)) / inBucket : le;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

/**
 * Each suspicious sign-in and its answer: the user's next review of their sessions (confirmed)
 * or "This wasn't me" (reported), and the time it took.
 */
function answersTo(entries: readonly AlertTimelineEntry[]): { confirmed: number; reported: number; delays: number[] } {
  const open = new Map<string, number[]>();
  let confirmed = 0;
  let reported = 0;
  const delays: number[] = [];
  for (const e of entries) {
    if (e.kind === 'suspicious_sign_in') {
      const list = open.get(e.userId) ?? [];
      list.push(e.at);
      open.set(e.userId, list);
      continue;
    }
    const waiting = open.get(e.userId);
    if (!waiting) continue;
    open.delete(e.userId);
    for (const at of waiting) {
      delays.push(e.at - at);
      if (e.kind === 'session_reported') reported++;
      else confirmed++;
    }
  }
  return { confirmed, reported, delays };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Keys of either period, the current period's largest first. */
function breakdown(current: Map<string, number>, previous: Map<string, number>): Breakdown[] {
  const keys = new Set([...current.keys(), ...previous.keys()]);
  return [...keys]
    .map((key) => ({ key, current: current.get(key) ?? 0, previous: previous.get(key) ?? 0 }))
    .sort((a, b) => b.current - a.current || b.previous - a.previous || (a.key < b.key ? -1 : 1));
}
