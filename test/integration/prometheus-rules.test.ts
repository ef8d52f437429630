/**
 * What an operator imports: the alert rules and example scrape configuration under
 * deploy/prometheus, checked by Debian's `promtool` (rules valid, configuration valid with its
 * token file, every alert firing on its synthetic failure and quiet on a healthy series:
 * deploy/prometheus/alerts.test.yml), and the Grafana dashboard deploy/grafana/sessiond.json
 * (importable JSON, a Prometheus data source variable, every series beside last week's, only the
 * metric names sessiond exports). The live check of the same expressions against a real
 * Prometheus scraping three nodes is test/multi-node/prometheus.test.ts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DASHBOARD, dashboardPanels, metricNames, PROMETHEUS_DIR, SESSIOND_METRICS } from '../support/prometheus.js';

function promtool(args: string[], cwd = PROMETHEUS_DIR): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe('Prometheus alert rules and configuration (promtool)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('promtool check rules: alerts.yml is valid and has the five alerts of the issue', async () => {
    const { code, out } = await promtool(['check', 'rules', 'alerts.yml']);
    expect(code, out).toBe(0);
    expect(out).toContain('SUCCESS: 5 rules found');
    const text = readFileSync(path.join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8');
    for (const alert of [
      'SessiondRevocationBusDown',
      'SessiondRevocationLagHigh',
      'SessiondSignInFailureSpike',
      'SessiondMailFailing',
      'SessiondDatabaseErrors',
    ])
      expect(text).toContain(`alert: ${alert}\n`);
    for (const name of metricNames(text)) expect(Object.keys(SESSIOND_METRICS), name).toContain(name);
  });

  it('promtool test rules: each alert fires on its synthetic failure and stays quiet on a healthy series', async () => {
    const { code, out } = await promtool(['test', 'rules', 'alerts.test.yml']);
    expect(code, out).toBe(0);
    expect(out).toContain('SUCCESS');
    // Every alert has a test that expects it to fire, and one that expects silence.
    const tests = readFileSync(path.join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8');
    const rules = [...readFileSync(path.join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8').matchAll(/alert: (\w+)/g)].map((m) => m[1]!);
    for (const alert of rules) {
      const blocks = tests.split(/\n\s+- eval_time:/).filter((b) => b.includes(`alertname: ${alert}\n`));
      expect(
        blocks.some((b) => /exp_alerts: \[\]/.test(b)),
        `${alert}: a quiet case`,
      ).toBe(true);
      expect(
        blocks.some((b) => /exp_alerts:\n\s+- exp_labels/.test(b)),
        `${alert}: a firing case`,
      ).toBe(true);
    }
  });

  it('promtool check config: the example prometheus.yml (both scrape variants) and the rules it loads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sessiond-prom-config-'));
    dirs.push(dir);
    // The example names the token file where a server keeps it; the check needs one to exist.
    const tokenFile = path.join(dir, 'sessiond-metrics-token');
    writeFileSync(tokenFile, 'x'.repeat(64));
    const config = readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8');
    expect(config).toContain('credentials_file: /etc/prometheus/sessiond-metrics-token');
    writeFileSync(path.join(dir, 'prometheus.yml'), config.replace('/etc/prometheus/sessiond-metrics-token', tokenFile));
    copyFileSync(path.join(PROMETHEUS_DIR, 'alerts.yml'), path.join(dir, 'alerts.yml'));
    const { code, out } = await promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(code, out).toBe(0);
    expect(out).toMatch(/SUCCESS: 5 rules found/);
  });
});

describe('Grafana dashboard deploy/grafana/sessiond.json', () => {
  it('is importable JSON with a Prometheus data source variable that every panel uses', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    expect(dashboard).toMatchObject({ uid: 'sessiond', title: 'sessiond', schemaVersion: expect.any(Number) });
    expect(dashboard.id ?? null).toBeNull(); // an export for import carries no database id
    const variables = dashboard.templating.list as { name: string; type: string; query: unknown }[];
    expect(variables).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    const panels = dashboardPanels();
    expect(panels.length).toBeGreaterThanOrEqual(12);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets ?? [])
        expect(target.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has the panels of the issue, each with last week as its baseline (offset 1w)', () => {
    const panels = dashboardPanels();
    const find = (pattern: RegExp) => {
      const panel = panels.find((p) => pattern.test(p.title));
      expect(panel, String(pattern)).toBeDefined();
      return panel!;
    };
    const wanted: [RegExp, string][] = [
      [/^Sign-ins/, 'sessiond_sign_ins_total'],
      [/success rate/i, 'outcome="success"'],
      [/failures by reason/i, 'outcome!="success"'],
      [/Validation latency p50 \/ p99/, 'operation="validation"'],
      [/Revocation time to effect/, 'sessiond_revocation_lag_seconds_bucket'],
      [/bus live/i, 'sessiond_revocation_bus_live'],
      [/mails sent \/ failed/i, 'sessiond_mail_total'],
      [/Database errors/, 'sessiond_database_errors_total'],
      [/statements per request/i, 'sessiond_database_statements_total'],
      [/CPU seconds per 1,000 validations/, 'sessiond_process_cpu_seconds_total'],
      [/cache hit ratio/i, 'result="hit"'],
      [/Memory/, 'sessiond_process_resident_memory_bytes'],
    ];
    for (const [title, needle] of wanted)
      expect(
        find(title).targets!.some((t) => t.expr.includes(needle)),
        String(title),
      ).toBe(true);
    expect(find(/Validation latency/).targets!.filter((t) => t.expr.startsWith('histogram_quantile(0.99,')).length).toBe(2);
    for (const panel of panels) {
      const targets = panel.targets ?? [];
      expect(targets.length, panel.title).toBeGreaterThan(0);
      const baselines = targets.filter((t) => /\boffset 1w\b/.test(t.expr));
      expect(baselines.length, `${panel.title}: a last-week series`).toBeGreaterThan(0);
      for (const b of baselines) expect(b.legendFormat, panel.title).toMatch(/last week/);
    }
  });

  it('refers only to metric names sessiond exports', () => {
    const known = Object.keys(SESSIOND_METRICS);
    const used = new Set<string>();
    for (const panel of dashboardPanels())
      for (const target of panel.targets ?? []) {
        // Every selector is a sessiond metric: no name from another exporter.
        for (const [, name] of target.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) expect(name, target.expr).toMatch(/^sessiond_/);
        for (const name of metricNames(target.expr)) {
          expect(known, `${panel.title}: ${name}`).toContain(name);
          used.add(name);
        }
      }
    expect(used.size).toBeGreaterThanOrEqual(20);
  });
});
