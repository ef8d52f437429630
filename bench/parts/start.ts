/**
 * Part `start` (issue 13 target 6): how long `sessiond serve` takes to print its listening line,
 * and its resident memory then and once idle, with city-level locations on.
 *
 * Each run starts `node bin/sessiond.js serve --db sqlite:<new file>` (pinned to core 0, as the
 * other parts' servers) and times it from the spawn to the `sessiond listening on` line: node's
 * own start, the imports, opening the GeoIP database, migrating the new file, building the app and
 * compiling its schemas. It reads the process's RSS (VmRSS) and CPU time (user + system) from
 * /proc at that line, and its RSS again after IDLE_S seconds with no request, then stops it. The
 * same file is then started once more (a restart: no migration to run). The median of RUNS runs
 * of each is reported beside the targets (≤ 1 s to listen, ≤ 150 MB idle); the CPU time is the
 * steadier number when other work shares the machine (the load average is recorded).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, envWithoutSessiond, spawnNode, type SpawnedProcess } from '../../test/support/serve-process.js';
import { median, type Section } from '../report.js';
import { HOST, ROOT, log, pinned, sleep, type Bench, type BenchOptions } from './shared.js';

const RUNS = 5;
const IDLE_S = 5;
const LISTEN_TARGET_MS = 1_000;
const IDLE_TARGET_MB = 150;
const LISTENING = /^sessiond listening on (http:\/\/\S+)$/;

interface StartRun {
  listenMs: number;
  cpuMs: number;
  rssListenMb: number;
  rssIdleMb: number | null;
}

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

/** CPU time a process has used (user + system), in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  // The command name (2nd field) may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: fields 14 and 15
}

/** A launcher as bin/sessiond.js, importing `main` from the given module. */
function launcherFor(tmp: string, name: string, main: string): string {
  const file = path.join(tmp, `sessiond-start-${name}.mjs`);
  writeFileSync(file, `import { main } from ${JSON.stringify(main)};\nawait main(process.argv);\n`);
  return file;
}

/**
 * The launcher for `--dist=<dir>`: bin/sessiond.js, importing that build instead of dist/ (its
 * bundle where it has one, as its own bin/sessiond.js would; a build from before the bundle, its modules).
 */
function launcher(options: BenchOptions, tmp: string): string {
  if (path.resolve(options.dist) === path.join(ROOT, 'dist')) return BIN;
  const bundled = path.join(options.dist, 'bundle', 'cli', 'main.js');
  return launcherFor(tmp, 'launcher', existsSync(bundled) ? bundled : path.join(options.dist, 'cli', 'main.js'));
}

/** The baseline: the same build's modules, unbundled (what bin/sessiond.js ran before the bundle); null without a bundle. */
function modulesLauncher(options: BenchOptions, tmp: string): string | null {
  if (!existsSync(path.join(options.dist, 'bundle', 'cli', 'main.js'))) return null;
  return launcherFor(tmp, 'modules', path.join(options.dist, 'cli', 'main.js'));
}

async function startOnce(options: BenchOptions, script: string, dbFile: string, idle: boolean): Promise<StartRun> {
  const t0 = performance.now();
  let node: SpawnedProcess | null = null;
  try {
    node = await spawnNode({
      name: 'sessiond serve (start)',
      script,
      args: ['serve', '--db', `sqlite:${dbFile}`, '--host', HOST, '--port', '0', '--log-level', 'warn'],
      env: envWithoutSessiond(),
      ready: LISTENING,
      wrap: (command, full) => pinned(options, 0, command, full),
    });
    const listenMs = performance.now() - t0;
    const run: StartRun = { listenMs, cpuMs: cpuMs(node.pid), rssListenMb: rssMb(node.pid), rssIdleMb: null };
    if (idle) {
      await sleep(IDLE_S * 1000);
      run.rssIdleMb = rssMb(node.pid);
    }
    return run;
  } finally {
    await node?.stop();
  }
}

const fmtMs = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
const fmtMb = (n: number) => `${Math.round(n)} MB`;

export async function startPart(bench: Bench): Promise<void> {
  const { options, tmp, machine, sections } = bench;
  const partStarted = Date.now();
  const script = launcher(options, tmp);
  const modulesScript = modulesLauncher(options, tmp);
  const first: StartRun[] = [];
  const again: StartRun[] = [];
  const modules: StartRun[] = [];
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  for (let i = 0; i < RUNS; i++) {
    const dbFile = path.join(tmp, `sessiond-start-${i}.db`);
    first.push(await startOnce(options, script, dbFile, true));
    again.push(await startOnce(options, script, dbFile, false));
    if (modulesScript) modules.push(await startOnce(options, modulesScript, path.join(tmp, `sessiond-start-modules-${i}.db`), false));
    const [f, a, m] = [first.at(-1)!, again.at(-1)!, modules.at(-1)];
    log(
      `start run ${i + 1}/${RUNS}: new database ${fmtMs(f.listenMs)} to listen (${fmtMs(f.cpuMs)} CPU), ${fmtMb(f.rssListenMb)} RSS, ${fmtMb(f.rssIdleMb!)} idle; restart ${fmtMs(a.listenMs)} (${fmtMs(a.cpuMs)} CPU)` +
        (m ? `; unbundled modules, new database ${fmtMs(m.listenMs)} (${fmtMs(m.cpuMs)} CPU)` : ''),
    );
  }
  const loadAfter = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const med = (runs: StartRun[], pick: (r: StartRun) => number) => median(runs.map(pick));
  const listen = med(first, (r) => r.listenMs);
  const restart = med(again, (r) => r.listenMs);
  const idle = med(first, (r) => r.rssIdleMb!);
  const unbundled = modules.length > 0 ? med(modules, (r) => r.listenMs) : null;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const markdown = [
    '## Start and idle memory (issue 13 target 6)',
    '',
    `Measured ${machine.date} by \`npm run bench\` (this part took ${Math.round((Date.now() - partStarted) / 1000)} s; load average ${loadBefore} before and ${loadAfter} after this part; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, commit ${machine.commit}).`,
    '',
    `- \`node bin/sessiond.js serve --db sqlite:<file>\` pinned to core 0, timed from the spawn to the line it prints once it listens; RSS (VmRSS) and CPU time (user + system) read from /proc at that line, RSS again after ${IDLE_S} s with no request. City-level locations are on (the DB-IP city database, read on demand). "New database": a new file, migrated at start; "restart": the same file started again. Median of ${RUNS} runs of each.`,
    '',
    '| Start | Time to listen | CPU time to listen | RSS at listen | RSS idle |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| New database | ${fmtMs(listen)} | ${fmtMs(med(first, (r) => r.cpuMs))} | ${fmtMb(med(first, (r) => r.rssListenMb))} | ${fmtMb(idle)} |`,
    `| Restart | ${fmtMs(restart)} | ${fmtMs(med(again, (r) => r.cpuMs))} | ${fmtMb(med(again, (r) => r.rssListenMb))} | |`,
    ...(unbundled === null
      ? []
      : [
          `| Baseline: new database, the same build unbundled (\`dist/cli/main.js\`, as before the bundle) | ${fmtMs(unbundled)} | ${fmtMs(med(modules, (r) => r.cpuMs))} | ${fmtMb(med(modules, (r) => r.rssListenMb))} | |`,
          '',
          `The bundle (\`dist/bundle/cli/\`, which bin/sessiond.js runs) listens in **${Math.round((listen / unbundled) * 100)}% of the unbundled modules' time**, measured in the same runs (alternating).`,
        ]),
    '',
    `Targets: listening in ≤ ${fmtMs(LISTEN_TARGET_MS)}: ${verdict(listen <= LISTEN_TARGET_MS)} (${fmtMs(listen)}, restart ${fmtMs(restart)}); ≤ ${IDLE_TARGET_MB} MB idle: ${verdict(idle <= IDLE_TARGET_MB)} (${fmtMb(idle)}).`,
  ].join('\n');
  const summary = `Start: listening in ${fmtMs(listen)} (restart ${fmtMs(restart)}), ${fmtMb(idle)} RSS idle (median of ${RUNS}; targets ≤ ${fmtMs(LISTEN_TARGET_MS)}, ≤ ${IDLE_TARGET_MB} MB)`;
  sections.push({ id: 'start', markdown, summary } satisfies Section);
}
