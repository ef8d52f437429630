/**
 * `npm run bench`: sessiond's performance on this machine, in parts (all by default; choose with
 * `--only=validation,list,revocation,scale,sdk,scale-out,flood,start,oauth-revocation`), one file each under bench/parts/:
 *
 * - validation: `GET /v1/me/session` with valid cookies (10,000 sessions in a SQLite file), and
 *   `POST /v1/introspect` with a service key for the same sessions, each against its same-bytes
 *   ceiling (a bare Fastify route replaying byte for byte the answer sessiond sent for that
 *   request, captured at start: bench/server.ts `replay`), against a bare Fastify route returning
 *   a constant, and Better Auth's `GET /api/auth/get-session` on SQLite too, with its defaults and
 *   with its cookie cache on (bench/better-auth-server.ts); requests per server CPU-second beside
 *   throughput for each.
 * - list: `GET /v1/me/sessions` for a user with 1,000 sessions, and Better Auth's list-sessions.
 * - revocation: time to effect across three `sessiond serve` nodes on PostgreSQL, with Redis and
 *   with LISTEN/NOTIFY; and Better Auth's cookie cache accepting a revoked session.
 * - scale: 1,000,000 sessions in PostgreSQL: cold and warm validation, cache and table bytes.
 * - sdk: the SDK's `verify` calls per second in-process with a warm cache (bench/sdk-client.ts).
 * - scale-out (issue 17; about 3 minutes on 2 cores): revocations per second each bus (PostgreSQL
 *   LISTEN/NOTIFY, Redis pub/sub) sustains before time to effect's p99 passes 50 ms; time to effect
 *   and subscriber CPU with 10, 50 and 200 subscribing buses; revoke-all of one user's 100,000
 *   sessions and purge of 1,000,000 ended sessions, each while other sessions are read. The
 *   capacity model built on them is docs/scale.md.
 * - start (issue 13 target 6): time from `sessiond serve`'s spawn to its listening line, and its
 *   RSS then and idle, on a new SQLite file and on a restart (bench/parts/start.ts).
 * - flood (issue 13 target 5): validation and `/healthz` latency during a 2,000-connection sign-in
 *   flood at OWASP argon2id, with the hashing queue and without; sign-ins checked per second.
 * - oauth-revocation (issue 11): an OAuth grant removed and a personal token revoked through one
 *   node of three, and how soon the other two refuse it; what userinfo and introspection cost one
 *   node (bench/parts/oauth-revocation.ts; --oauth-revocations=<n> rounds, default 200).
 *
 * Better Auth's side of the comparisons is in bench/parts/better-auth.ts, and what every part
 * shares (starting servers, the load generator, seeding) in bench/parts/shared.ts.
 *
 * Each server runs in its own `node` process on the compiled `dist/`, pinned to core 0; the load
 * generator (wrk, or autocannon when wrk is not installed) runs in another process pinned to
 * core 1; while one target is measured, the others run at the idle scheduling class (`chrt`,
 * shared.ts `foreground`). After a warm-up of each target, runs alternate between targets and the median of 3
 * runs per target is reported, printed, and written to docs/benchmarks.md (one marked section
 * per measurement; a run of some parts replaces only theirs). PostgreSQL schemas and Redis keys
 * the bench creates are removed at the end, and no server it started outlives it.
 *
 * Options: --only=<parts>, --skip-build (use dist/ as it is), --loader=wrk|autocannon,
 * --duration=<s>, --runs=<n>, --revocations=<n>, --scale-sessions=<n>, --scale-sample=<n>,
 * --scale-out-step=<s> (each bus step, default 3), --scale-out-rate=<n> (fan-out revocations per
 * second, 100), --scale-out-subscribers=<n,n,…> (10,50,200), --scale-out-revoke-all=<n> (100,000),
 * --scale-out-purge=<n> (ended sessions purged, 1,000,000; the issue's 10 M takes about ten times as long),
 * --no-write (print only), --dist=<dir> (measure another build; implies --no-write and
 * --skip-build), --profile (validation only: one run per target under the V8 CPU profiler,
 * summary printed; implies --no-write because the profiler slows the servers down).
 * Environment: SESSIOND_BENCH_POSTGRES_URL, SESSIOND_BENCH_REDIS_URL (defaults: the local ones).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopAllSpawned } from '../test/support/serve-process.js';
import { floodPart } from './parts/flood.js';
import { listPart } from './parts/list.js';
import { revocationPart } from './parts/revocation.js';
import { scaleOutPart } from './parts/scale-out.js';
import { scalePart } from './parts/scale.js';
import { sdkPart } from './parts/sdk.js';
import { startPart } from './parts/start.js';
import { PARTS, ROOT, build, elapsedSeconds, log, which, type Bench, type BenchOptions, type Part } from './parts/shared.js';
import { validationPart } from './parts/validation.js';
import { machineInfo, writeSections, type Section } from './report.js';

const DOC = path.join(ROOT, 'docs', 'benchmarks.md');

const RUN: Record<Part, (bench: Bench) => Promise<void>> = {
  validation: validationPart,
  list: listPart,
  revocation: revocationPart,
  scale: scalePart,
  sdk: sdkPart,
  'scale-out': scaleOutPart,
  start: startPart,
  flood: floodPart,
  // Loaded only when run: it brings openid-client in (bench/parts/oauth-revocation.ts, issue 11).
  'oauth-revocation': async (bench) => (await import('./parts/oauth-revocation.js')).oauthRevocationPart(bench),
};

function parseOptions(argv: string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const only = (option('only')?.split(',') ?? [...PARTS]) as Part[];
  for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part ${p} (parts: ${PARTS.join(', ')})`);
  const profile = flag('profile');
  const otherDist = option('dist');
  const loader = (option('loader') ?? (which('wrk') ? 'wrk' : 'autocannon')) as 'wrk' | 'autocannon';
  if (loader === 'wrk' && !which('wrk')) throw new Error('--loader=wrk but wrk is not installed (apt-get install wrk)');
  return {
    only,
    durationS: Number(option('duration') ?? 10),
    runs: Number(option('runs') ?? 3),
    profile,
    skipBuild: flag('skip-build'),
    otherDist,
    dist: otherDist ? path.resolve(otherDist) : path.join(ROOT, 'dist'),
    write: !flag('no-write') && !profile && !otherDist,
    loader,
    taskset: which('taskset') && os.cpus().length >= 2,
    idleOthers: which('chrt'),
    revocations: Number(option('revocations') ?? 1_000),
    scaleSessions: Number(option('scale-sessions') ?? 1_000_000),
    scaleSample: Number(option('scale-sample') ?? 3_000),
    scaleOut: {
      stepSeconds: Number(option('scale-out-step') ?? 3),
      fanOutRate: Number(option('scale-out-rate') ?? 100),
      subscribers: (option('scale-out-subscribers') ?? '10,50,200').split(',').map(Number),
      revokeAllSessions: Number(option('scale-out-revoke-all') ?? 100_000),
      purgeSessions: Number(option('scale-out-purge') ?? 1_000_000),
    },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo(ROOT, options.loader);
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, load average ${machine.loadAverage}`);
  log(`parts: ${options.only.join(', ')}`);
  if (!options.taskset) log('taskset unavailable (or one core): processes are not pinned');
  if (!options.idleOthers) log('chrt unavailable: targets not being measured keep their scheduling class');
  build(options);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sessiond-bench-'));
  const sections: Section[] = [];
  try {
    for (const part of PARTS) if (options.only.includes(part)) await RUN[part]({ options, tmp, machine, sections });
  } finally {
    // A part that failed may have left servers behind.
    await stopAllSpawned();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (options.profile) return;
  const total = elapsedSeconds();
  for (const s of sections) console.log(`\n${s.summary}`);
  if (options.write) {
    await writeSections(DOC, sections, { machine, seconds: total, parts: options.only });
    log(`results written to ${path.relative(ROOT, DOC)}`);
  }
  log(`done in ${Math.round(total)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
