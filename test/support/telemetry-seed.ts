/**
 * Seeds the built-in telemetry history with chosen values, as the nodes' rollers would have
 * written them (tests of the overview API and pages).
 *
 *   seedTelemetry(target: string | TelemetryStore, values: readonly SeedValue[], options?: { now?: number }): Promise<void>
 *
 * - `target`: a database URL (`sqlite:<file>`, `postgres://…`, `mysql://…`; migrated to the latest
 *   first, the connection closed after) or a TelemetryStore (e.g. `registry.telemetryHistory`, for
 *   an in-memory SQLite registry);
 * - each value is added to the minute bucket of `at` (ms since the epoch; any time within the
 *   minute), scope `''` (the instance) unless `scope` names a workspace id, `label` `''` unless
 *   given as a label set ({ outcome: 'success' }) or a stored key (`outcome=success`);
 * - then minutes older than 48 hours before `now` (default: Date.now()) are rolled into hours,
 *   as the roller does; so seed the week before as well as today's.
 *
 * Series names and labels: SERIES in src/core/ports/telemetry-store.ts. Examples:
 *   { at, series: SERIES.signIns, label: { outcome: 'success' }, value: 12 }
 *   { at, series: SERIES.signIns, label: { outcome: 'invalid_credentials' }, value: 3 }
 *   { at, series: SERIES.revocations, label: { actor: 'admin' }, value: 2, scope: workspaceId }
 *   { at, series: SERIES.validationDuration, label: { operation: 'validation', le: '0.005' }, value: 90 }  // cumulative per le, like Prometheus
 *   { at, series: SERIES.mails, label: { kind: 'suspicious_sign_in', outcome: 'sent' }, value: 4 }
 */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyTelemetryStore } from '../../src/adapters/kysely/kysely-telemetry-store.js';
import { HOUR_MS, MINUTE_MS, MINUTES_KEPT_MS, labelKey, type TelemetryStore } from '../../src/core/ports/telemetry-store.js';

export interface SeedValue {
  /** Any time within the minute the value belongs to (ms since the epoch). */
  at: number;
  series: string;
  /** A label set, or its stored key; default none. */
  label?: Readonly<Record<string, string | number>> | string;
  value: number;
  /** A workspace id; default `''`, the instance. */
  scope?: string;
}

export async function seedTelemetry(
  target: string | TelemetryStore,
  values: readonly SeedValue[],
  options: { now?: number } = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  if (typeof target !== 'string') return seed(target, values, now);
  const { db } = connect(target);
  try {
    await migrateToLatest(db);
    await seed(kyselyTelemetryStore(db), values, now);
  } finally {
    await db.destroy();
  }
}

async function seed(store: TelemetryStore, values: readonly SeedValue[], now: number): Promise<void> {
  const byMinute = new Map<number, { scope: string; series: string; label: string; value: number }[]>();
  for (const v of values) {
    const minute = v.at - (v.at % MINUTE_MS);
    const label = typeof v.label === 'string' ? v.label : labelKey(v.label ?? {});
    const list = byMinute.get(minute) ?? [];
    list.push({ scope: v.scope ?? '', series: v.series, label, value: v.value });
    byMinute.set(minute, list);
  }
  for (const [minute, list] of byMinute) await store.add(minute, list);
  const cutoff = now - MINUTES_KEPT_MS;
  await store.rollUp(cutoff - (cutoff % HOUR_MS));
}
