/** GET /v1/revocations/stream, read raw: what any client (not only the SDK) can rely on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from '../../src/sdk/streams/sse-parser.js';
import { startServer, type TestServer } from './support.js';

/** Opens the stream and collects its messages until `stop()`. */
async function listen(server: TestServer, authorization = `Bearer ${server.serviceKey}`) {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/v1/revocations/stream`, { headers: { authorization }, signal: controller.signal });
  const messages: SseMessage[] = [];
  if (res.status === 200) {
    const parser = new SseParser((m) => messages.push(m));
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(decoder.decode(r.value, { stream: true }));
    })().catch(() => {});
  }
  /** Waits (up to 3 s) until `count` messages of that event have arrived; returns them all. */
  const next = async (count: number, event?: string) => {
    const matching = () => messages.filter((m) => event === undefined || m.event === event);
    const end = Date.now() + 3_000;
    while (matching().length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return matching();
  };
  return { res, messages, next, stop: () => controller.abort() };
}

describe('GET /v1/revocations/stream', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ engine: 'sqlite' });
  });
  afterAll(() => server?.close());

  it('needs a service key: no key, a wrong key or a session token is 401 in the error envelope', async () => {
    const { token } = await server.newSession();
    for (const authorization of ['', 'Bearer nope', `Bearer ${token}`]) {
      const { res } = await listen(server, authorization);
      expect(res.status, authorization).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthenticated', message: 'A valid service key is required.' } });
    }
  });

  it('starts with ready, relays each revocation with ids only, and beats every second', async () => {
    const stream = await listen(server);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.res.headers.get('cache-control')).toBe('no-store');
    expect(await stream.next(1)).toEqual([{ event: 'ready', data: '{"heartbeat_ms":1000}' }]);

    const { token, sessionId, email } = await server.newSession();
    const other = await server.signIn(email);
    expect((await server.call('DELETE', `/v1/me/sessions/${sessionId}`, other.token)).status).toBe(204);
    expect((await server.call('POST', '/v1/me/sessions/revoke-all', other.token, {})).status).toBe(200);
    const revocations = (await stream.next(2, 'revocation')).map((m) => JSON.parse(m.data));
    expect(revocations).toEqual([
      // With when the revoking node committed (`at`, ms): a subscriber can measure the delay too.
      { kind: 'session', userId: expect.any(String), sessionId, at: expect.any(Number) },
      { kind: 'user', userId: revocations[0].userId, at: expect.any(Number) },
    ]);
    expect(JSON.stringify(stream.messages)).not.toContain(token.split('.')[1]);

    const beats = stream.messages.filter((m) => m.event === 'heartbeat').length;
    expect(await stream.next(beats + 1, 'heartbeat')).toContainEqual({ event: 'heartbeat', data: '{}' });
    expect(stream.messages.filter((m) => m.event === 'ready' || m.event === 'stale')).toHaveLength(1);
    stream.stop();
  });

  it('says stale, every second, while the server itself may miss revocations', async () => {
    const stale = await startServer({ engine: 'sqlite', bus: 'none' });
    try {
      const stream = await listen(stale);
      expect(await stream.next(2)).toEqual([
        { event: 'stale', data: '{}' },
        { event: 'stale', data: '{}' },
      ]);
      stream.stop();
    } finally {
      await stale.close();
    }
  });

  it('does not hold up shutdown: open streams are ended when the app closes', async () => {
    const other = await startServer({ engine: 'sqlite' });
    const streams = await Promise.all([listen(other), listen(other)]);
    await Promise.all(streams.map((s) => s.next(1)));
    const started = Date.now();
    await other.app.close();
    expect(Date.now() - started).toBeLessThan(400);
    await other.close();
  });
});
