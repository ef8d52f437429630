/**
 * Part `sdk` (item 6): the SDK's `verify` calls per second in-process with a warm cache
 * (bench/sdk-client.ts on core 1), against a sessiond node on core 0.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderSdk, type SdkRun } from '../report-parts.js';
import { CACHE, HOST, PATH, log, pinned, runToEnd, seedSessiond, startServer, stopServer, type Bench } from './shared.js';

const SDK_SESSIONS = 1_000;
const SDK_SECONDS = 5;

export async function sdkPart(bench: Bench): Promise<void> {
  const { options, tmp, machine, sections } = bench;
  const partStarted = Date.now();
  const dbFile = path.join(tmp, 'sessiond-sdk.db');
  log(`sdk: seeding ${SDK_SESSIONS.toLocaleString('en-US')} sessions and a service key`);
  const tokens = await seedSessiond(bench, dbFile, SDK_SESSIONS);
  const tokensTxt = path.join(tmp, 'sdk-tokens.txt');
  writeFileSync(tokensTxt, `${tokens.join('\n')}\n`);
  const key = (await runToEnd(process.execPath, [path.join(CACHE, 'server.mjs'), 'service-key', options.dist, dbFile])).trim();
  const server = await startServer(options, 'session', ['session', options.dist, dbFile], { path: PATH, cookies: tokensTxt });
  try {
    const runs: SdkRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      const [command, args] = pinned(options, 1, process.execPath, [
        path.join(CACHE, 'sdk-client.mjs'),
        options.dist,
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
        `sdk run ${i + 1}/${options.runs}: ${Math.round(run.callsPerSecond).toLocaleString('en-US')} verify/s, ${run.introspectionsDuringWarm} introspections while warm`,
      );
    }
    sections.push(renderSdk({ machine, runs, seconds: SDK_SECONDS, benchSeconds: (Date.now() - partStarted) / 1000 }));
  } finally {
    await stopServer(server);
  }
}
