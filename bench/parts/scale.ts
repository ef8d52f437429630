/**
 * Part `scale` (item 5): 1,000,000 sessions in PostgreSQL (--scale-sessions), validated cold (a
 * cache miss) and warm through a real node on core 0; cache and table bytes per session.
 */
import { Agent, request } from 'node:http';
import { renderScale } from '../report-parts.js';
import { HOST, PATH, benchSchema, call, log, seedSessiond, sleep, startServer, stopServer, type Bench, type Server } from './shared.js';

/** Sessions are generated over this many users; a random sample (--scale-sample) is validated. */
const SCALE_USERS = 10_000;

export async function scalePart(bench: Bench): Promise<void> {
  const { options, machine, sections } = bench;
  const partStarted = Date.now();
  const database = await benchSchema();
  let server: Server | undefined;
  try {
    log(`scale: template user and session through sessiond, schema ${database.schema}`);
    const [template] = await seedSessiond(bench, database.url, 1);
    const templateId = template!.slice(0, 22);
    const columns = async (table: string) =>
      (
        await database.query<{ column_name: string }>(
          'select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position',
          [database.schema, table],
        )
      ).map((r) => r.column_name);
    // Every column is copied from the template; only identities and the secret differ.
    const copy = (cols: string[], overrides: Record<string, string>) => cols.map((c) => overrides[c] ?? `t.${c}`).join(', ');
    const userCols = await columns('users');
    const insertFrom = Date.now();
    await database.query(
      `insert into users (${userCols.join(', ')}) select ${copy(userCols, {
        id: `'bu' || lpad(g::text, 20, '0')`,
        email: `'bench' || g || '@sessiond.test'`,
        email_key: `'bench' || g || '@sessiond.test'`,
      })} from users t cross join generate_series(1, ${SCALE_USERS}) g`,
    );
    const sessionCols = await columns('sessions');
    // Session g: id `s` + 21 digits, secret `x` + 42 digits, stored as base64url(sha256(secret)).
    await database.query(
      `insert into sessions (${sessionCols.join(', ')}) select ${copy(sessionCols, {
        id: `'s' || lpad(g::text, 21, '0')`,
        user_id: `'bu' || lpad((1 + g % ${SCALE_USERS})::text, 20, '0')`,
        secret_hash: `rtrim(translate(encode(sha256(convert_to('x' || lpad(g::text, 42, '0'), 'UTF8')), 'base64'), '+/', '-_'), '=')`,
        device_id: `'bench-device-' || g`,
      })} from sessions t cross join generate_series(1, ${options.scaleSessions}) g where t.id = $1`,
      [templateId],
    );
    await database.query('analyze sessions');
    const insertSeconds = (Date.now() - insertFrom) / 1000;
    const [size] = await database.query<{ n: string; total: string; heap: string; indexes: string }>(
      `select count(*) as n, pg_total_relation_size('sessions') as total, pg_relation_size('sessions') as heap, pg_indexes_size('sessions') as indexes from sessions`,
    );
    const rows = Number(size!.n);
    log(
      `scale: ${rows.toLocaleString('en-US')} sessions inserted in ${insertSeconds.toFixed(1)} s, ${(Number(size!.total) / 2 ** 20).toFixed(0)} MiB`,
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
        sessions: rows,
        users: SCALE_USERS,
        insertSeconds,
        tableBytes: Number(size!.total),
        heapBytes: Number(size!.heap),
        indexBytes: Number(size!.indexes),
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
