/**
 * The engines every integration suite runs against: real SQLite always, and the machine's real
 * PostgreSQL (SESSIOND_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test). A
 * suite fails, with the reason, when PostgreSQL is unreachable; set the variable to `off` to
 * run SQLite only on a machine without PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.SESSIOND_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const ENGINES: ('sqlite' | 'postgres')[] = POSTGRES_URL === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];

/**
 * Every schema of one test run starts with this prefix (set by the global setup), and the global
 * teardown drops them all at the end. Suites do not drop their schema themselves: Kysely's
 * migrator reads the catalog of every schema, and a schema dropped by a neighbouring suite in the
 * middle of that read fails it with `schema "t_…" does not exist`.
 */
export const SCHEMA_PREFIX_ENV = 'SESSIOND_TEST_SCHEMA_PREFIX';

/** Drops every schema whose name starts with `prefix` (the global teardown). */
export async function dropSchemas(prefix: string): Promise<void> {
  if (POSTGRES_URL === 'off' || !/^t_[0-9a-f]+_$/.test(prefix)) return;
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

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A private database for one suite: an in-memory SQLite, or a fresh PostgreSQL schema. */
export async function freshDatabase(engine: 'sqlite' | 'postgres', file?: string): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: file ? `sqlite:${file}` : 'sqlite::memory:', drop: async () => {} };
  const prefix = process.env[SCHEMA_PREFIX_ENV];
  const schema = `${prefix ?? 't_'}${randomBytes(6).toString('hex')}`;
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
