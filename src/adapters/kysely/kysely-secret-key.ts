/**
 * The secret key kept in the database, for PostgreSQL without `--secret-key-file`: one row in
 * `secret_keys`. The first node to start inserts the key it generated (insert-if-absent on the
 * primary key: nodes starting together race on one row, and the losers' inserts do nothing);
 * every node then reads the row, so all of them seal and open with the same key.
 */
import type { Db } from './database.js';

const ROW_ID = 'current';

export interface StoredSecretKey {
  /** The key as a key-file line: 32 bytes in base64url. */
  line: string;
  /** True when this call inserted it (the first start on this database). */
  created: boolean;
}

export async function storedSecretKey(db: Db, generate: () => string, now: number): Promise<StoredSecretKey> {
  const candidate = generate();
  await db
    .insertInto('secret_keys')
    .values({ id: ROW_ID, key: candidate, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db.selectFrom('secret_keys').select('key').where('id', '=', ROW_ID).executeTakeFirstOrThrow();
  return { line: row.key, created: row.key === candidate };
}
