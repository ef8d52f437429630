/**
 * Fastify compiles every route's request validator (Ajv) and response serializer
 * (fast-json-stringify) when the app gets ready: for sessiond's routes, ~0.3 s of CPU and ~15 MB
 * before `serve` can listen, most of it for routes a given node may never serve. These are
 * Fastify's own default compilers, with the same options, each route's compiled on its first
 * request instead (a millisecond or two, once; the first of all also makes Ajv, ~0.1 s once per
 * node). Schemas are the code's own, checked by the tests and the OpenAPI lint; a request is
 * validated and an answer serialized exactly as before.
 */
import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

type Factories = Required<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>>;
type Compiled = ((...args: unknown[]) => unknown) & { errors?: unknown; schemaEnv?: unknown };

// Fastify's defaults, from Fastify's own dependencies (what it requires when none are given).
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

/**
 * A compiler factory whose compiler is made on the first route compiled, not when the app gets
 * ready: making Fastify's validator compiler loads Ajv and compiles its meta-schemas (~0.1 s).
 * `load` gives the factory itself, so its package is read only then too.
 */
function deferred<F extends (...args: never[]) => (route: never) => unknown>(load: () => F): F {
  let factory: F | undefined;
  return ((...args: Parameters<F>) => {
    let compile: ((route: unknown) => Compiled) | undefined;
    const compiler = () => (compile ??= (factory ??= load())(...args) as unknown as (route: unknown) => Compiled);
    return (route: unknown) => {
      let compiled: Compiled | undefined;
      const get = () => (compiled ??= compiler()(route));
      // Two arguments at most (a validator's data and Ajv's context, a serializer's payload): no rest array per request.
      const run = (data: unknown, context?: unknown) => get()(data, context);
      // Fastify reads a failed validation's errors off the function, and Ajv's schemaEnv to let a
      // validator set defaults on the request part itself.
      Object.defineProperties(run, {
        errors: { get: () => get().errors },
        schemaEnv: { get: () => get().schemaEnv },
      });
      return run;
    };
  }) as unknown as F;
}

/** New per app, as Fastify's defaults are. */
export function deferredCompilers(): Factories {
  return {
    buildValidator: deferred(() => (fromFastify('@fastify/ajv-compiler') as () => Factories['buildValidator'])()),
    buildSerializer: deferred(() => (fromFastify('@fastify/fast-json-stringify-compiler') as () => Factories['buildSerializer'])()),
  };
}
