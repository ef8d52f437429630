/**
 * OpenTelemetry traces of requests (`--otlp-traces-url`, off by default): with a URL, every
 * request of the app is a trace (its route, status, each lifecycle hook and the handler as spans,
 * by `@fastify/otel`), exported in batches over OTLP/HTTP (JSON) to that URL, e.g. a collector's
 * `http://127.0.0.1:4318/v1/traces`. A `traceparent` header from the caller (W3C Trace Context)
 * makes the request a child of the caller's trace. Spans carry the path without its query (links in
 * mail carry tokens there), never headers or bodies. Closing the app sends what is still batched.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance } from 'fastify';

/** Registers request tracing on `app` when `url` is set; call before any route is added. */
export async function traceRequests(app: FastifyInstance, url: string | null): Promise<void> {
  if (!url) return;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'sessiond' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  // The context manager (async-local storage) and the W3C propagator the spans need.
  provider.register();
  const instrumentation = new FastifyOtelInstrumentation({
    // The path alone: links in mail carry one-time tokens in the query (`/report-sign-in?token=…`).
    requestHook: (span, request) => span.setAttribute('url.path', request.url.split('?')[0] ?? ''),
  });
  instrumentation.setTracerProvider(provider);
  await app.register(instrumentation.plugin());
  app.addHook('onClose', async () => {
    try {
      await provider.shutdown();
    } catch (err) {
      app.log.warn({ err }, 'sending the last traces failed');
    } finally {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  });
}
