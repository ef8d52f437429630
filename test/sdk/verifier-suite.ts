/**
 * What `createVerifier` promises whichever way it hears revocations; run once per transport
 * (verifier-redis.test.ts, verifier-sse.test.ts) against a real sessiond on PostgreSQL, and again
 * on MySQL (verifier-mysql.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, SessiondUnavailableError, type Verifier, type VerifierOptions } from '../../src/sdk/index.js';
import { countingFetch, DEAD_URL, eventually, REDIS_URL, startServer, untilLive, type TestServer } from './support.js';

export function runVerifierSuite(transport: 'redis' | 'sse', engine: 'postgres' | 'mysql' = 'postgres'): { server: () => TestServer } {
  let server: TestServer;
  const verifiers: Verifier[] = [];
  const open = (options: Partial<VerifierOptions> = {}) => {
    const v = createVerifier({
      url: server.url,
      serviceKey: server.serviceKey,
      ...(transport === 'redis' ? { redisUrl: REDIS_URL, redisPrefix: server.registry.redisPrefix ?? '' } : {}),
      ...options,
    });
    verifiers.push(v);
    return v;
  };

  beforeAll(async () => {
    server = await startServer({ engine, redis: transport === 'redis' });
  });
  afterAll(async () => {
    await Promise.all(verifiers.map((v) => v.close()));
    await server?.close();
  });

  describe(`createVerifier over ${transport}${engine === 'mysql' ? ', sessiond on MySQL' : ''}`, () => {
    it('verifies a valid token, then answers it from the warm cache without a request', async () => {
      const counter = countingFetch();
      const verifier = open({ fetch: counter.fetch });
      await untilLive(verifier);
      expect(verifier.stats()).toMatchObject({ transport, live: true, streamError: null });
      const { token, sessionId } = await server.newSession();

      const session = await verifier.verify(token);
      expect(session).toEqual({
        userId: expect.any(String),
        sessionId,
        clientId: 'cli',
        issuedAt: expect.any(Number),
        expiresAt: expect.any(Number),
      });
      expect(session!.expiresAt).toBeGreaterThan(Date.now());
      expect(Math.abs(session!.issuedAt - Date.now())).toBeLessThan(60_000);

      for (let i = 0; i < 100; i++) expect(await verifier.verify(token)).toEqual(session);
      // Extra requests are allowed only for what makes the cache drop an answer: the stream coming
      // back after a gap (a server heartbeat missed under load) empties it. Revocations of other
      // sessions do not (counted anyway, as a margin). Without the cache: 101.
      const { liveTransitions, revocations } = verifier.stats();
      expect(counter.introspections()).toBeLessThanOrEqual(1 + liveTransitions + revocations);
      expect(counter.introspections()).toBeLessThan(20);
      expect(verifier.stats()).toMatchObject({ verifications: 101, cacheEntries: 1 });
    });

    it('refuses malformed tokens without any request, and unknown well-formed ones after asking', async () => {
      const counter = countingFetch();
      const verifier = open({ fetch: counter.fetch });
      const { token } = await server.newSession();
      for (const garbage of ['', 'x', token + 'x', token.slice(1), token.replace('.', '!'), `${'a'.repeat(22)}.${'b'.repeat(42)}=`])
        expect(await verifier.verify(garbage)).toBeNull();
      expect(await verifier.verify(null as unknown as string)).toBeNull();
      expect(counter.introspections()).toBe(0);
      expect(verifier.stats().malformed).toBe(7);

      // Right shape, wrong secret: sessiond says no, and the answer is not cached.
      const forged = `${token.slice(0, 23)}${'A'.repeat(43)}`;
      expect(await verifier.verify(forged)).toBeNull();
      expect(await verifier.verify(forged)).toBeNull();
      expect(counter.introspections()).toBe(2);
    });

    it('sees a revoked session through the stream while its cache was warm', async () => {
      const counter = countingFetch();
      const verifier = open({ fetch: counter.fetch });
      await untilLive(verifier);
      const { token, sessionId, email } = await server.newSession();
      const other = await server.signIn(email);
      expect(await verifier.verify(token)).not.toBeNull();
      expect(await verifier.verify(other.token)).not.toBeNull();
      expect(await verifier.verify(token)).not.toBeNull();
      expect(counter.introspections()).toBe(2);
      expect(verifier.stats().cacheHits).toBe(1);

      expect((await server.call('DELETE', `/v1/me/sessions/${sessionId}`, other.token)).status).toBe(204);
      // Until the event arrives the cache answers; then the entry is gone and sessiond says no.
      await eventually('the revocation to reach the SDK', async () => (await verifier.verify(token)) === null);
      expect(verifier.stats().revocations).toBeGreaterThanOrEqual(1);
      expect(counter.introspections()).toBe(3);
      // Only that session's entry was dropped.
      expect(await verifier.verify(other.token)).not.toBeNull();
      expect(counter.introspections()).toBe(3);
    });

    it('drops every session of a user on a user-wide revocation (revoke all)', async () => {
      const verifier = open();
      await untilLive(verifier);
      const first = await server.newSession();
      const second = await server.signIn(first.email);
      const bystander = await server.newSession();
      for (const t of [first.token, second.token, bystander.token]) expect(await verifier.verify(t)).not.toBeNull();
      expect(verifier.stats().cacheEntries).toBe(3);

      expect((await server.call('POST', '/v1/me/sessions/revoke-all', first.token, {})).status).toBe(200);
      await eventually('both sessions to be refused', async () => (await verifier.verify(first.token)) === null);
      expect(await verifier.verify(second.token)).toBeNull();
      const hits = verifier.stats().cacheHits;
      expect(await verifier.verify(bystander.token)).not.toBeNull();
      expect(verifier.stats().cacheHits).toBe(hits + 1);
    });

    it('throws SessiondUnavailableError, not null, when sessiond cannot be asked', async () => {
      const { token } = await server.newSession();
      const unreachable = open({
        url: DEAD_URL,
        ...(transport === 'redis' ? { redisUrl: 'redis://127.0.0.1:9', redisPrefix: 'unreachable' } : {}),
      });
      const error = await unreachable.verify(token).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessiondUnavailableError);
      expect(error).toMatchObject({ reason: 'unreachable', statusCode: 503 });
      expect(unreachable.stats().introspectionErrors).toBe(1);

      const wrongKey = open({ serviceKey: `${'A'.repeat(22)}.${'B'.repeat(43)}` });
      await expect(wrongKey.verify(token)).rejects.toMatchObject({ reason: 'service_key_rejected', status: 401 });
    });

    it('refuses a misconfiguration when created', () => {
      expect(() => createVerifier({ url: 'not a url', serviceKey: server.serviceKey })).toThrow(TypeError);
      expect(() => createVerifier({ url: 'ftp://x', serviceKey: server.serviceKey })).toThrow(TypeError);
      expect(() => createVerifier({ url: server.url, serviceKey: 'secret' })).toThrow(/service-keys create/);
    });
  });

  return { server: () => server };
}
