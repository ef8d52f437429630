/**
 * The default `--redis-prefix`: a deployment is named after its database, so two deployments on
 * one Redis keep their rate limits and revocation channels apart without configuration, as the
 * PostgreSQL NOTIFY channel already carries the schema (postgres-revocation-bus.ts).
 *  - PostgreSQL: `sessiond:<database>:<schema>`, asked of the server (`current_database()`,
 *    `current_schema()`), so a search_path set on the role or in the URL counts alike;
 *  - MySQL: `sessiond:<database>` (`database()`);
 *  - SQLite: `sessiond:<file name>`; in memory, `sessiond:memory-<random>`: such a database is
 *    the process's alone, so nothing it counts or revokes may be shared.
 * Two deployments whose databases have the same name must set `--redis-prefix`.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import type { Engine } from './connect.js';
import type { Db } from './database.js';

/** Characters other than these become `_`: the name stays one readable Redis key segment. */
const clean = (part: string) => part.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';

export async function deploymentName(db: Db, engine: Engine, databaseUrl: string): Promise<string> {
  if (engine === 'postgres') {
    const { rows } = await sql<{ database: string; schema: string | null }>`
      select current_database() as database, current_schema() as schema`.execute(db);
    const row = rows[0];
    return `sessiond:${clean(row?.database ?? '')}:${clean(row?.schema ?? 'public')}`;
  }
  if (engine === 'mysql') {
    const { rows } = await sql<{ database: string | null }>`select database() as ${sql.ref('database')}`.execute(db);
    return `sessiond:${clean(rows[0]?.database ?? '')}`;
  }
  const file = databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:') return `sessiond:memory-${randomBytes(8).toString('hex')}`;
  return `sessiond:${clean(path.basename(file))}`;
}
