/**
 * Opens the database named by a URL: `sqlite:<path>`, `sqlite::memory:`, `postgres://…`, or
 * `mysql://…` / `mariadb://…`. Every engine sits behind the same Kysely query layer; what differs
 * is in engine.ts.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  MysqlDialect,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseConnection,
  type SqliteDatabase as SqliteDialectDatabase,
  type SqliteStatement,
  type Dialect,
  type Driver,
} from 'kysely';
import type mysql from 'mysql2';
import type pg from 'pg';
import { redactUrl } from '../../core/redact.js';
import type { OnAdapterError } from '../adapter-errors.js';
import type { Database, Db } from './database.js';
import { mysqlPlugin, type Engine } from './engine.js';
import { migrationProvider } from './migrations/index.js';

export type { Engine } from './engine.js';

export interface Connection {
  db: Db;
  engine: Engine;
}

const INT8_OID = 20;
/** Times are BIGINT milliseconds, well inside Number's exact range; read them as numbers. */
const pgTypes = (types: typeof pg.types) => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
});

/** A PostgreSQL query with no answer after this long fails (503 to the client). */
export const QUERY_TIMEOUT_MS = 5_000;

/**
 * Session validation reads (the store's `findSession`) and the readiness probe give up after
 * this long: a silent partition answers 503 within a second (fail closed) instead of holding
 * every request for the query timeout. Writes keep QUERY_TIMEOUT_MS.
 */
export const VALIDATION_TIMEOUT_MS = 750;

export interface ConnectOptions {
  poolSize?: number;
  /** PostgreSQL: an idle pooled connection failed (the pool replaces it). */
  onError?: OnAdapterError;
  /** Every statement (or connection attempt for one) that failed, by kind (telemetry). */
  onQueryError?: (kind: QueryErrorKind) => void;
  /** PostgreSQL and MySQL: QUERY_TIMEOUT_MS unless set (tests shorten it). */
  queryTimeoutMs?: number;
}

export type QueryErrorKind = 'error' | 'timeout';

export function connect(url: string, options: ConnectOptions = {}): Connection {
  const timeoutMs = options.queryTimeoutMs ?? QUERY_TIMEOUT_MS;
  const measured = (dialect: Dialect) => (options.onQueryError ? countingErrors(dialect, options.onQueryError) : dialect);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Each client is imported by the first query on its engine, not at every start (~0.2 s for both).
    const pool = async () => {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({
        connectionString: url,
        max: options.poolSize ?? 10,
        types: pgTypes(pg.types),
        // Fail when the database is unreachable instead of queueing requests forever. As long as
        // the query bound below: a 2 s limit made connecting fail on a loaded 2-core CI machine.
        connectionTimeoutMillis: timeoutMs,
        // ...and when it silently stops answering (a partition, a frozen primary): without this a
        // query on an open connection waits forever and so does the request. Every query sessiond
        // runs is indexed and small; the bound is generous for migrations and the active-sessions
        // count on large tables.
        query_timeout: timeoutMs,
      });
      // An idle client losing its connection must not crash the process; the pool replaces it.
      pool.on('error', options.onError ?? (() => {}));
      // Nor may a checked-out one between two statements (a transaction awaiting its next step):
      // pg then emits the error on the client, which has no listener but this. The transaction's
      // next statement fails, and the pool discards the client when it is released.
      pool.on('connect', (client) => client.on('error', () => {}));
      return pool;
    };
    return { db: new Kysely<Database>({ dialect: measured(new PostgresDialect({ pool })) }), engine: 'postgres' };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    const pool = async () => {
      const { default: mysql } = await import('mysql2');
      const pool = mysql.createPool({
        uri: url.replace(/^mariadb:/, 'mysql:'),
        connectionLimit: options.poolSize ?? 10,
        charset: 'utf8mb4',
        // Sums and products come back as numbers, like PostgreSQL's and SQLite's (times are BIGINT
        // milliseconds, inside Number's exact range).
        decimalNumbers: true,
        connectTimeout: timeoutMs,
        enableKeepAlive: true,
      });
      pool.on('connection', (connection) => {
        connection.on('error', options.onError ?? (() => {}));
        withQueryTimeout(connection, timeoutMs);
      });
      return pool;
    };
    const dialect = measured(
      new MysqlDialect({
        pool,
        // Read committed, as on PostgreSQL: a statement sees what committed before it (the stores'
        // conditional writes are written for it), and strict: a value that does not fit is an
        // error, never silently cut or zeroed.
        onCreateConnection: async (connection) => {
          await connection.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed'));
          await connection.executeQuery(CompiledQuery.raw("set session sql_mode = 'TRADITIONAL'"));
        },
      }),
    );
    return { db: new Kysely<Database>({ dialect, plugins: [mysqlPlugin()] }), engine: 'mysql' };
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const database = new SqliteDatabase(file);
    // WAL lets readers run beside the writer; FULL sync makes every commit (a sign-in, a
    // revocation) survive power loss, not only a process crash. Writes are rare: touches are
    // at most one a minute per session.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    return {
      db: new Kysely<Database>({ dialect: measured(new SqliteDialect({ database: reusingStatements(database) })) }),
      engine: 'sqlite',
    };
  }
  throw new Error(`Unsupported database URL (expected sqlite:<path>, sqlite::memory:, postgres://… or mysql://…): ${redactUrl(url)}`);
}

/** Prepared statements kept per SQLite connection, and the longest SQL text kept. */
const STATEMENT_CACHE_SIZE = 500;
const STATEMENT_CACHE_MAX_SQL = 4096;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (SQLite compiling the SQL) cost
 * more than running it: a session lookup on a cache miss spent about 60 of its 260 µs in
 * prepare() (docs/benchmarks.md). The same query shape always compiles to the same text, so each
 * text's statement is prepared once and reused, as better-sqlite3 intends (a statement is reset
 * after every all/run/get; SQLite prepares it again by itself after a schema change). Bounded:
 * the least recently used go past STATEMENT_CACHE_SIZE, and one-off texts with values written into
 * them (the touch flush's CASE) are longer than STATEMENT_CACHE_MAX_SQL and never kept. Streaming
 * queries (iterate) are not reused: a statement being iterated cannot run again until it ends.
 */
export function reusingStatements(database: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new LRUCache<string, SqliteStatement>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => database.close(),
    prepare(sql) {
      if (sql.length > STATEMENT_CACHE_MAX_SQL) return database.prepare(sql);
      let statement = statements.get(sql);
      if (!statement) {
        const prepared = database.prepare(sql);
        statement = {
          reader: prepared.reader,
          all: (parameters) => prepared.all(parameters),
          run: (parameters) => prepared.run(parameters),
          iterate: (parameters) => database.prepare(sql).iterate(parameters),
        };
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * MySQL: a query with no answer after QUERY_TIMEOUT_MS fails (503 to the client), as `pg`'s
 * `query_timeout` does, and its connection is dropped from the pool: mysql2 only reports the
 * timeout, and the connection would otherwise carry the unanswered query into its next use.
 * Kysely sends every query as `query(sql, parameters, callback)`; that is the form wrapped.
 */
function withQueryTimeout(connection: mysql.PoolConnection, timeoutMs: number): void {
  type Callback = (err: (Error & { code?: string }) | null, ...rest: unknown[]) => void;
  const original = connection.query.bind(connection) as unknown as (...args: unknown[]) => unknown;
  (connection as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [sql, values, callback] = args;
    if (typeof sql !== 'string' || typeof callback !== 'function') return original(...args);
    const options: mysql.QueryOptions = { sql, values: values as unknown[], timeout: timeoutMs };
    return original(options, (err: Parameters<Callback>[0], ...rest: unknown[]) => {
      if (err?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
      (callback as Callback)(err, ...rest);
    });
  };
}

/**
 * Database errors counted where every engine's statements pass: the driver. Each statement that
 * fails (transaction statements included) and each failed attempt to get a connection for one is
 * reported once, as a timeout or an error. The driver and its connections are otherwise untouched
 * (proxies: their own methods still run on themselves).
 */
function countingErrors(dialect: Dialect, report: (kind: QueryErrorKind) => void): Dialect {
  const failed = (err: unknown): never => {
    report(queryErrorKind(err));
    throw err;
  };
  // Drivers hand out the same few pooled connections again and again: one proxy each.
  const proxies = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const connection = (c: DatabaseConnection): DatabaseConnection => {
    let proxy = proxies.get(c);
    if (!proxy) {
      const executeQuery = (...args: Parameters<DatabaseConnection['executeQuery']>) => c.executeQuery(...args).catch(failed);
      proxy = new Proxy(c, {
        get(target, key) {
          if (key === 'executeQuery') return executeQuery;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      proxies.set(c, proxy);
    }
    return proxy;
  };
  const driver = (d: Driver): Driver =>
    new Proxy(d, {
      get(target, key) {
        if (key === 'acquireConnection') return () => target.acquireConnection().then(connection, failed);
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return {
    createDriver: () => driver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

/**
 * A timeout: no answer within the query or connection timeout (PostgreSQL, MySQL), a lock not
 * granted in time, SQLite busy past its busy_timeout. Anything else is an error.
 */
export function queryErrorKind(err: unknown): QueryErrorKind {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'timeout';
  if (typeof message === 'string' && TIMEOUT_MESSAGES.test(message)) return 'timeout';
  return 'error';
}

const TIMEOUT_CODES = new Set([
  'PROTOCOL_SEQUENCE_TIMEOUT', // mysql2: no answer within the query timeout
  'ETIMEDOUT', // connecting timed out (mysql2; node)
  'ER_LOCK_WAIT_TIMEOUT', // MySQL: a row lock not granted within innodb_lock_wait_timeout
  '57014', // PostgreSQL query_canceled (statement_timeout)
  '55P03', // PostgreSQL lock_not_available (lock_timeout)
  'SQLITE_BUSY', // SQLite: locked for longer than busy_timeout
]);
/** `pg`'s own timeouts carry no code. */
const TIMEOUT_MESSAGES = /Query read timeout|timeout exceeded when trying to connect|Connection terminated due to connection timeout/i;

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely's migrator looks for its bookkeeping tables in every schema unless told which one:
  // another app's (or another sessiond's) `kysely_migration` elsewhere in the same PostgreSQL
  // database would make it skip creating ours and then fail. Pin it to our own schema.
  const migrationTableSchema = db.getExecutor().adapter instanceof PostgresAdapter ? await currentSchema(db) : undefined;
  const migrator = new Migrator({ db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    // No results: it failed before running any migration, while looking for its own tables.
    if (results === undefined && attempt < CATALOG_RACE_ATTEMPTS && isCatalogRace(error)) continue;
    throw error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Kysely's migrator learns whether its bookkeeping tables exist by listing the columns of every
 * schema in the database. PostgreSQL fails that listing when another schema's table or column is
 * dropped while it runs (the catalog row is read, then the name no longer resolves): `relation
 * … does not exist` (42P01) or `column … does not exist` (42703). Seen in the test suite, where
 * suites migrate and drop schemas side by side; an app sharing the database can do the same.
 * Nothing has been migrated then, so the migration is simply asked for again.
 */
const CATALOG_RACE_ATTEMPTS = 3;
const isCatalogRace = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '42703';
};

async function currentSchema(db: Db): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}
