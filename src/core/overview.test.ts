/**
 * Percentiles from histogram buckets (the overview's latency and revocation-lag figures): linear
 * interpolation inside the bucket the rank falls in, as Prometheus's histogram_quantile does.
 * The figures themselves are tested over HTTP on seeded history (test/http/overview.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { quantile } from './overview.js';

/** Cumulative counts by upper bound. */
const buckets = (entries: [number, number][]) => new Map(entries);

describe('quantile', () => {
  it('interpolates inside the bucket the rank falls in, from the bound below it', () => {
    const b = buckets([
      [0.001, 0],
      [0.005, 100],
      [0.01, 100],
      [Infinity, 100],
    ]);
    expect(quantile(0.5, b)).toBeCloseTo(0.003, 12);
    expect(quantile(0.99, b)).toBeCloseTo(0.00496, 12);
    // The first bucket's lower bound is 0.
    expect(
      quantile(
        0.5,
        buckets([
          [0.002, 10],
          [Infinity, 10],
        ]),
      ),
    ).toBeCloseTo(0.001, 12);
  });

  it('answers the highest finite bound for a rank in the +Inf bucket, and null without observations', () => {
    expect(
      quantile(
        0.99,
        buckets([
          [0.1, 50],
          [1, 90],
          [Infinity, 100],
        ]),
      ),
    ).toBe(1);
    expect(
      quantile(
        0.5,
        buckets([
          [0.1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNull();
    expect(quantile(0.5, new Map())).toBeNull();
  });
});
