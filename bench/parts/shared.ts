/**
 * What every bench part uses: the options, the log, building and type-stripping the bench's
 * scripts, starting servers (through test/support/serve-process.ts, like the tests) pinned to
 * core 0, driving the load generator pinned to core 1, and seeding sessions.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type Agent } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import ts from 'typescript';
import {
  envWithoutSessiond,
  spawnNode,
  spawnSessiond,
  type SessiondProcess,
  type SpawnedProcess,
} from '../../test/support/serve-process.js';
import type { Machine, RunResult, Section, TargetName } from '../report.js';
import type { CapturedResponse } from '../server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = path.join(ROOT, 'node_modules', '.cache', 'sessiond-bench');
export const HOST = '127.0.0.1';
export const PATH = '/v1/me/session';

export const CONNECTIONS = 50;
export const WARMUP_S = 5;

export const POSTGRES_URL = process.env.SESSIOND_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Database 14: the bench's keys (rate-limit counters, if any) stay apart from tests' keys in 0. */
export const REDIS_URL = process.env.SESSIOND_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

/** A server is given this long to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 15_000;

export const PARTS = ['validation', 'list', 'revocation', 'scale', 'sdk', 'scale-out', 'flood', 'start', 'oauth-revocation'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  only: Part[];
  durationS: number;
  runs: number;
  /** One run per target under the V8 CPU profiler (validation only); nothing is written. */
  profile: boolean;
  /** Use dist/ as it is. */
  skipBuild: boolean;
  /** Another build to measure (an experiment, e.g. a patched copy of dist/): never written to the docs. */
  otherDist: string | undefined;
  /** The build the bench's own servers load. */
  dist: string;
  /** Write docs/benchmarks.md. */
  write: boolean;
  loader: 'wrk' | 'autocannon';
  /** Processes are pinned (server to core 0, load to core 1). */
  taskset: boolean;
  /**
   * While one target is measured, the other targets' processes run at the idle scheduling class
   * (`chrt --idle`): they share core 0 with it, and an idle process's own background work (a
   * garbage collection V8 starts some 30 s after a load ends, timers) would otherwise take the core
   * in slices of tens of milliseconds in the middle of another target's run.
   */
  idleOthers: boolean;
  /** Revocations measured per bus. */
  revocations: number;
  /** Scale: sessions generated in PostgreSQL, and how many of them are validated. */
  scaleSessions: number;
  scaleSample: number;
  /** Scale-out (bench/parts/scale-out.ts): seconds per bus step, fan-out rate and sizes, revoke-all and purge sizes. */
  scaleOut: { stepSeconds: number; fanOutRate: number; subscribers: number[]; revokeAllSessions: number; purgeSessions: number };
}

/** What a part gets: the options, a scratch directory, the machine, and where its sections go. */
export interface Bench {
  options: BenchOptions;
  tmp: string;
  machine: Machine;
  sections: Section[];
}

const started = Date.now();
export const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}`);
/** Seconds since the bench started. */
export const elapsedSeconds = () => (Date.now() - started) / 1000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function which(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `taskset -c <core> <command…>` where taskset exists; taskset execs, so the pid is the command's. */
export function pinned(options: BenchOptions, core: number, command: string, args: string[]): [string, string[]] {
  return options.taskset ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/**
 * Builds dist/ with tsc and bundles the command line that bin/sessiond.js runs (the web pages are
 * not needed), and type-strips the bench's own scripts.
 */
export function build(options: BenchOptions): void {
  if (options.skipBuild || options.otherDist) {
    if (!existsSync(path.join(options.dist, 'http', 'app.js'))) throw new Error('dist/ is missing: run without --skip-build');
  } else {
    log('building dist/ (tsc -p tsconfig.build.json, then scripts/bundle-server.ts)');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/bundle-server.ts'], {
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

export function runToEnd(command: string, args: string[]): Promise<string> {
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
export interface Target {
  path: string;
  cookies: string;
  /** Each line of `cookies` is a whole Cookie header (Better Auth), not a sessiond token. */
  raw?: boolean;
  /** Each request is an introspection call (POST `{"token":…}`) with this service key, not a cookie. */
  serviceKey?: string;
}

export interface Server extends Target {
  name: TargetName;
  process: SpawnedProcess;
  port: number;
}

/**
 * One of the bench's server scripts (bench/server.ts, bench/better-auth-server.ts), pinned to
 * core 0; resolves once it prints `READY <port>`.
 */
export async function startServer(
  options: BenchOptions,
  name: TargetName,
  args: string[],
  target: Target,
  { script = 'server', nodeArgs = [] }: { script?: string; nodeArgs?: string[] } = {},
): Promise<Server> {
  const started = await spawnNode({
    name: `${name} server`,
    script: path.join(CACHE, `${script}.mjs`),
    args,
    nodeArgs,
    env: { ...process.env, ...(options.profile ? { SESSIOND_BENCH_PROFILE: '1' } : {}) },
    ready: /READY (\d+)/,
    echoStderr: true,
    wrap: (command, full) => pinned(options, 0, command, full),
  });
  return { ...target, name, process: started, port: Number(started.ready[1]) };
}

export async function stopServer(server: Server): Promise<void> {
  await server.process.stop(STOP_GRACE_MS);
}

/** A real `sessiond serve` process, pinned to core 0, with no SESSIOND_* from the environment. */
export function startNode(options: BenchOptions, args: string[]): Promise<SessiondProcess> {
  return spawnSessiond({
    name: 'sessiond serve',
    args: ['--host', HOST, '--port', '0', '--log-level', 'warn', ...args],
    env: envWithoutSessiond(),
    echoStderr: true,
    wrap: (command, full) => pinned(options, 0, command, full),
  });
}

export async function stopNode(node: SessiondProcess): Promise<void> {
  await node.stop(STOP_GRACE_MS);
}

export function get(port: number, cookie: string, at = PATH): Promise<{ status: number; body: string }> {
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

/** One request on a keep-alive agent; resolves with the status when the response has ended. */
export function call(agent: Agent, port: number, method: string, at: string, token: string): Promise<number> {
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

/** The load generators' last arguments: what each request carries besides the path. */
function loaderMode(target: Target): string[] {
  if (target.serviceKey) return ['introspect', target.serviceKey];
  return target.raw ? ['raw'] : [];
}

export async function load(options: BenchOptions, server: Server, seconds: number, connections = CONNECTIONS): Promise<RunResult> {
  const url = `http://${HOST}:${server.port}${server.path}`;
  // A long timeout: a slow target's latency is measured, not dropped as an error.
  const [command, args] =
    options.loader === 'wrk'
      ? pinned(options, 1, 'wrk', [
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
          ...loaderMode(server),
        ])
      : pinned(options, 1, process.execPath, [
          path.join(CACHE, 'load.mjs'),
          url,
          server.cookies,
          String(connections),
          String(seconds),
          ...loaderMode(server),
        ]);
  const cores0 = coreTimes();
  const cpu0 = processCpuSeconds(server.process.pid);
  const t0 = process.hrtime.bigint();
  const out = await runToEnd(command, args);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = processCpuSeconds(server.process.pid);
  const cores1 = coreTimes();
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`no result from ${options.loader}:\n${out}`);
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

export function fmtRun(r: RunResult): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(100 * x)}%` : '?');
  return (
    `${r.target.padEnd(18)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s  ` +
    `p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  server CPU ${pct(r.serverCpu)}  ` +
    `core0 ${pct(r.core0Busy)} core1 ${pct(r.core1Busy)}` +
    (r.errors || r.non2xx ? `  errors ${r.errors} non-2xx ${r.non2xx}` : '')
  );
}

/**
 * One request, as the load generator sends it, on a fresh connection, and the response exactly as
 * it comes off the socket: status line, every header line in order and letter case, body bytes.
 * The response must have a Content-Length (sessiond's JSON answers do).
 */
export function captureResponse(
  port: number,
  method: 'GET' | 'POST',
  at: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ captured: CapturedResponse; raw: Buffer }> {
  const lines = [`${method} ${at} HTTP/1.1`, `Host: ${HOST}:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const requestBytes = `${lines.join('\r\n')}\r\n\r\n${body}`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response from port ${port} within 10 s: ${received.toString('latin1')}`));
    }, 10_000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...headerLines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const head: [string, string][] = headerLines.map((l) => {
        const colon = l.indexOf(':');
        return [l.slice(0, colon), l.slice(colon + 1).trim()];
      });
      const length = head.find(([n]) => n.toLowerCase() === 'content-length');
      if (!length) {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`response without Content-Length: ${statusLine}`));
        return;
      }
      const total = end + 4 + Number(length[1]);
      if (received.length < total) return;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine!);
      if (!m) {
        reject(new Error(`not an HTTP/1.1 status line: ${statusLine}`));
        return;
      }
      const raw = received.subarray(0, total);
      resolve({
        raw,
        captured: {
          method,
          path: at,
          status: Number(m[1]),
          statusMessage: m[2]!,
          headers: head,
          body: raw.subarray(end + 4).toString('base64'),
          regenerate: head.map(([n]) => n.toLowerCase()).filter((n) => PER_RESPONSE_HEADERS.includes(n)),
        },
      });
    });
    socket.write(requestBytes);
  });
}

/** Headers whose value legitimately differs per response (Node's Date: the current second). */
const PER_RESPONSE_HEADERS = ['date'];

/**
 * The ceiling's response must be sessiond's, byte for byte, except the values of the headers it
 * regenerates, which must keep their length. Throws with the first difference otherwise.
 */
export function assertSameBytes(sessiond: Buffer, ceiling: Buffer, regenerate: string[]): void {
  const mask = (raw: Buffer) => {
    let text = raw.toString('latin1');
    for (const name of regenerate)
      text = text.replace(new RegExp(`^(${name}: )(.*)$`, 'im'), (_, prefix: string, value: string) => prefix + '#'.repeat(value.length));
    return text;
  };
  const a = mask(sessiond);
  const b = mask(ceiling);
  if (a === b) return;
  let i = 0;
  while (a[i] === b[i]) i++;
  throw new Error(
    `the ceiling's response is not sessiond's bytes (${sessiond.length} vs ${ceiling.length} bytes; first difference at byte ${i}):\n` +
      `sessiond: ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 60))}\nceiling:  ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 60))}`,
  );
}

/** `chrt` on every thread of `pid`: `--idle` (runs only when core 0 has nothing else to do) or `--other` (the default class). */
function schedule(pid: number, policy: '--idle' | '--other'): void {
  execFileSync('chrt', ['--all-tasks', policy, '--pid', '0', String(pid)], { stdio: 'ignore' });
}

/**
 * Gives core 0 to `measured` (options.idleOthers): every other server process of the run drops to
 * the idle scheduling class, the measured one (which may share its process with another target)
 * returns to the default class. Measured on this bench: an idle Better Auth process, pinned to core
 * 0 like every target, ran V8's memory-reducing collections (three, 25-45 ms each, 0.6 s apart)
 * some 30 s after its own runs, which in the fixed order of a round was inside the PostgreSQL
 * session runs every time and tripled their p99 (docs/benchmarks.md).
 */
function foreground(options: BenchOptions, measured: Server, pids: readonly number[]): void {
  if (!options.idleOthers) return;
  const pid = measured.process.pid;
  for (const other of pids) if (other !== pid) schedule(other, '--idle');
  schedule(pid, '--other');
}

/**
 * `options.runs` runs of each server in turn. With `leadIn`, each run is preceded by `seconds` of
 * the same load whose results go to `leadIn.runs`: the run itself then starts warm (a target idle
 * for a whole round has let its cache entries expire), and the lead-in shows that start.
 */
export async function alternate(
  options: BenchOptions,
  servers: Server[],
  runs: RunResult[],
  connections = CONNECTIONS,
  leadIn?: { seconds: number; runs: RunResult[] },
): Promise<void> {
  // Server processes, each once: introspection is measured on the session target's process.
  const pids = [...new Set(servers.map((s) => s.process.pid))];
  try {
    for (let i = 0; i < options.runs; i++) {
      for (const server of servers) {
        foreground(options, server, pids);
        if (leadIn) leadIn.runs.push(await load(options, server, leadIn.seconds, connections));
        const result = await load(options, server, options.durationS, connections);
        runs.push(result);
        log(`run ${runs.length}/${servers.length * options.runs}  ${fmtRun(result)}`);
      }
    }
  } finally {
    // What comes after the runs (counters read, stats) finds every server as it started.
    if (options.idleOthers) for (const pid of pids) schedule(pid, '--other');
  }
  for (const r of [...runs, ...(leadIn?.runs ?? [])])
    if (r.errors || r.non2xx) throw new Error(`run had errors, results discarded: ${fmtRun(r)}`);
}

/** Seeds `count` sessiond sessions of one user into `db` (a SQLite file or postgres URL); returns the tokens. */
export async function seedSessiond(bench: Bench, db: string, count: number): Promise<string[]> {
  const tokensJson = path.join(bench.tmp, `tokens-${Date.now()}.json`);
  await runToEnd(process.execPath, [path.join(CACHE, 'server.mjs'), 'seed', bench.options.dist, db, tokensJson, String(count)]);
  return JSON.parse(readFileSync(tokensJson, 'utf8')) as string[];
}

/** How long a new server may take to be live on its revocation bus. */
const LIVE_DEADLINE_MS = 60_000;

/**
 * Waits until a server says (`sessiond_revocation_bus_live 1` in /metrics) that it hears every
 * revocation, so its cache is trusted: the event a measurement needs, not a fixed pause.
 */
export async function untilBusLive(port: number): Promise<void> {
  const deadline = Date.now() + LIVE_DEADLINE_MS;
  while (!/^sessiond_revocation_bus_live 1$/m.test((await get(port, '', '/metrics')).body)) {
    if (Date.now() > deadline) throw new Error(`the server on port ${port} was not live on its bus within ${LIVE_DEADLINE_MS / 1000} s`);
    await sleep(50);
  }
}

/** A fresh PostgreSQL schema for the bench; `drop()` removes it and everything in it. */
export async function benchSchema(): Promise<{
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
