/**
 * A histogram for the request path, exported through a prom-client registry. prom-client's label
 * children validate and hash their labels on every observation; a validation made three such
 * observations and two counter increments (~1.2 µs in-process, more under load:
 * docs/benchmarks.md). A child of this histogram is bound to its labels once and then only adds
 * numbers. The registry reads it as it reads its own metrics (`get()`, the shape prom-client's
 * histograms give: cumulative `_bucket` series with `le` first, then `_sum` and `_count`), so
 * /metrics, the telemetry history and every other reader see an ordinary histogram.
 */
import { validateMetricName, type Metric, type MetricValueWithName, type Registry } from 'prom-client';

/** One label set's observations: bound to its labels when made, then only numbers. */
export interface HotHistogramChild {
  observe(value: number): void;
}

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket, not cumulative; the last slot holds those above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** What `get()` answers: prom-client's metric object (its typings call the type an enum; at run time it is this string). */
export interface HotHistogramExport<T extends string> {
  name: string;
  help: string;
  type: 'histogram';
  values: MetricValueWithName<T | 'le'>[];
  aggregator: 'sum';
}

export interface HotHistogramConfiguration<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  buckets: readonly number[];
  registers: Registry[];
}

export class HotHistogram<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #labelNames: readonly T[];
  readonly #bounds: readonly number[];
  readonly #series: Series[] = [];

  constructor(config: HotHistogramConfiguration<T>) {
    if (!validateMetricName(config.name)) throw new Error(`invalid metric name: ${config.name}`);
    this.name = config.name;
    this.help = config.help;
    this.#labelNames = config.labelNames;
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    // A registry takes any metric that answers get() (it is what its text and JSON exports call).
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The child for one set of label values, in `labelNames` order; each call makes a new series, so callers keep theirs. */
  child(...values: string[]): HotHistogramChild {
    if (values.length !== this.#labelNames.length) {
      throw new Error(`${this.name}: ${this.#labelNames.length} label values expected, ${values.length} given`);
    }
    const labels: Record<string, string> = {};
    this.#labelNames.forEach((name, i) => (labels[name] = values[i]!));
    const series: Series = { labels, counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 };
    this.#series.push(series);
    const bounds = this.#bounds;
    return {
      observe(value: number) {
        if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        series.counts[i]!++;
        series.sum += value;
        series.count++;
      },
    };
  }

  /** Each series that has observed something: its buckets (cumulative, `le` first), +Inf, sum and count. */
  async get(): Promise<HotHistogramExport<T>> {
    const values: MetricValueWithName<T | 'le'>[] = [];
    for (const s of this.#series) {
      if (s.count === 0) continue;
      let cumulative = 0;
      const bucket = (le: number | string, value: number) =>
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...s.labels } as Record<T | 'le', string | number>, value });
      this.#bounds.forEach((le, i) => bucket(le, (cumulative += s.counts[i]!)));
      bucket('+Inf', s.count);
      values.push({ metricName: `${this.name}_sum`, labels: { ...s.labels } as Record<T | 'le', string>, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...s.labels } as Record<T | 'le', string>, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const s of this.#series) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
