/** Liveness, readiness, Prometheus metrics. Open to anyone: they reveal no account data. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { HttpContext } from '../context.js';
import { errorBody } from '../errors.js';
import { SECURITY } from '../openapi.js';
import { ErrorResponse, responses } from '../schemas.js';

const Status = Type.Object({ status: Type.Literal('ok') });

export function opsRoutes({ registry, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['ops'],
          operationId: 'getHealth',
          summary: 'Liveness: the process answers',
          security: SECURITY.public,
          response: responses({ 200: Status }),
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['ops'],
          operationId: 'getReadiness',
          summary: 'Readiness: the database is reachable',
          security: SECURITY.public,
          response: responses({ 200: Status, 503: ErrorResponse }),
        },
      },
      async (request, reply) => {
        try {
          await registry.store.ping();
          return { status: 'ok' as const };
        } catch (err) {
          request.log.warn({ err }, 'database not reachable');
          return reply.code(503).header('retry-after', '1').send(errorBody('unavailable', 'The database is not reachable.'));
        }
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['ops'],
          operationId: 'getMetrics',
          summary: 'Prometheus metrics',
          security: SECURITY.public,
          produces: ['text/plain'],
          response: {
            200: { description: 'The Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            '4xx': ErrorResponse,
            '5xx': ErrorResponse,
          },
        },
      },
      async (_request, reply) => {
        const text = await metrics.registry.metrics();
        return reply.type(metrics.registry.contentType).send(text);
      },
    );
  };
}
