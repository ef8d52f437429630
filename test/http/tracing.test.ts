/**
 * OpenTelemetry traces (`--otlp-traces-url`): off by default; when set, every request becomes a
 * trace that reaches an OTLP/HTTP receiver, the one this test runs on a loopback port (the
 * exporter posts OTLP JSON to the URL as given), continuing the caller's W3C `traceparent`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness } from '../support/harness.js';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: OtlpAttribute[];
}
interface Export {
  path: string;
  contentType: string;
  body: { resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };
}

const attr = (attributes: OtlpAttribute[], key: string) => {
  const value = attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('request traces over OTLP/HTTP', () => {
  let receiver: Server;
  let url: string;
  const exports: Export[] = [];
  const waiting = new Set<() => void>();

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        exports.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        for (const wake of waiting) wake();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/traces`;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const spans = () => exports.flatMap((e) => e.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

  it("with --otlp-traces-url, a request is exported as a trace (continuing the caller's traceparent) to the receiver", async () => {
    const h = await harness('sqlite', { otlpTracesUrl: url });
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    try {
      expect(h.app.hasRequestDecorator('opentelemetry')).toBe(true);
      const res = await h.request({ method: 'GET', url: '/healthz', headers: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
      expect(res.statusCode).toBe(200);
      expect((await h.request({ method: 'GET', url: '/v1/me/session?token=secret-in-the-query' })).statusCode).toBe(401);
    } finally {
      // Closing sends what the exporter still holds: the event the test waits for.
      await h.close();
      await h.database.drop();
    }
    expect(exports.length).toBeGreaterThan(0);
    expect(exports[0]!.path).toBe('/v1/traces');
    expect(exports[0]!.contentType).toMatch(/^application\/json/);
    expect(attr(exports[0]!.body.resourceSpans[0]!.resource.attributes, 'service.name')).toBe('sessiond');
    // The request span of /healthz is a child of the caller's span, in the caller's trace.
    const healthz = spans().filter((s) => s.traceId === traceId);
    const root = healthz.find((s) => s.parentSpanId === parentSpanId);
    expect(root, JSON.stringify(spans().map((s) => [s.name, s.attributes]))).toBeDefined();
    expect(attr(root!.attributes, 'http.route')).toBe('/healthz');
    expect(attr(root!.attributes, 'http.response.status_code')).toBe(200);
    // The refused request is its own trace, with its status.
    const refused = spans().find((s) => attr(s.attributes, 'http.route') === '/v1/me/session' && s.traceId !== traceId);
    expect(refused).toBeDefined();
    expect(attr(refused!.attributes, 'http.response.status_code')).toBe(401);
    // A query can hold a one-time token (links in mail): it never leaves in a trace.
    expect(attr(refused!.attributes, 'url.path')).toBe('/v1/me/session');
    expect(JSON.stringify(exports)).not.toContain('secret-in-the-query');
  });

  it('off by default: no tracing, nothing sent', async () => {
    const before = exports.length;
    const h = await harness('sqlite');
    try {
      expect(h.registry.config.otlpTracesUrl).toBeNull();
      expect(h.app.hasRequestDecorator('opentelemetry')).toBe(false);
      expect(
        (await h.request({ method: 'GET', url: '/healthz', headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` } }))
          .statusCode,
      ).toBe(200);
    } finally {
      await h.close();
      await h.database.drop();
    }
    expect(exports.length).toBe(before);
  });
});
