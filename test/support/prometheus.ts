/**
 * What the Prometheus suites share: the metric names sessiond exports, the queries of the
 * Grafana dashboard and alert rules under deploy/, and a real Prometheus server (Debian's
 * `prometheus`) started on a loopback port with its own data directory, ended with the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, spawnNode, type SpawnedProcess } from './serve-process.js';
import { freePort } from './free-port.js';

export const PROMETHEUS_DIR = path.join(ROOT, 'deploy', 'prometheus');
export const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'sessiond.json');

/** Every metric sessiond exports (docs/metrics.md; the shared design of issue 10). */
export const SESSIOND_METRICS: Record<string, 'counter' | 'gauge' | 'histogram'> = {
  sessiond_sign_ins_total: 'counter',
  sessiond_mfa_challenges_total: 'counter',
  sessiond_password_resets_total: 'counter',
  sessiond_operation_duration_seconds: 'histogram',
  sessiond_password_hash_duration_seconds: 'histogram',
  sessiond_rate_limited_total: 'counter',
  sessiond_policy_denials_total: 'counter',
  sessiond_unavailable_total: 'counter',
  sessiond_database_statements_total: 'counter',
  sessiond_session_cache_lookups_total: 'counter',
  sessiond_http_request_duration_seconds: 'histogram',
  sessiond_session_validations_total: 'counter',
  sessiond_revocations_total: 'counter',
  sessiond_sessions_revoked_total: 'counter',
  sessiond_active_sessions: 'gauge',
  sessiond_revocation_bus_live: 'gauge',
  sessiond_session_cache: 'gauge',
  sessiond_adapter_errors_total: 'counter',
  sessiond_process_cpu_seconds_total: 'counter',
  sessiond_process_resident_memory_bytes: 'gauge',
  sessiond_revocation_lag_seconds: 'histogram',
  sessiond_revocation_bus_gap_seconds: 'histogram',
  sessiond_revocation_bus_gaps_total: 'counter',
  sessiond_database_errors_total: 'counter',
  sessiond_mail_total: 'counter',
  sessiond_mail_queue_depth: 'gauge',
};

/** The metric names a PromQL text refers to, histogram series (`_bucket`, …) by their family. */
export function metricNames(promql: string): string[] {
  const names = new Set<string>();
  for (const [token] of promql.matchAll(/\bsessiond_[a-z0-9_]+/g)) {
    const family = token.replace(/_(bucket|count|sum)$/, '');
    names.add(SESSIOND_METRICS[family] === 'histogram' ? family : token);
  }
  return [...names];
}

export interface Target {
  expr: string;
  legendFormat?: string;
  datasource?: { type: string; uid: string };
}
export interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  datasource?: { type: string; uid: string };
}

/** The dashboard's panels with queries. */
export function dashboardPanels(): Panel[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.filter((p) => p.type !== 'row');
}

export interface PrometheusServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** An instant query through the HTTP API (`/api/v1/query`); throws on an error answer. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** A GET of the HTTP API, e.g. `/api/v1/rules`; its `data`. */
  api<T = unknown>(pathAndQuery: string): Promise<T>;
  /** Ends the server and removes its data directory. */
  stop(): Promise<void>;
}

/** Prometheus takes no port 0: a free one is found first. */
export { freePort };

/**
 * Debian's `prometheus` on a loopback port with `configYaml` (written beside its own data
 * directory in a temp folder, which `stop()` removes), ready when it says so. Also ended by
 * stopAllSpawned (after all the tests of every file: test/support/stop-spawned.ts).
 */
export async function startPrometheus(configYaml: string): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessiond-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  let server: SpawnedProcess | undefined;
  const stop = async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    server = await spawnNode({
      name: 'prometheus',
      command: 'prometheus',
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.console.templates=',
        '--web.console.libraries=',
      ],
      ready: /Server is ready to receive web requests/,
      deadlineMs: 60_000,
    });
    const url = `http://127.0.0.1:${port}`;
    const api = async <T>(pathAndQuery: string): Promise<T> => {
      const res = await fetch(url + pathAndQuery, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus ${pathAndQuery}: ${body.error ?? res.status}`);
      return body.data;
    };
    return {
      url,
      api,
      async query(promql) {
        const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(promql)}`,
        );
        return data.result;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
