/**
 * `GET /v1/revocations/stream`: the revocation fan-out as Server-Sent Events, for services that
 * keep a local cache (the SDK) but cannot reach Redis. Authenticated by service key, like
 * introspection. The wire format of each event is the buses' own (core/revocation-wire.ts).
 *
 *   event: ready       this node's bus is live: from now on every revocation reaches the stream
 *   event: revocation  data: {"kind":"session",...}, {"kind":"user",...} or {"kind":"policies",...}
 *   event: heartbeat   every second while live; a client that hears nothing for a few seconds
 *                      must stop trusting its cache and reconnect
 *   event: stale       every second while this node's bus is not live: events may be missed, so
 *                      the client must not trust its cache (introspect instead) until `ready`
 *
 * A client must empty its cache on every `ready`: it may have missed events before it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import { encode } from '../../core/revocation-wire.js';
import { parseToken } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import { requireServiceKey } from '../plugins/service-key.js';
import { SECURITY } from '../openapi.js';
import { ErrorResponse } from '../schemas.js';

/** Often enough that a client notices a dead stream within ~3 s, rare enough to cost nothing. */
export const STREAM_HEARTBEAT_MS = 1_000;
/** A client that stops reading is cut off rather than buffered for without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const frame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;
const READY = frame('ready', JSON.stringify({ heartbeat_ms: STREAM_HEARTBEAT_MS }));
const HEARTBEAT = frame('heartbeat', '{}');
const STALE = frame('stale', '{}');

interface Stream {
  res: ServerResponse;
  /** The service key it was opened with: a revoked key's streams are ended. */
  keyId: string;
  /** Whether this client was last told `ready` (true) or `stale` (false). */
  live: boolean;
}

export function revocationRoutes({ registry }: HttpContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', requireServiceKey(registry));

    const streams = new Set<Stream>();
    let timer: NodeJS.Timeout | undefined;

    const send = (stream: Stream, text: string) => {
      if (stream.res.writableLength > MAX_BUFFERED_BYTES) {
        stream.res.destroy();
        return;
      }
      stream.res.write(text);
    };

    /**
     * A key revoked since its stream opened (`sessiond service-keys revoke`, on any node) ends the
     * stream at the next tick: one read per distinct key, at most one round in flight.
     */
    let checking = false;
    const endRevokedKeys = async () => {
      if (checking || streams.size === 0) return;
      checking = true;
      try {
        for (const keyId of new Set([...streams].map((s) => s.keyId))) {
          const key = await registry.store.findServiceKey(keyId);
          if (key && key.revokedAt === null) continue;
          for (const stream of streams) if (stream.keyId === keyId) stream.res.end();
        }
      } catch {
        // The store is unreachable: the streams stay; the bus going stale tells clients so.
      } finally {
        checking = false;
      }
    };

    /** Tells each client whether it may trust its cache, as this node's bus goes live or not. */
    const tick = () => {
      void endRevokedKeys();
      const live = registry.bus.isLive();
      for (const stream of streams) {
        if (live && !stream.live) send(stream, READY);
        else send(stream, live ? HEARTBEAT : STALE);
        stream.live = live;
      }
    };

    // The bus has no unsubscribe: one listener per app, fanned out to whoever is connected.
    registry.bus.subscribe(
      (event) => {
        if (streams.size === 0) return;
        const text = frame('revocation', encode(event));
        for (const stream of streams) send(stream, text);
      },
      // The bus came back after a gap, possibly shorter than a tick: events may have been missed,
      // so every client is told `ready` again, which makes it empty its cache.
      () => {
        for (const stream of streams) {
          send(stream, READY);
          stream.live = true;
        }
      },
    );

    // Open streams would keep `app.close()` waiting forever: end them first.
    app.addHook('preClose', async () => {
      clearInterval(timer);
      timer = undefined;
      for (const stream of streams) stream.res.end();
      streams.clear();
    });

    app.get(
      '/revocations/stream',
      {
        // A HEAD would hold a connection open forever with nothing to read.
        exposeHeadRoute: false,
        schema: {
          tags: ['introspection'],
          operationId: 'streamRevocations',
          summary: 'Revocations as Server-Sent Events, for services that cache sessions',
          security: SECURITY.serviceKey,
          description:
            'Server-Sent Events: `ready`, `revocation` (data: {kind:"session",userId,sessionId} | {kind:"user",userId} | {kind:"policies",workspaceId}: drop every cached session), ' +
            '`heartbeat` every second while live, `stale` every second while this node may miss revocations. ' +
            'Empty your cache on every `ready`.',
          response: {
            200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            '4xx': ErrorResponse,
            '5xx': ErrorResponse,
          },
        },
      },
      (request, reply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          // Reverse proxies (nginx) would otherwise buffer the stream and delay revocations.
          'x-accel-buffering': 'no',
        });
        const keyId = parseToken(/^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '')?.id ?? '';
        const stream: Stream = { res, keyId, live: registry.bus.isLive() };
        res.write(stream.live ? READY : STALE);
        streams.add(stream);
        timer ??= setInterval(tick, STREAM_HEARTBEAT_MS);
        res.on('close', () => {
          streams.delete(stream);
          if (streams.size === 0) {
            clearInterval(timer);
            timer = undefined;
          }
        });
        request.log.debug('revocation stream opened');
      },
    );
  };
}
