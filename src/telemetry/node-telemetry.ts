/**
 * What a node measures below the HTTP layer, where the adapters live: the revocation bus, the
 * database pool, the mailer. It exists before any HTTP app (registry.ts) and outlives them, so its
 * prom-client metrics are registered in no registry of their own; each app's registry adds them
 * (http/metrics.ts), and /metrics shows them beside the app's own.
 */
import type { Metric } from 'prom-client';

export class NodeTelemetry {
  /** Every metric this node keeps; an app's registry registers each (the same objects). */
  readonly metrics: Metric[] = [];
}
