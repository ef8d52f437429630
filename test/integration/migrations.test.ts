/**
 * Migrations over existing data, on every engine: a database at an earlier version keeps its
 * rows when brought up to date, and the latest migration can be undone.
 */
import { createHash } from 'node:crypto';
import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import type { Db } from '../../src/adapters/kysely/database.js';
import { storedSecretKey } from '../../src/adapters/kysely/kysely-secret-key.js';
import { migrationProvider } from '../../src/adapters/kysely/migrations/index.js';
import { ENGINES, freshDatabase, type TestDatabase } from '../support/databases.js';

describe.each(ENGINES)('migrations (%s)', (engine) => {
  let database: TestDatabase | undefined;
  let db: Kysely<unknown> | undefined;
  /** PostgreSQL: this suite's schema; introspection sees every schema of the database. */
  let schema: string | undefined;
  afterEach(async () => {
    await db?.destroy();
    await database?.drop();
  });

  async function open(): Promise<{ db: Kysely<unknown>; migrator: Migrator }> {
    database = await freshDatabase(engine);
    db = connect(database.url).db as unknown as Kysely<unknown>;
    // As migrateToLatest does: Kysely's bookkeeping tables in our own schema only.
    schema =
      db.getExecutor().adapter instanceof PostgresAdapter
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
        : undefined;
    return { db, migrator: new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) }) };
  }

  const sessionColumns = async (db: Kysely<unknown>) =>
    (await db.introspection.getTables())
      .find((t) => t.name === 'sessions' && (schema === undefined || t.schema === schema))
      ?.columns.map((c) => c.name) ?? [];

  it('0005 drops sessions.trusted and keeps every session; undone, the column is back', async () => {
    const { db, migrator } = await open();
    expect((await migrator.migrateTo('0004-session-list-order')).error).toBeUndefined();
    await sql`insert into users (id, email, email_key, password_hash, created_at, password_changed_at)
              values ('u1', 'a@example.com', 'a@example.com', 'h', 1, 1)`.execute(db);
    await sql`insert into sessions (id, user_id, secret_hash, client_id, auth_method, device_name, device_os, device_type,
                                    ip, signed_in_at, last_active_at, expires_at, trusted)
              values ('s1', 'u1', 'x', 'web', 'password', 'Mac', 'macOS', 'desktop', '127.0.0.1', 1, 2, 3, 1)`.execute(db);
    expect(await sessionColumns(db)).toContain('trusted');

    const { error, results } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
    expect(results?.map((r) => r.migrationName)).toContain('0005-drop-session-trusted');
    expect(await sessionColumns(db)).not.toContain('trusted');
    const { rows } = await sql<{ id: string; last_active_at: number | string }>`select id, last_active_at from sessions`.execute(db);
    expect(rows.map((r) => [r.id, Number(r.last_active_at)])).toEqual([['s1', 2]]);

    expect((await migrator.migrateTo('0004-session-list-order')).error).toBeUndefined();
    const back = await sql<{ trusted: number }>`select trusted from sessions where id = 's1'`.execute(db);
    expect(back.rows).toEqual([{ trusted: 0 }]);
  });

  it('0007 ends trust granted before grants existed and re-keys browser devices by the hash of their cookie', async () => {
    const { db, migrator } = await open();
    expect((await migrator.migrateTo('0005-drop-session-trusted')).error).toBeUndefined();
    const cookie = 'AAAAAAAAAAAAAAAAAAAAAA'; // a browser's device cookie: 16 bytes, base64url
    await sql`insert into users (id, email, email_key, password_hash, created_at, password_changed_at)
              values ('u1', 'a@example.com', 'a@example.com', 'h', 1, 1)`.execute(db);
    await sql`insert into devices (user_id, id, name, first_seen_at, last_seen_at, trusted_until)
              values ('u1', ${cookie}, 'Mac', 1, 1, 9999999999999), ('u1', 'macbook-pro-ada', 'MacBook', 1, 1, 9999999999999)`.execute(db);
    await sql`insert into sessions (id, user_id, secret_hash, client_id, auth_method, device_id, device_name, device_os, device_type,
                                    ip, signed_in_at, last_active_at, expires_at)
              values ('s1', 'u1', 'x', 'web', 'mfa', ${cookie}, 'Mac', 'macOS', 'desktop', '127.0.0.1', 1, 2, 3)`.execute(db);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const key = createHash('sha256').update(cookie).digest('base64url');
    const devices = await sql<{ id: string; trusted_until: unknown; trust_client_id: unknown }>`
      select id, trusted_until, trust_client_id from devices order by id`.execute(db);
    expect(devices.rows.map((r) => r.id).sort()).toEqual([key, 'macbook-pro-ada'].sort());
    expect(devices.rows.every((r) => r.trusted_until === null && r.trust_client_id === null)).toBe(true);
    const sessions = await sql<{ device_id: string }>`select device_id from sessions`.execute(db);
    expect(sessions.rows).toEqual([{ device_id: key }]);

    expect((await migrator.migrateTo('0005-drop-session-trusted')).error).toBeUndefined();
  });

  it('0009 creates secret_keys, where the first key inserted stays (insert-if-absent); undone, the table is gone', async () => {
    const { db, migrator } = await open();
    expect((await migrator.migrateTo('0008-session-password-hold')).error).toBeUndefined();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const typed = db as unknown as Db;
    expect((await storedSecretKey(typed, () => 'first', 1)).created).toBe(true);
    expect(await storedSecretKey(typed, () => 'second', 2)).toEqual({ line: 'first', created: false });
    expect((await migrator.migrateTo('0008-session-password-hold')).error).toBeUndefined();
    await expect(sql`select key from secret_keys`.execute(db)).rejects.toThrow();
  });
  it('0022 keeps security events across it and adds the telemetry buckets; undone, they are gone and the events stay', async () => {
    const { db, migrator } = await open();
    expect((await migrator.migrateTo('0021-session-revoked-at')).error).toBeUndefined();
    await sql`insert into users (id, email, email_key, password_hash, created_at, password_changed_at)
              values ('u1', 'a@example.com', 'a@example.com', 'h', 1, 1)`.execute(db);
    await sql`insert into security_events (id, user_id, kind, at, data) values ('e1', 'u1', 'suspicious_sign_in', 5, '{}')`.execute(db);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await sql`insert into telemetry_minutes (minute, scope, series, label, value) values (60000, '', 'sign_ins', 'outcome=success', 1.5)`.execute(
      db,
    );
    await sql`insert into telemetry_hours (hour, scope, series, label, value) values (0, 'ws', 'sign_ins', '', 2)`.execute(db);
    const { rows } = await sql<{ value: number }>`select value from telemetry_minutes`.execute(db);
    expect(rows.map((r) => Number(r.value))).toEqual([1.5]);
    expect((await migrator.migrateTo('0021-session-revoked-at')).error).toBeUndefined();
    await expect(sql`select value from telemetry_minutes`.execute(db)).rejects.toThrow();
    await expect(sql`select value from telemetry_hours`.execute(db)).rejects.toThrow();
    const events = await sql<{ id: string }>`select id from security_events where kind = 'suspicious_sign_in'`.execute(db);
    expect(events.rows).toEqual([{ id: 'e1' }]);
  });

  // Another suite (or app) dropping a column in its own schema while Kysely lists every schema's
  // columns makes PostgreSQL refuse that listing (42703 or 42P01), before any migration runs.
  // Here the first listing is a query that PostgreSQL refuses with the same code.
  it.runIf(engine === 'postgres')('brings a schema up to date though the first look at the catalog is refused', async () => {
    database = await freshDatabase(engine);
    const opened = connect(database.url).db as unknown as Kysely<unknown>;
    db = opened;
    const real = opened.introspection;
    let refused = 0;
    const introspection: typeof real = {
      ...real,
      getSchemas: () => real.getSchemas(),
      getMetadata: (options) => real.getMetadata(options),
      getTables: async (options) => {
        if (refused++ === 0) await sql`select no_such_column from pg_class`.execute(opened);
        return real.getTables(options);
      },
    };
    Object.defineProperty(opened, 'introspection', { get: () => introspection });
    const applied = await migrateToLatest(opened as unknown as Db);
    expect(refused).toBeGreaterThan(1);
    expect(applied).toContain('0005-drop-session-trusted');
    expect(await sessionColumns(opened)).toContain('secret_hash');
  });
});
