/**
 * Part `oauth-revocation` (issue 11): time to effect of an OAuth grant removed ("Remove access")
 * and of a personal access token revoked through one node of three, as seen by the other two, and
 * what answering for those credentials costs one node.
 *
 * Three real `sessiond serve` processes (pinned to core 0, like the other parts' servers) on one
 * fresh PostgreSQL schema, all with the same `--public-url` (node 1's address: one OpenID issuer,
 * as behind a load balancer). The provider's tokens and grants and the personal tokens are read
 * from the database on every call (no per-node cache), so the expected time to effect is one
 * request: this part measures that it is, and how often a node still answered for a credential
 * after the removal's 204 (stale answers; expected 0).
 *
 * - Grants: a confidential web client registered with `sessiond oauth-clients add`; one user, one
 *   browser (cookie jar) signed in at node 1. Each round connects the app through node 1
 *   (authorization code + PKCE via openid-client, consent approved as the page does), has nodes 2
 *   and 3 answer for its access token twice (userinfo 200, RFC 7662 introspection active), then
 *   `DELETE /v1/me/connected-apps/:id` on node 1; from its 204, nodes 2 and 3 are polled back to
 *   back with userinfo and with introspection (four pollers, one keep-alive connection each) until
 *   each refuses. Time to effect of a probe = the later of the two nodes' first refusals − the 204.
 *   The refresh token is then tried on node 2 (must be `invalid_grant`).
 * - Personal tokens: each round creates one through node 1 (`POST /v1/me/tokens`), has nodes 2
 *   and 3 introspect it twice (`POST /v1/introspect`, service key: active), revokes it on node 1
 *   (`DELETE /v1/me/tokens/:id`) and polls nodes 2 and 3 from the 204 until both say inactive.
 * - Cost: node 1 alone under a closed loop of CONCURRENCY keep-alive connections from this process
 *   (COST_S seconds per target after a 1 s warm-up): requests per second, latency, and the node's
 *   CPU and SQL statements (its /metrics) per request, for session validation (`GET
 *   /v1/me/session`, bearer), session introspection, userinfo, OAuth introspection and
 *   personal-token introspection, each with one credential.
 *
 * Options: --oauth-revocations=<n> (rounds measured per kind, default 200). With --profile, node 1
 * runs under the V8 CPU profiler (`--cpu-prof`), only the OAuth cost targets run, and the summary
 * of where its CPU went is printed instead of written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { envWithoutSessiond, runCli, spawnSessiond, type SessiondProcess } from '../../test/support/serve-process.js';
import { testKeyFile } from '../../test/support/secret-key.js';
import { CookieJar } from '../../test/support/oauth-browser.js';
import { freePort } from '../../test/support/free-port.js';
import { int, ms, type Section } from '../report.js';
import { formatProfile, summariseProfile } from '../profile.js';
import { percentile } from '../report-parts.js';
import { HOST, benchSchema, log, pinned, stopNode, type Bench, type BenchOptions } from './shared.js';

const WARMUP_ROUNDS = 10;
const GIVE_UP_MS = 5_000;
const CONCURRENCY = 16;
const COST_S = 5;
const PASSWORD = 'correct horse battery staple';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
/** A browser signs in again after this many rounds: approving consent needs a recent sign-in. */
const ROUNDS_PER_SIGN_IN = 50;

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Where the browser's redirects lead once `stop` says so; an answer that is not a redirect before that fails the run, with its body. */
async function redirectedTo(jar: CookieJar, url: string, stop: (url: URL) => boolean): Promise<URL> {
  const { res, url: at } = await jar.follow(url, stop);
  if (!stop(at))
    throw new Error(`${at.pathname} answered ${res.status} before the expected redirect: ${(await res.text()).slice(0, 2000)}`);
  return at;
}

/** A node of the cluster: every one answers as `publicUrl`; node 1 listens on its port. */
function startOidcNode(options: BenchOptions, db: string, publicUrl: string, port = 0, nodeArgs: string[] = []): Promise<SessiondProcess> {
  return spawnSessiond({
    nodeArgs,
    name: 'sessiond serve',
    args: ['--host', HOST, '--port', String(port), '--log-level', 'warn', '--db', db, '--public-url', publicUrl],
    env: envWithoutSessiond(),
    echoStderr: true,
    wrap: (command, full) => pinned(options, 0, command, full),
  });
}

interface Answer {
  status: number;
  body: string;
}

/** One request on a keep-alive agent. */
function send(agent: Agent, port: number, method: string, at: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: HOST,
        port,
        path: at,
        method,
        agent,
        headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A request a node answers for a credential, and whether the answer is a refusal. */
interface Probe {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** True when the answer says the credential is no good; throws on an answer that is neither. */
  refused(a: Answer): boolean;
}

const active = (a: Answer, what: string): boolean => {
  if (a.status !== 200) throw new Error(`${what} answered ${a.status}: ${a.body}`);
  return (JSON.parse(a.body) as { active: boolean }).active;
};

function userinfoProbe(access: string): Probe {
  return {
    name: 'userinfo',
    method: 'GET',
    path: '/oidc/me',
    headers: { authorization: `Bearer ${access}` },
    refused(a) {
      if (a.status === 401) return true;
      if (a.status === 200) return false;
      throw new Error(`userinfo answered ${a.status}: ${a.body}`);
    },
  };
}

function oauthIntrospectionProbe(basic: string, token: string): Probe {
  return {
    name: 'introspection',
    method: 'POST',
    path: '/oidc/token/introspection',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    refused: (a) => !active(a, 'OAuth introspection'),
  };
}

function sessiondIntrospectionProbe(serviceKey: string, token: string): Probe {
  return {
    name: 'introspect',
    method: 'POST',
    path: '/v1/introspect',
    headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
    refused: (a) => !active(a, '/v1/introspect'),
  };
}

const ask = (agent: Agent, node: SessiondProcess, p: Probe) => send(agent, node.port, p.method, p.path, p.headers, p.body);

/** Polls one node with one probe, back to back, until it refuses; the time of that answer and the polls it took. */
async function pollUntilRefused(agent: Agent, node: SessiondProcess, p: Probe, from: number): Promise<{ at: number; polls: number }> {
  let polls = 0;
  for (;;) {
    polls++;
    if (p.refused(await ask(agent, node, p))) return { at: performance.now(), polls };
    if (performance.now() - from > GIVE_UP_MS) return { at: Infinity, polls };
  }
}

/** A browser over node:http fetch semantics: keeps cookies, follows redirects only when asked. */

export interface RemovalRun {
  kind: 'grant' | 'personal-token';
  /** Per probe: ms from the removal's 204 until both nodes 2 and 3 refused. */
  effects: Record<string, number[]>;
  /** Per probe: polls (both nodes) that still answered for the credential after the 204. */
  stale: Record<string, number>;
  /** The removal request's own latency, ms. */
  removals: number[];
  /** Refresh tokens accepted after their grant's removal (grants only; expected 0). */
  refreshAccepted: number;
}

export interface CostRun {
  target: string;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  /** SQL statements per request, from the node's `sessiond_database_statements_total` (0: answered from its cache). */
  statementsPerRequest: number;
  errors: number;
}

/** A closed loop of CONCURRENCY connections on one node for `seconds`; requests per second, latency, CPU per request. */
/** Every SQL statement the node has issued while serving requests, over all routes (its /metrics). */
async function statementsServed(node: SessiondProcess): Promise<number> {
  const text = (await send(new Agent(), node.port, 'GET', '/metrics', {})).body;
  let total = 0;
  for (const m of text.matchAll(/^sessiond_database_statements_total(?:\{[^}]*\})? (\S+)$/gm)) total += Number(m[1]);
  return total;
}

async function cost(node: SessiondProcess, target: string, p: Probe, seconds: number): Promise<CostRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  const run = async (until: number, record: boolean) => {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          const a = await ask(agent, node, p);
          if (!record) continue;
          latencies.push(performance.now() - t);
          if (a.status !== 200 || p.refused(a)) errors++;
        }
      }),
    );
  };
  await run(performance.now() + 1_000, false);
  const statements0 = await statementsServed(node);
  const cpu0 = cpuSeconds(node.pid);
  const t0 = performance.now();
  await run(t0 + seconds * 1_000, true);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(node.pid) - cpu0;
  const statements = (await statementsServed(node)) - statements0;
  agent.destroy();
  return {
    target,
    rps: latencies.length / wall,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsPerRequest: (1000 * cpu) / latencies.length,
    statementsPerRequest: statements / latencies.length,
    errors,
  };
}

export async function oauthRevocationPart(bench: Bench): Promise<void> {
  const { options, sections } = bench;
  const rounds = Number(process.argv.find((a) => a.startsWith('--oauth-revocations='))?.split('=')[1] ?? 200);
  const partStarted = Date.now();
  const loadBefore = loadavg();
  const database = await benchSchema();
  const nodes: SessiondProcess[] = [];
  try {
    const port = await freePort();
    const publicUrl = `http://${HOST}:${port}`;
    const issuer = `${publicUrl}/oidc`;
    // --profile: node 1's CPU profile, written by node when it exits.
    const profileDir = options.profile ? mkdtempSync(path.join(bench.tmp, 'oauth-profile-')) : null;
    const profileArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    nodes.push(await startOidcNode(options, database.url, publicUrl, port, profileArgs));
    nodes.push(...(await Promise.all([startOidcNode(options, database.url, publicUrl), startOidcNode(options, database.url, publicUrl)])));
    const [n1, n2, n3] = nodes as [SessiondProcess, SessiondProcess, SessiondProcess];
    // The key file spawnSessiond gives every node: the CLI seals the client's secret with it too.
    const keyFile = { SESSIOND_SECRET_KEY_FILE: testKeyFile() };

    const added = await runCli(
      ['oauth-clients', 'add', '--name', 'Notes Cloud', '--kind', 'web', '--redirect-uri', REDIRECT_URI, '--json', '--db', database.url],
      keyFile,
    );
    if (added.code !== 0) throw new Error(`oauth-clients add: ${added.stderr}`);
    const made = JSON.parse(added.stdout) as { client: { id: string }; client_secret: string };
    const webId = made.client.id;
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(webId)}:${encodeURIComponent(made.client_secret)}`).toString('base64')}`;
    const key = await runCli(['service-keys', 'create', '--name', 'bench', '--db', database.url], keyFile);
    if (key.code !== 0) throw new Error(`service-keys create: ${key.stderr}`);
    const serviceKey = key.stdout.trim();

    const email = 'oauth-bench@example.com';
    const signUp = await fetch(`${publicUrl}/v1/auth/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
    const signedInBrowser = async () => {
      const jar = new CookieJar(publicUrl);
      const res = await jar.fetch('/v1/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
      return jar;
    };
    const bearerSession = async () => {
      const res = await fetch(`${publicUrl}/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD, transport: 'bearer' }),
      });
      if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    };

    const config = await oidc.discovery(new URL(issuer), webId, made.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
    /** Authorization code + PKCE through node 1; the tokens and the grant's id. */
    const connect = async (jar: CookieJar) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        prompt: 'consent',
      });
      const consent = await redirectedTo(jar, url.href, (u) => u.pathname === '/oauth/consent');
      const answer = await jar.json<{ redirect_to: string }>(`/v1/oauth/interactions/${consent.searchParams.get('uid')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      if (answer.status !== 200) throw new Error(`consent: ${answer.status} ${JSON.stringify(answer.body)}`);
      const back = await redirectedTo(jar, answer.body.redirect_to, (u) => u.href.startsWith(REDIRECT_URI));
      const tokens = await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
      const apps = await jar.json<{ apps: { id: string }[] }>('/v1/me/connected-apps');
      if (apps.body.apps.length !== 1) throw new Error(`expected one connected app, found ${apps.body.apps.length}`);
      return { access: tokens.access_token, refresh: tokens.refresh_token!, grantId: apps.body.apps[0]!.id };
    };

    // One keep-alive connection per poller (node × probe), and one for node 1's removals.
    const agents = new Map<string, Agent>();
    const agent = (name: string) => agents.get(name) ?? agents.set(name, new Agent({ keepAlive: true, maxSockets: 1 })).get(name)!;

    /** Warms nodes 2 and 3 with every probe, removes through node 1, and times the refusals from the 204. */
    const removeAndWatch = async (probes: Probe[], remove: () => Promise<Answer>, run: RemovalRun, measured: boolean) => {
      for (const node of [n2, n3])
        for (let k = 0; k < 2; k++)
          for (const p of probes)
            if (p.refused(await ask(agent(`${node.port}:${p.name}`), node, p)))
              throw new Error(`node on port ${node.port} refused a live credential (${p.name})`);
      const t0 = performance.now();
      const removed = await remove();
      const t204 = performance.now();
      if (removed.status !== 204) throw new Error(`removal answered ${removed.status}: ${removed.body}`);
      const results = await Promise.all(
        probes.flatMap((p) =>
          [n2, n3].map(async (node) => ({ p, ...(await pollUntilRefused(agent(`${node.port}:${p.name}`), node, p, t204)) })),
        ),
      );
      if (!measured) return;
      run.removals.push(t204 - t0);
      for (const p of probes) {
        const mine = results.filter((r) => r.p === p);
        (run.effects[p.name] ??= []).push(Math.max(...mine.map((r) => r.at)) - t204);
        run.stale[p.name] = (run.stale[p.name] ?? 0) + mine.reduce((n, r) => n + r.polls - 1, 0);
      }
    };

    // Grants.
    const grants: RemovalRun = { kind: 'grant', effects: {}, stale: {}, removals: [], refreshAccepted: 0 };
    log(
      `oauth-revocation: ${WARMUP_ROUNDS} warm-up grant removals, then ${rounds} measured (three nodes, PostgreSQL schema ${database.schema})`,
    );
    let jar = await signedInBrowser();
    for (let i = 0; i < WARMUP_ROUNDS + rounds; i++) {
      if (i > 0 && i % ROUNDS_PER_SIGN_IN === 0) jar = await signedInBrowser();
      const g = await connect(jar);
      const probes = [userinfoProbe(g.access), oauthIntrospectionProbe(basic, g.access)];
      const remove = async () => {
        const res = await jar.fetch(`/v1/me/connected-apps/${g.grantId}`, { method: 'DELETE' });
        return { status: res.status, body: await res.text() };
      };
      await removeAndWatch(probes, remove, grants, i >= WARMUP_ROUNDS);
      const refreshed = await send(
        agent('refresh'),
        n2.port,
        'POST',
        '/oidc/token',
        { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        new URLSearchParams({ grant_type: 'refresh_token', refresh_token: g.refresh }).toString(),
      );
      if (refreshed.status === 200) grants.refreshAccepted++;
      else if (!refreshed.body.includes('invalid_grant'))
        throw new Error(`refresh after removal answered ${refreshed.status}: ${refreshed.body}`);
      if ((i + 1 - WARMUP_ROUNDS) % 50 === 0 && i >= WARMUP_ROUNDS) log(`oauth-revocation: ${i + 1 - WARMUP_ROUNDS} grants removed`);
    }

    // Personal access tokens.
    const tokens: RemovalRun = { kind: 'personal-token', effects: {}, stale: {}, removals: [], refreshAccepted: 0 };
    log(`oauth-revocation: ${WARMUP_ROUNDS} warm-up personal token revocations, then ${rounds} measured`);
    let session = await bearerSession();
    for (let i = 0; i < WARMUP_ROUNDS + rounds; i++) {
      if (i > 0 && i % ROUNDS_PER_SIGN_IN === 0) session = await bearerSession();
      const created = await send(
        agent('node1'),
        n1.port,
        'POST',
        '/v1/me/tokens',
        { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        JSON.stringify({ name: `bench ${i}`, scopes: ['api:read'], expires_in_days: 30 }),
      );
      if (created.status !== 201) throw new Error(`POST /v1/me/tokens answered ${created.status}: ${created.body}`);
      const pat = JSON.parse(created.body) as { token: { id: string }; secret: string };
      const remove = () => send(agent('node1'), n1.port, 'DELETE', `/v1/me/tokens/${pat.token.id}`, { authorization: `Bearer ${session}` });
      await removeAndWatch([sessiondIntrospectionProbe(serviceKey, pat.secret)], remove, tokens, i >= WARMUP_ROUNDS);
    }
    for (const a of agents.values()) a.destroy();
    const loadAfterRemovals = loadavg();

    // Cost on node 1 alone, one live credential of each kind.
    log(`oauth-revocation: cost on one node (${CONCURRENCY} connections, ${COST_S} s per target)`);
    jar = await signedInBrowser();
    const live = await connect(jar);
    session = await bearerSession();
    const pat = JSON.parse(
      (
        await send(
          new Agent(),
          n1.port,
          'POST',
          '/v1/me/tokens',
          { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
          JSON.stringify({ name: 'bench cost', scopes: ['api:read'], expires_in_days: 30 }),
        )
      ).body,
    ) as { secret: string };
    const sessionProbe: Probe = {
      name: 'session',
      method: 'GET',
      path: '/v1/me/session',
      headers: { authorization: `Bearer ${session}` },
      refused: (a) => a.status === 401,
    };
    const costs: CostRun[] = [];
    for (const [target, p] of [
      ['Session validation: `GET /v1/me/session` (bearer)', sessionProbe],
      ['Session introspection: `POST /v1/introspect` (service key)', sessiondIntrospectionProbe(serviceKey, session)],
      ['OAuth userinfo: `GET /oidc/me` (access token)', userinfoProbe(live.access)],
      ['OAuth introspection: `POST /oidc/token/introspection` (client secret)', oauthIntrospectionProbe(basic, live.access)],
      ['Personal token introspection: `POST /v1/introspect` (service key)', sessiondIntrospectionProbe(serviceKey, pat.secret)],
    ] as const) {
      if (profileDir && !target.startsWith('OAuth')) continue;
      const c = await cost(n1, target, p, COST_S);
      costs.push(c);
      log(
        `oauth-revocation: ${target}: ${int(c.rps)} req/s, p50 ${ms(c.p50)}, p99 ${ms(c.p99)}, ${c.cpuMsPerRequest.toFixed(3)} ms CPU/request, ${c.statementsPerRequest.toFixed(1)} SQL statements/request`,
      );
      if (c.errors) throw new Error(`${target}: ${c.errors} requests were not answered 200 for a live credential`);
    }
    const loadAfter = loadavg();
    if (profileDir) {
      await stopNode(n1);
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`node 1 wrote no CPU profile into ${profileDir}`);
      log(
        `oauth-revocation: node 1's CPU (removal rounds, then the OAuth cost runs)\n${formatProfile(summariseProfile(path.join(profileDir, file)))}`,
      );
      return;
    }
    sections.push(
      renderOauthRevocation({
        bench,
        runs: [grants, tokens],
        costs,
        rounds,
        load: [loadBefore, loadAfterRemovals, loadAfter],
        seconds: (Date.now() - partStarted) / 1000,
      }),
    );
  } catch (err) {
    // The nodes' log says why a request failed (a server_error is logged, not answered).
    for (const [i, node] of nodes.entries()) log(`node ${i + 1}'s last output:\n${node.output().slice(-3000)}`);
    throw err;
  } finally {
    await Promise.all(nodes.map(stopNode));
    await database.drop();
  }
}

function renderOauthRevocation(r: {
  bench: Bench;
  runs: RemovalRun[];
  costs: CostRun[];
  rounds: number;
  load: [string, string, string];
  seconds: number;
}): Section {
  const m = r.bench.machine;
  const label: Record<string, string> = {
    'grant:userinfo': 'OAuth grant removed (`DELETE /v1/me/connected-apps/:id`): userinfo `GET /oidc/me` 401',
    'grant:introspection': 'OAuth grant removed: RFC 7662 introspection `active: false`',
    'personal-token:introspect': 'Personal access token revoked (`DELETE /v1/me/tokens/:id`): `POST /v1/introspect` `active: false`',
  };
  const rows = r.runs.flatMap((run) =>
    Object.entries(run.effects).map(([probe, effects]) => {
      const finite = effects.filter(Number.isFinite);
      return {
        key: `${run.kind}:${probe}`,
        effects,
        p50: percentile(effects, 50),
        p99: percentile(effects, 99),
        max: Math.max(...effects),
        lost: effects.length - finite.length,
        stale: run.stale[probe] ?? 0,
        removals: run.removals,
      };
    }),
  );
  const fmtMax = (x: number) => (Number.isFinite(x) ? ms(x) : `never (gave up after ${GIVE_UP_MS / 1000} s)`);
  const grant = r.runs.find((x) => x.kind === 'grant');
  const session = r.costs[0]!;
  const markdown = [
    '## OAuth grants and personal tokens: time to effect across three nodes',
    '',
    `Measured ${m.date} by \`npm run bench\` (this part took ${Math.round(r.seconds)} s; load average (\`/proc/loadavg\` 1, 5, 15 min) ${r.load[0]} before, ${r.load[1]} after the removals, ${r.load[2]} after the cost runs; ${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}).`,
    '',
    '- Three real `sessiond serve` processes pinned to core 0 on one fresh PostgreSQL schema, all with the same `--public-url` (one OpenID issuer, as behind a load balancer). The provider keeps its tokens and grants, and sessiond its personal tokens, in the database, with no per-node cache: nothing has to be told to the other nodes.',
    `- Each round: a credential made through node 1 (an app connected with authorization code + PKCE and consent, or \`POST /v1/me/tokens\`), answered for twice by nodes 2 and 3, then removed through node 1. From the removal's 204, nodes 2 and 3 are polled back to back (one keep-alive connection per node and probe, all at once) until each refuses; time to effect = the later of the two first refusals − the 204, so it includes one poll's round trip. ${WARMUP_ROUNDS} rounds per kind first, not counted. A *stale answer* is a poll, sent after the 204, that still answered for the credential.`,
    '',
    '| Removed through node 1, refused by nodes 2 and 3 | Rounds | p50 | p99 | max | Stale answers | Removal request p50 / p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (x) =>
        `| ${label[x.key] ?? x.key} | ${int(x.effects.length)} | ${ms(x.p50)} | ${ms(x.p99)} | ${fmtMax(x.max)} | ${int(x.stale)} | ${ms(percentile(x.removals, 50))} / ${ms(percentile(x.removals, 99))} |`,
    ),
    '',
    ...(grant
      ? [
          `Refresh tokens accepted at node 2 after their grant's removal: ${grant.refreshAccepted} of ${r.rounds + WARMUP_ROUNDS} (each must be \`invalid_grant\`).`,
          '',
        ]
      : []),
    ...rows
      .filter((x) => x.lost)
      .map((x) => `- ${label[x.key] ?? x.key}: ${x.lost} removals not refused by both nodes within ${GIVE_UP_MS / 1000} s.`),
    `**Cost on one node** (node 1; ${CONCURRENCY} keep-alive connections in a closed loop from the bench process, which is not pinned; ${COST_S} s per target after 1 s of warm-up; one credential per target, so a session is answered from the node's cache while OAuth and personal tokens are read from PostgreSQL on every call; statements counted by the node's \`sessiond_database_statements_total\`):`,
    '',
    '| Request | Requests/s | p50 | p99 | Node CPU per request | vs. session validation (CPU) | SQL statements per request |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.costs.map(
      (c) =>
        `| ${c.target} | ${int(c.rps)} | ${ms(c.p50)} | ${ms(c.p99)} | ${c.cpuMsPerRequest.toFixed(3)} ms | ${(c.cpuMsPerRequest / session.cpuMsPerRequest).toFixed(1)}x | ${c.statementsPerRequest.toFixed(1)} |`,
    ),
  ].join('\n');
  const summary = [
    'OAuth grants and personal tokens: removed on node 1, refused by nodes 2 and 3 (from the 204)',
    ...rows.map(
      (x) => `  ${x.key.padEnd(26)} p50 ${ms(x.p50)}  p99 ${ms(x.p99)}  max ${fmtMax(x.max)}  stale ${x.stale}  over ${x.effects.length}`,
    ),
    ...r.costs.map((c) => `  cost: ${c.target}: ${int(c.rps)} req/s, ${c.cpuMsPerRequest.toFixed(3)} ms CPU/request`),
    `  load average ${r.load.join(' / ')}`,
  ].join('\n');
  return { id: 'oauth-revocation', markdown, summary };
}
