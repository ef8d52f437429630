/**
 * Connection errors that adapters recover from by themselves (Redis and PostgreSQL clients
 * reconnect, the rate limiter falls back to per-node counters, a bus stops being live). They must
 * not crash the process, and must not vanish either: each is counted per component (read by
 * `sessiond_adapter_errors_total` at scrape) and logged at warn, at most once per component per
 * `logEveryMs` so an outage does not flood the log (the line says how many it stands for).
 * Only an error's name, code and message are logged, URLs redacted: never the client's options
 * or the command (a rate-limit key holds an address or an email).
 */
import type { Logger } from 'pino';
import { redactUrl } from '../core/redact.js';

/** A closed set: it is a metric label. */
export type AdapterComponent = 'redis-limiter' | 'redis-bus' | 'postgres-bus' | 'postgres-pool' | 'table-bus' | 'mysql-pool';

export const ADAPTER_COMPONENTS: readonly AdapterComponent[] = [
  'redis-limiter',
  'redis-bus',
  'postgres-bus',
  'postgres-pool',
  'table-bus',
  'mysql-pool',
];

/** How an adapter reports an error it recovers from by itself. */
export type OnAdapterError = (err: unknown) => void;

/** What an operator should know when the component fails. */
const CONSEQUENCE: Record<AdapterComponent, string> = {
  'redis-limiter': 'Redis rate limiter error: sign-in limits are counted by this node alone until Redis answers',
  'redis-bus': 'Redis revocation bus error: this node reads the database for every request until it hears its heartbeat again',
  'postgres-bus': 'PostgreSQL LISTEN/NOTIFY bus error: this node reads the database for every request until it hears its heartbeat again',
  'postgres-pool': 'PostgreSQL connection error on an idle pooled connection: the pool replaces it',
  'table-bus': 'revocation log read error (MySQL): this node reads the database for every request until it reads the log again',
  'mysql-pool': 'MySQL connection error on a pooled connection: the pool replaces it',
};

export const DEFAULT_LOG_EVERY_MS = 30_000;

export class AdapterErrors {
  readonly #counts = new Map<AdapterComponent, number>(ADAPTER_COMPONENTS.map((c) => [c, 0]));
  readonly #lastLoggedAt = new Map<AdapterComponent, number>();
  readonly #unlogged = new Map<AdapterComponent, number>();

  constructor(
    private readonly log: Logger,
    private readonly logEveryMs = DEFAULT_LOG_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The `onError` to hand to one component's adapter. */
  reporter(component: AdapterComponent): OnAdapterError {
    return (err) => this.report(component, err);
  }

  report(component: AdapterComponent, err: unknown): void {
    this.#counts.set(component, (this.#counts.get(component) ?? 0) + 1);
    const now = this.now();
    const last = this.#lastLoggedAt.get(component);
    if (last !== undefined && now - last < this.logEveryMs) {
      this.#unlogged.set(component, (this.#unlogged.get(component) ?? 0) + 1);
      return;
    }
    const suppressed = this.#unlogged.get(component) ?? 0;
    this.#lastLoggedAt.set(component, now);
    this.#unlogged.set(component, 0);
    this.log.warn({ component, err: describe(err), ...(suppressed ? { suppressed } : {}) }, CONSEQUENCE[component]);
  }

  /** Errors so far per component, every component present (0 until its first error). */
  counts(): ReadonlyMap<AdapterComponent, number> {
    return this.#counts;
  }
}

function describe(err: unknown): { name: string; code?: string; message: string } {
  if (!(err instanceof Error)) return { name: 'Error', message: redactUrl(String(err)) };
  // Node reports a refused connection to every address of a host as an AggregateError with an
  // empty message; the first inner error says what happened.
  const inner = err instanceof AggregateError && !err.message && err.errors[0] instanceof Error ? err.errors[0] : err;
  const code = (inner as { code?: unknown }).code;
  return { name: err.name, ...(typeof code === 'string' ? { code } : {}), message: redactUrl(inner.message) };
}
