/**
 * `npm run bench`: session validation (`GET /v1/me/session` with valid cookies, 10,000 sessions
 * in a SQLite file) against a bare Fastify route returning a constant, on this machine.
 *
 * Each server runs in its own `node` process on the compiled `dist/`, pinned to core 0; the load
 * generator (wrk, or autocannon when wrk is not installed) runs in another process pinned to
 * core 1. After a warm-up of each target, runs alternate session, bare, session, … and the
 * median of 3 runs per target is reported, printed, and written to docs/benchmarks.md.
 *
 * Options: --skip-build (use dist/ as it is), --loader=wrk|autocannon, --duration=<s>,
 * --runs=<n>, --no-write (print only), --dist=<dir> (measure another build; implies --no-write
 * and --skip-build), --profile (one run per target under the V8 CPU profiler,
 * summary printed; implies --no-write because the profiler slows the servers down).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import ts from 'typescript';
import { formatProfile, summariseProfile } from './profile.js';
import { machineInfo, writeSection, type RunResult, type SessionVsBare, type TargetName } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CACHE = path.join(ROOT, 'node_modules', '.cache', 'sessiond-bench');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const HOST = '127.0.0.1';
const PATH = '/v1/me/session';

const SESSIONS = 10_000;
const ROTATED = 1_000;
const CONNECTIONS = 50;
const WARMUP_S = 5;

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
  for (const name of ['server', 'load']) {
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

interface Server {
  name: TargetName;
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  /** Resolves when the server prints a line matching `pattern` (after this call). */
  waitFor(pattern: RegExp): Promise<void>;
}

function startServer(name: TargetName, args: string[]): Promise<Server> {
  const [command, full] = pinned(0, process.execPath, [path.join(CACHE, 'server.mjs'), ...args]);
  const env = { ...process.env, ...(PROFILE ? { SESSIOND_BENCH_PROFILE: '1' } : {}) };
  const child = spawn(command, full, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let out = '';
  const waiters: { pattern: RegExp; from: number; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(out.slice(w.from))) w.resolve();
      else waiters.push(w);
    }
  });
  const waitFor = (pattern: RegExp) => new Promise<void>((resolve) => waiters.push({ pattern, from: out.length, resolve }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} server did not start in 30 s`)), 30_000);
    child.on('exit', (code) => reject(new Error(`${name} server exited ${code} before listening: ${out}`)));
    waiters.push({
      pattern: /READY \d+/,
      from: 0,
      resolve: () => {
        clearTimeout(timer);
        resolve({ name, child, port: Number(/READY (\d+)/.exec(out)![1]), exited, waitFor });
      },
    });
  });
}

/** One measured run under the CPU profiler; returns the run and the profile's file. */
async function profiledRun(server: Server, tokensTxt: string, file: string): Promise<RunResult> {
  const profiling = server.waitFor(/PROFILING/);
  server.child.stdin!.write('start\n');
  await profiling;
  const result = await load(server, tokensTxt, DURATION_S);
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

function get(port: number, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path: PATH, headers: { cookie } }, (res) => {
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

async function load(server: Server, tokensTxt: string, seconds: number): Promise<RunResult> {
  const url = `http://${HOST}:${server.port}${PATH}`;
  const [command, args] =
    LOADER === 'wrk'
      ? pinned(1, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', path.join(ROOT, 'bench', 'cookies.lua'), url, '--', tokensTxt])
      : pinned(1, process.execPath, [path.join(CACHE, 'load.mjs'), url, tokensTxt, String(CONNECTIONS), String(seconds)]);
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
    `${r.target.padEnd(7)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s  ` +
    `p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${pct(r.serverCpu)}  ` +
    `core0 ${pct(r.core0Busy)} core1 ${pct(r.core1Busy)}` +
    (r.errors || r.non2xx ? `  errors ${r.errors} non-2xx ${r.non2xx}` : '')
  );
}

async function main(): Promise<void> {
  const machine = machineInfo(ROOT, LOADER);
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, load average ${machine.loadAverage}`);
  if (!TASKSET) log('taskset unavailable (or one core): processes are not pinned');
  build();

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sessiond-bench-'));
  const servers: Server[] = [];
  try {
    const dbFile = path.join(tmp, 'sessiond.db');
    const tokensJson = path.join(tmp, 'tokens.json');
    log(`seeding ${SESSIONS.toLocaleString('en-US')} sessions into ${dbFile}`);
    await runToEnd(process.execPath, [path.join(CACHE, 'server.mjs'), 'seed', DIST, dbFile, tokensJson, String(SESSIONS)]);
    const all = JSON.parse(readFileSync(tokensJson, 'utf8')) as string[];
    // Every 10th session: the rotation touches rows all over the table, not one hot corner.
    const rotated = all.filter((_, i) => i % Math.floor(SESSIONS / ROTATED) === 0).slice(0, ROTATED);
    const tokensTxt = path.join(tmp, 'tokens.txt');
    writeFileSync(tokensTxt, `${rotated.join('\n')}\n`);

    const session = await startServer('session', ['session', DIST, dbFile]);
    servers.push(session);
    const bare = await startServer('bare', ['bare', DIST]);
    servers.push(bare);

    // The session route must really validate: a valid cookie is 200 for its own session, a bad one
    // 401. With a session outside the rotation, whose touch now would fall due again mid-run.
    const probe = all[1]!;
    const ok = await get(session.port, `__Host-sessiond=${probe}`);
    const bad = await get(session.port, `__Host-sessiond=${probe.slice(0, -1)}${probe.endsWith('A') ? 'B' : 'A'}`);
    if (ok.status !== 200 || !ok.body.includes('"current":true') || bad.status !== 401)
      throw new Error(`session route sanity check failed: ${ok.status} ${ok.body} / ${bad.status}`);
    if ((await get(bare.port, `__Host-sessiond=${probe}`)).status !== 200) throw new Error('bare route sanity check failed');

    log(
      `warm-up ${WARMUP_S} s each (${LOADER}, ${CONNECTIONS} connections, cookies rotating over ${ROTATED.toLocaleString('en-US')} sessions)`,
    );
    await load(bare, tokensTxt, WARMUP_S);
    // The seeded sessions are a minute old: the warm-up writes each one's last_active_at once (a
    // synchronous commit each). On a busy machine 5 s may not reach them all: warm up until it has.
    const warmFrom = Date.now();
    const ids = JSON.stringify(rotated.map((t) => t.slice(0, 22)));
    for (let round = 1; ; round++) {
      await load(session, tokensTxt, WARMUP_S);
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
    const measuredFrom = Date.now();

    if (PROFILE) {
      // One measured run per target under the profiler; nothing is written to the docs.
      for (const server of [session, bare]) {
        const file = path.join(CACHE, `${server.name}.cpuprofile`);
        const result = await profiledRun(server, tokensTxt, file);
        log(`profiled  ${fmtRun(result)}`);
        console.log(`\n${server.name}: ${formatProfile(summariseProfile(file, server.name === 'session' ? 40 : 15))}\n`);
        log(`profile kept at ${path.relative(ROOT, file)} (open it in Chrome DevTools)`);
      }
      return;
    }

    const runs: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const server of [session, bare]) {
        const result = await load(server, tokensTxt, DURATION_S);
        runs.push(result);
        log(`run ${runs.length}/${2 * RUNS}  ${fmtRun(result)}`);
      }
    }

    await Promise.all(servers.splice(0).map(stopServer));
    // Read-only steady state: no session should have been written after the warm-up.
    const db = new Database(dbFile, { readonly: true });
    const { n: touches } = db.prepare('SELECT count(*) AS n FROM sessions WHERE last_active_at >= ?').get(measuredFrom) as { n: number };
    db.close();

    for (const r of runs) if (r.errors || r.non2xx) throw new Error(`run had errors, results discarded: ${fmtRun(r)}`);
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
      benchSeconds: 0,
    };
    result.benchSeconds = (Date.now() - started) / 1000;
    const { summary } = await writeSection(DOC, result, WRITE);
    console.log(`\n${summary}`);
    if (WRITE) log(`results written to ${path.relative(ROOT, DOC)}`);
  } finally {
    await Promise.all(servers.map(stopServer));
    rmSync(tmp, { recursive: true, force: true });
  }
  log('done');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
