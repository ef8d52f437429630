/**
 * `npm run bench`: sessiond's performance on this machine, in parts (all by default; choose with
 * `--only=validation,list,revocation,scale,sdk`):
 *
 * - validation: `GET /v1/me/session` with valid cookies (10,000 sessions in a SQLite file) against
 *   a bare Fastify route returning a constant, and Better Auth's `GET /api/auth/get-session` on
 *   SQLite too, with its defaults and with its cookie cache on (bench/better-auth-server.ts).
 * - list: `GET /v1/me/sessions` for a user with 1,000 sessions, and Better Auth's list-sessions.
 * - revocation: time to effect across three `sessiond serve` nodes on PostgreSQL, with Redis and
 *   with LISTEN/NOTIFY; and Better Auth's cookie cache accepting a revoked session.
 * - scale: 1,000,000 sessions in PostgreSQL: cold and warm validation, cache and table bytes.
 * - sdk: the SDK's `verify` calls per second in-process with a warm cache (bench/sdk-client.ts).
 *
 * Each server runs in its own `node` process on the compiled `dist/`, pinned to core 0; the load
 * generator (wrk, or autocannon when wrk is not installed) runs in another process pinned to
 * core 1. After a warm-up of each target, runs alternate between targets and the median of 3
 * runs per target is reported, printed, and written to docs/benchmarks.md (one marked section
 * per measurement). PostgreSQL schemas and Redis keys the bench creates are removed at the end.
 *
 * Options: --only=<parts>, --skip-build (use dist/ as it is), --loader=wrk|autocannon,
 * --duration=<s>, --runs=<n>, --revocations=<n>, --scale-sessions=<n>, --scale-sample=<n>,
 * --no-write (print only), --dist=<dir> (measure another build; implies --no-write and
 * --skip-build), --profile (validation only: one run per target under the V8 CPU profiler,
 * summary printed; implies --no-write because the profiler slows the servers down).
 * Environment: SESSIOND_BENCH_POSTGRES_URL, SESSIOND_BENCH_REDIS_URL (defaults: the local ones).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import ts from 'typescript';
import { formatProfile, summariseProfile } from './profile.js';
import {
  machineInfo,
  renderSessionVsBare,
  writeSections,
  type Machine,
  type RunResult,
  type Section,
  type SessionVsBare,
  type TargetName,
} from './report.js';
import {
  renderBetterAuth,
  renderList,
  renderRevocation,
  renderScale,
  renderSdk,
  type BetterAuthProbe,
  type RevocationRun,
  type SdkRun,
} from './report-parts.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CACHE = path.join(ROOT, 'node_modules', '.cache', 'sessiond-bench');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const HOST = '127.0.0.1';
const PATH = '/v1/me/session';

const SESSIONS = 10_000;
const ROTATED = 1_000;
const CONNECTIONS = 50;
const WARMUP_S = 5;

/** Better Auth: one user with this many sessions, cookies rotating over all of them. */
const BA_SESSIONS = 1_000;
const BA_PATH = '/api/auth/get-session';
/** Must match bench/better-auth-server.ts (`session.cookieCache.maxAge`). */
const COOKIE_CACHE_MAX_AGE_S = 300;
/** How long a revoked session is probed with Better Auth's cookie cache on. */
const BA_PROBE_S = 5;

/** Listing: one user with this many sessions, all in one response (the API does not page). */
const LIST_SESSIONS = 1_000;
const LIST_PATH = '/v1/me/sessions';
/** sessiond pages (an extension): the first page of 100; `walkPages` times fetching all ten. */
const LIST_PAGE_SIZE = 50;
const LIST_PAGED_PATH = `${LIST_PATH}?limit=${LIST_PAGE_SIZE}`;
const BA_LIST_PATH = '/api/auth/list-sessions';
const LIST_CONNECTIONS = 10;

const POSTGRES_URL = process.env.SESSIOND_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Database 14: the bench's keys (rate-limit counters, if any) stay apart from tests' keys in 0. */
const REDIS_URL = process.env.SESSIOND_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const DURATION_S = Number(option('duration') ?? 10);
const RUNS = Number(option('runs') ?? 3);
const PROFILE = flag('profile');
/** Another build to measure (an experiment, e.g. a patched copy of dist/): never written to the docs. */
const OTHER_DIST = option('dist');
const DIST = OTHER_DIST ? path.resolve(OTHER_DIST) : path.join(ROOT, 'dist');
const WRITE = !flag('no-write') && !PROFILE && !OTHER_DIST;

/** Revocations measured per bus (after a few unmeasured ones), and when a poll gives up on a node. */
const REVOCATIONS = Number(option('revocations') ?? 1_000);
const REVOCATION_WARMUP = 20;
const REVOCATION_GIVE_UP_MS = 5_000;

/** Scale: sessions generated in PostgreSQL, over this many users; a random sample is validated. */
const SCALE_SESSIONS = Number(option('scale-sessions') ?? 1_000_000);
const SCALE_USERS = 10_000;
const SCALE_SAMPLE = Number(option('scale-sample') ?? 3_000);

const SDK_SESSIONS = 1_000;
const SDK_SECONDS = 5;

const started = Date.now();
const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);

function which(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const TASKSET = which('taskset') && os.cpus().length >= 2;
const LOADER = (option('loader') ?? (which('wrk') ? 'wrk' : 'autocannon')) as 'wrk' | 'autocannon';
if (LOADER === 'wrk' && !which('wrk')) throw new Error('--loader=wrk but wrk is not installed (apt-get install wrk)');

/** `taskset -c <core> <command…>` where taskset exists; taskset execs, so the pid is the command's. */
function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return TASKSET ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/** Builds dist/ with tsc (the web pages are not needed) and type-strips the bench's own scripts. */
function build(): void {
  if (flag('skip-build') || OTHER_DIST) {
    if (!existsSync(path.join(DIST, 'http', 'app.js'))) throw new Error('dist/ is missing: run without --skip-build');
  } else {
    log('building dist/ (tsc -p tsconfig.build.json)');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  // Under node_modules so that `fastify` and `autocannon` resolve from the project.
  mkdirSync(CACHE, { recursive: true });
  for (const name of ['server', 'load', 'better-auth-server', 'sdk-client']) {
    const source = readFileSync(path.join(ROOT, 'bench', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(path.join(CACHE, `${name}.mjs`), outputText);
  }
}

function runToEnd(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${err}${out}`)),
    );
  });
}

/** What the load generator sends to a server: the path, and the file of cookies it rotates over. */
interface Target {
  path: string;
  cookies: string;
  /** Each line of `cookies` is a whole Cookie header (Better Auth), not a sessiond token. */
  raw?: boolean;
}

interface Server extends Target {
  name: TargetName;
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  /** Resolves with the match when the server prints a line matching `pattern` (after this call). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

function startServer(
  name: TargetName,
  args: string[],
  target: Target,
  { script = 'server', nodeArgs = [] }: { script?: string; nodeArgs?: string[] } = {},
): Promise<Server> {
  const [command, full] = pinned(0, process.execPath, [...nodeArgs, path.join(CACHE, `${script}.mjs`), ...args]);
  const env = { ...process.env, ...(PROFILE ? { SESSIOND_BENCH_PROFILE: '1' } : {}) };
  const child = spawn(command, full, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let out = '';
  const waiters: { pattern: RegExp; from: number; resolve: (m: RegExpExecArray) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    for (const w of waiters.splice(0)) {
      const m = w.pattern.exec(out.slice(w.from));
      if (m) w.resolve(m);
      else waiters.push(w);
    }
  });
  const waitFor = (pattern: RegExp) => new Promise<RegExpExecArray>((resolve) => waiters.push({ pattern, from: out.length, resolve }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} server did not start in 60 s`)), 60_000);
    child.on('exit', (code) => reject(new Error(`${name} server exited ${code} before listening: ${out}`)));
    waiters.push({
      pattern: /READY \d+/,
      from: 0,
      resolve: () => {
        clearTimeout(timer);
        resolve({ ...target, name, child, port: Number(/READY (\d+)/.exec(out)![1]), exited, waitFor });
      },
    });
  });
}

/** One measured run under the CPU profiler; returns the run and the profile's file. */
async function profiledRun(server: Server, file: string): Promise<RunResult> {
  const profiling = server.waitFor(/PROFILING/);
  server.child.stdin!.write('start\n');
  await profiling;
  const result = await load(server, DURATION_S);
  const profiled = server.waitFor(/PROFILED/);
  server.child.stdin!.write(`stop ${file}\n`);
  await profiled;
  return result;
}

async function stopServer(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  if ((await Promise.race([server.exited, timeout])) === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

function get(port: number, cookie: string, at = PATH): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path: at, headers: { cookie } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CPU time (s) of one process, and per-core busy/total jiffies, from /proc. */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return NaN;
  }
}

function coreTimes(): Map<string, { busy: number; total: number }> {
  const times = new Map<string, { busy: number; total: number }>();
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^(cpu\d+) (.*)$/.exec(line);
      if (!m) continue;
      const v = m[2]!.trim().split(/\s+/).map(Number);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      times.set(m[1]!, { busy: total - v[3]! - v[4]!, total });
    }
  } catch {
    // Not Linux: utilisation is reported as unknown.
  }
  return times;
}

function coreBusy(before: ReturnType<typeof coreTimes>, after: ReturnType<typeof coreTimes>, core: string): number {
  const a = before.get(core);
  const b = after.get(core);
  return a && b && b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : NaN;
}

interface LoaderOutput {
  requests: number;
  duration_us: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
}

async function load(server: Server, seconds: number, connections = CONNECTIONS): Promise<RunResult> {
  const url = `http://${HOST}:${server.port}${server.path}`;
  // A long timeout: a slow target's latency is measured, not dropped as an error.
  const [command, args] =
    LOADER === 'wrk'
      ? pinned(1, 'wrk', [
          '-t1',
          `-c${connections}`,
          `-d${seconds}s`,
          '--timeout',
          '30s',
          '-s',
          path.join(ROOT, 'bench', 'cookies.lua'),
          url,
          '--',
          server.cookies,
          ...(server.raw ? ['raw'] : []),
        ])
      : pinned(1, process.execPath, [
          path.join(CACHE, 'load.mjs'),
          url,
          server.cookies,
          String(connections),
          String(seconds),
          ...(server.raw ? ['raw'] : []),
        ]);
  const cores0 = coreTimes();
  const cpu0 = processCpuSeconds(server.child.pid);
  const t0 = process.hrtime.bigint();
  const out = await runToEnd(command, args);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = processCpuSeconds(server.child.pid);
  const cores1 = coreTimes();
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`no result from ${LOADER}:\n${out}`);
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as LoaderOutput;
  const errors = r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout;
  const seconds_ = r.duration_us / 1e6;
  const serverCpu = (cpu1 - cpu0) / wall;
  return {
    target: server.name,
    rps: r.requests / seconds_,
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    requests: r.requests,
    errors,
    non2xx: r.errors.status,
    serverCpu,
    reqPerCpuSecond: r.requests / (cpu1 - cpu0),
    core0Busy: coreBusy(cores0, cores1, 'cpu0'),
    core1Busy: coreBusy(cores0, cores1, 'cpu1'),
  };
}

function fmtRun(r: RunResult): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(100 * x)}%` : '?');
  return (
    `${r.target.padEnd(14)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s  ` +
    `p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${pct(r.serverCpu)}  ` +
    `core0 ${pct(r.core0Busy)} core1 ${pct(r.core1Busy)}` +
    (r.errors || r.non2xx ? `  errors ${r.errors} non-2xx ${r.non2xx}` : '')
  );
}

const PARTS = ['validation', 'list', 'revocation', 'scale', 'sdk'] as const;
type Part = (typeof PARTS)[number];
const ONLY = (option('only')?.split(',') ?? [...PARTS]) as Part[];
for (const p of ONLY) if (!PARTS.includes(p)) throw new Error(`--only: unknown part ${p} (parts: ${PARTS.join(', ')})`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seeds `count` sessiond sessions of one user into `db` (a SQLite file or postgres URL); returns the tokens. */
async function seedSessiond(db: string, tmp: string, count: number): Promise<string[]> {
  const tokensJson = path.join(tmp, `tokens-${Date.now()}.json`);
  await runToEnd(process.execPath, [path.join(CACHE, 'server.mjs'), 'seed', DIST, db, tokensJson, String(count)]);
  return JSON.parse(readFileSync(tokensJson, 'utf8')) as string[];
}

/** Seeds Better Auth (one user, `count` sessions) into a fresh SQLite file; returns its file and Cookie headers. */
async function seedBetterAuth(tmp: string, count: number): Promise<{ db: string; json: string; cookiesTxt: string; cookies: string[] }> {
  const db = path.join(tmp, `better-auth-${Date.now()}.db`);
  const json = path.join(tmp, `better-auth-${Date.now()}.json`);
  await runToEnd(process.execPath, [path.join(CACHE, 'better-auth-server.mjs'), 'seed', db, json, String(count)]);
  const { cookies } = JSON.parse(readFileSync(json, 'utf8')) as { cookies: string[] };
  const cookiesTxt = path.join(tmp, `better-auth-cookies-${Date.now()}.txt`);
  writeFileSync(cookiesTxt, `${cookies.join('\n')}\n`);
  return { db, json, cookiesTxt, cookies };
}

function startBetterAuth(name: TargetName, db: string, variant: 'default' | 'cookie-cache' | 'list', target: Target, extra: string[] = []) {
  return startServer(name, ['serve', db, variant, ...extra], { ...target, raw: true }, { script: 'better-auth-server' });
}

async function betterAuthQueries(server: Server): Promise<number> {
  const reply = server.waitFor(/QUERIES (\d+)/);
  server.child.stdin!.write('queries\n');
  return Number((await reply)[1]);
}

/** Median-of-runs helper for any target, with runs alternating over `servers`. */
async function alternate(servers: Server[], runs: RunResult[], connections = CONNECTIONS): Promise<void> {
  for (let i = 0; i < RUNS; i++) {
    for (const server of servers) {
      const result = await load(server, DURATION_S, connections);
      runs.push(result);
      log(`run ${runs.length}/${servers.length * RUNS}  ${fmtRun(result)}`);
    }
  }
  for (const r of runs) if (r.errors || r.non2xx) throw new Error(`run had errors, results discarded: ${fmtRun(r)}`);
}

/** Items 1 and 2: `GET /v1/me/session`, a bare route, and Better Auth's get-session (default, cookie cache). */
async function validationPart(tmp: string, machine: Machine, sections: Section[]): Promise<void> {
  const partStarted = Date.now();
  const servers: Server[] = [];
  try {
    const dbFile = path.join(tmp, 'sessiond.db');
    log(`seeding ${SESSIONS.toLocaleString('en-US')} sessiond sessions into ${dbFile}`);
    const all = await seedSessiond(dbFile, tmp, SESSIONS);
    // Every 10th session: the rotation touches rows all over the table, not one hot corner.
    const rotated = all.filter((_, i) => i % Math.floor(SESSIONS / ROTATED) === 0).slice(0, ROTATED);
    const tokensTxt = path.join(tmp, 'tokens.txt');
    writeFileSync(tokensTxt, `${rotated.join('\n')}\n`);
    log(`seeding Better Auth: one user, ${BA_SESSIONS.toLocaleString('en-US')} sessions`);
    const ba = await seedBetterAuth(tmp, BA_SESSIONS);
    const ccCookiesTxt = path.join(tmp, 'better-auth-cc-cookies.txt');

    const session = await startServer('session', ['session', DIST, dbFile], { path: PATH, cookies: tokensTxt });
    servers.push(session);
    const bare = await startServer('bare', ['bare', DIST], { path: PATH, cookies: tokensTxt });
    servers.push(bare);
    const baDefault = await startBetterAuth('better-auth', ba.db, 'default', { path: BA_PATH, cookies: ba.cookiesTxt });
    servers.push(baDefault);
    // Started last: its session_data cookies (made at start-up) are valid for 300 s.
    const baCache = await startBetterAuth('better-auth-cc', ba.db, 'cookie-cache', { path: BA_PATH, cookies: ccCookiesTxt }, [
      ba.json,
      ccCookiesTxt,
    ]);
    servers.push(baCache);

    // The session route must really validate: a valid cookie is 200 for its own session, a bad one
    // 401. With a session outside the rotation, whose touch now would fall due again mid-run.
    const probe = all[1]!;
    const ok = await get(session.port, `__Host-sessiond=${probe}`);
    const bad = await get(session.port, `__Host-sessiond=${probe.slice(0, -1)}${probe.endsWith('A') ? 'B' : 'A'}`);
    if (ok.status !== 200 || !ok.body.includes('"current":true') || bad.status !== 401)
      throw new Error(`session route sanity check failed: ${ok.status} ${ok.body} / ${bad.status}`);
    if ((await get(bare.port, `__Host-sessiond=${probe}`)).status !== 200) throw new Error('bare route sanity check failed');
    // Better Auth answers 200 with `null` for no session: check the body, for every cookie.
    const ccCookies = readFileSync(ccCookiesTxt, 'utf8').split('\n').filter(Boolean);
    for (const [server, cookies] of [
      [baDefault, ba.cookies],
      [baCache, ccCookies],
    ] as const) {
      for (const cookie of cookies) {
        const r = await get(server.port, cookie, BA_PATH);
        if (r.status !== 200 || !r.body.startsWith('{"session":'))
          throw new Error(`${server.name} sanity check failed: ${r.status} ${r.body}`);
      }
      const tampered = await get(server.port, cookies[0]!.replace(/session_token=./, 'session_token=X'), BA_PATH);
      if (server === baDefault && tampered.body !== 'null') throw new Error(`${server.name} accepted a tampered cookie: ${tampered.body}`);
    }

    log(`warm-up ${WARMUP_S} s each (${LOADER}, ${CONNECTIONS} connections)`);
    await load(bare, WARMUP_S);
    // The seeded sessions are a minute old: the warm-up writes each one's last_active_at once (a
    // synchronous commit each). On a busy machine 5 s may not reach them all: warm up until it has.
    const warmFrom = Date.now();
    const ids = JSON.stringify(rotated.map((t) => t.slice(0, 22)));
    for (let round = 1; ; round++) {
      await load(session, WARMUP_S);
      const db = new Database(dbFile, { readonly: true });
      const { n } = db
        .prepare('SELECT count(*) AS n FROM sessions WHERE id IN (SELECT value FROM json_each(?)) AND last_active_at >= ?')
        .get(ids, warmFrom) as { n: number };
      db.close();
      if (n >= rotated.length) break;
      if (round === 6) {
        log(
          `warm-up reached only ${n} of ${rotated.length} sessions in ${round * WARMUP_S} s; measuring anyway (reported as writes during runs)`,
        );
        break;
      }
      log(`warm-up reached ${n} of ${rotated.length} sessions; warming up again`);
    }
    await load(baDefault, WARMUP_S);
    await load(baCache, WARMUP_S);
    const measuredFrom = Date.now();

    if (PROFILE) {
      // One measured run per target under the profiler; nothing is written to the docs.
      for (const server of [session, bare]) {
        const file = path.join(CACHE, `${server.name}.cpuprofile`);
        const result = await profiledRun(server, file);
        log(`profiled  ${fmtRun(result)}`);
        console.log(`\n${server.name}: ${formatProfile(summariseProfile(file, server.name === 'session' ? 40 : 15))}\n`);
        log(`profile kept at ${path.relative(ROOT, file)} (open it in Chrome DevTools)`);
      }
      return;
    }

    const runs: RunResult[] = [];
    const queries0 = await betterAuthQueries(baCache);
    await alternate([session, bare, baDefault, baCache], runs);
    const cacheQueries = (await betterAuthQueries(baCache)) - queries0;
    const ccAgeS = (Date.now() - measuredFrom) / 1000;

    await Promise.all(servers.splice(0).map(stopServer));
    // Read-only steady state: no session should have been written after the warm-up.
    const db = new Database(dbFile, { readonly: true });
    const { n: touches } = db.prepare('SELECT count(*) AS n FROM sessions WHERE last_active_at >= ?').get(measuredFrom) as { n: number };
    db.close();

    const result: SessionVsBare = {
      machine,
      loader: LOADER,
      pinned: TASKSET,
      connections: CONNECTIONS,
      sessions: SESSIONS,
      rotated: ROTATED,
      warmupSeconds: WARMUP_S,
      durationSeconds: DURATION_S,
      runs,
      touchesDuringRuns: touches,
      benchSeconds: (Date.now() - partStarted) / 1000,
    };
    sections.push(renderSessionVsBare(result));
    sections.push(
      renderBetterAuth({
        ...result,
        betterAuthSessions: BA_SESSIONS,
        cookieCacheMaxAgeS: COOKIE_CACHE_MAX_AGE_S,
        cookieCacheQueries: cacheQueries,
        cookieCacheWithinMaxAge: ccAgeS < COOKIE_CACHE_MAX_AGE_S,
      }),
    );
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

/** Item 4: the list of a user's 1,000 sessions, sessiond and Better Auth, 10 connections. */
async function listPart(tmp: string, machine: Machine, sections: Section[]): Promise<void> {
  const partStarted = Date.now();
  const servers: Server[] = [];
  try {
    const dbFile = path.join(tmp, 'sessiond-list.db');
    log(`list: seeding one user with ${LIST_SESSIONS.toLocaleString('en-US')} sessiond sessions, and the same in Better Auth`);
    const tokens = await seedSessiond(dbFile, tmp, LIST_SESSIONS);
    const tokensTxt = path.join(tmp, 'list-tokens.txt');
    writeFileSync(tokensTxt, `${tokens.join('\n')}\n`);
    const ba = await seedBetterAuth(tmp, LIST_SESSIONS);
    const session = await startServer('list', ['session', DIST, dbFile], { path: LIST_PATH, cookies: tokensTxt });
    servers.push(session);
    const baList = await startBetterAuth('better-auth-list', ba.db, 'list', { path: BA_LIST_PATH, cookies: ba.cookiesTxt });
    servers.push(baList);

    const mine = await get(session.port, `__Host-sessiond=${tokens[0]!}`, LIST_PATH);
    const mineCount = mine.status === 200 ? (JSON.parse(mine.body) as { sessions: unknown[] }).sessions.length : -1;
    const theirs = await get(baList.port, ba.cookies[0]!, BA_LIST_PATH);
    const theirCount = theirs.status === 200 ? (JSON.parse(theirs.body) as unknown[]).length : -1;
    if (mineCount !== LIST_SESSIONS || theirCount !== LIST_SESSIONS)
      throw new Error(
        `list sanity check failed: sessiond ${mine.status} ${mineCount} sessions, Better Auth ${theirs.status} ${theirCount}`,
      );
    log(`list: sanity ok (${mineCount} sessions in one response each, ${mine.body.length} and ${theirs.body.length} bytes)`);

    // The same server, asked for one page at a time.
    const paged: Server = { ...session, name: 'list-paged', path: LIST_PAGED_PATH };
    log(`list: warm-up ${WARMUP_S} s each (${LIST_CONNECTIONS} connections)`);
    await load(session, WARMUP_S, LIST_CONNECTIONS);
    await load(paged, WARMUP_S, LIST_CONNECTIONS);
    await load(baList, WARMUP_S, LIST_CONNECTIONS);
    const runs: RunResult[] = [];
    await alternate([session, paged, baList], runs, LIST_CONNECTIONS);
    const walk = await walkPages(session.port, `__Host-sessiond=${tokens[0]!}`, LIST_SESSIONS);
    log(
      `list: walking all ${LIST_SESSIONS} sessions page by page: p50 ${walk.p50Ms.toFixed(1)} ms, p99 ${walk.p99Ms.toFixed(1)} ms (${walk.pages} pages)`,
    );
    sections.push(
      renderList({
        machine,
        loader: LOADER,
        connections: LIST_CONNECTIONS,
        sessions: LIST_SESSIONS,
        bytes: { sessiond: mine.body.length, betterAuth: theirs.body.length },
        pageSize: LIST_PAGE_SIZE,
        walk,
        durationSeconds: DURATION_S,
        runs,
        benchSeconds: (Date.now() - partStarted) / 1000,
      }),
    );
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

/**
 * One client fetching every page of the list in turn (no other load), repeated: how long a
 * complete list takes when the API pages. Checks that every session comes back exactly once.
 */
async function walkPages(port: number, cookie: string, expected: number): Promise<{ p50Ms: number; p99Ms: number; pages: number }> {
  const times: number[] = [];
  let pages = 0;
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    const seen = new Set<string>();
    let cursor: string | null = null;
    pages = 0;
    do {
      const url: string = `${LIST_PAGED_PATH}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await get(port, cookie, url);
      if (res.status !== 200) throw new Error(`paged list answered ${res.status}: ${res.body}`);
      const body = JSON.parse(res.body) as { sessions: { id: string }[]; next_cursor: string | null };
      for (const s of body.sessions) seen.add(s.id);
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null);
    if (seen.size !== expected) throw new Error(`paged list returned ${seen.size} of ${expected} sessions`);
    if (i >= 10) times.push(performance.now() - started); // the first ten warm up
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), pages };
}

/** A fresh PostgreSQL schema for the bench; `drop()` removes it and everything in it. */
async function benchSchema(): Promise<{
  url: string;
  schema: string;
  drop(): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.query(`set search_path = ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async drop() {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

interface Node {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

/** A real `sessiond serve` process, pinned to core 0, with no SESSIOND_* from the environment. */
async function startNode(args: string[]): Promise<Node> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SESSIOND_')));
  const [command, full] = pinned(0, process.execPath, [
    path.join(ROOT, 'bin', 'sessiond.js'),
    'serve',
    '--host',
    HOST,
    '--port',
    '0',
    '--log-level',
    'warn',
    ...args,
  ]);
  const child = spawn(command, full, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sessiond serve did not start in 60 s: ${out}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`sessiond serve exited ${code}: ${out}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /sessiond listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), exited });
      }
    });
  });
}

async function stopNode(node: Node): Promise<void> {
  node.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  if ((await Promise.race([node.exited, timeout])) === 'timeout') {
    node.child.kill('SIGKILL');
    await node.exited;
  }
}

/** One request on a keep-alive agent; resolves with the status when the response has ended. */
function call(agent: Agent, port: number, method: string, at: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    const req = request({ host: HOST, port, path: at, method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Item 3: revoke through node 2, poll nodes 1 and 3 until both refuse the token. Each token is
 * validated on nodes 1 and 3 just before (so both have it cached, well inside the cache's 30 s
 * maximum age), then `POST /v1/auth/sign-out` with it goes to node 2 at t0 while nodes 1 and 3
 * are polled back to back; the time to effect is the later of the two first 401s, minus t0.
 */
async function revocationOnce(
  nodes: Node[],
  agents: Agent[],
  token: string,
): Promise<{ effectMs: number; revokeMs: number; polls: number }> {
  const [n1, n2, n3] = nodes as [Node, Node, Node];
  for (const i of [0, 2]) {
    for (let k = 0; k < 2; k++) {
      const status = await call(agents[i]!, nodes[i]!.port, 'GET', PATH, token);
      if (status !== 200) throw new Error(`node ${i + 1} refused a live token before revocation (${status})`);
    }
  }
  const t0 = performance.now();
  let revokedAt = 0;
  const revoke = call(agents[1]!, n2.port, 'POST', '/v1/auth/sign-out', token).then((status) => {
    if (status !== 204) throw new Error(`sign-out on node 2 answered ${status}`);
    revokedAt = performance.now();
  });
  let polls = 0;
  const poll = async (agent: Agent, node: Node) => {
    for (;;) {
      polls++;
      const status = await call(agent, node.port, 'GET', PATH, token);
      if (status === 401) return performance.now();
      if (status !== 200) throw new Error(`poll answered ${status}`);
      if (performance.now() - t0 > REVOCATION_GIVE_UP_MS) return Infinity;
    }
  };
  const [a, b] = await Promise.all([poll(agents[0]!, n1), poll(agents[2]!, n3), revoke]);
  return { effectMs: Math.max(a, b) - t0, revokeMs: revokedAt - t0, polls };
}

/** Better Auth with its cookie cache: a revoked session is still accepted while its session_data cookie lasts. */
async function betterAuthRevocationProbe(tmp: string): Promise<BetterAuthProbe> {
  const ba = await seedBetterAuth(tmp, 2);
  const ccTxt = path.join(tmp, 'better-auth-probe-cc.txt');
  const server = await startBetterAuth('better-auth-cc', ba.db, 'cookie-cache', { path: BA_PATH, cookies: ccTxt }, [ba.json, ccTxt]);
  try {
    const cookie = readFileSync(ccTxt, 'utf8').split('\n')[0]!;
    const before = await get(server.port, cookie, BA_PATH);
    if (!before.body.startsWith('{"session":')) throw new Error(`Better Auth probe: session not valid before revocation: ${before.body}`);
    const signOut = await new Promise<number>((resolve, reject) => {
      const origin = `http://${HOST}:${server.port}`;
      const req = request(
        {
          host: HOST,
          port: server.port,
          path: '/api/auth/sign-out',
          method: 'POST',
          headers: { cookie, origin, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    const revokedAt = Date.now();
    // Without the session_data cookie Better Auth reads the database: the session is gone there.
    const dbAnswer = await get(server.port, cookie.split('; ')[0]!, BA_PATH);
    let accepted = 0;
    let probes = 0;
    let lastAcceptedS = 0;
    while (Date.now() - revokedAt < BA_PROBE_S * 1000) {
      probes++;
      const r = await get(server.port, cookie, BA_PATH);
      if (r.body.startsWith('{"session":')) {
        accepted++;
        lastAcceptedS = (Date.now() - revokedAt) / 1000;
      }
      await sleep(250);
    }
    return {
      signOutStatus: signOut,
      databaseSaysRevoked: dbAnswer.body === 'null',
      probes,
      accepted,
      lastAcceptedS,
      maxAgeS: COOKIE_CACHE_MAX_AGE_S,
    };
  } finally {
    await stopServer(server);
  }
}

async function revocationPart(tmp: string, machine: Machine, sections: Section[]): Promise<void> {
  const partStarted = Date.now();
  const database = await benchSchema();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const nodes: Node[] = [];
  const results: RevocationRun[] = [];
  let keysBefore = new Set<string>();
  try {
    await redis.connect();
    keysBefore = new Set(await redis.keys('sessiond:*'));
    const perBus = REVOCATIONS + REVOCATION_WARMUP;
    log(`revocation: seeding ${(2 * perBus).toLocaleString('en-US')} sessions into PostgreSQL schema ${database.schema}`);
    const tokens = await seedSessiond(database.url, tmp, 2 * perBus);
    for (const [i, bus] of (['redis', 'postgres'] as const).entries()) {
      const args = ['--db', database.url, ...(bus === 'redis' ? ['--redis', REDIS_URL] : [])];
      for (let n = 0; n < 3; n++) nodes.push(await startNode(args));
      // Let every node's bus become live (its cache is bypassed until then).
      await sleep(1_500);
      const agents = nodes.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
      const mine = tokens.slice(i * perBus, (i + 1) * perBus);
      const effects: number[] = [];
      const revokes: number[] = [];
      let polls = 0;
      log(`revocation (${bus}): ${REVOCATION_WARMUP} warm-up revocations, then ${REVOCATIONS.toLocaleString('en-US')} measured`);
      for (const [k, token] of mine.entries()) {
        const r = await revocationOnce(nodes, agents, token);
        if (k < REVOCATION_WARMUP) continue;
        effects.push(r.effectMs);
        revokes.push(r.revokeMs);
        polls += r.polls;
        if (effects.length % 250 === 0) log(`revocation (${bus}): ${effects.length} done`);
      }
      results.push({ bus, effects, revokes, polls });
      for (const a of agents) a.destroy();
      await Promise.all(nodes.splice(0).map(stopNode));
    }
    log('revocation: Better Auth cookie-cache probe');
    const probe = await betterAuthRevocationProbe(tmp);
    sections.push(renderRevocation({ machine, runs: results, probe, benchSeconds: (Date.now() - partStarted) / 1000 }));
  } finally {
    await Promise.all(nodes.map(stopNode));
    await database.drop();
    if (redis.status === 'ready') {
      const created = (await redis.keys('sessiond:*')).filter((k) => !keysBefore.has(k));
      if (created.length) await redis.del(...created);
    }
    redis.disconnect();
  }
}

/** Item 5: a million sessions in PostgreSQL, validated cold (cache miss) and warm through a real node. */
async function scalePart(tmp: string, machine: Machine, sections: Section[]): Promise<void> {
  const partStarted = Date.now();
  const database = await benchSchema();
  let server: Server | undefined;
  try {
    log(`scale: template user and session through sessiond, schema ${database.schema}`);
    const [template] = await seedSessiond(database.url, tmp, 1);
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
      })} from sessions t cross join generate_series(1, ${SCALE_SESSIONS}) g where t.id = $1`,
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
    while (picked.size < SCALE_SAMPLE) picked.add(1 + Math.floor(Math.random() * SCALE_SESSIONS));
    const sample = [...picked].map(token);
    server = await startServer(
      'session',
      ['session', DIST, database.url, 'stats'],
      { path: PATH, cookies: '' },
      { nodeArgs: ['--expose-gc'] },
    );
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
    await timed(Array.from({ length: 200 }, (_, i) => token(SCALE_SESSIONS - i)));
    const s0 = await stats();
    log(`scale: ${SCALE_SAMPLE.toLocaleString('en-US')} cold validations (sessions chosen at random, first request each)`);
    const cold = await timed(sample);
    const s1 = await stats();
    log(`scale: the same ${SCALE_SAMPLE.toLocaleString('en-US')} again, warm`);
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
        sample: SCALE_SAMPLE,
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

/** Item 6: the SDK's `verify` in-process with a warm cache, against a sessiond node on core 0. */
async function sdkPart(tmp: string, machine: Machine, sections: Section[]): Promise<void> {
  const partStarted = Date.now();
  const dbFile = path.join(tmp, 'sessiond-sdk.db');
  log(`sdk: seeding ${SDK_SESSIONS.toLocaleString('en-US')} sessions and a service key`);
  const tokens = await seedSessiond(dbFile, tmp, SDK_SESSIONS);
  const tokensTxt = path.join(tmp, 'sdk-tokens.txt');
  writeFileSync(tokensTxt, `${tokens.join('\n')}\n`);
  const key = (await runToEnd(process.execPath, [path.join(CACHE, 'server.mjs'), 'service-key', DIST, dbFile])).trim();
  const server = await startServer('session', ['session', DIST, dbFile], { path: PATH, cookies: tokensTxt });
  try {
    const runs: SdkRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      const [command, args] = pinned(1, process.execPath, [
        path.join(CACHE, 'sdk-client.mjs'),
        DIST,
        `http://${HOST}:${server.port}`,
        key,
        tokensTxt,
        String(SDK_SECONDS),
      ]);
      const out = await runToEnd(command, args);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) throw new Error(`no result from the SDK client:\n${out}`);
      const run = JSON.parse(line.slice('BENCH_RESULT '.length)) as SdkRun;
      if (run.nullAnswers) throw new Error(`the SDK refused ${run.nullAnswers} live sessions`);
      runs.push(run);
      log(
        `sdk run ${i + 1}/${RUNS}: ${Math.round(run.callsPerSecond).toLocaleString('en-US')} verify/s, ${run.introspectionsDuringWarm} introspections while warm`,
      );
    }
    sections.push(renderSdk({ machine, runs, seconds: SDK_SECONDS, benchSeconds: (Date.now() - partStarted) / 1000 }));
  } finally {
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  const machine = machineInfo(ROOT, LOADER);
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, load average ${machine.loadAverage}`);
  log(`parts: ${ONLY.join(', ')}`);
  if (!TASKSET) log('taskset unavailable (or one core): processes are not pinned');
  build();

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sessiond-bench-'));
  const sections: Section[] = [];
  const parts: Record<Part, (tmp: string, machine: Machine, sections: Section[]) => Promise<void>> = {
    validation: validationPart,
    list: listPart,
    revocation: revocationPart,
    scale: scalePart,
    sdk: sdkPart,
  };
  try {
    for (const part of PARTS) if (ONLY.includes(part)) await parts[part](tmp, machine, sections);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (PROFILE) return;
  const total = (Date.now() - started) / 1000;
  for (const s of sections) console.log(`\n${s.summary}`);
  if (WRITE) {
    await writeSections(DOC, sections, { machine, seconds: total, parts: ONLY });
    log(`results written to ${path.relative(ROOT, DOC)}`);
  }
  log(`done in ${Math.round(total)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
