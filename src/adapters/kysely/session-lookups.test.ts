/**
 * sessionLookups (session-lookups.ts): the lookups asked together are read together, each asker
 * gets its own row, and each is counted the statement that served it. The read here is a
 * function over a table in memory, recording what it was asked; the engines' own statements are
 * exercised in test/integration/store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LOOKUP_CHUNK, sessionLookups } from './session-lookups.js';
import { StatementCounter } from './statement-counter.js';

type Row = { id: string; n: number };

function table(ids: string[]) {
  const rows = new Map(ids.map((id, n) => [id, { id, n }]));
  const reads: string[][] = [];
  const read = async (asked: string[]): Promise<Row[]> => {
    reads.push(asked);
    return asked.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : []));
  };
  return { read, reads };
}

describe('sessionLookups', () => {
  it('reads the ids asked together in one read, each id once, and answers every asker with its own row', async () => {
    const { read, reads } = table(['a', 'b', 'c']);
    const lookup = sessionLookups(read);
    const found = await Promise.all(['b', 'x', 'a', 'b', 'c'].map((id) => lookup(id)));
    expect(found).toEqual([{ id: 'b', n: 1 }, undefined, { id: 'a', n: 0 }, { id: 'b', n: 1 }, { id: 'c', n: 2 }]);
    expect(reads).toEqual([['b', 'x', 'a', 'c']]);
  });

  it('reads ids asked after the read began in a read of their own', async () => {
    const { read, reads } = table(['a', 'b']);
    const lookup = sessionLookups(read);
    const first = lookup('a');
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    const second = lookup('b');
    expect(await Promise.all([first, second])).toEqual([
      { id: 'a', n: 0 },
      { id: 'b', n: 1 },
    ]);
    expect(reads).toEqual([['a'], ['b']]);
  });

  it(`reads at most ${LOOKUP_CHUNK} ids a statement`, async () => {
    const ids = Array.from({ length: 2 * LOOKUP_CHUNK + 1 }, (_, i) => `s${i}`);
    const { read, reads } = table(ids);
    const lookup = sessionLookups(read);
    const found = await Promise.all(ids.map((id) => lookup(id)));
    expect(found.map((row) => row?.id)).toEqual(ids);
    expect(reads.map((r) => r.length)).toEqual([LOOKUP_CHUNK, LOOKUP_CHUNK, 1]);
  });

  it('fails every asker of a read that failed, and only those', async () => {
    const ids = Array.from({ length: LOOKUP_CHUNK + 1 }, (_, i) => `s${i}`);
    const lookup = sessionLookups(async (asked: string[]): Promise<Row[]> => {
      if (asked.includes('s0')) throw new Error('connection lost');
      return asked.map((id) => ({ id, n: 0 }));
    });
    const settled = await Promise.allSettled(ids.map((id) => lookup(id)));
    expect(settled.slice(0, LOOKUP_CHUNK).every((s) => s.status === 'rejected')).toBe(true);
    expect(settled[LOOKUP_CHUNK]).toEqual({ status: 'fulfilled', value: { id: `s${LOOKUP_CHUNK}`, n: 0 } });
  });

  it('counts one statement for each asker’s request, and none for the request that happened to ask first', async () => {
    const counter = new StatementCounter();
    const { read } = table(['a', 'b']);
    let countSeenByRead: unknown = 'not read';
    const lookup = sessionLookups(async (asked: string[]) => {
      countSeenByRead = counter.current();
      return read(asked);
    }, counter);
    const counts = [{ statements: 0 }, { statements: 0 }, { statements: 0 }];
    await Promise.all(['a', 'b', 'a'].map((id, i) => counter.run(counts[i]!, () => lookup(id))));
    expect(counts).toEqual([{ statements: 1 }, { statements: 1 }, { statements: 1 }]);
    // The read ran in a count of its own, not in the first asker's.
    expect(counts).not.toContain(countSeenByRead);
    expect(countSeenByRead).toEqual({ statements: 0 });
    // An asker outside any request is not counted anywhere, and still answered.
    expect(await lookup('b')).toEqual({ id: 'b', n: 1 });
  });
});
