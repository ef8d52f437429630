/** The TelemetryStore port over Kysely (SQLite, PostgreSQL, MySQL): telemetry_minutes and telemetry_hours (0022). */
import { sql } from 'kysely';
import {
  HOUR_MS,
  type AlertTimelineEntry,
  type TelemetryBucket,
  type TelemetryStore,
  type TelemetryValue,
} from '../../core/ports/telemetry-store.js';
import type { Db } from './database.js';
import { engineOf } from './engine.js';

/** Rows per insert statement (5 parameters each, far below every engine's limit). */
const CHUNK = 500;

const ALERT_KINDS = ['suspicious_sign_in', 'sessions_reviewed', 'session_reported'] as const;

interface Row {
  time: number;
  scope: string;
  series: string;
  label: string;
  value: number;
}

export function kyselyTelemetryStore(db: Db): TelemetryStore {
  const engine = engineOf(db);

  /**
   * Adds rows to a table's buckets. Rows of one key are merged first (PostgreSQL refuses to update
   * one row twice in a statement), and written in key order, so nodes adding at once take their
   * row locks in the same order and never deadlock.
   */
  async function addRows(executor: Db, table: 'telemetry_minutes' | 'telemetry_hours', rows: readonly Row[]): Promise<void> {
    const merged = new Map<string, Row>();
    for (const row of rows) {
      if (!Number.isFinite(row.value)) continue;
      const key = `${row.time}\u0000${row.scope}\u0000${row.series}\u0000${row.label}`;
      const seen = merged.get(key);
      if (seen) seen.value += row.value;
      else merged.set(key, { ...row });
    }
    const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const chunk = sorted.slice(i, i + CHUNK);
      if (table === 'telemetry_minutes')
        await executor
          .insertInto('telemetry_minutes')
          .values(chunk.map((r) => ({ minute: r.time, scope: r.scope, series: r.series, label: r.label, value: r.value })))
          .onConflict((oc) =>
            oc
              .columns(['minute', 'scope', 'series', 'label'])
              .doUpdateSet((eb) => ({ value: eb(eb.ref('telemetry_minutes.value'), '+', eb.ref('excluded.value')) })),
          )
          .execute();
      else
        await executor
          .insertInto('telemetry_hours')
          .values(chunk.map((r) => ({ hour: r.time, scope: r.scope, series: r.series, label: r.label, value: r.value })))
          .onConflict((oc) =>
            oc
              .columns(['hour', 'scope', 'series', 'label'])
              .doUpdateSet((eb) => ({ value: eb(eb.ref('telemetry_hours.value'), '+', eb.ref('excluded.value')) })),
          )
          .execute();
    }
  }

  return {
    async add(minute, values: readonly TelemetryValue[]) {
      await addRows(
        db,
        'telemetry_minutes',
        values.map((v) => ({ time: minute, ...v })),
      );
    },

    async read({ scope, series, from, to, stepMs }) {
      if (series.length === 0 || to <= from) return [];
      const step = sql.lit(stepMs);
      const minutes = await db
        .selectFrom('telemetry_minutes')
        .select([sql<number>`minute - (minute % ${step})`.as('at'), 'series', 'label', (eb) => eb.fn.sum<number>('value').as('value')])
        .where('scope', '=', scope)
        .where('series', 'in', series)
        .where('minute', '>=', from)
        .where('minute', '<', to)
        .groupBy([sql`minute - (minute % ${step})`, 'series', 'label'])
        .execute();
      // Hours: per step when the step is whole hours, else per stored hour (the reader spreads it).
      const hourly = stepMs % HOUR_MS === 0;
      const hourStep = sql.lit(hourly ? stepMs : HOUR_MS);
      const hours = await db
        .selectFrom('telemetry_hours')
        .select([sql<number>`hour - (hour % ${hourStep})`.as('at'), 'series', 'label', (eb) => eb.fn.sum<number>('value').as('value')])
        .where('scope', '=', scope)
        .where('series', 'in', series)
        .where('hour', '>', from - HOUR_MS)
        .where('hour', '<', to)
        .groupBy([sql`hour - (hour % ${hourStep})`, 'series', 'label'])
        .execute();
      const buckets: TelemetryBucket[] = [
        ...minutes.map((r) => ({ at: Number(r.at), widthMs: stepMs, series: r.series, label: r.label, value: Number(r.value) })),
        ...hours.map((r) => ({
          at: Number(r.at),
          widthMs: hourly ? stepMs : HOUR_MS,
          series: r.series,
          label: r.label,
          value: Number(r.value),
        })),
      ];
      return buckets.sort((a, b) => a.at - b.at);
    },

    async rollUp(before) {
      return db.transaction().execute(async (trx) => {
        // Locked as read: a node rolling at the same time waits, then finds them gone.
        let select = trx
          .selectFrom('telemetry_minutes')
          .select(['minute', 'scope', 'series', 'label', 'value'])
          .where('minute', '<', before);
        if (engine !== 'sqlite') select = select.forUpdate();
        const rows = await select.execute();
        if (rows.length === 0) return 0;
        await trx.deleteFrom('telemetry_minutes').where('minute', '<', before).execute();
        await addRows(
          trx,
          'telemetry_hours',
          rows.map((r) => {
            const minute = Number(r.minute);
            return { time: minute - (minute % HOUR_MS), scope: r.scope, series: r.series, label: r.label, value: Number(r.value) };
          }),
        );
        return rows.length;
      });
    },

    async purge(before) {
      const result = await db.deleteFrom('telemetry_hours').where('hour', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async alertTimeline(scope, from, to, limit) {
      let query = db
        .selectFrom('security_events')
        .select(['user_id', 'kind', 'at'])
        .where('kind', 'in', ALERT_KINDS)
        .where('at', '>=', from)
        .where('at', '<', to);
      if (scope !== '')
        query = query.where('user_id', 'in', (eb) =>
          eb.selectFrom('workspace_members').select('user_id').where('workspace_id', '=', scope),
        );
      const rows = await query.orderBy('at').orderBy('id').limit(limit).execute();
      return rows.map((r): AlertTimelineEntry => ({ userId: r.user_id, kind: r.kind as AlertTimelineEntry['kind'], at: Number(r.at) }));
    },
  };
}
