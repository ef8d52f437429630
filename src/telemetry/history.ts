/**
 * The built-in history (issue 10): each HTTP app rolls what it measured into the database's
 * minute buckets, once a minute and when it closes, so the overview (core/overview.ts) needs
 * nothing else running. Every node adds its own deltas: a bucket is the sum across nodes.
 *
 * What a roll adds:
 * - the instance's metrics named in ALLOWLIST: the change since the previous roll of each
 *   prom-client series of the app's registry (a counter's value; a histogram's buckets per `le`,
 *   its sum and count), labels reduced to those the overview reads. A metric that does not exist
 *   is skipped;
 * - the CPU seconds the process spent (`process.cpuUsage()`), for "CPU seconds per 1,000
 *   validations";
 * - counts of domain events (sign-ins by outcome, code steps, suspicious sign-ins, sessions ended
 *   by actor) for the instance and for each workspace the user is an active member of, in the
 *   minute the event happened. The event sink only queues (it runs on the request's path); a
 *   roll finds the workspaces (cached a minute).
 * Then minutes older than 48 hours are rolled into hours, and hours older than the retention
 * (`--telemetry-retention`) deleted. A roll that cannot write keeps its values for the next one.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry as PromRegistry } from 'prom-client';
import type { DomainEvent, Recorder } from '../core/events.js';
import type { Clock } from '../core/ports/clock.js';
import {
  HOUR_MS,
  INSTANCE_SCOPE,
  MINUTE_MS,
  MINUTES_KEPT_MS,
  SERIES,
  labelKey,
  type TelemetryStore,
  type TelemetryValue,
} from '../core/ports/telemetry-store.js';
import { isSuspicious } from '../core/risk.js';
import type { Actor } from '../core/security-events.js';
import { emailKey } from '../core/user.js';
import type { Registry } from '../registry.js';

/**
 * The prom-client metrics rolled into the history, and the labels kept of each (the others are
 * summed away). Histograms: buckets, sum and count.
 */
export const ALLOWLIST: Readonly<Record<string, readonly string[]>> = {
  sessiond_operation_duration_seconds: ['operation'],
  sessiond_revocation_lag_seconds: [],
  sessiond_mail_total: ['kind', 'outcome'],
  sessiond_database_errors_total: ['kind'],
  sessiond_unavailable_total: ['reason'],
  sessiond_rate_limited_total: ['limit'],
  sessiond_database_statements_total: [],
  sessiond_session_validations_total: ['outcome'],
  sessiond_session_cache_lookups_total: ['result'],
  sessiond_password_resets_total: ['stage'],
  sessiond_policy_denials_total: ['policy'],
  sessiond_revocation_bus_gap_seconds: [],
};

/** Request counts of the HTTP histogram (its count only), for statements per request. */
const REQUEST_HISTOGRAM = 'sessiond_http_request_duration_seconds';

/** Events waiting for their workspaces at most; beyond it, only the instance counts them. */
const MAX_QUEUED = 10_000;
/** A user's workspaces are read again after this long. */
const WORKSPACE_CACHE_MS = 60_000;
/** A closing app waits this long for its last roll at most. */
const FINAL_ROLL_MS = 2_000;
/** Values kept from rolls that could not write, at most. */
const MAX_CARRIED = 50_000;

export interface HistoryDeps {
  store: TelemetryStore;
  /** The app's metrics. */
  metrics: PromRegistry;
  recorder: Recorder;
  clock: Clock;
  /** Workspace ids the user is an active member of. */
  workspacesOf(userId: string): Promise<readonly string[]>;
  /** The account with this address, when there is one (a failed sign-in by address). */
  userIdOf(email: string): Promise<string | null>;
  retentionMs: number;
  /** A roll that failed (it is retried at the next). */
  onError(err: unknown): void;
  /** Default: a minute. */
  intervalMs?: number;
  /** Default: `process.cpuUsage`. */
  cpuUsage?: () => NodeJS.CpuUsage;
}

/** One event's counts, waiting for its user's workspaces. */
interface QueuedCount {
  minute: number;
  series: string;
  label: string;
  value: number;
  userId: string | null;
  email: string | null;
}

interface Pending {
  minute: number;
  value: TelemetryValue;
}

export class TelemetryHistory {
  readonly #deps: HistoryDeps;
  /** The last value seen of each prom series (`series \0 full label key`). */
  readonly #last = new Map<string, number>();
  #lastCpu: NodeJS.CpuUsage;
  #queue: QueuedCount[] = [];
  #carried: Pending[] = [];
  readonly #workspaces = new Map<string, { ids: readonly string[]; until: number }>();
  readonly #users = new Map<string, { id: string | null; until: number }>();
  #timer: NodeJS.Timeout | null = null;
  #removeSink: (() => void) | null = null;
  #rolling: Promise<void> = Promise.resolve();
  #rolledBefore = -1;
  #purgedAt = -Infinity;

  constructor(deps: HistoryDeps) {
    this.#deps = deps;
    this.#lastCpu = (deps.cpuUsage ?? process.cpuUsage)();
  }

  /** Counts events from now on and rolls every interval. */
  start(): void {
    if (this.#removeSink) return;
    this.#removeSink = this.#deps.recorder.add((event) => this.#count(event));
    this.#timer = setInterval(() => void this.roll(), this.#deps.intervalMs ?? MINUTE_MS);
    this.#timer.unref();
  }

  /**
   * Stops counting and rolls what is left, waiting at most FINAL_ROLL_MS: a database that does not
   * answer must not hold a shutdown (the roll goes on meanwhile; its values are lost if it fails).
   */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#removeSink?.();
    this.#removeSink = null;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FINAL_ROLL_MS);
      timer.unref();
    });
    await Promise.race([this.roll(), deadline]);
    clearTimeout(timer);
  }

  /** One roll (rolls never overlap: a second waits for the first). */
  roll(): Promise<void> {
    this.#rolling = this.#rolling.then(() => this.#roll().catch((err: unknown) => this.#deps.onError(err)));
    return this.#rolling;
  }

  async #roll(): Promise<void> {
    const { store, clock, retentionMs } = this.#deps;
    const now = clock.now();
    const minute = now - (now % MINUTE_MS);
    let pending: Pending[] = this.#carried;
    this.#carried = [];
    try {
      for (const value of await this.#metricDeltas()) pending.push({ minute, value });
      const cpu = this.#cpuSeconds();
      if (cpu > 0) pending.push({ minute, value: { scope: INSTANCE_SCOPE, series: SERIES.cpuSeconds, label: '', value: cpu } });
      for (const item of await this.#eventCounts(now)) pending.push(item);
      const minutes = [...new Set(pending.map((p) => p.minute))].sort((a, b) => a - b);
      for (const m of minutes) {
        await store.add(
          m,
          pending.filter((p) => p.minute === m).map((p) => p.value),
        );
        pending = pending.filter((p) => p.minute !== m);
      }
    } catch (err) {
      // Kept for the next roll (bounded: a database down for long loses the oldest).
      this.#carried = [...pending, ...this.#carried].slice(-MAX_CARRIED);
      throw err;
    }

    const cutoff = now - MINUTES_KEPT_MS;
    const before = cutoff - (cutoff % HOUR_MS);
    if (before > this.#rolledBefore) {
      await store.rollUp(before);
      this.#rolledBefore = before;
    }
    if (now - this.#purgedAt >= HOUR_MS) {
      await store.purge(now - retentionMs);
      this.#purgedAt = now;
    }
  }

  /** Changes of the allowlisted metrics since the previous roll, labels reduced. */
  async #metricDeltas(): Promise<TelemetryValue[]> {
    const sums = new Map<string, TelemetryValue>();
    const add = (series: string, labels: Record<string, string | number>, keep: readonly string[], value: number) => {
      const fullKey = `${series}\u0000${labelKey(labels)}`;
      const last = this.#last.get(fullKey) ?? 0;
      this.#last.set(fullKey, value);
      // A counter that went down was reset: all of it is new.
      const delta = value >= last ? value - last : value;
      const kept: Record<string, string | number> = {};
      for (const k of keep) if (labels[k] !== undefined) kept[k] = labels[k];
      if (labels.le !== undefined) kept.le = labels.le;
      const label = labelKey(kept);
      if (label.length > 255) return;
      const key = `${series}\u0000${label}`;
      const sum = sums.get(key);
      if (sum) sum.value += delta;
      else sums.set(key, { scope: INSTANCE_SCOPE, series, label, value: delta });
    };
    const { metrics } = this.#deps;
    for (const [name, keep] of [...Object.entries(ALLOWLIST), [REQUEST_HISTOGRAM, [] as readonly string[]] as const]) {
      const metric = metrics.getSingleMetric(name);
      if (!metric) continue;
      const { values } = await metric.get();
      for (const v of values) {
        const series = (v as { metricName?: string }).metricName ?? name;
        if (name === REQUEST_HISTOGRAM && series !== `${name}_count`) continue;
        add(series, v.labels as Record<string, string | number>, keep, v.value);
      }
    }
    // Nothing that did not change, but every bucket of a histogram that did: a percentile needs
    // each bucket's lower bound, also of the empty ones.
    const observed = new Set<string>();
    for (const v of sums.values())
      if (v.value !== 0 && v.series.endsWith('_bucket')) observed.add(`${v.series}\u0000${withoutLe(v.label)}`);
    return [...sums.values()].filter(
      (v) => v.value !== 0 || (v.series.endsWith('_bucket') && observed.has(`${v.series}\u0000${withoutLe(v.label)}`)),
    );
  }

  #cpuSeconds(): number {
    const usage = (this.#deps.cpuUsage ?? process.cpuUsage)();
    const micros = usage.user - this.#lastCpu.user + (usage.system - this.#lastCpu.system);
    this.#lastCpu = usage;
    return micros > 0 ? micros / 1e6 : 0;
  }

  /** The event sink: counts for the instance now, and queued for the user's workspaces. */
  #count(event: DomainEvent): void {
    for (const count of countsOf(event)) {
      const minute = event.at - (event.at % MINUTE_MS);
      this.#carried.push({ minute, value: { scope: INSTANCE_SCOPE, series: count.series, label: count.label, value: count.value } });
      if ((count.userId !== null || count.email !== null) && this.#queue.length < MAX_QUEUED) this.#queue.push({ minute, ...count });
    }
  }

  /** The queued event counts, in the scope of each workspace of their user. */
  async #eventCounts(now: number): Promise<Pending[]> {
    const queue = this.#queue;
    this.#queue = [];
    const out: Pending[] = [];
    for (const [i, item] of queue.entries()) {
      try {
        const userId = item.userId ?? (item.email !== null ? await this.#userOf(item.email, now) : null);
        if (userId === null) continue;
        for (const scope of await this.#workspacesOf(userId, now))
          out.push({ minute: item.minute, value: { scope, series: item.series, label: item.label, value: item.value } });
      } catch (err) {
        // The rest waits for the next roll; what was found is written now.
        this.#queue = [...queue.slice(i), ...this.#queue].slice(0, MAX_QUEUED);
        this.#deps.onError(err);
        break;
      }
    }
    return out;
  }

  async #workspacesOf(userId: string, now: number): Promise<readonly string[]> {
    const cached = this.#workspaces.get(userId);
    if (cached && cached.until > now) return cached.ids;
    const ids = await this.#deps.workspacesOf(userId);
    if (this.#workspaces.size >= MAX_QUEUED) this.#workspaces.clear();
    this.#workspaces.set(userId, { ids, until: now + WORKSPACE_CACHE_MS });
    return ids;
  }

  async #userOf(email: string, now: number): Promise<string | null> {
    const cached = this.#users.get(email);
    if (cached && cached.until > now) return cached.id;
    const id = await this.#deps.userIdOf(email);
    if (this.#users.size >= MAX_QUEUED) this.#users.clear();
    this.#users.set(email, { id, until: now + WORKSPACE_CACHE_MS });
    return id;
  }
}

const HISTORIES = new WeakMap<FastifyInstance, TelemetryHistory>();

/**
 * Starts an HTTP app's history: its metrics, the registry's events, workspaces and retention;
 * stopped (with a last roll) when the app closes.
 */
export function startHistory(app: FastifyInstance, registry: Registry, metrics: PromRegistry): TelemetryHistory {
  const history = new TelemetryHistory({
    store: registry.telemetryHistory,
    metrics,
    recorder: registry.recorder,
    clock: registry.clock,
    workspacesOf: async (userId) => (await registry.workspaces.listMine(userId)).map((w) => w.workspace.id),
    userIdOf: async (email) => (await registry.store.findUserByEmailKey(emailKey(email)))?.id ?? null,
    retentionMs: registry.config.telemetryRetentionMs,
    onError: (err) => app.log.warn({ err }, 'telemetry history roll failed; its values are kept for the next'),
  });
  history.start();
  HISTORIES.set(app, history);
  app.addHook('onClose', async () => history.stop());
  return history;
}

/** The history an app started (tests roll it, or stop it, when they choose). */
export function historyOf(app: FastifyInstance): TelemetryHistory | undefined {
  return HISTORIES.get(app);
}

/** A stored label key without its `le` pair. */
function withoutLe(label: string): string {
  return label
    .split(',')
    .filter((pair) => !pair.startsWith('le='))
    .join(',');
}

interface EventCount {
  series: string;
  label: string;
  value: number;
  userId: string | null;
  email: string | null;
}

/** Who ended a session, as the overview groups them: the account's owner (a session or a mail link), an admin, a policy, the system. */
export function actorGroup(actor: Actor): 'user' | 'admin' | 'policy' | 'system' {
  return actor.kind === 'session' || actor.kind === 'link' ? 'user' : actor.kind;
}

/** What an event adds to the history. */
export function countsOf(event: DomainEvent): EventCount[] {
  const of = (userId: string | null, series: string, labels: Record<string, string>, value = 1, email: string | null = null) => ({
    series,
    label: labelKey(labels),
    value,
    userId,
    email,
  });
  switch (event.type) {
    case 'signed_in': {
      const counts = [of(event.user.id, SERIES.signIns, { outcome: 'success' })];
      if (event.secondFactor !== null && event.secondFactor !== 'trusted_device')
        counts.push(of(event.user.id, SERIES.mfaChallenges, { outcome: 'passed' }));
      if (isSuspicious(event.risk)) counts.push(of(event.user.id, SERIES.suspiciousSignIns, {}));
      return counts;
    }
    case 'sign_in_failed': {
      const counts = [of(event.userId, SERIES.signIns, { outcome: event.outcome }, 1, event.email)];
      if (event.step === 'code') counts.push(of(event.userId, SERIES.mfaChallenges, { outcome: 'failed' }, 1, event.email));
      return counts;
    }
    case 'session_ended':
      return [of(event.userId, SERIES.revocations, { actor: actorGroup(event.actor) })];
    case 'sessions_ended':
      return event.count > 0 ? [of(event.userId, SERIES.revocations, { actor: actorGroup(event.actor) }, event.count)] : [];
    case 'session_reported':
      return event.session ? [of(event.userId, SERIES.revocations, { actor: actorGroup(event.actor) })] : [];
    case 'password_changed':
      return event.revoked > 0 ? [of(event.user.id, SERIES.revocations, { actor: actorGroup(event.actor) }, event.revoked)] : [];
    default:
      return [];
  }
}
