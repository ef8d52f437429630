import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ADAPTER_COMPONENTS, AdapterErrors } from './adapter-errors.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, stream) };
}

describe('AdapterErrors', () => {
  it('starts every component at 0, counts every error, and logs at most one line per component per period', () => {
    const { lines, log } = capture();
    let now = 1_000;
    const errors = new AdapterErrors(log, 30_000, () => now);
    expect([...errors.counts()]).toEqual(ADAPTER_COMPONENTS.map((c) => [c, 0]));

    const limiter = errors.reporter('redis-limiter');
    for (let i = 0; i < 5; i++) limiter(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
    errors.report('postgres-bus', new Error('Connection terminated unexpectedly'));
    expect(errors.counts().get('redis-limiter')).toBe(5);
    expect(errors.counts().get('postgres-bus')).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 40,
      component: 'redis-limiter',
      err: { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:6379' },
    });
    expect(String(lines[0]!.msg)).toContain('counted by this node alone');
    expect(lines[1]).toMatchObject({ level: 40, component: 'postgres-bus' });

    // The next line, once the period is over, says how many errors it stands for.
    now += 30_000;
    limiter(new Error('Connection is closed.'));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ component: 'redis-limiter', suppressed: 4, err: { message: 'Connection is closed.' } });
    expect(errors.counts().get('redis-limiter')).toBe(6);
  });

  it("logs an error's name, code and message only: no URL password, no command or key", () => {
    const { lines, log } = capture();
    const errors = new AdapterErrors(log);
    const err = Object.assign(new Error('could not reach redis://:hunter2@cache.internal:6379'), {
      command: { name: 'eval', args: ['script', '1', 'sessiond:rl:account:ada@example.com'] },
    });
    errors.report('redis-limiter', err);
    errors.report('postgres-pool', 'plain string');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ada@example.com');
    expect(lines[0]).toMatchObject({ err: { message: 'could not reach redis://:***@cache.internal:6379' } });
    expect(lines[1]).toMatchObject({ component: 'postgres-pool', err: { message: 'plain string' } });
  });

  it('names the first cause of an AggregateError with no message of its own (a refused connection to every address)', () => {
    const { lines, log } = capture();
    const errors = new AdapterErrors(log);
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:6379'), { code: 'ECONNREFUSED' });
    errors.report('redis-bus', new AggregateError([refused]));
    expect(lines[0]).toMatchObject({ err: { name: 'AggregateError', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED ::1:6379' } });
  });
});
