/**
 * `sessiond serve --metrics-listen host:port` as a real process: `/metrics` on a listener of its
 * own (the address printed at start), nothing there but metrics, 404 for `/metrics` on the main
 * port, the same counters behind both doors, both closed by SIGTERM; a metrics address already
 * taken stops the start instead of leaving metrics unreachable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { call, client, signIn, signUp, startNode, stopAll, SPAWN_HOOK_TIMEOUT_MS } from '../multi-node/cluster.js';

const METRICS_LINE = /^sessiond metrics on (http:\/\/127\.0\.0\.1:(\d+)\/metrics)$/;

/** One sample of a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(' ')[0]!;
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

describe('serve --metrics-listen', () => {
  afterAll(() => stopAll());

  it(
    'serves /metrics on its own listener and 404 on the main port; SIGTERM closes both; a taken address fails the start',
    async () => {
      const node = await startNode({ db: 'sqlite::memory:', name: 'metrics-node', extra: ['--metrics-listen', '127.0.0.1:0'] });
      const [, metricsUrl, metricsPort] = (await node.waitFor(METRICS_LINE, { printed: true })) as unknown as [string, string, string];
      expect(Number(metricsPort)).not.toBe(node.port);

      const main = await call(node, 'GET', '/metrics');
      expect(main.status).toBe(404);
      expect(main.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });

      const scrape = async () => {
        const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        return res.text();
      };
      const before = await scrape();
      // serve turns on the process metrics: memory is there for the dashboard.
      expect(sample(before, 'sessiond_process_resident_memory_bytes')).toBeGreaterThan(0);
      const who = client();
      await signUp(node, who);
      await signIn(node, who);
      expect(sample(await scrape(), 'sessiond_sign_ins_total', { outcome: 'success' })).toBe(
        sample(before, 'sessiond_sign_ins_total', { outcome: 'success' }) + 1,
      );
      const other = await fetch(metricsUrl.replace(/\/metrics$/, '/healthz'));
      expect(other.status).toBe(404);

      // Another node asked for the same metrics address does not start half-reachable.
      await expect(
        startNode({ db: 'sqlite::memory:', name: 'metrics-clash', extra: ['--metrics-listen', `127.0.0.1:${metricsPort}`] }),
      ).rejects.toThrow(/EADDRINUSE/);

      await node.stop();
      expect(node.child.exitCode).toBe(0);
      await expect(fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    },
    SPAWN_HOOK_TIMEOUT_MS,
  );
});
