/**
 * The SDK's `verify` in-process, run by `bench/run.ts` with plain `node` on the compiled
 * `dist/sdk` (this file is only type-stripped), pinned to the load generator's core while the
 * sessiond node it talks to has core 0.
 *
 *   node sdk-client.mjs <dist> <sessiond-url> <service-key> <tokens-file> <seconds>
 *
 * Waits for the revocation stream (SSE) to be live, verifies every token once (cold: one
 * introspection each), then calls `verify` in a tight loop over the same tokens for `<seconds>`,
 * yielding to the event loop every `YIELD_EVERY` calls (a warm verify never yields, and the
 * stream's liveness needs the loop; docs/sdk.md). Prints one `BENCH_RESULT {json}` line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sdk from '../src/sdk/index.js';

const YIELD_EVERY = 2_000;

const [dist, url, serviceKey, tokensFile, seconds] = process.argv.slice(2);
if (!dist || !url || !serviceKey || !tokensFile)
  throw new Error('usage: sdk-client.mjs <dist> <url> <service-key> <tokens-file> <seconds>');

const { createVerifier } = (await import(pathToFileURL(path.join(dist, 'sdk', 'index.js')).href)) as typeof Sdk;
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const verifier = createVerifier({ url, serviceKey, cacheMaxEntries: Math.max(10_000, tokens.length) });
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

const liveBy = Date.now() + 10_000;
while (!verifier.stats().live) {
  if (Date.now() > liveBy) throw new Error(`revocation stream not live after 10 s: ${verifier.stats().streamError}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const coldFrom = process.hrtime.bigint();
for (const token of tokens) if (!(await verifier.verify(token))) throw new Error('a seeded token did not verify');
const coldSeconds = Number(process.hrtime.bigint() - coldFrom) / 1e9;
const afterCold = verifier.stats();

const until = process.hrtime.bigint() + BigInt(Math.round(Number(seconds ?? 5) * 1e9));
const from = process.hrtime.bigint();
let calls = 0;
let i = 0;
let misses = 0;
for (;;) {
  for (let k = 0; k < YIELD_EVERY; k++) {
    if (!(await verifier.verify(tokens[i]!))) misses++;
    i = i + 1 === tokens.length ? 0 : i + 1;
  }
  calls += YIELD_EVERY;
  await yieldNow();
  if (process.hrtime.bigint() >= until) break;
}
const warmSeconds = Number(process.hrtime.bigint() - from) / 1e9;
const stats = verifier.stats();
await verifier.close();
console.log(
  `BENCH_RESULT ${JSON.stringify({
    tokens: tokens.length,
    coldSeconds,
    calls,
    warmSeconds,
    callsPerSecond: calls / warmSeconds,
    nullAnswers: misses,
    introspectionsDuringWarm: stats.introspections - afterCold.introspections,
    cacheHitsDuringWarm: stats.cacheHits - afterCold.cacheHits,
    liveAtEnd: stats.live,
    liveTransitions: stats.liveTransitions,
    transport: stats.transport,
  })}`,
);
