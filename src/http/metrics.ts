/**
 * Telemetry: latency per route and per operation, sign-ins by method, client and outcome, MFA
 * challenges, password resets, revocations, policy denials, fail-closed answers, database
 * statements per route, session cache lookups, validations by outcome, and the number of active
 * sessions. One prom-client registry per app, so tests that build many apps in one process do not
 * collide. docs/metrics.md documents every name. Labels are closed sets: a value outside one is
 * counted as `other` (or `unknown` for a client), never as itself.
 */
import {
  Counter,
  Gauge,
  Registry as PromRegistry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type LabelValues,
  type Metric,
} from 'prom-client';
import { ERROR_CODES } from '../core/errors.js';
import type { DomainEvent, EventSink } from '../core/events.js';
import { POLICY_RULES } from '../core/workspace-policy.js';
import { HotHistogram } from '../telemetry/hot-histogram.js';

/** The operations whose latency is its own histogram (`sessiond_operation_duration_seconds`). */
export type Operation = 'validation' | 'introspection' | 'sign_in' | 'list' | 'revoke';

/**
 * The routes each operation is answered by (`METHOD pattern`, as Fastify names the route). A
 * validation is not a route: it is timed where the token is checked (plugins/authenticate.ts,
 * the introspection route).
 */
export const OPERATION_ROUTES: Readonly<Record<string, Exclude<Operation, 'validation'>>> = {
  'POST /v1/introspect': 'introspection',
  'POST /v1/auth/sign-in': 'sign_in',
  'POST /v1/auth/sign-in/mfa': 'sign_in',
  'POST /v1/auth/passkey': 'sign_in',
  'GET /v1/me/sessions': 'list',
  'GET /v1/admin/workspaces/:ws/sessions': 'list',
  'GET /v1/admin/workspaces/:ws/members/:userId/sessions': 'list',
  'DELETE /v1/me/sessions/:id': 'revoke',
  'POST /v1/me/sessions/revoke-others': 'revoke',
  'POST /v1/me/sessions/revoke-all': 'revoke',
  'POST /v1/me/sessions/:id/report': 'revoke',
  'POST /v1/auth/sign-out': 'revoke',
  'DELETE /v1/admin/workspaces/:ws/members/:userId/sessions/:id': 'revoke',
  'DELETE /v1/admin/workspaces/:ws/members/:userId/sessions': 'revoke',
};

/** Why a request was refused with 503 (fail closed): the database did not answer in time or at all. */
export type UnavailableReason = 'database';

export interface Metrics {
  registry: PromRegistry;
  requestDuration: HotHistogram<'method' | 'route' | 'status_code'>;
  signIns: Counter<'method' | 'client' | 'outcome'>;
  mfaChallenges: Counter<'outcome'>;
  passwordResets: Counter<'stage'>;
  credentialChanges: Counter<'change'>;
  revocations: Counter<'kind' | 'outcome'>;
  sessionsEnded: Counter<'reason'>;
  policyDenials: Counter<'policy'>;
  unavailable: Counter<'reason'>;
  validations: Counter<'outcome'>;
  operationDuration: HotHistogram<'operation'>;
  databaseStatements: Counter<'route'>;
  /**
   * One answered request: its latency by route (and by operation for the routes of
   * OPERATION_ROUTES), and the database statements issued while serving it. Each label set's
   * children are made once, so the request path only adds numbers (hot-histogram.ts, deferredCounter).
   */
  observeRequest(method: string, route: string, status: number, seconds: number, statements: number): void;
  /** One session validation by outcome (valid, invalid, ambiguous), and how long it took when it ran. */
  countValidation(outcome: 'valid' | 'invalid' | 'ambiguous', seconds?: number): void;
}

/** What the gauges read when scraped. */
export interface MetricSources {
  countActiveSessions(): Promise<number>;
  busLive(): boolean;
  cacheStats(): { entries: number; bytes: number };
  /** Validation lookups so far answered by the node's session cache (hits) or the database (misses). */
  cacheLookups(): { hits: number; misses: number };
  /** Errors each adapter component recovered from by itself so far (a fixed set of components). */
  adapterErrors(): ReadonlyMap<string, number>;
  /** The node's own metrics (telemetry/node-telemetry.ts), shown beside this app's. */
  nodeMetrics?: readonly Metric[];
}

export function createMetrics(sources: MetricSources, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new PromRegistry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'sessiond_' });
  for (const metric of sources.nodeMetrics ?? []) registry.registerMetric(metric);
  const requestDuration = new HotHistogram({
    name: 'sessiond_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'sessiond_sign_ins_total',
    help: 'Sign-in attempts by first factor (password, passkey), client id (unknown: not known at the failed step) and outcome (success, or the error code the caller saw)',
    labelNames: ['method', 'client', 'outcome'] as const,
    registers: [registry],
  });
  const mfaChallenges = new Counter({
    name: 'sessiond_mfa_challenges_total',
    help: 'Two-step verification code steps at sign-in by outcome (passed, failed); a trusted device that skipped the step is not counted',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const passwordResets = new Counter({
    name: 'sessiond_password_resets_total',
    help: 'Password resets by stage: requested (a link was mailed to an account), completed (the password was set from a link)',
    labelNames: ['stage'] as const,
    registers: [registry],
  });
  const credentialChanges = new Counter({
    name: 'sessiond_credential_changes_total',
    help: 'Credentials past the session list, by change: app_connected, app_removed, device_sign_in_approved, relying_party_signed_out, token_created, token_revoked',
    labelNames: ['change'] as const,
    registers: [registry],
  });
  const policyDenials = new Counter({
    name: 'sessiond_policy_denials_total',
    help: `Sessions a workspace policy ended, by rule (${POLICY_RULES.join(', ')})`,
    labelNames: ['policy'] as const,
    registers: [registry],
  });
  const unavailable = new Counter({
    name: 'sessiond_unavailable_total',
    help: 'Requests refused with 503 because a dependency did not answer (fail closed), by reason (database)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const operationDuration = new HotHistogram({
    name: 'sessiond_operation_duration_seconds',
    help: 'Latency by operation: validation (the token check alone), introspection, sign_in, list, revoke (whole requests)',
    labelNames: ['operation'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const statementCounts = deferredCounter({
    name: 'sessiond_database_statements_total',
    help: "SQL statements run while serving requests, by route pattern; divided by the route's request count: statements per request",
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const databaseStatements = statementCounts.counter;
  // Sessions keeps the counts (it exists before any app); this exports what they gained.
  const exportedLookups = { hits: 0, misses: 0 };
  const cacheLookups = new Counter({
    name: 'sessiond_session_cache_lookups_total',
    help: "Session lookups at validation answered by this node's cache (hit) or the database (miss, those while the bus is not live included)",
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const now = sources.cacheLookups();
      if (now.hits > exportedLookups.hits) cacheLookups.inc({ result: 'hit' }, now.hits - exportedLookups.hits);
      if (now.misses > exportedLookups.misses) cacheLookups.inc({ result: 'miss' }, now.misses - exportedLookups.misses);
      exportedLookups.hits = Math.max(exportedLookups.hits, now.hits);
      exportedLookups.misses = Math.max(exportedLookups.misses, now.misses);
    },
  });
  // Both results are shown from the start, so a ratio has a denominator before the first miss.
  cacheLookups.inc({ result: 'hit' }, 0);
  cacheLookups.inc({ result: 'miss' }, 0);
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
  const validationCounts = deferredCounter({
    name: 'sessiond_session_validations_total',
    help: 'Session token validations by outcome (valid, invalid, ambiguous)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const validations = validationCounts.counter;
  new Gauge({
    name: 'sessiond_active_sessions',
    help: 'Sessions neither revoked nor past their absolute expiry',
    registers: [registry],
    async collect() {
      // /metrics must answer while the database does not: that outage is what it has to show
      // (sessiond_database_errors_total). The count is then unknown: NaN, not a stale number.
      this.set(await sources.countActiveSessions().catch(() => NaN));
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
  type Children = {
    duration: ReturnType<typeof requestDuration.child>;
    operation: ReturnType<typeof operationDuration.child> | null;
    statements: DeferredCount;
  };
  const requestChildren = new Map<string, Children>();
  const operationChildren = new Map<string, ReturnType<typeof operationDuration.child>>();
  const operationChild = (operation: Operation) => {
    let child = operationChildren.get(operation);
    if (!child) operationChildren.set(operation, (child = operationDuration.child(operation)));
    return child;
  };
  const statementChildren = new Map<string, DeferredCount>();
  const validationChildren = new Map<string, DeferredCount>();
  const validationDuration = operationChild('validation');
  return {
    registry,
    requestDuration,
    signIns,
    mfaChallenges,
    passwordResets,
    credentialChanges,
    revocations,
    sessionsEnded,
    policyDenials,
    unavailable,
    validations,
    operationDuration,
    databaseStatements,
    observeRequest(method, route, status, seconds, statements) {
      const key = `${method} ${status} ${route}`;
      let children = requestChildren.get(key);
      if (!children) {
        const operation = OPERATION_ROUTES[`${method} ${route}`];
        let routeStatements = statementChildren.get(route);
        if (!routeStatements) statementChildren.set(route, (routeStatements = statementCounts.child({ route })));
        children = {
          duration: requestDuration.child(method, route, String(status)),
          operation: operation ? operationChild(operation) : null,
          statements: routeStatements,
        };
        requestChildren.set(key, children);
      }
      children.duration.observe(seconds);
      children.operation?.observe(seconds);
      children.statements.inc(statements);
    },
    countValidation(outcome, seconds) {
      let child = validationChildren.get(outcome);
      if (!child) validationChildren.set(outcome, (child = validationCounts.child({ outcome })));
      child.inc();
      if (seconds !== undefined) validationDuration.observe(seconds);
    },
  };
}

/** A label set's increments as a plain number until its counter is read. */
interface DeferredCount {
  inc(by?: number): void;
}

/**
 * A prom-client counter whose request-path increments are plain numbers, added to it when it is
 * read (its collect, which /metrics and the history both run): prom-client's own increment
 * validates and hashes the labels each time. A child's series is shown from its first use, at 0.
 */
function deferredCounter<T extends string>(
  config: CounterConfiguration<T>,
): {
  counter: Counter<T>;
  child(labels: LabelValues<T>): DeferredCount;
} {
  const pending: { labels: LabelValues<T>; count: number }[] = [];
  const counter: Counter<T> = new Counter<T>({
    ...config,
    collect() {
      for (const p of pending) {
        if (p.count === 0) continue;
        counter.inc(p.labels, p.count);
        p.count = 0;
      }
    },
  });
  return {
    counter,
    child(labels) {
      counter.inc(labels, 0);
      const p = { labels, count: 0 };
      pending.push(p);
      return {
        inc(by = 1) {
          p.count += by;
        },
      };
    },
  };
}

const SIGN_IN_OUTCOMES: ReadonlySet<string> = new Set([...Object.keys(ERROR_CODES), 'error']);
const POLICIES: ReadonlySet<string> = new Set(POLICY_RULES);

/**
 * The recorder's metrics sink (core/events.ts): sign-ins by first factor, client and outcome, MFA
 * code steps, password resets, revocation requests by kind and outcome, sessions ended by reason,
 * and those a policy ended by rule. Labels are codes from closed sets: no ids, no addresses.
 * `clientIds`: the configured clients; any other id is `unknown`.
 */
export function eventMetrics(metrics: Metrics, clientIds: readonly string[]): EventSink {
  const clients: ReadonlySet<string> = new Set(clientIds);
  const client = (id: string | null) => (id !== null && clients.has(id) ? id : 'unknown');
  return (event: DomainEvent) => {
    switch (event.type) {
      case 'signed_in':
        // The first factor: a passkey alone, else the password (with or without a code step after it).
        metrics.signIns.inc({
          method: event.session.authMethod === 'passkey' ? 'passkey' : 'password',
          client: client(event.session.clientId),
          outcome: 'success',
        });
        if (event.secondFactor !== null && event.secondFactor !== 'trusted_device') metrics.mfaChallenges.inc({ outcome: 'passed' });
        return;
      case 'sign_in_failed':
        // The code step follows the password step: its first factor was the password.
        metrics.signIns.inc({
          method: event.step === 'passkey' ? 'passkey' : 'password',
          client: client(event.clientId),
          outcome: SIGN_IN_OUTCOMES.has(event.outcome) ? event.outcome : 'other',
        });
        if (event.step === 'code') metrics.mfaChallenges.inc({ outcome: 'failed' });
        return;
      case 'password_reset_requested':
        metrics.passwordResets.inc({ stage: 'requested' });
        return;
      case 'session_ended':
        metrics.revocations.inc({ kind: event.reason === 'sign_out' ? 'sign_out' : 'one', outcome: 'success' });
        metrics.sessionsEnded.inc({ reason: event.reason });
        if (event.actor.kind === 'policy')
          metrics.policyDenials.inc({ policy: POLICIES.has(event.actor.policy) ? event.actor.policy : 'other' });
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
        if (event.how === 'reset') metrics.passwordResets.inc({ stage: 'completed' });
        return;
      case 'credential_changed':
        metrics.credentialChanges.inc({ change: event.change });
        return;
      case 'second_factor_required':
      case 'sign_up_attempted':
      case 'mfa_changed':
      case 'review_requested':
      case 'sessions_reviewed':
      case 'account_status_changed':
        return;
    }
  };
}
