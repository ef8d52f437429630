import { describe, expect, it } from 'vitest';
import { change, chartSummary, FIGURES, formatDuration, formatValue } from './wording';

const count = FIGURES.sign_in_failures!;
const neutral = FIGURES.sign_ins!;
const ratio = FIGURES.sign_in_success_rate!;

describe('the change against last week', () => {
  it('is the relative change in percent, better or worse by the figure', () => {
    expect(change(12, 10, neutral)).toEqual({ direction: 'up', amount: '20%', verdict: null });
    expect(change(12, 10, count)).toEqual({ direction: 'up', amount: '20%', verdict: 'worse' });
    expect(change(8, 10, count)).toEqual({ direction: 'down', amount: '20%', verdict: 'better' });
    expect(change(1, 3, count).amount).toBe('67%');
    expect(change(21, 20, count).amount).toBe('5%');
    expect(change(20.3, 20, count).amount).toBe('1.5%');
    expect(change(250, 10, count).amount).toBe('2,400%');
  });

  it('has no baseline when either side is missing, and says "from 0" rather than an infinite percent', () => {
    expect(change(12, null, count)).toEqual({ direction: null, amount: '—', verdict: null });
    expect(change(null, 3, count)).toEqual({ direction: null, amount: '—', verdict: null });
    expect(change(5, 0, count)).toEqual({ direction: 'up', amount: 'from 0', verdict: 'worse' });
    expect(change(0, 0, count)).toEqual({ direction: 'same', amount: '0%', verdict: null });
  });

  it('of a ratio is in percentage points', () => {
    expect(change(0.92, 0.95, ratio)).toEqual({ direction: 'down', amount: '3 pts', verdict: 'worse' });
    expect(change(0.955, 0.95, ratio)).toEqual({ direction: 'up', amount: '0.5 pts', verdict: 'better' });
    expect(change(0.95, 0.95, ratio).direction).toBe('same');
  });
});

describe('figures in words', () => {
  it('writes counts, ratios, latencies and durations as people read them', () => {
    expect(formatValue(1234, 'count')).toBe('1,234');
    expect(formatValue(0.925, 'ratio')).toBe('92.5%');
    expect(formatValue(0.0042, 'seconds')).toBe('4.2 ms');
    expect(formatValue(1.25, 'seconds')).toBe('1.3 s');
    expect(formatValue(null, 'ms')).toBe('—');
    expect(formatDuration(180_000)).toBe('3 min');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(0.25)).toBe('0.25 ms');
  });

  it('sums counts and takes the highest latency for a chart’s text alternative', () => {
    expect(chartSummary('Sign-ins', { current: [1, null, 2], previous: [4] }, 'count')).toBe('Sign-ins: 3 in this period, 4 last week.');
    expect(chartSummary('p99', { current: [0.01, 0.02], previous: [null] }, 'seconds')).toBe(
      'p99: highest 20 ms in this period, — last week.',
    );
    expect(chartSummary('Sign-ins', { current: [null], previous: [] }, 'count')).toBe('Sign-ins: no data in this period.');
  });
});
