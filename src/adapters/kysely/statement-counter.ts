/**
 * Counts the SQL statements run on behalf of whatever runs inside `run` (an HTTP request,
 * http/app.ts), for the "database statements per request by route" metric. A Kysely plugin sees
 * the result of every statement Kysely executes, built, `sql` templates and queries compiled once
 * and run many times alike (the session lookup: a plugin's transformQuery sees those only when
 * compiled, outside any request); the count it adds to is the one of the async context the
 * statement ran in. A statement that failed returns no result and is not counted; nor is
 * transaction control (BEGIN, COMMIT), nor anything run outside a counted context (background
 * flushes, the bus, migrations).
 *
 * Async context tracking has a price on Node 20 once used (every promise and native callback pays
 * a little): about 2-3% fewer validations per CPU-second in `npm run bench -- --only=validation`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export interface StatementCount {
  statements: number;
}

export class StatementCounter implements KyselyPlugin {
  readonly #scope = new AsyncLocalStorage<StatementCount>();

  /** Runs `fn`; the statements it and everything it starts issue are added to `count`. */
  run<R>(count: StatementCount, fn: () => R): R {
    return this.#scope.run(count, fn);
  }

  /** The count of the context this is called in (a request's), undefined outside any. */
  current(): StatementCount | undefined {
    return this.#scope.getStore();
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const count = this.#scope.getStore();
    if (count !== undefined) count.statements++;
    return Promise.resolve(args.result);
  }
}
