/**
 * The autocannon load generator (used when `wrk` is not installed), run by `bench/run.ts` in its
 * own `node` process pinned to the other core. Same contract as bench/cookies.lua: every request
 * carries a session cookie rotating over the tokens file; prints one `BENCH_RESULT {json}` line.
 *
 *   node load.mjs <url> <tokens-file> <connections> <seconds> [raw]
 *
 * With `raw`, each line of the file is a whole Cookie header (Better Auth's cookies).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, tokensFile, connections, seconds, raw] = process.argv.slice(2);
if (!url || !tokensFile) throw new Error('usage: load.mjs <url> <tokens-file> <connections> <seconds>');

const cookies = readFileSync(tokensFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((token) => (raw === 'raw' ? token : `__Host-sessiond=${token}`));
let next = Math.floor(Math.random() * cookies.length);

const result = await autocannon({
  url,
  connections: Number(connections ?? 50),
  duration: Number(seconds ?? 10),
  requests: [
    {
      method: 'GET',
      setupRequest(request) {
        const cookie = cookies[next]!;
        next = (next + 1) % cookies.length;
        return { ...request, headers: { ...request.headers, cookie } };
      },
    },
  ],
});

const us = (ms: number) => Math.round(ms * 1000);
console.log(
  `BENCH_RESULT ${JSON.stringify({
    requests: result.requests.total ?? Math.round(result.requests.average * result.duration),
    duration_us: us(result.duration * 1000),
    p50_us: us(result.latency.p50),
    p99_us: us(result.latency.p99),
    max_us: us(result.latency.max),
    errors: { connect: result.errors, read: 0, write: 0, status: result.non2xx, timeout: result.timeouts },
  })}`,
);
