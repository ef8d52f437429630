/** Liveness, readiness, Prometheus metrics. Open to anyone: they reveal no account data. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { HttpContext } from '../context.js';
import { errorBody } from '../errors.js';
import { ErrorResponse } from '../schemas.js';

const Status = Type.Object({ status: Type.Literal('ok') });

export function opsRoutes({ registry, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/healthz', { schema: { tags: ['ops'], response: { 200: Status } } }, async () => ({ status: 'ok' as const }));

    app.get('/readyz', { schema: { tags: ['ops'], response: { 200: Status, 503: ErrorResponse } } }, async (request, reply) => {
      try {
        await registry.store.ping();
        return { status: 'ok' as const };
      } catch (err) {
        request.log.warn({ err }, 'database not reachable');
        return reply.code(503).header('retry-after', '1').send(errorBody('unavailable', 'The database is not reachable.'));
      }
    });

    app.get('/metrics', { schema: { tags: ['ops'], produces: ['text/plain'] } }, async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    });
  };
}
