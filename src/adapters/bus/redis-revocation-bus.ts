/**
 * Revocation fan-out over Redis pub/sub (`--redis`). One connection publishes, one subscribes.
 * Pub/sub is at-most-once: a node that was disconnected may have missed events, so it is not live
 * (reads the database) until it has resubscribed and heard its own heartbeat again, and the
 * session cache is emptied at that moment.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RevocationBus, RevocationEvent } from '../../core/ports/revocation-bus.js';
import { DEFAULT_HEARTBEAT, Heartbeat, type BusOptions } from './heartbeat.js';
import { CHANNEL, decode, encode } from '../../core/revocation-wire.js';

export interface RedisBusOptions extends BusOptions {
  /**
   * The deployment's channel (`redisRevocationChannel(--redis-prefix)`): channels are global to a
   * Redis server, so each deployment sharing one needs its own. @default 'sessiond_revocations'
   */
  channel?: string;
}

export async function redisRevocationBus(url: string, options: RedisBusOptions = {}): Promise<RevocationBus> {
  const onError = options.onError ?? (() => {});
  const channel = options.channel ?? CHANNEL;
  const node = randomUUID();
  const clientOptions = {
    // Fail fast instead of queueing: a revocation must not wait on a dead connection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResubscribe: false,
    retryStrategy: (times: number) => Math.min(50 * times, 1_000),
    lazyConnect: true,
  };
  const publisher = new Redis(url, clientOptions);
  const subscriber = new Redis(url, clientOptions);
  const listeners: ((event: RevocationEvent) => void)[] = [];
  const heartbeat = new Heartbeat(
    options.heartbeat ?? DEFAULT_HEARTBEAT,
    async () => {
      await publisher.publish(channel, encode({ kind: 'heartbeat', node }));
    },
    onError,
    options.onGap,
  );

  // Errors surface as "not live" and are reported; the client reconnects by itself.
  publisher.on('error', onError);
  subscriber.on('error', onError);
  subscriber.on('close', () => heartbeat.lost());
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => heartbeat.subscribed(),
      (err: unknown) => {
        onError(err);
        heartbeat.lost();
      },
    );
  });
  subscriber.on('message', (_channel: string, text: string) => {
    const message = decode(text);
    if (!message) return;
    if (message.kind === 'heartbeat') {
      if (message.node === node) heartbeat.heard();
      return;
    }
    for (const listener of listeners) listener(message);
  });

  await Promise.all([publisher.connect(), subscriber.connect()]).catch(() => {
    // Unreachable at start: the node runs on the database alone until Redis answers.
  });
  heartbeat.start();

  return {
    async publish(event) {
      // One attempt: a failure is queued and retried by republishingBus without holding the request.
      await publisher.publish(channel, encode(event));
    },
    subscribe(listener, resync) {
      listeners.push(listener);
      if (resync) heartbeat.onResync(resync);
    },
    isLive: () => heartbeat.isLive(),
    async close() {
      heartbeat.stop();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
