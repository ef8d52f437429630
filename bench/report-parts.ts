/**
 * The sections of docs/benchmarks.md beyond "Session validation vs bare route": Better Auth,
 * listing, revocation time-to-effect, scale and the SDK. Each returns a `Section` that
 * `writeSections` (report.ts) puts between its markers.
 */
import {
  TARGET_LIST_P99_MS,
  TARGET_REVOCATION_MAX_MS,
  TARGET_REVOCATION_P99_MS,
  TARGET_VS_BETTER_AUTH,
  ceilingLines,
  int,
  median,
  mediansOf,
  ms,
  pct,
  type Machine,
  type RunResult,
  type Section,
  type SessionVsBare,
  type TargetName,
} from './report.js';

const x = (n: number) => `${n >= 10 ? n.toFixed(0) : n.toFixed(1)}x`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function machineLine(m: Machine, seconds: number): string {
  return `Measured ${m.date} by \`npm run bench\` (this part took ${Math.round(seconds)} s; load average at the start of the run ${m.loadAverage}; ${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}).`;
}

function medianRow(label: string, runs: RunResult[], target: TargetName): string {
  const m = mediansOf(runs, target);
  return `| ${label} | ${int(m.rps)} | ${ms(m.p50Ms)} | ${ms(m.p99Ms)} | ${pct(m.serverCpu)} | ${int(m.reqPerCpuSecond)} |`;
}

function runsTable(runs: RunResult[], perCpuSecond = false): string[] {
  const cpu = (r: RunResult) => (perCpuSecond ? ` ${int(r.reqPerCpuSecond)} |` : '');
  return [
    `| # | Target | Requests/s | p50 | p99 | Server CPU |${perCpuSecond ? ' Requests per CPU-second |' : ''} Core 0 busy | Core 1 busy |`,
    `| ---: | --- | ---: | ---: | ---: | ---: |${perCpuSecond ? ' ---: |' : ''} ---: | ---: |`,
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.target} | ${int(r.rps)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${pct(r.serverCpu)} |${cpu(r)} ${pct(r.core0Busy)} | ${pct(r.core1Busy)} |`,
    ),
  ];
}

/** Issue 13: `POST /v1/introspect` against its same-bytes ceiling, from the validation part's runs. */
export function renderIntrospection(all: SessionVsBare): Section {
  const r = { ...all, runs: all.runs.filter((x) => x.target === 'introspect' || x.target === 'introspect-ceiling' || x.target === 'bare') };
  const own = mediansOf(r.runs, 'introspect');
  const ceiling = mediansOf(r.runs, 'introspect-ceiling');
  const bare = mediansOf(r.runs, 'bare');
  const mine = r.runs.filter((x) => x.target !== 'bare');
  const contended = mine.filter((x) => x.serverCpu < 0.9 || x.core0Busy - x.serverCpu > 0.1).length;
  const c = ceilingLines(r.introspectionCeiling!, own, ceiling, 'Introspection', contended, {
    result: all,
    own: 'introspect',
    ceiling: 'introspect-ceiling',
  });
  const runsPerTarget = r.runs.filter((x) => x.target === 'introspect').length;
  const markdown = [
    '## Introspection vs same-bytes ceiling',
    '',
    machineLine(r.machine, r.benchSeconds) +
      ' These runs alternated with the session validation and Better Auth runs above, in the same part.',
    '',
    `- Load: ${r.loader} ${r.machine.loaderVersion}, ${r.connections} connections, ${r.warmupSeconds} s warm-up per target, then ${runsPerTarget} runs of ${r.durationSeconds} s per target, alternating${r.leadIn ? `, each after a ${r.leadIn.seconds} s lead-in of the same load (reported apart)` : ''}; medians shown`,
    `- Requests: \`POST /v1/introspect\` with a service key (\`Authorization: Bearer …\`) and \`{"token":"…"}\`, rotating over the same ${int(r.rotated)} of ${int(r.sessions)} sessions in the SQLite file as the validation runs, to the same sessiond process`,
    ...(r.loadAverageRuns
      ? [`- Load average just before the measured runs: ${r.loadAverageRuns[0]}; just after: ${r.loadAverageRuns[1]}`]
      : []),
    '',
    '| Target | Requests/s | p50 | p99 | Server CPU | Requests per CPU-second |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    medianRow('`POST /v1/introspect` (introspect)', r.runs, 'introspect'),
    c.table,
    medianRow('Bare Fastify route (constant, `GET`)', r.runs, 'bare'),
    '',
    c.verdict,
    '',
    `- ${c.method}`,
    `- The ceiling's route receives the same request as sessiond, so Fastify parses the same JSON body for it; it does not look at it.`,
    ...(contended
      ? [
          `- ${contended} of ${mine.length} runs had the server below 90% of core 0 or other processes using core 0: the machine was not quiet, so throughput and p99 are less reliable than requests per CPU-second.`,
        ]
      : []),
    '',
    'Every run, in the order run:',
    '',
    ...runsTable(mine, true),
  ].join('\n');
  const summary = [
    `Introspection vs same-bytes ceiling (${r.loader}, ${r.connections} connections, median of ${runsPerTarget})`,
    `  introspect ${int(own.rps).padStart(8)} req/s  p50 ${ms(own.p50Ms)}  p99 ${ms(own.p99Ms)}  ${int(own.reqPerCpuSecond)} req/CPU-s`,
    c.summary,
    `  bare     ${int(bare.rps).padStart(8)} req/s  p50 ${ms(bare.p50Ms)}  p99 ${ms(bare.p99Ms)}  ${int(bare.reqPerCpuSecond)} req/CPU-s`,
  ].join('\n');
  return { id: 'introspection', markdown, summary };
}

export interface BetterAuthResult extends SessionVsBare {
  betterAuthSessions: number;
  cookieCacheMaxAgeS: number;
  /** SQLite statements Better Auth ran during the cookie-cache runs (0: answered from the cookie). */
  cookieCacheQueries: number;
  cookieCacheWithinMaxAge: boolean;
}

export function renderBetterAuth(r: BetterAuthResult): Section {
  const session = mediansOf(r.runs, 'session');
  const ba = mediansOf(r.runs, 'better-auth');
  const cc = mediansOf(r.runs, 'better-auth-cc');
  const bare = mediansOf(r.runs, 'bare');
  const ratio = session.rps / ba.rps;
  const cpuRatio = session.reqPerCpuSecond / ba.reqPerCpuSecond;
  const met = ratio >= TARGET_VS_BETTER_AUTH;
  const runsPerTarget = r.runs.filter((x) => x.target === 'better-auth').length;
  const markdown = [
    '## Session validation vs Better Auth',
    '',
    machineLine(r.machine, r.benchSeconds),
    '',
    `- Better Auth ${'`better-auth`'} (bench-only dependency) on SQLite through better-sqlite3, as sessiond above; email and password on, everything else at its defaults; served by Node's \`http\` with \`toNodeHandler\`. Its rate limiter is off (its default outside \`NODE_ENV=production\`), sessiond's is on.`,
    `- One Better Auth user with ${int(r.betterAuthSessions)} sessions; every request carries one of their \`better-auth.session_token\` cookies, rotating. With the cookie cache (\`session.cookieCache: { enabled: true, maxAge: ${r.cookieCacheMaxAgeS} }\`) each request also carries that session's \`better-auth.session_data\` cookie, as a browser would after its first request.`,
    `- The same ${r.loader} load as above (${r.connections} connections, core 1), the same warm-up, ${runsPerTarget} runs of ${r.durationSeconds} s per target alternating with sessiond's and the bare route's; medians.`,
    '- Better Auth answers 200 with `null` for an unknown session: before measuring, every cookie was checked to return its session.',
    '',
    '| Target | Requests/s | p50 | p99 | Server CPU | Requests per CPU-second |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    medianRow('sessiond `GET /v1/me/session`', r.runs, 'session'),
    medianRow('Better Auth `GET /api/auth/get-session`, defaults', r.runs, 'better-auth'),
    medianRow('Better Auth, cookie cache on', r.runs, 'better-auth-cc'),
    medianRow('Bare Fastify route (constant)', r.runs, 'bare'),
    '',
    `**sessiond: ${x(ratio)} Better Auth's throughput without its cookie cache** (target at least ${TARGET_VS_BETTER_AUTH}x: ${verdict(met)}); ${x(cpuRatio)} per CPU-second. ` +
      `With Better Auth's cookie cache on: ${x(session.rps / cc.rps)}. Better Auth reaches ${pct(ba.rps / bare.rps)} of the bare route without its cookie cache and ${pct(cc.rps / bare.rps)} with it.`,
    '',
    `- Better Auth ran ${int(r.cookieCacheQueries)} SQLite statements during the cookie-cache runs${r.cookieCacheQueries === 0 ? ' (every answer came from the cookie)' : ''}; the runs ended ${r.cookieCacheWithinMaxAge ? 'within' : '**after**'} the ${r.cookieCacheMaxAgeS} s the cookies were valid for.`,
    '',
    ...runsTable(r.runs.filter((x) => x.target === 'better-auth' || x.target === 'better-auth-cc')),
  ].join('\n');
  const summary = [
    `Session validation vs Better Auth (median of ${runsPerTarget})`,
    `  better-auth     ${int(ba.rps).padStart(8)} req/s  p50 ${ms(ba.p50Ms)}  p99 ${ms(ba.p99Ms)}`,
    `  better-auth-cc  ${int(cc.rps).padStart(8)} req/s  p50 ${ms(cc.p50Ms)}  p99 ${ms(cc.p99Ms)}  (${r.cookieCacheQueries} SQL statements during runs)`,
    `  ratio           sessiond ${x(ratio)} Better Auth (target >= ${TARGET_VS_BETTER_AUTH}x: ${met ? 'met' : 'NOT met'}); ${x(session.rps / cc.rps)} with its cookie cache`,
  ].join('\n');
  return { id: 'better-auth', markdown, summary };
}

export interface ListResult {
  machine: Machine;
  loader: string;
  connections: number;
  sessions: number;
  bytes: { sessiond: number; betterAuth: number };
  pageSize: number;
  walk: { p50Ms: number; p99Ms: number; pages: number };
  durationSeconds: number;
  runs: RunResult[];
  benchSeconds: number;
}

export function renderList(r: ListResult): Section {
  const mine = mediansOf(r.runs, 'list');
  const page = mediansOf(r.runs, 'list-paged');
  const theirs = mediansOf(r.runs, 'better-auth-list');
  // Issue 13 target 4: the whole list, unpaged (issue 5's target was the paged one; still shown).
  const met = mine.p99Ms < TARGET_LIST_P99_MS;
  const pageMet = page.p99Ms < TARGET_LIST_P99_MS;
  const runsPerTarget = r.runs.filter((x) => x.target === 'list').length;
  const markdown = [
    '## Listing a user’s 1,000 sessions',
    '',
    machineLine(r.machine, r.benchSeconds),
    '',
    `- One user with ${int(r.sessions)} active sessions, in each system's SQLite file. sessiond's \`GET /v1/me/sessions\` and Better Auth's \`GET /api/auth/list-sessions\` both return all of them in one response: ${int(r.bytes.sessiond)} and ${int(r.bytes.betterAuth)} bytes of JSON. sessiond also pages when asked (\`?limit=&cursor=\`, an extension); Better Auth does not. Checked before measuring: ${int(r.sessions)} sessions in each.`,
    `- Better Auth's adapter caps every \`findMany\` at 100 rows by default, so with its defaults \`list-sessions\` silently returns only 100 of the 1,000 sessions; here it runs with \`advanced.database.defaultFindManyLimit: 1000\` (nothing else changed) so both lists are complete.`,
    `- ${r.loader}, ${r.connections} connections on core 1, cookies rotating over the user's sessions, servers on core 0; a warm-up, then ${runsPerTarget} runs of ${r.durationSeconds} s per target, alternating; medians.`,
    '',
    '| Target | Requests/s | p50 | p99 | Server CPU | Requests per CPU-second |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    medianRow('sessiond `GET /v1/me/sessions` (all 1,000 in one response)', r.runs, 'list'),
    medianRow(`sessiond \`GET /v1/me/sessions?limit=${r.pageSize}\` (one page)`, r.runs, 'list-paged'),
    medianRow('Better Auth `GET /api/auth/list-sessions`', r.runs, 'better-auth-list'),
    '',
    `**Unpaged, all 1,000 in one response: p99 ${ms(mine.p99Ms)} at ${r.connections} connections** (target under ${TARGET_LIST_P99_MS} ms: ${verdict(met)}), ${x(mine.rps / theirs.rps)} Better Auth's throughput. Paged: p99 ${ms(page.p99Ms)} per page (under ${TARGET_LIST_P99_MS} ms: ${verdict(pageMet)}). The complete list, fetched page by page (${r.walk.pages} requests of ${r.pageSize}, one client, no other load): p50 ${ms(r.walk.p50Ms)}, p99 ${ms(r.walk.p99Ms)}.`,
    ...(met
      ? []
      : [
          '',
          `At ${r.connections} connections a request waits for the ones ahead of it on the one core: p99 is about ${r.connections} times the CPU cost of one list (${ms(1000 / mine.reqPerCpuSecond)} here). See "Listing: where the time goes" below.`,
        ]),
    '',
    ...runsTable(r.runs),
  ].join('\n');
  const summary = [
    `Listing 1,000 sessions (${r.connections} connections, median of ${runsPerTarget})`,
    `  sessiond     ${int(mine.rps).padStart(6)} req/s  p50 ${ms(mine.p50Ms)}  p99 ${ms(mine.p99Ms)} (all in one response; target < ${TARGET_LIST_P99_MS} ms: ${met ? 'met' : 'NOT met'})`,
    `  paged        ${int(page.rps).padStart(6)} req/s  p50 ${ms(page.p50Ms)}  p99 ${ms(page.p99Ms)} per page of ${r.pageSize} (< ${TARGET_LIST_P99_MS} ms: ${pageMet ? 'met' : 'NOT met'}); whole list page by page p50 ${ms(r.walk.p50Ms)} p99 ${ms(r.walk.p99Ms)}`,
    `  better-auth  ${int(theirs.rps).padStart(6)} req/s  p50 ${ms(theirs.p50Ms)}  p99 ${ms(theirs.p99Ms)}`,
  ].join('\n');
  return { id: 'list', markdown, summary };
}

export interface RevocationRun {
  bus: 'redis' | 'postgres';
  effects: number[];
  revokes: number[];
  polls: number;
}

export interface BetterAuthProbe {
  signOutStatus: number;
  databaseSaysRevoked: boolean;
  probes: number;
  accepted: number;
  lastAcceptedS: number;
  maxAgeS: number;
}

export function renderRevocation(r: { machine: Machine; runs: RevocationRun[]; probe: BetterAuthProbe; benchSeconds: number }): Section {
  const label = { redis: 'Redis pub/sub (`--redis`)', postgres: 'PostgreSQL `LISTEN/NOTIFY`' };
  const rows = r.runs.map((run) => {
    const finite = run.effects.filter(Number.isFinite);
    const p99 = percentile(run.effects, 99);
    const max = Math.max(...run.effects);
    const met = p99 < TARGET_REVOCATION_P99_MS && max < TARGET_REVOCATION_MAX_MS;
    return { run, p50: percentile(run.effects, 50), p99, max, met, lost: run.effects.length - finite.length };
  });
  const p = r.probe;
  const markdown = [
    '## Revocation time to effect',
    '',
    machineLine(r.machine, r.benchSeconds),
    '',
    '- Three real `sessiond serve` processes (`node bin/sessiond.js serve`, pinned to core 0) on one fresh PostgreSQL schema, once with `--redis` (revocations on Redis pub/sub) and once without (PostgreSQL `LISTEN/NOTIFY`). The sessions were created through sessiond; the bench process (core 1) drives the requests with one keep-alive connection per node.',
    '- For each session: `GET /v1/me/session` with its bearer token twice on node 1 and on node 3 (both answer 200 and hold it in their caches), then at t0 `POST /v1/auth/sign-out` with it on node 2, while nodes 1 and 3 are polled back to back with the token until each answers 401. Time to effect = the later of the two first 401s − t0 (it includes node 2 committing and publishing, and one poll round trip). The first 20 revocations per bus are not counted.',
    '',
    '| Bus | Revocations | p50 | p99 | max | Sign-out request p50 / p99 | Polls per revocation | Target (p99 < 50 ms, max < 250 ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      ({ run, p50, p99, max, met }) =>
        `| ${label[run.bus]} | ${int(run.effects.length)} | ${ms(p50)} | ${ms(p99)} | ${Number.isFinite(max) ? ms(max) : 'never (gave up after 5 s)'} | ${ms(percentile(run.revokes, 50))} / ${ms(percentile(run.revokes, 99))} | ${(run.polls / run.effects.length).toFixed(1)} | ${verdict(met)} |`,
    ),
    '',
    ...rows.filter((x) => x.lost).map((x) => `- ${label[x.run.bus]}: ${x.lost} revocations had not reached both nodes after 5 s.`),
    `**Better Auth with its cookie cache on** (\`maxAge: ${p.maxAgeS}\`, one probe): after \`POST /api/auth/sign-out\` (${p.signOutStatus}) the session is gone from its database (get-session without the \`session_data\` cookie: ${p.databaseSaysRevoked ? '`null`' : '**still valid**'}), yet with the cookies a browser still holds, ${p.accepted} of ${p.probes} get-session probes over the next ${p.lastAcceptedS.toFixed(1)} s returned the revoked session. The bench stops probing there; the cookie stays valid until its \`maxAge\`, up to ${p.maxAgeS} s after revocation.`,
  ].join('\n');
  const summary = [
    'Revocation time to effect (revoke on node 2, poll nodes 1 and 3)',
    ...rows.map(
      ({ run, p50, p99, max, met }) =>
        `  ${run.bus.padEnd(9)} p50 ${ms(p50)}  p99 ${ms(p99)}  max ${ms(max)}  over ${run.effects.length} (target: ${met ? 'met' : 'NOT met'})`,
    ),
    `  better-auth cookie cache: revoked session accepted by ${p.accepted}/${p.probes} probes over ${p.lastAcceptedS.toFixed(1)} s (maxAge ${p.maxAgeS} s)`,
  ].join('\n');
  return { id: 'revocation', markdown, summary };
}

export interface ScaleResult {
  machine: Machine;
  /** The engine's name as a reader knows it, and how its seeding and sizes were obtained. */
  engine: { id: 'postgres' | 'mysql'; name: string; seeding: string; size: string };
  sessions: number;
  users: number;
  insertSeconds: number;
  tableBytes: number;
  heapBytes: number;
  indexBytes: number;
  sample: number;
  cold: number[];
  warm: number[];
  cacheEntries: number;
  cacheBytes: number;
  heapDelta: number;
  benchSeconds: number;
}

export function renderScale(r: ScaleResult): Section {
  const perSession = r.tableBytes / r.sessions;
  const cachePer = r.cacheBytes / r.cacheEntries;
  const heapPer = r.heapDelta / r.cacheEntries;
  const markdown = [
    `## Scale: ${int(r.sessions)} sessions in ${r.engine.name}`,
    '',
    machineLine(r.machine, r.benchSeconds),
    '',
    `- A fresh ${r.engine.name} ${r.engine.id === 'postgres' ? 'schema' : 'database'} migrated by sessiond; one user and one session created through sessiond, then ${int(r.users)} users and ${int(r.sessions)} sessions copied from them in SQL (${r.engine.seeding}; every column from the template, each session with its own id, secret hash and device id) in ${r.insertSeconds.toFixed(0)} s, then \`ANALYZE\`.`,
    `- One sessiond node (the real app on \`dist/\`, pinned to core 0; a bench-only route reports \`cacheStats()\` and the heap after a GC). ${int(r.sample)} sessions chosen at random are validated with \`GET /v1/me/session\` one request at a time over a keep-alive connection: first each once (cold: not in the node's cache), then each again (warm). Latency as seen by the client.`,
    '',
    '| Validation | p50 | p99 | max |',
    '| --- | ---: | ---: | ---: |',
    `| Cold (cache miss, first request for the session) | ${ms(percentile(r.cold, 50))} | ${ms(percentile(r.cold, 99))} | ${ms(Math.max(...r.cold))} |`,
    `| Warm (cached) | ${ms(percentile(r.warm, 50))} | ${ms(percentile(r.warm, 99))} | ${ms(Math.max(...r.warm))} |`,
    '',
    '| Per session | Bytes |',
    '| --- | ---: |',
    `| Node cache, \`cacheStats()\` estimate (${int(r.cacheEntries)} entries added) | ${int(cachePer)} |`,
    `| Node heap growth after GC, per session validated (cache entry plus the node's activity tracking) | ${Number.isFinite(heapPer) ? int(heapPer) : 'n/a'} |`,
    `| ${r.engine.name} \`sessions\`, total (${r.engine.size}: ${mib(r.tableBytes)}) | ${int(perSession)} |`,
    `| of which table (${mib(r.heapBytes)}) / indexes (${mib(r.indexBytes)}) | ${int(r.heapBytes / r.sessions)} / ${int(r.indexBytes / r.sessions)} |`,
    '',
    `At the cache's default limits (100,000 entries, 64 MiB) a node holds ${int(Math.min(100_000, (64 * 2 ** 20) / cachePer))} sessions by this estimate.`,
  ].join('\n');
  const summary = [
    `Scale (${int(r.sessions)} sessions in ${r.engine.name}, ${int(r.sample)} sampled)`,
    `  cold p50 ${ms(percentile(r.cold, 50))}  p99 ${ms(percentile(r.cold, 99))};  warm p50 ${ms(percentile(r.warm, 50))}  p99 ${ms(percentile(r.warm, 99))}`,
    `  cache ${int(cachePer)} B/session (estimate), heap ${Number.isFinite(heapPer) ? int(heapPer) : 'n/a'} B/session; database ${int(perSession)} B/session`,
  ].join('\n');
  return { id: r.engine.id === 'postgres' ? 'scale' : `scale-${r.engine.id}`, markdown, summary };
}

export interface SdkRun {
  tokens: number;
  coldSeconds: number;
  calls: number;
  warmSeconds: number;
  callsPerSecond: number;
  nullAnswers: number;
  introspectionsDuringWarm: number;
  cacheHitsDuringWarm: number;
  liveAtEnd: boolean;
  liveTransitions: number;
  transport: string;
}

export function renderSdk(r: { machine: Machine; runs: SdkRun[]; seconds: number; benchSeconds: number }): Section {
  const rate = median(r.runs.map((x) => x.callsPerSecond));
  const first = r.runs[0]!;
  const markdown = [
    '## SDK: `verify` in-process',
    '',
    machineLine(r.machine, r.benchSeconds),
    '',
    `- \`createVerifier\` from \`dist/sdk\` in its own \`node\` process pinned to core 1, against one sessiond node (SQLite, core 0) with a service key; revocations over the ${first.transport.toUpperCase()} stream. The process waits for the stream to be live, verifies each of ${int(first.tokens)} sessions once (cold: one \`POST /v1/introspect\` each, ${(first.coldSeconds * 1000).toFixed(0)} ms for all in the first run), then calls \`verify\` over them in a loop for ${r.seconds} s, yielding to the event loop every 2,000 calls (docs/sdk.md).`,
    '',
    '| Run | verify calls/s | Introspections while warm | Stream live at the end |',
    '| ---: | ---: | ---: | --- |',
    ...r.runs.map((x, i) => `| ${i + 1} | ${int(x.callsPerSecond)} | ${x.introspectionsDuringWarm} | ${x.liveAtEnd ? 'yes' : '**no**'} |`),
    '',
    `**${int(rate)} warm \`verify\` calls per second** on one core (median of ${r.runs.length}), ${(1e6 / rate).toFixed(2)} µs each.`,
  ].join('\n');
  const summary = `SDK verify, warm: ${int(rate)} calls/s (median of ${r.runs.length}; ${first.introspectionsDuringWarm} introspections while warm)`;
  return { id: 'sdk', markdown, summary };
}
