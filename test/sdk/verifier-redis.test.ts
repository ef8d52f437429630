/** The SDK hearing revocations on sessiond's Redis channel (sessiond on PostgreSQL + Redis). */
import { afterEach, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../../src/sdk/index.js';
import { countingFetch, eventually, REDIS_URL } from './support.js';
import { runVerifierSuite } from './verifier-suite.js';

const { server } = runVerifierSuite('redis');

describe("createVerifier over redis: the deployment's channel", () => {
  it('needs the prefix sessiond names its channel with: without it, it refuses to start', () => {
    expect(() => createVerifier({ url: server().url, serviceKey: server().serviceKey, redisUrl: REDIS_URL })).toThrow(
      /redisUrl needs redisPrefix/,
    );
  });
});

describe('createVerifier over redis, when Redis cannot be reached', () => {
  let verifier: Verifier | undefined;
  afterEach(() => verifier?.close());

  it('is never live, asks sessiond on every call, and refuses a revoked token at once', async () => {
    const counter = countingFetch();
    verifier = createVerifier({
      url: server().url,
      serviceKey: server().serviceKey,
      redisUrl: 'redis://127.0.0.1:9',
      redisPrefix: server().registry.redisPrefix ?? '',
      fetch: counter.fetch,
    });
    const { token, sessionId, email } = await server().newSession();
    const other = await server().signIn(email);

    expect(await verifier.verify(token)).toMatchObject({ sessionId });
    expect(await verifier.verify(token)).toMatchObject({ sessionId });
    expect(verifier.stats()).toMatchObject({ transport: 'redis', live: false, cacheHits: 0, introspections: 2, cacheEntries: 0 });
    expect(verifier.stats().streamError).toMatch(/ECONNREFUSED|connect/i);

    expect((await server().call('DELETE', `/v1/me/sessions/${sessionId}`, other.token)).status).toBe(204);
    expect(await verifier.verify(token)).toBeNull();
    expect(counter.introspections()).toBe(3);
  });

  it('becomes live from the nodes heartbeats once Redis is reachable', async () => {
    verifier = createVerifier({
      url: server().url,
      serviceKey: server().serviceKey,
      redisUrl: REDIS_URL,
      redisPrefix: server().registry.redisPrefix ?? '',
    });
    expect(verifier.stats().live).toBe(false);
    await eventually('a heartbeat', () => verifier!.stats().live);
    expect(verifier.stats().liveTransitions).toBe(1);
  });
});
