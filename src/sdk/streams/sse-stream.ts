/**
 * Revocations over sessiond's `GET /v1/revocations/stream` (Server-Sent Events), for services
 * that cannot reach Redis. Live after `ready` while messages keep arriving (the server sends a
 * heartbeat every second); `stale` means the server's own bus may miss events, so the cache is
 * not trusted until the next `ready`. A silent connection is dropped and reopened with backoff.
 */
import { decode } from '../../core/revocation-wire.js';
import { backoffMs, type RevocationStream, type StreamHandlers } from './revocation-stream.js';
import { SseParser, type SseMessage } from './sse-parser.js';

/** Three missed server heartbeats (1 s apart): the connection is presumed dead. */
export const SSE_SILENCE_MS = 3_000;
const WATCHDOG_MS = 1_000;

export interface SseStreamOptions {
  endpoint: string;
  serviceKey: string;
  fetch: typeof fetch;
}

export function sseStream({ endpoint, serviceKey, fetch: fetchImpl }: SseStreamOptions, handlers: StreamHandlers): RevocationStream {
  let closed = false;
  let ready = false;
  let lastMessageAt = 0;
  let lastError: string | null = null;
  let connection: AbortController | null = null;
  let wake: (() => void) | null = null;

  const onMessage = ({ event, data }: SseMessage) => {
    lastMessageAt = Date.now();
    if (event === 'ready') {
      ready = true;
      lastError = null;
      handlers.becameLive();
    } else if (event === 'stale') {
      ready = false;
    } else if (event === 'revocation') {
      const message = decode(data);
      if (message && message.kind !== 'heartbeat') handlers.revoked(message);
    }
  };

  // A half-open TCP connection delivers nothing and reports no error: silence ends it.
  let silenced = false;
  let lastTickAt = Date.now();
  const watchdog = setInterval(() => {
    const now = Date.now();
    // A late tick means this process was busy, not that sessiond went quiet: timers run before
    // pending socket reads, so give the buffered messages one turn to be read first.
    const lagged = now - lastTickAt > 2 * WATCHDOG_MS;
    lastTickAt = now;
    if (!lagged && connection && now - lastMessageAt > SSE_SILENCE_MS) {
      silenced = true;
      connection.abort();
    }
  }, WATCHDOG_MS);
  watchdog.unref();

  async function readOnce(): Promise<void> {
    const controller = new AbortController();
    connection = controller;
    silenced = false;
    lastMessageAt = Date.now();
    try {
      const res = await fetchImpl(endpoint, {
        headers: { authorization: `Bearer ${serviceKey}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (res.status !== 200 || !res.body) {
        await res.arrayBuffer().catch(() => {});
        throw new Error(res.status === 401 ? 'sessiond refused the service key' : `revocation stream answered ${res.status}`);
      }
      const parser = new SseParser(onMessage);
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(decoder.decode(r.value, { stream: true }));
      throw new Error('revocation stream ended');
    } catch (err) {
      lastError = silenced ? `no message from sessiond for ${SSE_SILENCE_MS} ms` : describe(err);
    } finally {
      ready = false;
      connection = null;
      controller.abort();
    }
  }

  async function run(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      const startedAt = Date.now();
      await readOnce();
      if (closed) return;
      // A connection that stayed up a while starts the backoff over.
      if (Date.now() - startedAt > SSE_SILENCE_MS) attempt = 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffMs(attempt));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  void run();

  return {
    transport: 'sse',
    isLive: () => ready && Date.now() - lastMessageAt <= SSE_SILENCE_MS,
    lastError: () => lastError,
    async close() {
      closed = true;
      clearInterval(watchdog);
      connection?.abort();
      wake?.();
    },
  };
}

/** fetch's own message is "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…). */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const why = e?.cause?.code ?? e?.cause?.message;
  return why ? `${e?.message ?? 'error'} (${why})` : (e?.message ?? String(err));
}
