/**
 * Counts the SQL statements issued on behalf of whatever runs inside `run` (an HTTP request,
 * http/app.ts), for the "database statements per request by route" metric. A Kysely plugin sees
 * every statement Kysely builds, including `sql` templates; the count it adds to is the one of
 * the async context the statement was issued from. Transaction control (BEGIN, COMMIT) is not a
 * built statement and is not counted; nor is anything run outside a counted context (background
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

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const count = this.#scope.getStore();
    if (count !== undefined) count.statements++;
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
