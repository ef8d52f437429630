/**
 * The request path's histogram exports exactly what a prom-client histogram would for the same
 * observations: the same /metrics text and the same JSON, so nothing that reads it can tell.
 */
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotHistogram } from './hot-histogram.js';

const config = {
  name: 'sessiond_test_duration_seconds',
  help: 'A test histogram',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.01, 0.1, 1],
};

function pair() {
  const theirs = new Registry();
  const ours = new Registry();
  const reference = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [theirs] });
  const hot = new HotHistogram({ ...config, registers: [ours] });
  return { theirs, ours, reference, hot };
}

describe('HotHistogram', () => {
  it('exports the text and JSON prom-client exports for the same observations, bounds and overflow included', async () => {
    const { theirs, ours, reference, hot } = pair();
    const get = hot.child('GET', '/v1/me/session');
    const post = hot.child('POST', '/v1/introspect');
    const observations: [string, string, number][] = [
      ['GET', '/v1/me/session', 0.0004],
      ['GET', '/v1/me/session', 0.001],
      ['GET', '/v1/me/session', 0.0100001],
      ['GET', '/v1/me/session', 7],
      ['POST', '/v1/introspect', 0.05],
      ['POST', '/v1/introspect', 1],
    ];
    for (const [method, route, value] of observations) {
      reference.labels(method, route).observe(value);
      (method === 'GET' ? get : post).observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    // prom-client adds an empty `exemplar` to each value (exemplars are off); nothing else differs.
    const withoutExemplars = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).map((m) => ({ ...m, values: m.values.map((v) => ({ ...v, exemplar: undefined })) }));
    expect(await withoutExemplars(ours)).toEqual(await withoutExemplars(theirs));
    expect(await ours.metrics()).toContain('sessiond_test_duration_seconds_bucket{le="0.01",method="GET",route="/v1/me/session"} 2');
  });

  it('shows a label set only once it has observed something, and starts again from nothing after reset', async () => {
    const { theirs, ours, reference, hot } = pair();
    const child = hot.child('GET', '/');
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).not.toContain('_count');
    child.observe(0.5);
    reference.labels('GET', '/').observe(0.5);
    expect(await ours.metrics()).toContain('sessiond_test_duration_seconds_count{method="GET",route="/"} 1');
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain('_count');
    child.observe(0.002);
    expect(await ours.metrics()).toContain('sessiond_test_duration_seconds_sum{method="GET",route="/"} 0.002');
  });

  it('refuses what prom-client refuses: a value that is not a finite number, a wrong number of labels', () => {
    const { hot } = pair();
    expect(() => hot.child('GET')).toThrow(/2 label values expected/);
    const child = hot.child('GET', '/');
    expect(() => child.observe(Number.NaN)).toThrow(TypeError);
    expect(() => child.observe(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});
