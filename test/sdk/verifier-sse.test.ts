/** The SDK hearing revocations on sessiond's SSE stream (sessiond on PostgreSQL, LISTEN/NOTIFY bus). */
import { afterEach, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../../src/sdk/index.js';
import { eventually, startServer, untilLive } from './support.js';
import { runVerifierSuite } from './verifier-suite.js';

const { server } = runVerifierSuite('sse');

/**
 * A network the test controls: `cut()` drops the open revocation stream and refuses new ones
 * (a proxy that kills long requests, say); introspection still goes through.
 */
function cuttableFetch() {
  let blocked = false;
  let open: AbortController[] = [];
  let introspections = 0;
  const wrapped: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/v1/introspect')) {
      introspections++;
      return fetch(input, init);
    }
    if (blocked) throw new TypeError('fetch failed: blocked by the test');
    const controller = new AbortController();
    open.push(controller);
    return fetch(input, { ...init, signal: AbortSignal.any([controller.signal, ...(init?.signal ? [init.signal] : [])]) });
  };
  return {
    fetch: wrapped,
    introspections: () => introspections,
    cut() {
      blocked = true;
      for (const c of open) c.abort();
      open = [];
    },
    restore() {
      blocked = false;
    },
  };
}

describe('createVerifier over sse, when the stream is down', () => {
  let verifier: Verifier | undefined;
  afterEach(() => verifier?.close());

  it('stops trusting its cache at once, asks sessiond, and empties the cache when the stream is back', async () => {
    const net = cuttableFetch();
    verifier = createVerifier({ url: server().url, serviceKey: server().serviceKey, fetch: net.fetch });
    await untilLive(verifier);
    const { token, sessionId, email } = await server().newSession();
    const other = await server().signIn(email);
    expect(await verifier.verify(token)).not.toBeNull();
    expect(await verifier.verify(other.token)).not.toBeNull();
    expect(net.introspections()).toBe(2);

    net.cut();
    await eventually('the stream to be down', () => !verifier!.stats().live);
    expect(verifier.stats().streamError).toMatch(/abort|blocked/i);
    // The revocation cannot reach the SDK now; introspection refuses the token anyway.
    expect((await server().call('DELETE', `/v1/me/sessions/${sessionId}`, other.token)).status).toBe(204);
    expect(await verifier.verify(token)).toBeNull();
    expect(await verifier.verify(other.token)).not.toBeNull();
    expect(net.introspections()).toBe(4);
    expect(verifier.stats().cacheHits).toBe(0);

    net.restore();
    await untilLive(verifier);
    expect(verifier.stats()).toMatchObject({ liveTransitions: 2, cacheEntries: 0 });
    expect(await verifier.verify(other.token)).not.toBeNull();
    expect(await verifier.verify(other.token)).not.toBeNull();
    expect(net.introspections()).toBe(5);
  });

  it('does not trust its cache while the server says its own bus is stale', async () => {
    const stale = await startServer({ engine: 'sqlite', bus: 'none' });
    try {
      const net = cuttableFetch();
      verifier = createVerifier({ url: stale.url, serviceKey: stale.serviceKey, fetch: net.fetch });
      const { token } = await stale.newSession();
      // Connected and reading (the server says `stale` every second), but never live.
      await new Promise((r) => setTimeout(r, 1_200));
      expect(verifier.stats()).toMatchObject({ live: false, streamError: null });
      expect(await verifier.verify(token)).not.toBeNull();
      expect(await verifier.verify(token)).not.toBeNull();
      expect(verifier.stats()).toMatchObject({ cacheHits: 0, introspections: 2 });
    } finally {
      await verifier?.close();
      await stale.close();
    }
  });
});
