/**
 * buildApp(registry) assembles the HTTP API; it never listens (only `serve` does), so tests
 * drive it with `inject`. Each plane is its own encapsulated context with its own auth hook.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import { createServer, type ServerOptions } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { trustedProxies } from '../config.js';
import { SessiondError } from '../core/errors.js';
import type { StatementCount } from '../adapters/kysely/statement-counter.js';
import type { Registry } from '../registry.js';
import { adminRoutes } from './admin/routes.js';
import { incidentRoutes } from './admin/incident-routes.js';
import { policyRoutes } from './admin/policy-routes.js';
import { apiKeyRoutes } from './admin/key-routes.js';
import { authRoutes } from './auth/routes.js';
import type { HttpContext } from './context.js';
import { limitConnectionsPerIp } from './connection-limit.js';
import { cookiePolicy } from './cookies.js';
import { handleError, sendError } from './errors.js';
import { introspectionRoutes } from './introspection/routes.js';
import { meRoutes } from './me/routes.js';
import { personalTokenRoutes } from './me/token-routes.js';
import { createMetrics, eventMetrics, type Metrics } from './metrics.js';
import { openApiOptions } from './openapi.js';
import { opsRoutes } from './ops/routes.js';
import { refuseMalformedClientIp } from './plugins/request-context.js';
import { revocationRoutes } from './revocations/routes.js';
import { ErrorResponse } from './schemas.js';
import { securityHeaders } from './security-headers.js';
import { deferredCompilers } from './deferred-compilers.js';
import { afterReads } from './after-reads.js';
import { fastPathStarted, validationFastPath, type FastPath } from './fast-validation.js';
import { introspectionFastPath } from './introspection/fast-path.js';
import { startHistory } from '../telemetry/history.js';
import { overviewRoutes } from './admin/overview-routes.js';
import { oauthClientRoutes } from './admin/oauth-client-routes.js';
import { answerMissingPage, webRoutes } from './web/routes.js';
import { mountProvider, oauthRoutes } from '../oauth/routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The database statements issued while serving this request (StatementCounter). */
    statements: StatementCount | null;
  }
  interface FastifyInstance {
    /** This app's Prometheus registry and counters. */
    metrics: Metrics;
  }
}

export interface BuildOptions {
  /** Where logs go (tests capture them to prove no secret is ever logged). Default: stdout. */
  logStream?: DestinationStream;
  /** Process-level metrics (event loop, memory); off in tests that build many apps. */
  defaultMetrics?: boolean;
  /**
   * Answer validations and introspections before Fastify (fast-validation.ts,
   * introspection/fast-path.ts). Default on; off only for the tests that hold both paths to the
   * same bytes.
   */
  fastValidation?: boolean;
}

/** 1 MiB: more than any request of this API needs, small enough to refuse abuse early. */
export const BODY_LIMIT = 1024 * 1024;

/** Never log these: tokens, cookies, passwords. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  '*.authorization',
  '*.cookie',
];

export async function buildApp(registry: Registry, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = registry;
  const proxies = trustedProxies(config);
  const isTrustedProxy = (address: string) => proxies.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
  // Slow clients are cut off: the whole request within --request-timeout, its headers within
  // --headers-timeout (both 408), an idle kept-alive connection after --keep-alive-timeout.
  // Node checks the first two every connectionsCheckingInterval (30 s by its default, too
  // coarse for a 10 s limit). Fastify's defaults set no request timeout at all.
  const serverOptions: ServerOptions = {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(config.headersTimeoutMs / 4))),
  };
  // Set once the app is built: until then (and without it) every request goes to Fastify.
  let fastPath: FastPath | null = null;
  const app = Fastify({
    // Fastify's own server, with the fast paths (validation, introspection) in front of its handler.
    serverFactory: (handler) => {
      const server = createServer(serverOptions, (req, res) => {
        if (!fastPath?.(req, res, handler)) handler(req, res);
      });
      server.keepAliveTimeout = config.keepAliveTimeoutMs;
      return server;
    },
    logger: {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One log line per request would sit on the hot path; auth events and errors are logged instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // X-Forwarded-For is believed only from the configured proxies.
    trustProxy: config.trustProxy.length ? isTrustedProxy : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Each route's validator and serializer is compiled at its first request, not before listening.
    schemaController: { compilersFactory: deferredCompilers() },
    return503OnClosing: true,
    // Open revocation streams would otherwise hold a graceful close open indefinitely.
    forceCloseConnections: true,
    // Router-level failures (a malformed URL, an over-long path parameter) never reach the error
    // handler; they still leave in the contract's shape. An over-long id names no session: 404.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'not_found' : 'invalid_request');
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  limitConnectionsPerIp(app.server, { max: config.maxConnectionsPerIp, ipv6Prefix: config.ipv6LimitPrefix, isTrustedProxy });
  // With --otlp-traces-url, a trace of every request (before any hook or route, so it covers them).
  // OpenTelemetry is loaded only when traces are sent (its import is ~0.25 s of every start).
  if (config.otlpTracesUrl) await (await import('./tracing.js')).traceRequests(app, config.otlpTracesUrl);

  const cookies = cookiePolicy(config.publicUrl);
  const metrics = createMetrics(
    {
      countActiveSessions: () => registry.sessions.countActiveSessions(),
      busLive: () => registry.bus.isLive(),
      cacheStats: () => registry.sessions.cacheStats(),
      cacheLookups: () => registry.sessions.cacheLookups(),
      adapterErrors: () => registry.adapterErrors.counts(),
      nodeMetrics: registry.telemetry.metrics,
    },
    { defaultMetrics: options.defaultMetrics ?? false },
  );
  const ctx: HttpContext = { registry, cookies, metrics };
  // `serve` shows them on a listener of their own with --metrics-listen (ops/routes.ts metricsServer).
  app.decorate('metrics', metrics);
  // This app counts what the use cases record; it stops when the app closes.
  const stopCounting = registry.recorder.add(
    eventMetrics(
      metrics,
      config.clients.map((c) => c.id),
    ),
  );
  app.addHook('onClose', async () => stopCounting());
  // The built-in history: this app's measures go to the database every minute, and on close.
  startHistory(app, registry, metrics.registry);

  app.decorateRequest('auth', null);
  app.decorateRequest('apiKey', null);
  app.decorateRequest('statements', null);
  // The database statements each request issues are counted in its own async context, which the
  // rest of its hooks and its handler run in (a body read in chunks included); onResponse adds
  // them to its route.
  app.addHook('onRequest', (request, _reply, done) => {
    const count = { statements: 0 };
    request.statements = count;
    registry.statements.run(count, done);
  });
  // A forwarded client address is an IP address or the request goes no further (request-context.ts).
  if (config.trustProxy.length) app.addHook('onRequest', refuseMalformedClientIp);
  await app.register(fastifyCookie);
  const headers = securityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    // Nothing about a session may be cached by a browser or a proxy; routes may say otherwise.
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    done();
  });
  // /oidc/* is oidc-provider's: handed over before any body is read (oauth/routes.ts).
  mountProvider(app, ctx, headers);
  await app.register(fastifySwagger, openApiOptions(config.publicUrl, cookies));
  // The error envelope is one component of the document (openapi.ts refers to it by `$id`).
  app.addSchema(ErrorResponse);

  // JSON only: an HTML form (text/plain, urlencoded, multipart) cannot reach a state change.
  app.removeContentTypeParser('text/plain');
  app.addHook('onResponse', (request, reply, done) => {
    // A request a fast path began on (and read from the database for) counts from there.
    const fastPathFrom = fastPathStarted(request.raw);
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      fastPathFrom === undefined ? reply.elapsedTime / 1000 : (performance.now() - fastPathFrom) / 1000,
      request.statements?.statements ?? 0,
    );
    done();
  });

  const routePatterns: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    // Only routes that take a body pay for its checks (not the GET hot path).
    if (route.schema?.body) route.preValidation = [prepareBody, ...toArray(route.preValidation)];
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`);
    for (const method of methods) routePatterns.push({ method, pattern });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const sent = handleError(error, request, reply);
    // Every 503 the error handler answers is a dependency that did not answer: the database.
    if (reply.statusCode === 503) metrics.unavailable.inc({ reason: 'database' });
    return sent;
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routePatterns.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    // 405 only when the method really is not allowed: `DELETE /v1/me/sessions/x/` (a trailing
    // slash the router does not match) names no session and is a 404, not "use DELETE".
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      return sendError(reply.header('allow', allowed.join(', ')), 'method_not_allowed');
    }
    // A mistyped page address in a browser gets the pages' own "Page not found", not JSON.
    return (await answerMissingPage(request, reply)) ? reply : sendError(reply, 'not_found');
  });

  await app.register(opsRoutes(ctx));
  await app.register(authRoutes(ctx), { prefix: '/v1/auth' });
  await app.register(meRoutes(ctx), { prefix: '/v1/me' });
  await app.register(personalTokenRoutes(ctx), { prefix: '/v1/me' });
  // Workspaces: /v1/me/workspaces (the caller's memberships) and /v1/admin/workspaces (admins).
  await app.register(adminRoutes(ctx), { prefix: '/v1' });
  await app.register(incidentRoutes(ctx), { prefix: '/v1' });
  await app.register(policyRoutes(ctx), { prefix: '/v1' });
  await app.register(apiKeyRoutes(ctx), { prefix: '/v1' });
  await app.register(overviewRoutes(ctx), { prefix: '/v1' });
  await app.register(oauthClientRoutes(ctx), { prefix: '/v1' });
  await app.register(introspectionRoutes(ctx), { prefix: '/v1' });
  await app.register(revocationRoutes(ctx), { prefix: '/v1' });
  await app.register(oauthRoutes(ctx));
  await app.register(webRoutes(ctx));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Not with traces on: every request is traced from Fastify's first hook.
  if (options.fastValidation !== false && !config.otlpTracesUrl) {
    // One queue for both: a turn's validations and introspections share one look at the bus.
    const checksAfterReads = afterReads(registry.bus);
    const fast = validationFastPath({
      registry,
      cookies,
      metrics,
      headers,
      parseCookie: (header) => app.parseCookie(header),
      isTrustedProxy: config.trustProxy.length ? isTrustedProxy : null,
      afterReads: checksAfterReads,
    });
    const introspection = introspectionFastPath({ registry, metrics, headers, afterReads: checksAfterReads });
    // Closing: Fastify answers 503 to what arrives now (return503OnClosing).
    app.addHook('preClose', (done) => {
      fast.close();
      introspection.close();
      done();
    });
    app.addHook('onReady', (done) => {
      // Each declines at once what is not its route.
      fastPath = (req, res, fallback) => fast.handle(req, res, fallback) || introspection.handle(req, res, fallback);
      done();
    });
  }

  return app;
}

/** A POST without a body is an empty JSON object to the schema, so `{}`-only routes accept both. */
function prepareBody(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  if (request.body === undefined) request.body = {};
  try {
    rejectUnsafeText(request);
    done();
  } catch (err) {
    done(err as Error);
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Strings with NUL or unpaired surrogates are refused before they reach a handler: PostgreSQL
 * cannot store them and they only ever come from broken or hostile clients.
 */
function rejectUnsafeText(request: FastifyRequest): void {
  if (request.body !== undefined && !isSafe(request.body, 0))
    throw new SessiondError('invalid_request', 'The request contains text that is not valid Unicode.');
}

function isSafe(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.isWellFormed() && !value.includes('\u0000');
  if (depth > 16 || value === null || typeof value !== 'object') return true;
  for (const [key, inner] of Object.entries(value)) if (!isSafe(key, depth + 1) || !isSafe(inner, depth + 1)) return false;
  return true;
}
