/** Work that must not hold up a response: it runs after the caller returns, and its failures are reported, never thrown. */
import { describe, expect, it } from 'vitest';
import { Background } from './background.js';

function recorder() {
  const reported: { err: unknown; what: string }[] = [];
  return { reported, background: new Background((err, what) => reported.push({ err, what })) };
}

describe('Background', () => {
  it('does not hold up the caller: run() returns before the work has run', async () => {
    const { background } = recorder();
    const done: string[] = [];
    background.run('record failed sign-in', async () => {
      done.push('work');
    });
    done.push('response');
    await background.idle();
    expect(done).toEqual(['response', 'work']);
  });

  it('idle() waits for all work in flight, including work started by that work', async () => {
    const { background, reported } = recorder();
    const done: string[] = [];
    background.run('first', async () => {
      await new Promise((r) => setTimeout(r, 5));
      background.run('second', async () => {
        await new Promise((r) => setTimeout(r, 5));
        done.push('second');
      });
      done.push('first');
    });
    await background.idle();
    expect(done).toEqual(['first', 'second']);
    expect(reported).toEqual([]);
  });

  it('idle() resolves at once when nothing is in flight, and again after work has finished', async () => {
    const { background } = recorder();
    await background.idle();
    background.run('quick', async () => {});
    await background.idle();
    await background.idle();
  });

  it('reports a failure with what was being done, and does not throw it', async () => {
    const { background, reported } = recorder();
    const boom = new Error('SMTP down');
    background.run('send reset mail', async () => {
      throw boom;
    });
    await expect(background.idle()).resolves.toBeUndefined();
    expect(reported).toEqual([{ err: boom, what: 'send reset mail' }]);
  });

  it('reports work that throws before it is even asynchronous', async () => {
    const { background, reported } = recorder();
    const boom = new Error('bad input');
    expect(() =>
      background.run('sync throw', () => {
        throw boom;
      }),
    ).not.toThrow();
    await background.idle();
    expect(reported).toEqual([{ err: boom, what: 'sync throw' }]);
  });

  it('one failure does not stop other work', async () => {
    const { background, reported } = recorder();
    const done: string[] = [];
    background.run('fails', async () => {
      throw new Error('x');
    });
    background.run('succeeds', async () => {
      done.push('ok');
    });
    await background.idle();
    expect(done).toEqual(['ok']);
    expect(reported.map((r) => r.what)).toEqual(['fails']);
  });

  it('report() hands an error from work done in line to the same reporter', () => {
    const { background, reported } = recorder();
    const err = new Error('flush failed');
    background.report(err, 'touch flush');
    expect(reported).toEqual([{ err, what: 'touch flush' }]);
  });
});
