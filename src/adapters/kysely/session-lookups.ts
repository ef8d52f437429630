/**
 * Session lookups asked together, read in one statement (`… WHERE sessions.id IN (…)`), for the
 * engines reached over a connection (PostgreSQL, MySQL; kysely-store.ts). When a node's cache is
 * cold (it just started, or its entries outlived their age) every validation is a lookup. One
 * statement each took a pooled connection and a round trip apiece, and on a busy machine their
 * queue outlasted the cold second: on PostgreSQL the bench's first second after the cache's expiry
 * served 850 to 9,800 validations a second, against 20,000 warm, and its backlog spilled into the
 * runs after it (docs/benchmarks.md). The fast paths check an event-loop turn's requests in one
 * synchronous stretch (http/after-reads.ts), so a turn's misses are all asked before the microtask
 * that reads them runs. SQLite is in-process: each lookup is a prepared statement run at once.
 *
 * Each asker is counted one statement (statement-counter.ts), as its own lookup would have been:
 * the statement served it, and the route's "statements per request" reads the same either way.
 */
import type { StatementCount, StatementCounter } from './statement-counter.js';

/** Ids per statement: far below PostgreSQL's 65,535 bound parameters. */
export const LOOKUP_CHUNK = 500;

interface Asker<Row> {
  resolve(row: Row | undefined): void;
  reject(err: unknown): void;
  /** The statement count of the asker's request, if it runs in one. */
  count: StatementCount | undefined;
}

/**
 * `lookup(id)`: the row whose `id` it is (undefined when none), read by `read` together with the
 * other ids asked before the current microtask queue drains; the same id asked twice is read once.
 */
export function sessionLookups<Row extends { id: string }>(
  read: (ids: string[]) => Promise<Row[]>,
  statements?: StatementCounter,
): (id: string) => Promise<Row | undefined> {
  let asked: Map<string, Asker<Row>[]> | null = null;

  const readChunk = (ids: string[], batch: Map<string, Asker<Row>[]>) => {
    // Read outside any one request's count: each asker is counted below, once it has its row.
    const rows = statements ? statements.run({ statements: 0 }, () => read(ids)) : read(ids);
    rows.then(
      (found) => {
        const byId = new Map<string, Row>();
        for (const row of found) byId.set(row.id, row);
        for (const id of ids)
          for (const asker of batch.get(id)!) {
            if (asker.count) asker.count.statements++;
            asker.resolve(byId.get(id));
          }
      },
      (err: unknown) => {
        for (const id of ids) for (const asker of batch.get(id)!) asker.reject(err);
      },
    );
  };

  const readAll = () => {
    const batch = asked!;
    asked = null;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) readChunk(ids.slice(i, i + LOOKUP_CHUNK), batch);
  };

  return (id) =>
    new Promise<Row | undefined>((resolve, reject) => {
      if (asked === null) {
        asked = new Map();
        queueMicrotask(readAll);
      }
      const asker = { resolve, reject, count: statements?.current() };
      const same = asked.get(id);
      if (same) same.push(asker);
      else asked.set(id, [asker]);
    });
}
