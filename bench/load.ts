/**
 * The autocannon load generator (used when `wrk` is not installed), run by `bench/run.ts` in its
 * own `node` process pinned to the other core. Same contract as bench/cookies.lua: every request
 * carries a session cookie rotating over the tokens file; prints one `BENCH_RESULT {json}` line.
 *
 *   node load.mjs <url> <tokens-file> <connections> <seconds> [raw | introspect <service-key>]
 *
 * With `raw`, each line of the file is a whole Cookie header (Better Auth's cookies). With
 * `introspect`, each request is sessiond's introspection call: a POST of `{"token":"<token>"}`
 * with the service key as a Bearer token.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, tokensFile, connections, seconds, raw, serviceKey] = process.argv.slice(2);
if (!url || !tokensFile) throw new Error('usage: load.mjs <url> <tokens-file> <connections> <seconds>');

const lines = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const cookies = lines.map((token) => (raw === 'raw' ? token : `__Host-sessiond=${token}`));
const bodies = lines.map((token) => JSON.stringify({ token }));
let next = Math.floor(Math.random() * cookies.length);
const introspect = raw === 'introspect';

const result = await autocannon({
  url,
  connections: Number(connections ?? 50),
  duration: Number(seconds ?? 10),
  requests: [
    {
      method: introspect ? 'POST' : 'GET',
      setupRequest(request) {
        const i = next;
        next = (next + 1) % cookies.length;
        if (introspect)
          return {
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
            body: bodies[i]!,
          };
        return { ...request, headers: { ...request.headers, cookie: cookies[i]! } };
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
