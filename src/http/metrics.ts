/**
 * Telemetry: latency per route, sign-ins and revocations by outcome, validations by outcome,
 * and the number of active sessions. One prom-client registry per app, so tests that build
 * many apps in one process do not collide.
 */
import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { DomainEvent, EventSink } from '../core/events.js';

export interface Metrics {
  registry: PromRegistry;
  requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  signIns: Counter<'outcome'>;
  revocations: Counter<'kind' | 'outcome'>;
  sessionsEnded: Counter<'reason'>;
  validations: Counter<'outcome'>;
  /** Latency of one request; label children are cached, so the hot path hashes no labels. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** One session validation by outcome (valid, invalid, ambiguous), also with cached children. */
  countValidation(outcome: 'valid' | 'invalid' | 'ambiguous'): void;
}

/** What the gauges read when scraped. */
export interface MetricSources {
  countActiveSessions(): Promise<number>;
  busLive(): boolean;
  cacheStats(): { entries: number; bytes: number };
  /** Errors each adapter component recovered from by itself so far (a fixed set of components). */
  adapterErrors(): ReadonlyMap<string, number>;
  /** The node's own metrics (telemetry/node-telemetry.ts), shown beside this app's. */
  nodeMetrics?: readonly Metric[];
}

export function createMetrics(sources: MetricSources, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new PromRegistry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'sessiond_' });
  for (const metric of sources.nodeMetrics ?? []) registry.registerMetric(metric);
  const requestDuration = new Histogram({
    name: 'sessiond_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'sessiond_sign_ins_total',
    help: 'Sign-in attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const revocations = new Counter({
    name: 'sessiond_revocations_total',
    help: 'Session revocation requests by kind and outcome; sessions ended are counted in sessiond_sessions_revoked_total',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const sessionsEnded = new Counter({
    name: 'sessiond_sessions_revoked_total',
    help: 'Sessions ended by revocation, by reason (sign_out, revoked_by_user, revoke_others, revoke_all, reported, admin, …)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const validations = new Counter({
    name: 'sessiond_session_validations_total',
    help: 'Session token validations by outcome (valid, invalid, ambiguous)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'sessiond_active_sessions',
    help: 'Sessions neither revoked nor past their absolute expiry',
    registers: [registry],
    async collect() {
      this.set(await sources.countActiveSessions());
    },
  });
  new Gauge({
    name: 'sessiond_revocation_bus_live',
    help: '1 while this node hears every revocation (its cache is trusted), 0 while it reads the database for every request',
    registers: [registry],
    collect() {
      this.set(sources.busLive() ? 1 : 0);
    },
  });
  const cache = new Gauge({
    name: 'sessiond_session_cache',
    help: 'Node-local session cache: entries and estimated bytes',
    labelNames: ['measure'] as const,
    registers: [registry],
    collect() {
      const stats = sources.cacheStats();
      cache.set({ measure: 'entries' }, stats.entries);
      cache.set({ measure: 'bytes' }, stats.bytes);
    },
  });
  // The adapters keep the count (they exist before any app); this exports what it gained.
  const exportedAdapterErrors = new Map<string, number>();
  const adapterErrors = new Counter({
    name: 'sessiond_adapter_errors_total',
    help: 'Connection errors an adapter recovered from by itself, by component (redis-limiter, redis-bus, postgres-bus, postgres-pool, table-bus, mysql-pool): rising means limits counted per node, a bus not live or a flaky database link',
    labelNames: ['component'] as const,
    registers: [registry],
    collect() {
      for (const [component, count] of sources.adapterErrors()) {
        const exported = exportedAdapterErrors.get(component);
        if (exported !== undefined && count <= exported) continue;
        adapterErrors.inc({ component }, count - (exported ?? 0));
        exportedAdapterErrors.set(component, count);
      }
    },
  });
  const durationChildren = new Map<string, ReturnType<typeof requestDuration.labels>>();
  const validationChildren = new Map<string, ReturnType<typeof validations.labels>>();
  return {
    registry,
    requestDuration,
    signIns,
    revocations,
    sessionsEnded,
    validations,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let child = durationChildren.get(key);
      if (!child) durationChildren.set(key, (child = requestDuration.labels(method, route, String(status))));
      child.observe(seconds);
    },
    countValidation(outcome) {
      let child = validationChildren.get(outcome);
      if (!child) validationChildren.set(outcome, (child = validations.labels(outcome)));
      child.inc();
    },
  };
}

/**
 * The recorder's metrics sink (core/events.ts): sign-ins by outcome, revocation requests by kind
 * and outcome, sessions ended by reason. Labels are codes from closed sets: no ids, no addresses.
 */
export function eventMetrics(metrics: Metrics): EventSink {
  return (event: DomainEvent) => {
    switch (event.type) {
      case 'signed_in':
        metrics.signIns.inc({ outcome: 'success' });
        return;
      case 'sign_in_failed':
        metrics.signIns.inc({ outcome: event.outcome });
        return;
      case 'session_ended':
        metrics.revocations.inc({ kind: event.reason === 'sign_out' ? 'sign_out' : 'one', outcome: 'success' });
        metrics.sessionsEnded.inc({ reason: event.reason });
        return;
      case 'sessions_ended':
        metrics.revocations.inc({ kind: event.scope, outcome: 'success' });
        metrics.sessionsEnded.inc({ reason: event.reason }, event.count);
        return;
      case 'session_rotated':
        // The old token ended and the sign-in goes on: a revocation, but no session ended.
        metrics.revocations.inc({ kind: 'rotated', outcome: 'success' });
        return;
      case 'revocation_refused':
        metrics.revocations.inc({ kind: event.request === 'report' ? 'reported' : 'one', outcome: 'not_found' });
        return;
      case 'session_reported':
        metrics.revocations.inc({ kind: 'reported', outcome: 'success' });
        if (event.session) metrics.sessionsEnded.inc({ reason: 'reported' });
        return;
      case 'password_changed':
        metrics.revocations.inc({ kind: event.how === 'reset' ? 'password_reset' : 'password_change', outcome: 'success' });
        if (event.revoked > 0)
          metrics.sessionsEnded.inc({ reason: event.how === 'reset' ? 'password_reset' : 'password_changed' }, event.revoked);
        return;
      case 'second_factor_required':
      case 'password_reset_requested':
      case 'sign_up_attempted':
      case 'mfa_changed':
      case 'review_requested':
      case 'sessions_reviewed':
      case 'account_status_changed':
        return;
    }
  };
}
