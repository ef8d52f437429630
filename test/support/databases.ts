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

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A private database for one suite: an in-memory SQLite, or a fresh PostgreSQL schema. */
export async function freshDatabase(engine: 'sqlite' | 'postgres', file?: string): Promise<TestDatabase> {
  if (engine === 'sqlite') return { url: file ? `sqlite:${file}` : 'sqlite::memory:', drop: async () => {} };
  const schema = `t_${randomBytes(6).toString('hex')}`;
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
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
