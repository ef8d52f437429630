/**
 * The database engines sessiond runs on, and what differs between them, in one place.
 *
 * SQLite and PostgreSQL share one dialect of the query builder almost everywhere. MySQL and
 * MariaDB differ in ways the stores would otherwise each have to know; the plugin below rewrites
 * the rest on the way out, so migrations and stores keep writing one query:
 * - **Schema.** A TEXT column cannot be a key, so text columns that are keys (primary, unique,
 *   referenced, or indexed: named by `KEY_COLUMN`) become `varchar(255)`; every table is InnoDB in
 *   `utf8mb4` with the binary collation, so identifiers and hashes compare byte for byte as they
 *   do on the other engines (the default collation would match `AbC` to `abc`). Partial indexes
 *   (`… where revoked_at is null`) do not exist there: the index covers every row.
 * - **Upserts.** `on conflict (…) do update set …` becomes `on duplicate key update …`, with
 *   `excluded.x` read as `values(x)` and a conflict `where` applied to each assignment; `do
 *   nothing` becomes `insert ignore`, so a duplicate reports no inserted row as on the others.
 *
 * What the plugin cannot rewrite the stores branch on with `engineOf`: `update … returning` (lock
 * the rows, read them, then write, in one transaction), a statement that reads the table it
 * updates or deletes from, and the database's clock (`databaseNowMs`).
 */
import {
  ColumnNode,
  ColumnUpdateNode,
  CreateTableNode,
  type ColumnDefinitionNode,
  type CreateIndexNode,
  type InsertQueryNode,
  type ReferenceNode,
  DataTypeNode,
  MysqlAdapter,
  OnDuplicateKeyNode,
  OperationNodeTransformer,
  OrActionNode,
  PostgresAdapter,
  RawNode,
  sql,
  type ColumnDefinitionBuilder,
  type Kysely,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RawBuilder,
  type RootOperationNode,
  type SelectQueryBuilder,
  type UnknownRow,
} from 'kysely';

export type Engine = 'sqlite' | 'postgres' | 'mysql';

/** A Kysely instance and a select whose tables these helpers take by name: the types are the caller's. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely cannot type a table named by a string argument
type UntypedDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
type UntypedSelect = SelectQueryBuilder<any, any, any>;

/** The engine a Kysely instance speaks to (migrations receive `Kysely<unknown>`). */
export function engineOf(db: { getExecutor(): { readonly adapter: unknown } }): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  return 'sqlite';
}

/**
 * Whether the engine ended a statement or transaction to break a deadlock (PostgreSQL's
 * `deadlock_detected`, InnoDB's `ER_LOCK_DEADLOCK`). The engine has rolled it back whole, and
 * both document running it again as the answer. SQLite has one writer and never reports one.
 */
export function isDeadlock(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown } | null;
  return e?.code === '40P01' || e?.errno === 1213 || e?.code === 'ER_LOCK_DEADLOCK';
}

/**
 * Runs a write (one statement, or a whole transaction) again when the engine chose it to break
 * a deadlock: rows of one user's sessions are written by flushes of last activity, address
 * batches, revocations and rotations from every node at once. Each run starts from scratch, so
 * the callback must hold no state from a failed run; a deadlock that persists past the last
 * attempt is thrown.
 */
export async function retryingDeadlocks<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isDeadlock(err)) throw err;
    }
  }
}

/**
 * Serialises, per account, the transactions that count an account's rows and then add one (the
 * caps on passkeys and personal tokens): the account's `users` row is locked until the
 * transaction ends. Without it, two at once on PostgreSQL or MySQL both count below the cap and
 * both insert. SQLite has one writer: its transactions already run one at a time.
 */
export async function lockAccount(trx: UntypedDb, userId: string): Promise<void> {
  if (engineOf(trx) === 'sqlite') return;
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** The database's own clock in epoch milliseconds, as a SQL expression. */
export function databaseNowMs(engine: Engine): RawBuilder<number> {
  if (engine === 'postgres') return sql<number>`(extract(epoch from now()) * 1000)::bigint`;
  if (engine === 'mysql') return sql<number>`(unix_timestamp() * 1000)`;
  return sql<number>`(cast(strftime('%s', 'now') as integer) * 1000)`;
}

/**
 * Deletes the rows of `table` whose `key` a bounded select names (the stores' purges: never one
 * huge delete holding locks). One statement where the engine allows it; MySQL refuses a LIMIT in
 * an IN subquery and a subquery on the table it deletes from, so there the keys are read first.
 */
export async function deleteBatch(db: UntypedDb, table: string, key: string, batch: UntypedSelect): Promise<number> {
  if (engineOf(db) !== 'mysql') {
    const result = await db.deleteFrom(table).where(key, 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
  const rows: Record<string, unknown>[] = await batch.execute();
  if (rows.length === 0) return 0;
  const result = await db
    .deleteFrom(table)
    .where(
      key,
      'in',
      rows.map((r) => r[key]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The type a CAST to a 64-bit integer names: MySQL calls it SIGNED. */
export function bigintType(engine: Engine): RawBuilder<unknown> {
  return sql.raw(engine === 'mysql' ? 'signed' : 'bigint');
}

/** Drops an index: MySQL names indexes per table, the others per schema. */
export function dropIndex(db: UntypedDb, name: string, table: string) {
  const drop = db.schema.dropIndex(name);
  return engineOf(db) === 'mysql' ? drop.on(table) : drop;
}

/**
 * An ever-increasing key (an append-only log's order): an identity column on PostgreSQL, SQLite's
 * INTEGER PRIMARY KEY, MySQL's BIGINT AUTO_INCREMENT.
 */
export function sequenceColumn(engine: Engine): {
  type: 'integer' | 'bigint';
  build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
} {
  return {
    type: engine === 'sqlite' ? 'integer' : 'bigint',
    build: (c) => (engine === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement()),
  };
}

/**
 * Text columns that some index covers although the column itself does not say so (keys declared
 * by a later `create index`): ids, hashes, e-mail keys and addresses, and three short codes. On MySQL
 * they are `varchar`; every other text column stays TEXT (names, user agents, JSON).
 */
const KEY_COLUMN = /^(id|ip|purpose|status|created_by|email_key)$|_(id|hash)$/;
/**
 * Key column types other than the default. A WebAuthn credential id may be up to 1,023 bytes
 * (1,364 characters of base64url); in ASCII a key may be 3,072 characters long, in utf8mb4 only 768.
 */
const KEY_TYPE: Record<string, string> = { credential_id: 'varchar(1400) character set ascii collate ascii_bin' };
const DEFAULT_KEY_TYPE = 'varchar(255)';

/** Every table: InnoDB (transactions, foreign keys), 4-byte UTF-8, compared byte for byte. */
const TABLE_OPTIONS = RawNode.createWithSql('engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin');

class MysqlTransformer extends OperationNodeTransformer {
  protected override transformCreateTable(node: CreateTableNode, queryId?: QueryId) {
    const table = super.transformCreateTable(node, queryId);
    return CreateTableNode.cloneWithEndModifier(table, TABLE_OPTIONS);
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode, queryId?: QueryId) {
    const column = super.transformColumnDefinition(node, queryId);
    const name = column.column.column.name;
    const isKey = column.primaryKey || column.unique || column.references !== undefined || KEY_COLUMN.test(name);
    if (!isKey || !DataTypeNode.is(column.dataType) || column.dataType.dataType !== 'text') return column;
    return { ...column, dataType: RawNode.createWithSql(KEY_TYPE[name] ?? DEFAULT_KEY_TYPE) };
  }

  protected override transformCreateIndex(node: CreateIndexNode, queryId?: QueryId) {
    const { where: _partial, ...index } = super.transformCreateIndex(node, queryId);
    return index as CreateIndexNode;
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId) {
    const insert = super.transformInsertQuery(node, queryId);
    const conflict = insert.onConflict;
    if (!conflict) return insert;
    const { onConflict: _conflict, ...rest } = insert;
    if (conflict.doNothing) return { ...rest, orAction: OrActionNode.create('ignore') } as InsertQueryNode;
    const condition = conflict.updateWhere ? excludedAsValues(conflict.updateWhere.where) : null;
    const updates = (conflict.updates ?? []).map((update) => {
      const value = excludedAsValues(update.value);
      // Each assignment keeps its column's value unless the conflict's condition holds. The
      // condition must not read a column assigned before it (MySQL assigns left to right).
      return ColumnUpdateNode.create(
        update.column,
        condition ? RawNode.create(['if(', ', ', ', ', ')'], [condition, value, update.column]) : value,
      );
    });
    return { ...rest, onDuplicateKey: OnDuplicateKeyNode.create(updates) } as InsertQueryNode;
  }
}

/** `excluded.x` (the row that was to be inserted) is `values(x)` on MySQL. */
class ExcludedAsValues extends OperationNodeTransformer {
  protected override transformReference(node: ReferenceNode, queryId?: QueryId) {
    const table = node.table?.table.identifier.name;
    if (table === 'excluded' && ColumnNode.is(node.column))
      return RawNode.create(['values(', ')'], [ColumnNode.create(node.column.column.name)]) as unknown as ReferenceNode;
    return super.transformReference(node, queryId);
  }
}

const excludedTransformer = new ExcludedAsValues();
function excludedAsValues(node: OperationNode): OperationNode {
  return excludedTransformer.transformNode(node);
}

/** The MySQL plugin: see the module comment. */
export function mysqlPlugin(): KyselyPlugin {
  const transformer = new MysqlTransformer();
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      return transformer.transformNode(args.node, args.queryId);
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
}
