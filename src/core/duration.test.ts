/** Durations in configuration, and how `loadConfig` turns duration and limit settings into numbers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { MAX_DURATION_MS, parseDuration } from './duration.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const unit = fc.constantFrom<Unit>('s', 'm', 'h', 'd');
/** A duration a user could type, within the ten-year cap. */
const validDuration = unit.chain((u) =>
  fc.integer({ min: 1, max: Math.floor(MAX_DURATION_MS / UNIT_MS[u]) }).map((n) => ({ text: `${n}${u}`, ms: n * UNIT_MS[u] })),
);

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseDuration', () => {
  it('parses <n><unit> to n times the unit', () => {
    fc.assert(
      fc.property(validDuration, ({ text, ms }) => {
        expect(parseDuration(text)).toBe(ms);
      }),
    );
  });

  it('never throws, and returns null or a positive whole number of seconds within the cap', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (text) => {
        const ms = parseDuration(text);
        if (ms !== null) {
          expect(Number.isSafeInteger(ms)).toBe(true);
          expect(ms).toBeGreaterThan(0);
          expect(ms).toBeLessThanOrEqual(MAX_DURATION_MS);
          expect(ms % 1000).toBe(0);
        }
      }),
    );
  });

  it('accepts only <positive integer without leading zero><s|m|h|d> (surrounding spaces aside)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789smhdSMHDwy.-+e x'), maxLength: 8 }), (text) => {
        const shaped = /^[1-9][0-9]*[smhd]$/.test(text.trim());
        if (!shaped) expect(parseDuration(text)).toBeNull();
      }),
    );
    for (const bad of ['', '0s', '0d', '-5m', '1.5h', '1e3s', '15', 'm', '15 m', '15M', '1w', '01h', '+1h', 'Infinity', '30min'])
      expect(parseDuration(bad), bad).toBeNull();
  });

  it('ignores spaces and line breaks around a duration (values pasted into env files)', () => {
    expect(parseDuration(' 14d ')).toBe(14 * UNIT_MS.d);
    expect(parseDuration('30m\n')).toBe(30 * UNIT_MS.m);
    expect(parseDuration('\t90s')).toBe(90 * UNIT_MS.s);
  });

  it('refuses anything longer than ten years', () => {
    fc.assert(
      fc.property(unit, fc.integer({ min: 1, max: 10 ** 6 }), (u, extra) => {
        const n = Math.floor(MAX_DURATION_MS / UNIT_MS[u]) + extra;
        expect(parseDuration(`${n}${u}`)).toBeNull();
      }),
    );
    expect(parseDuration('3650d')).toBe(MAX_DURATION_MS);
  });
});

describe('loadConfig: durations', () => {
  it('takes idle timeout and max age from flags or the environment, in milliseconds', () => {
    fc.assert(
      fc.property(validDuration, validDuration, (a, b) => {
        const [idle, max] = a.ms <= b.ms ? [a, b] : [b, a];
        expect(loadConfig({ idleTimeoutMs: idle.text, maxAgeMs: max.text }, {})).toMatchObject({
          idleTimeoutMs: idle.ms,
          maxAgeMs: max.ms,
        });
        expect(loadConfig({}, { SESSIOND_IDLE_TIMEOUT: idle.text, SESSIOND_MAX_AGE: max.text })).toMatchObject({
          idleTimeoutMs: idle.ms,
          maxAgeMs: max.ms,
        });
      }),
      { numRuns: 50 },
    );
  });

  it('refuses an idle timeout longer than the max age', () => {
    fc.assert(
      fc.property(validDuration, validDuration, (a, b) => {
        fc.pre(a.ms !== b.ms);
        const [short, long] = a.ms < b.ms ? [a, b] : [b, a];
        expect(problemsOf(() => loadConfig({ idleTimeoutMs: long.text, maxAgeMs: short.text }, {}))).toEqual([
          'idle-timeout must not be longer than max-age',
        ]);
      }),
      { numRuns: 50 },
    );
  });

  it('names the setting and the bad value for anything that is not a duration', () => {
    const garbage = fc.string({ maxLength: 12 }).filter((s) => parseDuration(s) === null);
    fc.assert(
      fc.property(garbage, (text) => {
        const problems = problemsOf(() => loadConfig({ idleTimeoutMs: text }, {}));
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain('idle-timeout must be a duration');
        expect(problems[0]).toContain(JSON.stringify(text));
      }),
      { numRuns: 50 },
    );
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(() => loadConfig({ idleTimeoutMs: 'soon', maxAgeMs: '0d', signInIpLimit: 'lots' }, {}));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/idle-timeout[\s\S]*max-age[\s\S]*sign-in-ip-limit/);
  });
});

describe('loadConfig: sign-in limits', () => {
  it('parses <attempts>/<window> for both limits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), validDuration, (n, window) => {
        const config = loadConfig({ signInAccountLimit: `${n}/${window.text}` }, { SESSIOND_SIGN_IN_IP_LIMIT: `${n}/${window.text}` });
        expect(config.signInAccountLimit).toEqual({ limit: n, windowMs: window.ms });
        expect(config.signInIpLimit).toEqual({ limit: n, windowMs: window.ms });
      }),
      { numRuns: 50 },
    );
  });

  it('refuses anything but a positive whole count, one slash and a duration', () => {
    const bad = fc
      .oneof(fc.string({ maxLength: 12 }), fc.string({ unit: fc.constantFrom(...'0123456789/smhd.-+ex '), maxLength: 10 }))
      .filter((s) => !/^[1-9][0-9]*\/[1-9][0-9]*[smhd]$/.test(s.trim()));
    fc.assert(
      fc.property(bad, (text) => {
        const problems = problemsOf(() => loadConfig({ signInAccountLimit: text }, {}));
        expect(problems, JSON.stringify(text)).toHaveLength(1);
        expect(problems[0]).toContain('sign-in-account-limit must look like 10/15m');
      }),
      { numRuns: 300 },
    );
    for (const bad of [
      '0/15m',
      '-1/15m',
      '1.5/15m',
      '3',
      '3/',
      '/15m',
      '3/15',
      '3/15m/1h',
      '0x10/15m',
      '1e1/15m',
      '3 /15m',
      '3/ 15m',
      '3/99999d',
    ])
      expect(
        problemsOf(() => loadConfig({ signInAccountLimit: bad }, {})),
        bad,
      ).toHaveLength(1);
  });
});
