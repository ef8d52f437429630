/**
 * Checks for requests already read, done together once the event loop has read all it could,
 * inside one look at the revocation bus (`lookOnce`, where the bus has it).
 *
 * Node reads sockets in the poll phase of its event loop and runs `setImmediate` callbacks in
 * the check phase that follows it, so checks queued while a turn's requests are read run after
 * the last of those reads. The SQLite bus asks its file at the first isLive() of a lookOnce
 * stretch (~5 µs: SQLite takes and releases two file locks) and gives the rest that answer. Asked
 * after every request of the batch had arrived, it is at least as fresh for each of them as an
 * ask made when the request was read: a revocation another process committed before any of them
 * arrived is heard. Under load one turn reads tens of requests (about 30 per `epoll_wait` at 50
 * connections, counted with strace), so the file is asked once for all of them instead of once
 * each. Running a turn's checks one after another, rather than each between the parsing of two
 * requests, also keeps the code and data they share warm: the batch saved more than the asks
 * cost (docs/benchmarks.md).
 */
import { AsyncResource } from 'node:async_hooks';
import type { RevocationBus } from '../core/ports/revocation-bus.js';

/** Queues `check` to run after this turn's reads, with the turn's other checks. It must not throw. */
export type AfterReads = (check: () => void) => void;

export function afterReads(bus: RevocationBus): AfterReads {
  let queued: (() => void)[] = [];
  const runAll = (batch: (() => void)[]) => {
    for (const check of batch) check();
  };
  // Bound to the context it was made in, not that of the request whose check came first: each
  // check brings its own (its statements are counted for its request).
  const drain = AsyncResource.bind(() => {
    const batch = queued;
    queued = [];
    // Looked up now, not when built: tests wrap the bus's lookOnce to count its stretches.
    if (bus.lookOnce) bus.lookOnce(() => runAll(batch));
    else runAll(batch);
  });
  return (check) => {
    if (queued.push(check) === 1) setImmediate(drain);
  };
}
