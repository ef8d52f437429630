import { sql, type Kysely, type Migration } from 'kysely';
import { dropIndex, engineOf } from '../engine.js';

/**
 * Built-in history of what the nodes measure (issue 10, telemetry/history.ts): every node adds
 * its own deltas, so a bucket holds the sum across nodes.
 *
 * - `telemetry_minutes`: one row per minute (epoch ms of the minute's start), scope (`''` the
 *   instance, else a workspace id), series (a metric name or an event count's name) and label
 *   (the label set, `k=v,k=v` in a fixed order; `''` without labels). Kept 48 hours;
 * - `telemetry_hours`: the same, per hour, summed from the minutes; kept `--telemetry-retention`.
 *
 * The text keys are bounded `varchar`s on every engine (MySQL cannot key TEXT; the four-column
 * key stays within InnoDB's 3,072 bytes in utf8mb4). `security_events (kind, at)`: the overview
 * reads suspicious sign-ins and the answers to them across accounts, by time (on MySQL by the
 * kind's first 32 characters: it keys TEXT by a prefix only).
 */
export const telemetryHistory: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [table, time] of [
      ['telemetry_minutes', 'minute'],
      ['telemetry_hours', 'hour'],
    ] as const) {
      await db.schema
        .createTable(table)
        .addColumn(time, 'bigint', (c) => c.notNull())
        .addColumn('scope', 'varchar(64)', (c) => c.notNull())
        .addColumn('series', 'varchar(128)', (c) => c.notNull())
        .addColumn('label', 'varchar(255)', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, [time, 'scope', 'series', 'label'])
        .execute();
    }
    // MySQL keys a TEXT column by a prefix only: the kinds are short codes.
    if (engineOf(db) === 'mysql') await sql`create index security_events_kind_at on security_events (kind(32), at)`.execute(db);
    else await db.schema.createIndex('security_events_kind_at').on('security_events').columns(['kind', 'at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await dropIndex(db, 'security_events_kind_at', 'security_events').execute();
    await db.schema.dropTable('telemetry_hours').execute();
    await db.schema.dropTable('telemetry_minutes').execute();
  },
};
