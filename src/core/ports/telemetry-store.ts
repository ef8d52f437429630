/**
 * Built-in telemetry history (issue 10): per-minute buckets, summed across nodes (each node adds
 * its own deltas), rolled into per-hour buckets after 48 hours and deleted after the retention.
 * Written by telemetry/history.ts, read by the overview (core/overview.ts). Implemented by the
 * Kysely store on every engine; test/integration/telemetry-store.test.ts is its contract.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Minute buckets older than this are summed into hours. */
export const MINUTES_KEPT_MS = 48 * HOUR_MS;

/** The instance's scope; any other scope is a workspace id. */
export const INSTANCE_SCOPE = '';

/**
 * The series the overview reads. Counts of domain events are written for the instance and for
 * each workspace of the user concerned; the others are prom-client metrics of the instance, under
 * their own names (a histogram as `<name>_bucket` per `le`, `<name>_sum` and `<name>_count`).
 * Labels are `key=value` pairs sorted by key and joined by `,` (`''`: none); see `labelKey`.
 */
export const SERIES = {
  /** Sign-in attempts by `outcome`: `success` or the error code the caller saw. */
  signIns: 'sign_ins',
  /** Code steps of sign-in by `outcome`: `passed` or `failed`. */
  mfaChallenges: 'mfa_challenges',
  /** Sign-ins the risk rules flagged (`suspicious_sign_in` on the timeline). */
  suspiciousSignIns: 'suspicious_sign_ins',
  /** Sessions ended by `actor`: `user`, `admin`, `policy`, `system`. */
  revocations: 'revocations',
  /** CPU seconds (user and system) the node spent. */
  cpuSeconds: 'process_cpu_seconds',
  validationDuration: 'sessiond_operation_duration_seconds_bucket',
  revocationLag: 'sessiond_revocation_lag_seconds_bucket',
  mails: 'sessiond_mail_total',
  databaseErrors: 'sessiond_database_errors_total',
  unavailable: 'sessiond_unavailable_total',
  rateLimited: 'sessiond_rate_limited_total',
  databaseStatements: 'sessiond_database_statements_total',
  requests: 'sessiond_http_request_duration_seconds_count',
  validations: 'sessiond_session_validations_total',
  cacheLookups: 'sessiond_session_cache_lookups_total',
} as const;

export interface TelemetryValue {
  scope: string;
  series: string;
  label: string;
  value: number;
}

/** A sum over one step (or over one stored hour, when the step is shorter than an hour). */
export interface TelemetryBucket {
  /** Start of the bucket, epoch ms. */
  at: number;
  /** Its length: the step, or an hour when only hours are kept there and the step is shorter. */
  widthMs: number;
  series: string;
  label: string;
  value: number;
}

export interface TelemetryQuery {
  scope: string;
  series: readonly string[];
  /** Inclusive, a multiple of `stepMs`. */
  from: number;
  /** Exclusive. */
  to: number;
  /** A multiple of a minute; buckets start at multiples of it. */
  stepMs: number;
}

/** A suspicious sign-in, or one of the answers to it, from the security timeline. */
export interface AlertTimelineEntry {
  userId: string;
  kind: 'suspicious_sign_in' | 'sessions_reviewed' | 'session_reported';
  at: number;
}

export interface TelemetryStore {
  /** Adds each value to its minute's bucket (`value = value + added`: every node adds its own); zeros too (a histogram's empty buckets). */
  add(minute: number, values: readonly TelemetryValue[]): Promise<void>;
  /** Sums of the scope's series over [from, to), per step and label, ordered by time. */
  read(query: TelemetryQuery): Promise<TelemetryBucket[]>;
  /**
   * Sums the minute buckets before `before` (a multiple of an hour) into hour buckets and deletes
   * them, in one transaction; returns how many minute rows it rolled. Of nodes rolling at once,
   * each row is rolled by one.
   */
  rollUp(before: number): Promise<number>;
  /** Deletes hour buckets before `before`; returns how many. */
  purge(before: number): Promise<number>;
  /**
   * Suspicious sign-ins and the answers to them (`sessions_reviewed`, `session_reported`) in
   * [from, to), oldest first, of every account (scope '') or of the workspace's members (any
   * membership status); at most `limit`.
   */
  alertTimeline(scope: string, from: number, to: number, limit: number): Promise<AlertTimelineEntry[]>;
}

/** The stored form of a label set: `key=value` sorted by key, joined by `,`; `,` `=` `%` escaped. */
export function labelKey(labels: Readonly<Record<string, string | number>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${escape(k)}=${escape(String(labels[k]))}`)
    .join(',');
}

/** The label set of a stored label key. */
export function parseLabelKey(key: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (key === '') return labels;
  for (const pair of key.split(',')) {
    const i = pair.indexOf('=');
    labels[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1));
  }
  return labels;
}

function escape(text: string): string {
  return text.replace(/[%,=]/g, (c) => encodeURIComponent(c));
}
