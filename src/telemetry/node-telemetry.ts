/**
 * What a node measures below the HTTP layer, where the adapters live: the revocation bus, the
 * database pool, the mailer. It exists before any HTTP app (registry.ts) and outlives them, so its
 * prom-client metrics are registered in no registry of their own; each app's registry adds them
 * (http/metrics.ts), and /metrics shows them beside the app's own.
 *
 * The adapters report through the small methods below (registry.ts wires them); every label is a
 * closed set, never an id, an address or an email.
 */
import { Counter, Gauge, Histogram, type Metric } from 'prom-client';
import { MAIL_KINDS, type MailKind } from '../core/ports/mailer.js';
import type { RevocationEvent } from '../core/ports/revocation-bus.js';

export type DatabaseErrorKind = 'error' | 'timeout';
export type MailOutcome = 'sent' | 'failed';

/** From a millisecond to ten seconds: a revocation should take effect everywhere well inside a second. */
export const REVOCATION_LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A dropped connection comes back in a second or two; an outage lasts minutes or hours. */
export const BUS_GAP_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * One revocation arriving twice (a node on two buses, Redis and NOTIFY, hears each one on both) is
 * observed once: the first copy is the one that evicted. Copies are recognised by their wire
 * text, `at` included, for this long, and at most this many are remembered.
 */
const DUPLICATE_WINDOW_MS = 60_000;
const MAX_REMEMBERED = 10_000;

export class NodeTelemetry {
  /** Every metric this node keeps; an app's registry registers each (the same objects). */
  readonly metrics: Metric[] = [];

  readonly #lag: Histogram;
  readonly #gaps: Histogram;
  readonly #gapCount: Counter;
  readonly #databaseErrors: Counter<'kind'>;
  readonly #mail: Counter<'outcome' | 'kind'>;
  readonly #heard = new Map<string, number>();
  #mailQueue: () => number = () => 0;

  /** `now`: the wall clock, ms since the epoch (tests pass their own). */
  constructor(private readonly now: () => number = Date.now) {
    this.#lag = new Histogram({
      name: 'sessiond_revocation_lag_seconds',
      help: "Delay from the revoking node's commit to this node's cache eviction, for every revocation this node heard (clocks assumed NTP-synced)",
      buckets: REVOCATION_LAG_BUCKETS,
      registers: [],
    });
    this.#gaps = new Histogram({
      name: 'sessiond_revocation_bus_gap_seconds',
      help: 'Each period the revocation bus was not live on this node (no heartbeat, no subscription), observed when it became live again',
      buckets: BUS_GAP_BUCKETS,
      registers: [],
    });
    this.#gapCount = new Counter({
      name: 'sessiond_revocation_bus_gaps_total',
      help: 'Times the revocation bus became live again after a gap on this node (the count of sessiond_revocation_bus_gap_seconds)',
      registers: [],
    });
    this.#databaseErrors = new Counter({
      name: 'sessiond_database_errors_total',
      help: 'Database statements (and connection attempts) that failed, by kind: timeout (no answer in time) or error',
      labelNames: ['kind'] as const,
      registers: [],
    });
    this.#mail = new Counter({
      name: 'sessiond_mail_total',
      help: 'Mail by outcome (sent, or failed: given up after its retries or dropped from a full queue) and kind of mail',
      labelNames: ['outcome', 'kind'] as const,
      registers: [],
    });
    const queue = () => this.#mailQueue();
    const queueDepth = new Gauge({
      name: 'sessiond_mail_queue_depth',
      help: 'Mail waiting to be sent or retried on this node',
      registers: [],
      collect() {
        this.set(queue());
      },
    });
    // Every series exists from the start, at 0: a rate over the first failure is then defined.
    for (const kind of ['error', 'timeout'] as const) this.#databaseErrors.inc({ kind }, 0);
    for (const kind of MAIL_KINDS) for (const outcome of ['sent', 'failed'] as const) this.#mail.inc({ outcome, kind }, 0);
    this.metrics.push(this.#lag, this.#gaps, this.#gapCount, this.#databaseErrors, this.#mail, queueDepth);
  }

  /**
   * This node heard a revocation from its bus and has dropped what it cached of it. Observes the
   * delay since the publisher's commit (`at`); a message without one (an older node) is not
   * observed, a negative delay (clock skew) counts as 0.
   */
  revocationHeard(event: RevocationEvent): void {
    if (typeof event.at !== 'number') return;
    const now = this.now();
    if (this.#isCopy(JSON.stringify(event), now)) return;
    this.#lag.observe(Math.max(0, now - event.at) / 1000);
  }

  /** The bus is live again after `ms` without being live. */
  busGap(ms: number): void {
    this.#gaps.observe(Math.max(0, ms) / 1000);
    this.#gapCount.inc();
  }

  /** A database statement or connection attempt failed. */
  databaseError(kind: DatabaseErrorKind): void {
    this.#databaseErrors.inc({ kind });
  }

  /** A mail was accepted by the mail server, or given up on. */
  mail(outcome: MailOutcome, kind: MailKind): void {
    this.#mail.inc({ outcome, kind });
  }

  /** Where the queue depth is read at each scrape (the retrying mailer). */
  mailQueue(depth: () => number): void {
    this.#mailQueue = depth;
  }

  #isCopy(copy: string, now: number): boolean {
    for (const [text, at] of this.#heard) {
      if (at > now - DUPLICATE_WINDOW_MS && this.#heard.size <= MAX_REMEMBERED) break;
      this.#heard.delete(text);
    }
    if (this.#heard.has(copy)) return true;
    this.#heard.set(copy, now);
    return false;
  }
}
