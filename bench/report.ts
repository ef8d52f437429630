/**
 * The machine description and the results sections of docs/benchmarks.md. Each measurement owns
 * one section between `<!-- bench:<id>:begin -->` and `<!-- bench:<id>:end -->`; writing
 * replaces those sections only (or appends them, or creates the file), so the prose around them
 * and the sections of parts not run this time are kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as prettier from 'prettier';

export type TargetName =
  | 'session'
  | 'session-pg'
  | 'ceiling'
  | 'bare'
  | 'introspect'
  | 'introspect-ceiling'
  | 'better-auth'
  | 'better-auth-cc'
  | 'list'
  | 'list-paged'
  | 'better-auth-list';

export interface RunResult {
  target: TargetName;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** Share of one core the server process used during the run (1 = saturated). */
  serverCpu: number;
  reqPerCpuSecond: number;
  /** Busy share of each core during the run, all processes included. */
  core0Busy: number;
  core1Busy: number;
}

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  loadAverage: string;
  commit: string;
  loaderVersion: string;
}

export interface SessionVsBare {
  machine: Machine;
  loader: 'wrk' | 'autocannon';
  pinned: boolean;
  connections: number;
  sessions: number;
  rotated: number;
  warmupSeconds: number;
  durationSeconds: number;
  runs: RunResult[];
  /** Each measured run followed `seconds` of the same load: those runs (cold starts), in order. */
  leadIn?: { seconds: number; runs: RunResult[] };
  touchesDuringRuns: number;
  benchSeconds: number;
  /** The same-bytes ceilings (issue 13): what was replayed, for validation and introspection. */
  ceiling?: Ceiling & { rotatedBodyBytes: number };
  introspectionCeiling?: Ceiling;
  /** Load average (1, 5, 15 min) just before and just after the measured runs. */
  loadAverageRuns?: [string, string];
  /** The same route served from PostgreSQL (target `session-pg`): its sessions (all rotated) and a body's size. */
  postgres?: { sessions: number; bodyBytes: number };
}

/** A response sessiond sent, replayed byte for byte by the ceiling's server. */
export interface Ceiling {
  status: number;
  /** Header names in the order sent. */
  headers: string[];
  /** Status line and headers, with the blank line. */
  headBytes: number;
  bodyBytes: number;
  /** Headers made per response (same length). */
  regenerated: string[];
}

/** Issue 5's targets. */
export const TARGET_RATIO = 0.8;
export const TARGET_VS_BETTER_AUTH = 15;
export const TARGET_REVOCATION_P99_MS = 50;
export const TARGET_REVOCATION_MAX_MS = 250;
export const TARGET_LIST_P99_MS = 50;
/** Issue 13's targets 2 and 3: at least 80% of the same-bytes ceiling per CPU-second; p99 at most 2x its p99. */
export const TARGET_CEILING_RATIO = 0.8;
export const TARGET_CEILING_P99 = 2;

export interface Section {
  id: string;
  markdown: string;
  summary: string;
}

function quiet(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    // `wrk --version` prints its banner and exits 1.
    const out = (err as { stdout?: string }).stdout;
    return typeof out === 'string' ? out.trim() : '';
  }
}

export function machineInfo(root: string, loader: 'wrk' | 'autocannon'): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() has the model too.
  }
  const commit = quiet('git', ['rev-parse', '--short', 'HEAD'], root);
  const dirty = quiet('git', ['status', '--porcelain', '--', 'src'], root) !== '';
  const loaderVersion =
    loader === 'wrk'
      ? (/^wrk (\S+)/.exec(quiet('wrk', ['--version'], root))?.[1] ?? 'unknown')
      : (JSON.parse(readFileSync(`${root}/node_modules/autocannon/package.json`, 'utf8')) as { version: string }).version;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu,
    cores: os.cpus().length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    commit: commit ? `${commit}${dirty ? ' with uncommitted changes in src/' : ''}` : 'unknown',
    loaderVersion,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Medians {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  serverCpu: number;
  reqPerCpuSecond: number;
}

function mediansOf(runs: RunResult[], target: TargetName): Medians {
  const mine = runs.filter((r) => r.target === target);
  const m = (pick: (r: RunResult) => number) => median(mine.map(pick));
  return {
    rps: m((r) => r.rps),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    serverCpu: m((r) => r.serverCpu),
    reqPerCpuSecond: m((r) => r.reqPerCpuSecond),
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(100 * n)}%` : 'n/a');

/** What a ceiling replays, and how it compares with sessiond, in words (for both sections). */
export function ceilingLines(
  c: Ceiling,
  own: Medians,
  ceiling: Medians,
  what: string,
  /** Runs of these targets where the server did not have core 0 to itself. */
  contended: number,
  /** The part's runs (they alternate: each of sessiond's is set against the ceiling run after it), and which two targets these are. */
  pairs: { result: Pick<SessionVsBare, 'runs' | 'leadIn'>; own: TargetName; ceiling: TargetName },
): { table: string; verdict: string; summary: string; method: string } {
  const ratio = own.reqPerCpuSecond / ceiling.reqPerCpuSecond;
  const of = (runs: RunResult[], target: TargetName) => runs.filter((x) => x.target === target);
  // The machine's speed drifts between runs (other tenants); a run and the ceiling run beside it
  // shared the same conditions, so their ratios show sessiond's own cost more steadily.
  const ownRuns = of(pairs.result.runs, pairs.own);
  const ceilingRuns = of(pairs.result.runs, pairs.ceiling);
  const paired = ownRuns.slice(0, ceilingRuns.length).map((r, i) => r.reqPerCpuSecond / ceilingRuns[i]!.reqPerCpuSecond);
  const pairedText = paired.length
    ? ` Run by run, each against the ceiling run beside it: ${paired.map(pct).join(', ')} (median ${pct(median(paired))}).`
    : '';
  const lead = pairs.result.leadIn && {
    seconds: pairs.result.leadIn.seconds,
    own: of(pairs.result.leadIn.runs, pairs.own),
    ceiling: of(pairs.result.leadIn.runs, pairs.ceiling),
  };
  const leadP99 = lead?.own.length ? median(lead.own.map((r) => r.p99Ms)) : NaN;
  const leadText = lead?.own.length
    ? ` Each run followed ${lead.seconds} s of the same load, not counted in it: there sessiond starts with its cache entries expired and its sessions due a touch (a round of all targets takes over a minute), and p99 was ${ms(leadP99)} (median of ${lead.own.length}; the ceiling's ${ms(median(lead.ceiling.map((r) => r.p99Ms)))}).`
    : '';
  const p99 = own.p99Ms / ceiling.p99Ms;
  const met = ratio >= TARGET_CEILING_RATIO;
  const p99Met = p99 <= TARGET_CEILING_P99;
  // Other processes on the server's core stretch every target's tail alike: the p99 ratio then
  // says little about sessiond's own tail.
  const p99Caveat = contended
    ? `; but in ${contended} of these runs other work shared core 0, which stretches every target's tail, so this p99 verdict is not reliable`
    : '';
  return {
    table: `| Same bytes as sessiond (ceiling) | ${int(ceiling.rps)} | ${ms(ceiling.p50Ms)} | ${ms(ceiling.p99Ms)} | ${pct(ceiling.serverCpu)} | ${int(ceiling.reqPerCpuSecond)} |`,
    verdict:
      `**${what} per CPU-second: ${pct(ratio)} of its same-bytes ceiling** (issue 13: at least ${pct(TARGET_CEILING_RATIO)}: ${met ? 'met' : 'not met'}); ` +
      `throughput ${pct(own.rps / ceiling.rps)} of the ceiling's; p99 ${p99.toFixed(1)}x the ceiling's (at most ${TARGET_CEILING_P99}x: ${p99Met ? 'met' : 'not met'}${p99Caveat}).` +
      pairedText +
      leadText,
    summary:
      `  ceiling  ${int(ceiling.rps).padStart(8)} req/s  p50 ${ms(ceiling.p50Ms)}  p99 ${ms(ceiling.p99Ms)}  ${int(ceiling.reqPerCpuSecond)} req/CPU-s\n` +
      `  vs ceiling  ${pct(ratio)} per CPU-second (target >= ${pct(TARGET_CEILING_RATIO)}: ${met ? 'met' : 'NOT met'}; run by run ${paired.map(pct).join(' ')}); ` +
      `p99 ${p99.toFixed(1)}x the ceiling's (target <= ${TARGET_CEILING_P99}x: ${p99Met ? 'met' : 'NOT met'}${contended ? ', machine busy: not reliable' : ''})` +
      (lead?.own.length ? `; p99 in the ${lead.seconds} s lead-ins ${ms(leadP99)}` : ''),
    method:
      `The ceiling is a bare Fastify route (same \`node_modules\`, own process, pinned like the others) that answers with the bytes sessiond sent for this request, captured off the socket at the start of the run: ` +
      `status ${c.status}, ${c.headers.length} headers in sessiond's order and letter case (${c.headers.map((h) => `\`${h}\``).join(', ')}; ${c.headBytes} B with the status line) and the ${c.bodyBytes} B body, precomputed; ` +
      `it hijacks the reply and sends them with one \`writeHead\` and \`end\`. Before measuring, the bench checks the ceiling's answer to the same request is sessiond's byte for byte, ` +
      `except ${c.regenerated.length ? c.regenerated.map((h) => `\`${h}\``).join(', ') : 'nothing'}, made per response at the same length (the current second, as Node makes it)` +
      (c.headers.some((h) => /request-?id/i.test(h)) ? '.' : '; sessiond sends no request id.'),
  };
}

export function renderSessionVsBare(all: SessionVsBare): Section {
  const shown: TargetName[] = ['session', 'session-pg', 'bare', 'ceiling'];
  const r = { ...all, runs: all.runs.filter((x) => shown.includes(x.target)) };
  const session = mediansOf(r.runs, 'session');
  const bare = mediansOf(r.runs, 'bare');
  const busy = (x: RunResult) => x.serverCpu < 0.9 || x.core0Busy - x.serverCpu > 0.1;
  /** A sessiond target against the validation ceiling; busy runs of the two make its p99 verdict unreliable. */
  const againstCeiling = (own: 'session' | 'session-pg', what: string) =>
    r.ceiling
      ? ceilingLines(
          r.ceiling,
          mediansOf(r.runs, own),
          mediansOf(r.runs, 'ceiling'),
          what,
          r.runs.filter((x) => (x.target === own || x.target === 'ceiling') && busy(x)).length,
          { result: r, own, ceiling: 'ceiling' },
        )
      : undefined;
  const c = againstCeiling('session', 'Validation');
  // The same route from PostgreSQL, against the same ceiling (the answer's headers are the same).
  const pg = r.postgres && r.ceiling ? mediansOf(r.runs, 'session-pg') : undefined;
  const cPg = pg ? againstCeiling('session-pg', 'Validation from PostgreSQL') : undefined;
  const ratio = session.rps / bare.rps;
  const cpuRatio = session.reqPerCpuSecond / bare.reqPerCpuSecond;
  const met = ratio >= TARGET_RATIO;
  const m = r.machine;
  const runsPerTarget = r.runs.filter((x) => x.target === 'session').length;
  const contended = r.runs.filter(busy);

  const notes: string[] = [];
  notes.push(
    r.touchesDuringRuns === 0
      ? 'No session was written during the measured runs (read-only steady state, as intended).'
      : `${int(r.touchesDuringRuns)} sessions had \`last_active_at\` written during the measured runs; the runs are not purely read-only ` +
          '(expected when the alternating runs span more than the 60 s touch interval: each session is written at most once a minute, in batches once a second).',
  );
  if (contended.length)
    notes.push(
      `${contended.length} of ${r.runs.length} runs had the server below 90% of core 0 or other processes using core 0: ` +
        'the machine was not quiet, so throughput is less reliable than requests per CPU-second.',
    );
  const loaderBound = r.runs.filter((x) => x.target === 'bare' && x.serverCpu < 0.9 && x.core1Busy >= 0.85);
  if (loaderBound.length)
    notes.push(
      `In ${loaderBound.length} bare run(s) core 1 (the load generator) was at least 85% busy while the bare server used under 90% of core 0: ` +
        'the bare figure may be limited by the load generator, which flatters the throughput ratio; the per-CPU-second ratio is not affected.',
    );
  if (!r.pinned) notes.push('`taskset` was not available: the server and load generator were not pinned to separate cores.');
  if (c && r.ceiling) {
    notes.push(c.method);
    notes.push(
      `The ceiling replays the answer for one session (like the rotated ones, outside the rotation); a rotated session's body was ${r.ceiling.rotatedBodyBytes} B` +
        (r.postgres ? `, and ${r.postgres.bodyBytes} B from PostgreSQL (same headers: the same ceiling serves both).` : '.'),
    );
  }
  if (r.loadAverageRuns)
    notes.push(
      `Load average just before the measured runs: ${r.loadAverageRuns[0]}; just after: ${r.loadAverageRuns[1]}. Other work on the machine hits all targets alike (they alternate), so the ratios stay comparable.`,
    );

  const markdown = [
    c ? '## Session validation vs same-bytes ceiling and bare route' : '## Session validation vs bare route',
    '',
    `Measured ${m.date} by \`npm run bench\` (this part took ${Math.round(r.benchSeconds)} s, together with the Better Auth runs below, which alternated with these).`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memory} RAM, ${m.os}`,
    `- Node ${m.node}; sessiond at commit ${m.commit}`,
    `- Load average at start: ${m.loadAverage}`,
    `- Load: ${r.loader} ${m.loaderVersion}, ${r.connections} connections, ${r.warmupSeconds} s warm-up per target, then ${runsPerTarget} runs of ${r.durationSeconds} s per target, alternating${r.leadIn ? `, each after a ${r.leadIn.seconds} s lead-in of the same load (reported apart)` : ''}; medians shown`,
    `- Sessions: ${int(r.sessions)} in a SQLite file, cookies rotating over ${int(r.rotated)} of them` +
      (r.postgres
        ? `; for \`session-pg\`, a second sessiond process on a fresh PostgreSQL schema with ${int(r.postgres.sessions)} sessions, cookies rotating over all of them (its bus: \`LISTEN/NOTIFY\`)`
        : ''),
    '',
    '| Target | Requests/s | p50 | p99 | Server CPU | Requests per CPU-second |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| \`GET /v1/me/session\` (session) | ${int(session.rps)} | ${ms(session.p50Ms)} | ${ms(session.p99Ms)} | ${pct(session.serverCpu)} | ${int(session.reqPerCpuSecond)} |`,
    ...(pg
      ? [
          `| \`GET /v1/me/session\` from PostgreSQL (session-pg) | ${int(pg.rps)} | ${ms(pg.p50Ms)} | ${ms(pg.p99Ms)} | ${pct(pg.serverCpu)} | ${int(pg.reqPerCpuSecond)} |`,
        ]
      : []),
    ...(c ? [c.table] : []),
    `| Bare Fastify route (constant) | ${int(bare.rps)} | ${ms(bare.p50Ms)} | ${ms(bare.p99Ms)} | ${pct(bare.serverCpu)} | ${int(bare.reqPerCpuSecond)} |`,
    '',
    `**Session route throughput: ${pct(ratio)} of the bare route** (target at least ${pct(TARGET_RATIO)}: ${met ? 'met' : 'not met'}). ` +
      `Per CPU-second of the server: ${pct(cpuRatio)}.`,
    ...(c ? ['', c.verdict] : []),
    ...(cPg ? ['', cPg.verdict] : []),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    'Every run, in the order run (core 0: server, core 1: load generator; busy shares include all processes):',
    '',
    '| # | Target | Requests/s | p50 | p99 | Server CPU | Requests per CPU-second | Core 0 busy | Core 1 busy |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.runs.map(
      (x, i) =>
        `| ${i + 1} | ${x.target} | ${int(x.rps)} | ${ms(x.p50Ms)} | ${ms(x.p99Ms)} | ${pct(x.serverCpu)} | ${int(x.reqPerCpuSecond)} | ${pct(x.core0Busy)} | ${pct(x.core1Busy)} |`,
    ),
  ].join('\n');

  const summary = [
    `Session validation vs ${c ? 'same-bytes ceiling and ' : ''}bare route (${m.cpu}, ${m.cores} cores, Node ${m.node}, ${r.loader}, ${r.connections} connections, median of ${runsPerTarget})`,
    `  session  ${int(session.rps).padStart(8)} req/s  p50 ${ms(session.p50Ms)}  p99 ${ms(session.p99Ms)}  ${int(session.reqPerCpuSecond)} req/CPU-s`,
    ...(c ? [c.summary] : []),
    ...(pg && cPg
      ? [
          `  session-pg  ${int(pg.rps).padStart(8)} req/s  p50 ${ms(pg.p50Ms)}  p99 ${ms(pg.p99Ms)}  ${int(pg.reqPerCpuSecond)} req/CPU-s`,
          cPg.summary.split('\n')[1]!.replace('vs ceiling', 'pg vs ceiling'),
        ]
      : []),
    `  bare     ${int(bare.rps).padStart(8)} req/s  p50 ${ms(bare.p50Ms)}  p99 ${ms(bare.p99Ms)}  ${int(bare.reqPerCpuSecond)} req/CPU-s`,
    `  ratio    ${pct(ratio)} of bare throughput (target >= ${pct(TARGET_RATIO)}: ${met ? 'met' : 'NOT met'}); ${pct(cpuRatio)} per CPU-second`,
    ...notes.map((n) => `  note: ${n}`),
  ].join('\n');
  return { id: 'session-vs-bare', markdown, summary };
}

const NEW_DOC = '# Benchmarks\n\nWritten by `npm run bench`.\n';

/** Puts each section into the doc (formatted with the project's Prettier), and the run's header. */
export async function writeSections(
  file: string,
  sections: Section[],
  run: { machine: Machine; seconds: number; parts: string[] },
): Promise<void> {
  let current = existsSync(file) ? readFileSync(file, 'utf8') : NEW_DOC;
  const m = run.machine;
  const header: Section = {
    id: 'last-run',
    summary: '',
    markdown: [
      '## Last run',
      '',
      `${m.date}: \`npm run bench\` (${run.parts.join(', ')}) took ${Math.round(run.seconds)} s.`,
      '',
      `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memory} RAM, ${m.os}; Node ${m.node}; sessiond at commit ${m.commit}`,
      `- Load average at start: ${m.loadAverage} (1, 5, 15 min). Above about 1 on this machine, other work shared the cores: read requests per CPU-second and ratios rather than absolute throughput.`,
    ].join('\n'),
  };
  for (const section of [header, ...sections]) {
    const begin = `<!-- bench:${section.id}:begin -->`;
    const end = `<!-- bench:${section.id}:end -->`;
    const block = `${begin}\n<!-- Generated by bench/run.ts: edits between these markers are overwritten. -->\n\n${section.markdown}\n\n${end}`;
    const from = current.indexOf(begin);
    const to = current.indexOf(end);
    current =
      from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  }
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(current, { ...options, filepath: file }));
}

export { median, mediansOf, int, ms, pct };
