/**
 * What a node records below the HTTP layer, read back as /metrics shows it: each figure moves
 * only when the thing it counts happens.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { NodeTelemetry } from './node-telemetry.js';

function setup(start = 1_000_000) {
  let now = start;
  const telemetry = new NodeTelemetry(() => now);
  const registry = new Registry();
  for (const metric of telemetry.metrics) registry.registerMetric(metric);
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name.replace(/_(sum|count|bucket)$/, ''));
    const found = metric?.values.find(
      (v) =>
        ((v as { metricName?: string }).metricName ?? metric.name) === name &&
        Object.entries(labels).every(([k, l]) => String((v.labels as Record<string, unknown>)[k]) === l),
    );
    return found?.value;
  };
  return { telemetry, registry, value, advance: (ms: number) => (now += ms), now: () => now };
}

describe('NodeTelemetry', () => {
  it('observes the delay from the publisher’s commit to this node hearing a revocation, in seconds', async () => {
    const { telemetry, value, now } = setup();
    telemetry.revocationHeard({ kind: 'session', userId: 'u1', sessionId: 's1', at: now() - 40 });
    telemetry.revocationHeard({ kind: 'user', userId: 'u2', at: now() - 3_000 });
    expect(await value('sessiond_revocation_lag_seconds_count')).toBe(2);
    expect(await value('sessiond_revocation_lag_seconds_sum')).toBeCloseTo(3.04, 6);
    expect(await value('sessiond_revocation_lag_seconds_bucket', { le: '0.05' })).toBe(1);
    expect(await value('sessiond_revocation_lag_seconds_bucket', { le: '2.5' })).toBe(1);
    expect(await value('sessiond_revocation_lag_seconds_bucket', { le: '5' })).toBe(2);
  });

  it('does not observe messages of older nodes (no `at`), and counts a negative delay (clock skew) as 0', async () => {
    const { telemetry, value, now } = setup();
    telemetry.revocationHeard({ kind: 'session', userId: 'u1', sessionId: 's1' });
    expect(await value('sessiond_revocation_lag_seconds_count')).toBe(0);
    telemetry.revocationHeard({ kind: 'user', userId: 'u1', at: now() + 500 });
    expect(await value('sessiond_revocation_lag_seconds_count')).toBe(1);
    expect(await value('sessiond_revocation_lag_seconds_sum')).toBe(0);
    expect(await value('sessiond_revocation_lag_seconds_bucket', { le: '0.001' })).toBe(1);
  });

  it('observes one revocation heard on two buses once (the first copy evicted), but the same subject revoked again twice', async () => {
    const { telemetry, value, now, advance } = setup();
    const event = { kind: 'session' as const, userId: 'u1', sessionId: 's1', at: now() - 5 };
    telemetry.revocationHeard(event);
    advance(30);
    telemetry.revocationHeard({ ...event });
    expect(await value('sessiond_revocation_lag_seconds_count')).toBe(1);
    expect(await value('sessiond_revocation_lag_seconds_sum')).toBeCloseTo(0.005, 6);
    telemetry.revocationHeard({ ...event, at: now() - 1 });
    expect(await value('sessiond_revocation_lag_seconds_count')).toBe(2);
    // Long after, a copy is no longer recognised: memory stays bounded.
    advance(61_000);
    telemetry.revocationHeard({ kind: 'user', userId: 'u9', at: now() });
    telemetry.revocationHeard({ ...event });
    expect(await value('sessiond_revocation_lag_seconds_count')).toBe(4);
  });

  it('observes each bus gap in seconds and counts it', async () => {
    const { telemetry, value } = setup();
    expect(await value('sessiond_revocation_bus_gaps_total')).toBe(0);
    telemetry.busGap(2_500);
    telemetry.busGap(40_000);
    expect(await value('sessiond_revocation_bus_gaps_total')).toBe(2);
    expect(await value('sessiond_revocation_bus_gap_seconds_count')).toBe(2);
    expect(await value('sessiond_revocation_bus_gap_seconds_sum')).toBeCloseTo(42.5, 6);
    expect(await value('sessiond_revocation_bus_gap_seconds_bucket', { le: '2.5' })).toBe(1);
    expect(await value('sessiond_revocation_bus_gap_seconds_bucket', { le: '60' })).toBe(2);
  });

  it('counts database errors by kind, both kinds shown from the start', async () => {
    const { telemetry, value } = setup();
    expect(await value('sessiond_database_errors_total', { kind: 'timeout' })).toBe(0);
    expect(await value('sessiond_database_errors_total', { kind: 'error' })).toBe(0);
    telemetry.databaseError('timeout');
    telemetry.databaseError('timeout');
    telemetry.databaseError('error');
    expect(await value('sessiond_database_errors_total', { kind: 'timeout' })).toBe(2);
    expect(await value('sessiond_database_errors_total', { kind: 'error' })).toBe(1);
  });

  it('counts mail by outcome and kind, and reads the queue depth at each scrape', async () => {
    const { telemetry, value, registry } = setup();
    expect(await value('sessiond_mail_total', { outcome: 'failed', kind: 'suspicious_sign_in' })).toBe(0);
    telemetry.mail('sent', 'suspicious_sign_in');
    telemetry.mail('failed', 'suspicious_sign_in');
    telemetry.mail('failed', 'password_reset');
    expect(await value('sessiond_mail_total', { outcome: 'sent', kind: 'suspicious_sign_in' })).toBe(1);
    expect(await value('sessiond_mail_total', { outcome: 'failed', kind: 'suspicious_sign_in' })).toBe(1);
    expect(await value('sessiond_mail_total', { outcome: 'failed', kind: 'password_reset' })).toBe(1);
    expect(await value('sessiond_mail_queue_depth')).toBe(0);
    let depth = 7;
    telemetry.mailQueue(() => depth);
    expect(await value('sessiond_mail_queue_depth')).toBe(7);
    depth = 2;
    expect(await registry.metrics()).toContain('sessiond_mail_queue_depth 2');
  });

  it('keeps its metrics out of any registry until an app registers them, so many apps share them', async () => {
    const { telemetry } = setup();
    const a = new Registry();
    const b = new Registry();
    for (const m of telemetry.metrics) {
      a.registerMetric(m);
      b.registerMetric(m);
    }
    telemetry.busGap(1_000);
    expect(await a.metrics()).toContain('sessiond_revocation_bus_gaps_total 1');
    expect(await b.metrics()).toContain('sessiond_revocation_bus_gaps_total 1');
  });
});
