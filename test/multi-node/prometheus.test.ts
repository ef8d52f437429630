/**
 * A real Prometheus (Debian's `prometheus`, on a loopback port with its own data directory)
 * scrapes three `sessiond serve` nodes on PostgreSQL and Redis every second, each the way an
 * operator may expose it: node 1 on its own metrics listener (`--metrics-listen`), node 2 behind
 * a bearer token (`--metrics-token`), node 3 open on its main port. After scripted traffic
 * (sign-ins that succeed and fail, a revocation through node 2 while nodes 1 and 3 hold the
 * session in their caches), Prometheus's HTTP API reports the sign-in success rate and the
 * revocation-lag histogram of the nodes that heard the revocation; the alert rules under
 * deploy/prometheus load and evaluate without error, and every query of the Grafana dashboard
 * runs on the real data. Waits poll the HTTP API; nothing sleeps a fixed time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import {
  dashboardPanels,
  metricNames,
  PROMETHEUS_DIR,
  SESSIOND_METRICS,
  startPrometheus,
  type PrometheusServer,
} from '../support/prometheus.js';
import {
  call,
  client,
  PASSWORD,
  REDIS_URL,
  signIn,
  signUp,
  SPAWN_HOOK_TIMEOUT_MS,
  startNode,
  stopAll,
  until,
  whoami,
  type SessiondNode,
} from './cluster.js';

const TOKEN = 'prometheus-test-token-0123456789abcdef';
/** Scrapes every second: a minute is far more than the few scrapes each wait needs. */
const PROMETHEUS_WAIT_MS = 60_000;

describe.skipIf(!SHARED_ENGINES.includes('postgres'))('Prometheus scraping three nodes', () => {
  let database: TestDatabase;
  let nodes: [SessiondNode, SessiondNode, SessiondNode];
  let prometheus: PrometheusServer | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-prom-test-'));
    database = await freshDatabase('postgres');
    const options = { db: database.url, redis: REDIS_URL };
    const first = await startNode({ ...options, name: 'node-1', extra: ['--metrics-listen', '127.0.0.1:0'] });
    const [second, third] = await Promise.all([
      startNode({ ...options, name: 'node-2', extra: ['--metrics-token', TOKEN] }),
      startNode({ ...options, name: 'node-3' }),
    ]);
    nodes = [first, second, third];
    const [, metricsAddress] = (await first.waitFor(/^sessiond metrics on http:\/\/(\S+)\/metrics$/, { printed: true })) as unknown as [
      string,
      string,
    ];
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, TOKEN);
    const target = (node: SessiondNode) => `${node.host}:${node.port}`;
    // The two variants of deploy/prometheus/prometheus.yml, with the rules beside it.
    prometheus = await startPrometheus(
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(path.join(PROMETHEUS_DIR, 'alerts.yml'))}]`,
        'scrape_configs:',
        '  - job_name: sessiond',
        `    static_configs: [{ targets: ["${metricsAddress}"], labels: { node: node-1 } }, { targets: ["${target(third)}"], labels: { node: node-3 } }]`,
        '  - job_name: sessiond-token',
        `    authorization: { type: Bearer, credentials_file: ${JSON.stringify(tokenFile)} }`,
        `    static_configs: [{ targets: ["${target(second)}"], labels: { node: node-2 } }]`,
        '',
      ].join('\n'),
    );
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await prometheus?.stop();
    await stopAll();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Polls an instant query until `accept` holds for its result; the last result on timeout. */
  async function waitForQuery(promql: string, accept: (result: Awaited<ReturnType<PrometheusServer['query']>>) => boolean) {
    let last: unknown = null;
    await until(
      async () => {
        const result = await prometheus!.query(promql);
        last = result;
        return accept(result);
      },
      PROMETHEUS_WAIT_MS,
      `${promql} (last answer ${JSON.stringify(last)})`,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${JSON.stringify(last)}`);
    });
    return prometheus!.query(promql);
  }

  it('every node is scraped: the listener, the bearer token, the open port', async () => {
    const up = await waitForQuery('up', (r) => r.length === 3 && r.every((s) => s.value[1] === '1'));
    expect(up.map((s) => s.metric.node).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    // Node 2's main port refuses whoever has no token; node 1's main port has no /metrics.
    expect((await call(nodes[1], 'GET', '/metrics')).status).toBe(401);
    expect((await call(nodes[0], 'GET', '/metrics')).status).toBe(404);
  });

  it('after sign-ins and a revocation, Prometheus reports the success rate and the revocation lag of the other nodes', async () => {
    const [one, two, three] = nodes;
    const who = client();
    await signUp(one, who);
    const victim = await signIn(one, who);
    const manager = await signIn(two, who);
    await signIn(three, who);
    for (const node of [one, three]) {
      const wrong = await call(node, 'POST', '/v1/auth/sign-in', {
        ip: who.ip,
        body: { email: who.email, password: `${PASSWORD} typo`, transport: 'bearer' },
      });
      expect(wrong.status).toBe(401);
    }
    // Warm caches on nodes 1 and 3, then revoke through node 2.
    for (const node of nodes) for (let i = 0; i < 2; i++) expect(await whoami(node, victim.token, who.ip)).toBe(200);
    const revoked = await call(two, 'DELETE', `/v1/me/sessions/${victim.sessionId}`, { token: manager.token, ip: who.ip });
    expect(revoked.status).toBe(204);
    await Promise.all([one, three].map((node) => until(async () => (await whoami(node, victim.token, who.ip)) === 401, 5_000, node.name)));

    // 3 successes of 5 sign-ins, summed over the three nodes.
    const rate = await waitForQuery(
      'sum(sessiond_sign_ins_total{outcome="success"}) / sum(sessiond_sign_ins_total)',
      (r) => r.length === 1 && Number(r[0]!.value[1]) === 0.6,
    );
    expect(Number(rate[0]!.value[1])).toBe(0.6);
    const byOutcome = await prometheus!.query('sum by (outcome) (sessiond_sign_ins_total)');
    expect(Object.fromEntries(byOutcome.map((s) => [s.metric.outcome, Number(s.value[1])]))).toMatchObject({
      success: 3,
      invalid_credentials: 2,
    });

    // Nodes 1 and 3 heard the revocation committed on node 2: one lag observation each.
    const lag = await waitForQuery(
      'sessiond_revocation_lag_seconds_count{node=~"node-1|node-3"}',
      (r) => r.length === 2 && r.every((s) => Number(s.value[1]) >= 1),
    );
    expect(lag.map((s) => s.metric.node).sort()).toEqual(['node-1', 'node-3']);
    const p99 = await waitForQuery(
      'histogram_quantile(0.99, sum by (le) (rate(sessiond_revocation_lag_seconds_bucket{node=~"node-1|node-3"}[1m])))',
      (r) => r.length === 1 && Number.isFinite(Number(r[0]!.value[1])),
    );
    const seconds = Number(p99[0]!.value[1]);
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(seconds).toBeLessThanOrEqual(10);
    const mean = await prometheus!.query('sum(sessiond_revocation_lag_seconds_sum) / sum(sessiond_revocation_lag_seconds_count)');
    console.info(
      `revocation lag through Prometheus: p99 ${seconds.toFixed(3)} s (interpolated in its bucket), mean ${Number(mean[0]?.value[1]).toFixed(4)} s`,
    );
  });

  it('the alert rules load and evaluate, and every dashboard query runs on the scraped data', async () => {
    const groups = await prometheus!.api<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>('/api/v1/rules');
    const rules = groups.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual([
      'SessiondDatabaseErrors',
      'SessiondMailFailing',
      'SessiondRevocationBusDown',
      'SessiondRevocationLagHigh',
      'SessiondSignInFailureSpike',
    ]);
    await until(
      async () => {
        const now = await prometheus!.api<{ groups: { rules: { health: string }[] }[] }>('/api/v1/rules');
        return now.groups.flatMap((g) => g.rules).every((r) => r.health === 'ok');
      },
      PROMETHEUS_WAIT_MS,
      'every rule evaluated',
    );
    // All three nodes live on the bus: the bus-down alert is quiet.
    const alerts = await prometheus!.api<{ alerts: { labels: { alertname: string } }[] }>('/api/v1/alerts');
    expect(alerts.alerts.map((a) => a.labels.alertname)).not.toContain('SessiondRevocationBusDown');

    // Every metric the dashboard and the rules name is one the nodes export (its # TYPE line).
    const exposition = String((await call(nodes[2], 'GET', '/metrics')).body);
    const exported = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const named = new Set<string>();
    for (const panel of dashboardPanels()) for (const t of panel.targets ?? []) for (const n of metricNames(t.expr)) named.add(n);
    for (const name of named) expect(exported, name).toContain(name);
    for (const name of Object.keys(SESSIOND_METRICS)) expect(exported, name).toContain(name);

    // Grafana's variables as Grafana would fill them for "All nodes" over a short range. A rate
    // needs two samples of a series in its window, and the sign-in series began with the traffic
    // a second ago: the panels that must show data are asked until they do (one scrape later).
    const failed: string[] = [];
    let withData: string[] = [];
    const required = ['Sign-ins per second by outcome', 'Sign-in success rate', 'Revocation bus live', 'Memory'];
    await until(
      async () => {
        failed.length = 0;
        withData = [];
        for (const panel of dashboardPanels())
          for (const target of panel.targets ?? []) {
            const promql = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '1m').replaceAll('$instance', '.*');
            try {
              if ((await prometheus!.query(promql)).length > 0) withData.push(panel.title);
            } catch (err) {
              failed.push(`${panel.title}: ${(err as Error).message}`);
            }
          }
        return failed.length > 0 || required.every((title) => withData.includes(title));
      },
      PROMETHEUS_WAIT_MS,
      'the dashboard panels to show data',
    ).catch(() => {});
    expect(failed).toEqual([]);
    for (const title of required) expect(withData).toContain(title);
  });
});
