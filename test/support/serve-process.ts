/**
 * The one way tests and benches start a server as a child process: `node bin/sessiond.js serve …`
 * (the package's own bin, never `npx` in the repository, which on a fresh clone first installs the
 * folder into npm's exec cache), one of the bench's own server scripts, or (`command`) another
 * launcher such as `npx` in a project where the package is installed.
 *
 * - Ready is an event: the child's stdout line `sessiond listening on http://HOST:PORT` (or the
 *   script's own ready line), never a fixed sleep. The deadline for it is long (120 s) so a start
 *   on a loaded machine is slow, not failed; a child that exits first, or misses the deadline, is
 *   killed and the error carries the tail of what it printed (stderr included).
 * - Nothing outlives its test file. Every child is tracked from the moment it is spawned:
 *   `stopAllSpawned()` ends them all (an `afterAll` of every vitest file, test/support/stop-spawned.ts,
 *   and on this process's `exit`), and each child runs with an orphan guard:
 *   it ends itself when its stdin pipe closes, which happens however this process ends, even by
 *   SIGKILL or a crash of the test worker. A `command` child gets its own process group, so a
 *   launcher's own children are signalled with it, and the guard through NODE_OPTIONS.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testKeyFile } from './secret-key.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'sessiond.js');

/** How long a child may take to say it is ready. Long: the wait ends at the event, not at this. */
export const START_DEADLINE_MS = 120_000;
/** For a vitest hook or test that starts a few children: several starts at the deadline each. */
export const SPAWN_HOOK_TIMEOUT_MS = 3 * START_DEADLINE_MS + 30_000;
/** SIGTERM first; SIGKILL if the child has not exited after this long. */
export const STOP_GRACE_MS = 5_000;

const TAIL_LINES = 200;
const LISTENING = /^sessiond listening on (http:\/\/(\S+):(\d+))$/;

/**
 * Preloaded into every child (`node --import`): when its stdin reaches end of file, that is when
 * the parent is gone (the parent never writes to it), the child SIGTERMs itself and exits after
 * 3 s if its shutdown hangs. Unreferenced, so it never keeps an otherwise finished child alive.
 */
const ORPHAN_GUARD =
  'data:text/javascript,' +
  encodeURIComponent(
    'process.stdin.on("end",()=>{process.kill(process.pid,"SIGTERM");setTimeout(()=>process.exit(1),3000).unref()});' +
      'process.stdin.on("error",()=>{});process.stdin.resume();process.stdin.unref?.();',
  );

export interface SpawnOptions {
  /** For messages: "node-1", "sessiond", "better-auth". */
  name: string;
  /** The script node runs, e.g. `BIN`. */
  script?: string;
  /** Instead of `node <script>`: another command (`npx`), run in its own process group. */
  command?: string;
  args?: string[];
  /** Flags for node itself (`--expose-gc`), before the script. */
  nodeArgs?: string[];
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A stdout line that means ready; its match is `ready` on the result. */
  ready: RegExp;
  deadlineMs?: number;
  /** Also copy the child's stderr to ours as it comes (the bench shows warnings live). */
  echoStderr?: boolean;
  /** Rewrites the command, e.g. to pin it to a core: `(c, a) => ['taskset', ['-c', '0', c, ...a]]`. */
  wrap?: (command: string, args: string[]) => [string, string[]];
}

export interface SpawnedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The ready line's match. */
  ready: RegExpExecArray;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
  alive(): boolean;
  /** The last lines it printed (stdout and stderr), for failure messages. */
  output(): string;
  /**
   * Resolves with the next line (stdout or stderr) that matches, printed after this call or, with
   * `printed`, already among the last lines. Rejects at the deadline or if the child exits first.
   */
  waitFor(pattern: RegExp, options?: { deadlineMs?: number; printed?: boolean }): Promise<RegExpExecArray>;
  /** Writes one line to the child's stdin (the bench servers take commands there). */
  send(line: string): void;
  /** SIGKILL; resolves when the child is gone. */
  kill(): Promise<void>;
  /** Sends a signal to the child (and its process group, for a `command`); no wait. */
  signal(name: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SessiondProcess extends SpawnedProcess {
  /** `http://HOST:PORT`, as printed. */
  url: string;
  host: string;
  port: number;
}

const running = new Set<SpawnedProcess>();

process.once('exit', () => {
  for (const p of running) p.signal('SIGKILL');
});

/** Ends every child this module started and has not seen exit (SIGTERM, then SIGKILL). */
export async function stopAllSpawned(graceMs = STOP_GRACE_MS): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(graceMs)));
}

/** How many children are still running (a test can assert there are none). */
export function spawnedCount(): number {
  return [...running].filter((p) => p.alive()).length;
}

/** Starts `node <script> …` (or `command …`) and resolves once it prints its ready line. */
export async function spawnNode(options: SpawnOptions): Promise<SpawnedProcess> {
  const deadlineMs = options.deadlineMs ?? START_DEADLINE_MS;
  const group = options.command !== undefined;
  if (group === (options.script !== undefined)) throw new Error('spawnNode: give either script or command');
  let env = options.env ?? process.env;
  let [command, args] = group
    ? [options.command!, options.args ?? []]
    : [process.execPath, ['--import', ORPHAN_GUARD, ...(options.nodeArgs ?? []), options.script!, ...(options.args ?? [])]];
  // A launcher's node processes (npx, and the server it execs) inherit the stdin pipe and the guard.
  if (group) env = { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${ORPHAN_GUARD}`.trim() };
  if (options.wrap) [command, args] = options.wrap(command, args);
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], detached: group });
  /** The child, or its whole process group (the launcher and what it started). */
  const signal = (name: NodeJS.Signals) => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  // The guard's pipe: never written to unless asked, closed only when we are gone.
  child.stdin!.on('error', () => {});

  const tail: string[] = [];
  const stderrTail: string[] = [];
  const remember = (into: string[], line: string) => {
    into.push(line);
    if (into.length > TAIL_LINES) into.shift();
  };
  const watchers = new Set<(line: string) => void>();
  const onLine = (line: string) => {
    remember(tail, line);
    for (const watch of [...watchers]) watch(line);
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    remember(stderrTail, line);
    if (options.echoStderr) process.stderr.write(`${line}\n`);
    onLine(line);
  });

  let exitedHow = '';
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedHow = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    // Spawning itself failed (no such command): there will be no exit event.
    child.once('error', (err) => {
      if (child.pid === undefined) {
        exitedHow = `spawn failed: ${err.message}`;
        resolve();
      }
    });
  });
  const alive = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const describeTail = () =>
    `\n--- ${options.name} stderr (last ${stderrTail.length} lines) ---\n${stderrTail.join('\n')}` +
    `\n--- ${options.name} output (last ${tail.length} lines) ---\n${tail.join('\n')}`;

  const waitFor: SpawnedProcess['waitFor'] = (pattern, { deadlineMs: waitMs = deadlineMs, printed = false } = {}) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      if (printed) {
        for (const line of tail) {
          const match = pattern.exec(line);
          if (match) return resolve(match);
        }
      }
      const done = (error?: Error, match?: RegExpExecArray) => {
        clearTimeout(timer);
        watchers.delete(watch);
        if (error) reject(error);
        else resolve(match!);
      };
      const watch = (line: string) => {
        const match = pattern.exec(line);
        if (match) done(undefined, match);
      };
      const onExit = () => {
        if (watchers.has(watch)) done(new Error(`${options.name} exited (${exitedHow}) before printing ${pattern}${describeTail()}`));
      };
      const timer = setTimeout(
        () => done(new Error(`${options.name} did not print ${pattern} within ${waitMs / 1000} s${describeTail()}`)),
        waitMs,
      );
      watchers.add(watch);
      void exited.then(onExit);
    });

  const stop = async (graceMs = STOP_GRACE_MS) => {
    if (alive()) {
      signal('SIGTERM');
      const force = setTimeout(() => alive() && signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(force);
    }
    // Whatever a launcher left behind in its group.
    if (group) signal('SIGKILL');
    running.delete(handle);
  };
  const handle: SpawnedProcess = {
    name: options.name,
    child,
    pid: child.pid ?? -1,
    ready: null as unknown as RegExpExecArray,
    exited,
    alive,
    output: () => tail.join('\n'),
    waitFor,
    send(line) {
      child.stdin!.write(`${line}\n`);
    },
    async kill() {
      if (alive() || group) signal('SIGKILL');
      await exited;
      running.delete(handle);
    },
    signal,
    stop,
  };
  running.add(handle);
  void exited.then(() => {
    // A launcher that exits takes what it started with it.
    if (group) signal('SIGKILL');
    running.delete(handle);
  });

  try {
    handle.ready = await waitFor(options.ready);
  } catch (err) {
    await stop();
    throw err;
  }
  return handle;
}

export interface SessiondOptions {
  /** Arguments after `serve`, e.g. `['--db', 'sqlite::memory:', '--port', '0']`. */
  args: string[];
  name?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  nodeArgs?: string[];
  deadlineMs?: number;
  echoStderr?: boolean;
  wrap?: SpawnOptions['wrap'];
  /**
   * Start it through a launcher instead of `node bin/sessiond.js`, e.g.
   * `{ command: 'npx', args: ['--no-install', 'sessiond'] }` in a project that has it installed.
   */
  via?: { command: string; args?: string[] };
}

/** `node bin/sessiond.js serve <args>`; resolves with the URL it prints once it accepts requests. */
export async function spawnSessiond(options: SessiondOptions): Promise<SessiondProcess> {
  if (!options.via && !existsSync(path.join(ROOT, 'dist', 'bundle', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does) first');
  const started = await spawnNode({
    name: options.name ?? 'sessiond',
    ...(options.via
      ? { command: options.via.command, args: [...(options.via.args ?? []), 'serve', ...options.args] }
      : { script: BIN, args: ['serve', ...options.args] }),
    ready: LISTENING,
    // Every node started here shares the test process's key file, unless the test names one.
    env: { SESSIOND_SECRET_KEY_FILE: testKeyFile(), ...(options.env ?? process.env) },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.echoStderr ? { echoStderr: true } : {}),
    ...(options.wrap ? { wrap: options.wrap } : {}),
  });
  const [, url, host, port] = started.ready as unknown as [string, string, string, string];
  return Object.assign(started, { url, host, port: Number(port) });
}

/** The environment without the SESSIOND_* settings of the machine running the tests. */
export function envWithoutSessiond(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SESSIOND_')));
  return { ...env, ...extra };
}

/**
 * One run of the built CLI (`node bin/sessiond.js …`) to its end, with the machine's SESSIOND_*
 * settings left out; its exit code and output. Never throws for a non-zero exit.
 */
export function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: envWithoutSessiond(extraEnv), timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
