/**
 * Part `revocation` (item 3): time to effect across three `sessiond serve` nodes on PostgreSQL,
 * with Redis and with LISTEN/NOTIFY; and Better Auth's cookie cache accepting a revoked session.
 */
import { Agent } from 'node:http';
import { Redis } from 'ioredis';
import { renderRevocation, type RevocationRun } from '../report-parts.js';
import type { SessiondProcess } from '../../test/support/serve-process.js';
import { betterAuthRevocationProbe } from './better-auth.js';
import { PATH, REDIS_URL, benchSchema, call, log, seedSessiond, startNode, stopNode, untilBusLive, type Bench } from './shared.js';

/** Revocations measured per bus follow a few unmeasured ones; a poll gives up on a node after this long. */
const REVOCATION_WARMUP = 20;
const REVOCATION_GIVE_UP_MS = 5_000;

/**
 * Revoke through node 2, poll nodes 1 and 3 until both refuse the token. Each token is
 * validated on nodes 1 and 3 just before (so both have it cached, well inside the cache's 30 s
 * maximum age), then `POST /v1/auth/sign-out` with it goes to node 2 at t0 while nodes 1 and 3
 * are polled back to back; the time to effect is the later of the two first 401s, minus t0.
 */
async function revocationOnce(
  nodes: SessiondProcess[],
  agents: Agent[],
  token: string,
): Promise<{ effectMs: number; revokeMs: number; polls: number }> {
  const [n1, n2, n3] = nodes as [SessiondProcess, SessiondProcess, SessiondProcess];
  for (const i of [0, 2]) {
    for (let k = 0; k < 2; k++) {
      const status = await call(agents[i]!, nodes[i]!.port, 'GET', PATH, token);
      if (status !== 200) throw new Error(`node ${i + 1} refused a live token before revocation (${status})`);
    }
  }
  const t0 = performance.now();
  let revokedAt = 0;
  const revoke = call(agents[1]!, n2.port, 'POST', '/v1/auth/sign-out', token).then((status) => {
    if (status !== 204) throw new Error(`sign-out on node 2 answered ${status}`);
    revokedAt = performance.now();
  });
  let polls = 0;
  const poll = async (agent: Agent, node: SessiondProcess) => {
    for (;;) {
      polls++;
      const status = await call(agent, node.port, 'GET', PATH, token);
      if (status === 401) return performance.now();
      if (status !== 200) throw new Error(`poll answered ${status}`);
      if (performance.now() - t0 > REVOCATION_GIVE_UP_MS) return Infinity;
    }
  };
  const [a, b] = await Promise.all([poll(agents[0]!, n1), poll(agents[2]!, n3), revoke]);
  return { effectMs: Math.max(a, b) - t0, revokeMs: revokedAt - t0, polls };
}

export async function revocationPart(bench: Bench): Promise<void> {
  const { options, machine, sections } = bench;
  const partStarted = Date.now();
  const database = await benchSchema();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const nodes: SessiondProcess[] = [];
  const results: RevocationRun[] = [];
  let keysBefore = new Set<string>();
  try {
    await redis.connect();
    keysBefore = new Set(await redis.keys('sessiond:*'));
    const perBus = options.revocations + REVOCATION_WARMUP;
    log(`revocation: seeding ${(2 * perBus).toLocaleString('en-US')} sessions into PostgreSQL schema ${database.schema}`);
    const tokens = await seedSessiond(bench, database.url, 2 * perBus);
    for (const [i, bus] of (['redis', 'postgres'] as const).entries()) {
      const args = ['--db', database.url, ...(bus === 'redis' ? ['--redis', REDIS_URL] : [])];
      for (let n = 0; n < 3; n++) nodes.push(await startNode(options, args));
      // Every node's bus live (its cache is bypassed until then).
      await Promise.all(nodes.map((node) => untilBusLive(node.port)));
      const agents = nodes.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
      const mine = tokens.slice(i * perBus, (i + 1) * perBus);
      const effects: number[] = [];
      const revokes: number[] = [];
      let polls = 0;
      log(`revocation (${bus}): ${REVOCATION_WARMUP} warm-up revocations, then ${options.revocations.toLocaleString('en-US')} measured`);
      for (const [k, token] of mine.entries()) {
        const r = await revocationOnce(nodes, agents, token);
        if (k < REVOCATION_WARMUP) continue;
        effects.push(r.effectMs);
        revokes.push(r.revokeMs);
        polls += r.polls;
        if (effects.length % 250 === 0) log(`revocation (${bus}): ${effects.length} done`);
      }
      results.push({ bus, effects, revokes, polls });
      for (const a of agents) a.destroy();
      await Promise.all(nodes.splice(0).map(stopNode));
    }
    log('revocation: Better Auth cookie-cache probe');
    const probe = await betterAuthRevocationProbe(bench);
    sections.push(renderRevocation({ machine, runs: results, probe, benchSeconds: (Date.now() - partStarted) / 1000 }));
  } finally {
    await Promise.all(nodes.map(stopNode));
    await database.drop();
    if (redis.status === 'ready') {
      const created = (await redis.keys('sessiond:*')).filter((k) => !keysBefore.has(k));
      if (created.length) await redis.del(...created);
    }
    redis.disconnect();
  }
}
