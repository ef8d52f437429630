/**
 * The engines every integration suite runs against: real SQLite always, the machine's real
 * PostgreSQL (SESSIOND_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test) and
 * its real MySQL or MariaDB (SESSIOND_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306/test).
 * A suite fails, with the reason, when a server is unreachable; set its variable to `off` to run
 * without it on a machine that does not have it.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Engine } from '../../src/adapters/kysely/engine.js';

export type { Engine };

export const POSTGRES_URL = process.env.SESSIOND_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.SESSIOND_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
/** The machine's Redis: the bus of many nodes (and MySQL's only bus). */
export const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const ENGINES: Engine[] = [
  'sqlite',
  ...(POSTGRES_URL === 'off' ? [] : (['postgres'] as const)),
  ...(MYSQL_URL === 'off' ? [] : (['mysql'] as const)),
];

/** The engines that many nodes can share: every suite of the multi-node kind runs on each. */
export const SHARED_ENGINES: Exclude<Engine, 'sqlite'>[] = ENGINES.filter((e): e is Exclude<Engine, 'sqlite'> => e !== 'sqlite');

/**
 * Every schema of one test run starts with this prefix (set by the global setup), and the global
 * teardown drops them all at the end. Suites do not drop their schema themselves: Kysely's
 * migrator reads the catalog of every schema, and a schema dropped by a neighbouring suite in the
 * middle of that read fails it with `schema "t_…" does not exist`.
 */
export const SCHEMA_PREFIX_ENV = 'SESSIOND_TEST_SCHEMA_PREFIX';

/** Drops every schema (PostgreSQL) and database (MySQL) whose name starts with `prefix` (the global teardown). */
export async function dropSchemas(prefix: string): Promise<void> {
  if (!/^t_[0-9a-f]+_$/.test(prefix)) return;
  await dropMysqlDatabases(prefix);
  if (POSTGRES_URL === 'off') return;
  const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ name: string }>(`select nspname as name from pg_namespace where starts_with(nspname, $1)`, [prefix]);
    for (const { name } of rows) await c.query(`drop schema if exists "${name}" cascade`);
  } catch {
    // PostgreSQL unreachable: the suites that needed it have already failed and said why.
  } finally {
    await c.end().catch(() => {});
  }
}

async function dropMysqlDatabases(prefix: string): Promise<void> {
  if (MYSQL_URL === 'off') return;
  let c: mysql.Connection | undefined;
  try {
    c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 5000 });
    const [rows] = await c.query<mysql.RowDataPacket[]>(
      'select schema_name as name from information_schema.schemata where schema_name like ?',
      [`${prefix}%`],
    );
    for (const { name } of rows) await c.query(`drop database if exists \`${String(name)}\``);
  } catch {
    // MySQL unreachable: the suites that needed it have already failed and said why.
  } finally {
    await c?.end().catch(() => {});
  }
}

/** A MySQL URL naming another database on the same server. */
function mysqlUrlFor(database: string): string {
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A private database for one suite: an in-memory SQLite, a fresh PostgreSQL schema, or a fresh MySQL database. */
export async function freshDatabase(engine: Engine, file?: string): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: file ? `sqlite:${file}` : 'sqlite::memory:', drop: async () => {} };
  const prefix = process.env[SCHEMA_PREFIX_ENV];
  const schema = `${prefix ?? 't_'}${randomBytes(6).toString('hex')}`;
  if (engine === 'mysql') {
    let admin: mysql.Connection;
    try {
      admin = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 5000 });
    } catch (err) {
      throw new Error(
        `MySQL at ${MYSQL_URL} is unreachable (${(err as Error).message}); set SESSIOND_TEST_MYSQL_URL=off to skip it on a machine without it`,
        { cause: err },
      );
    }
    await admin.query(`create database \`${schema}\``);
    await admin.end();
    return {
      url: mysqlUrlFor(schema),
      async drop() {
        // Within a test run the global teardown drops it (see SCHEMA_PREFIX_ENV).
        if (prefix) return;
        const c = await mysql.createConnection({ uri: MYSQL_URL });
        await c.query(`drop database if exists \`${schema}\``);
        await c.end();
      },
    };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${POSTGRES_URL} is unreachable (${(err as Error).message}); set SESSIOND_TEST_POSTGRES_URL=off to skip it on a machine without it`,
      { cause: err },
    );
  }
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      // Within a test run the global teardown drops it (see SCHEMA_PREFIX_ENV).
      if (prefix) return;
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
