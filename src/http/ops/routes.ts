/**
 * Liveness, readiness, Prometheus metrics. Health is open to anyone: it reveals no account data.
 * `/metrics` shows counts (sessions, sign-ins by outcome), so an operator can close it: behind a
 * bearer token (`--metrics-token`), or on a listener of its own (`--metrics-listen`, then the main
 * port has no `/metrics` at all).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import type { Crypto } from '../../core/ports/crypto.js';
import { constantTimeEqual } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import { errorBody, handleError, sendError } from '../errors.js';
import type { Metrics } from '../metrics.js';
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

    // With its own listener, the main port answers /metrics as it does any unknown path: 404.
    if (registry.config.metricsListen) return;
    const token = registry.config.metricsToken;
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['ops'],
          operationId: 'getMetrics',
          summary: 'Prometheus metrics',
          description:
            'Open unless `--metrics-token` is set (then `Authorization: Bearer <token>` or 401); absent (404) when `--metrics-listen` serves it on its own listener.',
          security: SECURITY.public,
          produces: ['text/plain'],
          response: {
            200: { description: 'The Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            '4xx': ErrorResponse,
            '5xx': ErrorResponse,
          },
        },
        ...(token ? { onRequest: requireMetricsToken(token, registry.crypto) } : {}),
      },
      async (_request, reply) => sendMetrics(metrics, reply),
    );
  };
}

async function sendMetrics(metrics: Metrics, reply: FastifyReply): Promise<FastifyReply> {
  const text = await metrics.registry.metrics();
  return reply.type(metrics.registry.contentType).send(text);
}

const BEARER = /^Bearer +(\S+)\s*$/i;

/**
 * `Authorization: Bearer <token>` or 401. Both sides are hashed first, so the comparison takes
 * the same time whatever was sent, its length included.
 */
function requireMetricsToken(token: string, crypto: Crypto) {
  const expected = crypto.sha256(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(crypto.sha256(presented), expected))
      return sendError(
        reply.header('www-authenticate', 'Bearer realm="metrics"'),
        'unauthenticated',
        'This endpoint needs the metrics token.',
      );
  };
}

/**
 * The listener `--metrics-listen` asks for: GET /metrics of one app's registry and nothing else
 * (every other path 404, in the contract's error shape). `serve` listens on it and closes it.
 */
export async function metricsServer(metrics: Metrics, config: Pick<Config, 'logLevel' | 'requestTimeoutMs'>): Promise<FastifyInstance> {
  const server = Fastify({
    logger: { level: config.logLevel },
    // A scrape every few seconds is not worth a log line each (the main app logs none either).
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: config.requestTimeoutMs,
    forceCloseConnections: true,
  });
  server.get('/metrics', async (_request, reply) => sendMetrics(metrics, reply));
  server.setNotFoundHandler(async (_request, reply) => sendError(reply, 'not_found'));
  server.setErrorHandler(handleError);
  await server.ready();
  return server;
}
