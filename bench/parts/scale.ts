/**
 * Part `scale` (item 5): 1,000,000 sessions (--scale-sessions) in PostgreSQL, and the same in
 * MariaDB beside it (SESSIOND_BENCH_MYSQL_URL, default the local one; `off` to skip), each
 * validated cold (a cache miss) and warm through a real node on core 0; cache and table bytes per
 * session.
 */
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { renderScale, type ScaleResult } from '../report-parts.js';
import { HOST, PATH, benchSchema, call, log, seedSessiond, sleep, startServer, stopServer, type Bench, type Server } from './shared.js';

/** Sessions are generated over this many users; a random sample (--scale-sample) is validated. */
const SCALE_USERS = 10_000;

const MYSQL_URL = process.env.SESSIOND_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** A fresh database on one engine, and how to fill it with copies of a template session there. */
interface ScaleDatabase {
  url: string;
  name: string;
  engine: ScaleResult['engine'];
  /** Copies the template user into SCALE_USERS users and its session into `sessions` sessions. */
  seed(templateId: string, sessions: number): Promise<void>;
  size(): Promise<{ rows: number; total: number; heap: number; indexes: number }>;
  drop(): Promise<void>;
}

// Session g: id `s` + 21 digits, secret `x` + 42 digits, stored as base64url(sha256(secret));
// user `bu` + 20 digits. Every other column is copied from the template.
const copy = (cols: string[], overrides: Record<string, string>) => cols.map((c) => overrides[c] ?? `t.${c}`).join(', ');

async function postgresScaleDatabase(): Promise<ScaleDatabase> {
  const database = await benchSchema();
  const columns = async (table: string) =>
    (
      await database.query<{ column_name: string }>(
        'select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position',
        [database.schema, table],
      )
    ).map((r) => r.column_name);
  return {
    url: database.url,
    name: `schema ${database.schema}`,
    engine: { id: 'postgres', name: 'PostgreSQL', seeding: '`generate_series`', size: '`pg_total_relation_size`' },
    async seed(templateId, sessions) {
      const userCols = await columns('users');
      await database.query(
        `insert into users (${userCols.join(', ')}) select ${copy(userCols, {
          id: `'bu' || lpad(g::text, 20, '0')`,
          email: `'bench' || g || '@sessiond.test'`,
          email_key: `'bench' || g || '@sessiond.test'`,
        })} from users t cross join generate_series(1, ${SCALE_USERS}) g`,
      );
      const sessionCols = await columns('sessions');
      await database.query(
        `insert into sessions (${sessionCols.join(', ')}) select ${copy(sessionCols, {
          id: `'s' || lpad(g::text, 21, '0')`,
          user_id: `'bu' || lpad((1 + g % ${SCALE_USERS})::text, 20, '0')`,
          secret_hash: `rtrim(translate(encode(sha256(convert_to('x' || lpad(g::text, 42, '0'), 'UTF8')), 'base64'), '+/', '-_'), '=')`,
          device_id: `'bench-device-' || g`,
        })} from sessions t cross join generate_series(1, ${sessions}) g where t.id = $1`,
        [templateId],
      );
      await database.query('analyze sessions');
    },
    async size() {
      const [size] = await database.query<{ n: string; total: string; heap: string; indexes: string }>(
        `select count(*) as n, pg_total_relation_size('sessions') as total, pg_relation_size('sessions') as heap, pg_indexes_size('sessions') as indexes from sessions`,
      );
      return { rows: Number(size!.n), total: Number(size!.total), heap: Number(size!.heap), indexes: Number(size!.indexes) };
    },
    drop: () => database.drop(),
  };
}

/** MariaDB (its sequence engine, `seq_1_to_N`, stands in for `generate_series`). */
async function mysqlScaleDatabase(): Promise<ScaleDatabase> {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 5_000 });
  await admin.query(`create database \`${name}\``);
  await admin.query(`use \`${name}\``);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const columns = async (table: string) =>
    (
      (
        await admin.query(
          'select column_name as c from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position',
          [name, table],
        )
      )[0] as { c: string }[]
    ).map((r) => r.c);
  return {
    url: url.toString(),
    name: `database ${name}`,
    engine: { id: 'mysql', name: 'MariaDB', seeding: "MariaDB's sequence engine, `seq_1_to_N`", size: '`data_length + index_length`' },
    async seed(templateId, sessions) {
      const userCols = await columns('users');
      await admin.query(
        `insert into users (${userCols.join(', ')}) select ${copy(userCols, {
          id: `concat('bu', lpad(g.seq, 20, '0'))`,
          email: `concat('bench', g.seq, '@sessiond.test')`,
          email_key: `concat('bench', g.seq, '@sessiond.test')`,
        })} from users t cross join seq_1_to_${SCALE_USERS} g`,
      );
      const sessionCols = await columns('sessions');
      await admin.query(
        `insert into sessions (${sessionCols.join(', ')}) select ${copy(sessionCols, {
          id: `concat('s', lpad(g.seq, 21, '0'))`,
          user_id: `concat('bu', lpad(1 + g.seq % ${SCALE_USERS}, 20, '0'))`,
          secret_hash: `replace(replace(trim(trailing '=' from to_base64(unhex(sha2(concat('x', lpad(g.seq, 42, '0')), 256)))), '+', '-'), '/', '_')`,
          device_id: `concat('bench-device-', g.seq)`,
        })} from sessions t cross join seq_1_to_${sessions} g where t.id = ?`,
        [templateId],
      );
      await admin.query('analyze table sessions');
    },
    async size() {
      const [[count]] = (await admin.query('select count(*) as n from sessions')) as unknown as [[{ n: number }]];
      const [[size]] = (await admin.query(
        "select data_length as heap, index_length as indexes from information_schema.tables where table_schema = ? and table_name = 'sessions'",
        [name],
      )) as unknown as [[{ heap: number; indexes: number }]];
      return {
        rows: Number(count.n),
        total: Number(size.heap) + Number(size.indexes),
        heap: Number(size.heap),
        indexes: Number(size.indexes),
      };
    },
    async drop() {
      await admin.query(`drop database if exists \`${name}\``);
      await admin.end();
    },
  };
}

export async function scalePart(bench: Bench): Promise<void> {
  await scaleOn(bench, await postgresScaleDatabase());
  if (MYSQL_URL !== 'off') await scaleOn(bench, await mysqlScaleDatabase());
}

async function scaleOn(bench: Bench, database: ScaleDatabase): Promise<void> {
  const { options, machine, sections } = bench;
  const partStarted = Date.now();
  let server: Server | undefined;
  try {
    log(`scale: template user and session through sessiond, ${database.engine.name} ${database.name}`);
    const [template] = await seedSessiond(bench, database.url, 1);
    const templateId = template!.slice(0, 22);
    const insertFrom = Date.now();
    await database.seed(templateId, options.scaleSessions);
    const insertSeconds = (Date.now() - insertFrom) / 1000;
    const size = await database.size();
    const rows = size.rows;
    log(
      `scale: ${rows.toLocaleString('en-US')} sessions inserted in ${insertSeconds.toFixed(1)} s, ${(size.total / 2 ** 20).toFixed(0)} MiB`,
    );

    const token = (g: number) => `s${String(g).padStart(21, '0')}.x${String(g).padStart(42, '0')}`;
    const picked = new Set<number>();
    while (picked.size < options.scaleSample) picked.add(1 + Math.floor(Math.random() * options.scaleSessions));
    const sample = [...picked].map(token);
    server = await startServer(
      options,
      'session',
      ['session', options.dist, database.url, 'stats'],
      { path: PATH, cookies: '' },
      { nodeArgs: ['--expose-gc'] },
    );
    // A fixed pause, as measured so far: waiting on /metrics instead would count the million
    // rows (sessiond_active_sessions) and warm PostgreSQL's buffers before the cold run.
    await sleep(1_500);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const stats = async () => {
      const r = await new Promise<string>((resolve, reject) => {
        request({ host: HOST, port: server!.port, path: '/bench/cache-stats', agent }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      return JSON.parse(r) as { entries: number; bytes: number; heapUsed: number; gc: boolean };
    };
    const timed = async (tokens: string[]) => {
      const ms: number[] = [];
      for (const t of tokens) {
        const from = performance.now();
        const status = await call(agent, server!.port, 'GET', PATH, t);
        ms.push(performance.now() - from);
        if (status !== 200) throw new Error(`scale: a generated session was refused (${status})`);
      }
      return ms;
    };
    // The node's own first requests (JIT, pool connections) are not the cache's story.
    await timed(Array.from({ length: 200 }, (_, i) => token(options.scaleSessions - i)));
    const s0 = await stats();
    log(`scale: ${options.scaleSample.toLocaleString('en-US')} cold validations (sessions chosen at random, first request each)`);
    const cold = await timed(sample);
    const s1 = await stats();
    log(`scale: the same ${options.scaleSample.toLocaleString('en-US')} again, warm`);
    const warm = await timed(sample);
    agent.destroy();
    sections.push(
      renderScale({
        machine,
        engine: database.engine,
        sessions: rows,
        users: SCALE_USERS,
        insertSeconds,
        tableBytes: size.total,
        heapBytes: size.heap,
        indexBytes: size.indexes,
        sample: options.scaleSample,
        cold,
        warm,
        cacheEntries: s1.entries - s0.entries,
        cacheBytes: s1.bytes - s0.bytes,
        heapDelta: s1.gc ? s1.heapUsed - s0.heapUsed : NaN,
        benchSeconds: (Date.now() - partStarted) / 1000,
      }),
    );
  } finally {
    if (server) await stopServer(server);
    await database.drop();
  }
}
