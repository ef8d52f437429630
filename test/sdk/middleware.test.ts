/** The Fastify and Express helpers put the caller's session on the request, against a real sessiond. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, sessiondExpress, sessiondFastify, type Verifier } from '../../src/sdk/index.js';
import { DEAD_URL, startServer, type TestServer } from './support.js';

let server: TestServer;
let verifier: Verifier;
let down: Verifier;
let live: { token: string; sessionId: string };
let revoked: { token: string };

beforeAll(async () => {
  server = await startServer();
  verifier = createVerifier({ url: server.url, serviceKey: server.serviceKey });
  down = createVerifier({ url: DEAD_URL, serviceKey: server.serviceKey });
  const first = await server.newSession();
  live = await server.signIn(first.email);
  expect((await server.call('DELETE', `/v1/me/sessions/${first.sessionId}`, live.token)).status).toBe(204);
  revoked = first;
});
afterAll(async () => {
  await verifier?.close();
  await down?.close();
  await server?.close();
});

/** Each helper must give the same answers to the same requests. */
const cases = (): { name: string; headers: Record<string, string>; session: string | null }[] => [
  { name: 'bearer token', headers: { authorization: `Bearer ${live.token}` }, session: live.sessionId },
  { name: 'session cookie', headers: { cookie: `theme=dark; __Host-sessiond=${live.token}` }, session: live.sessionId },
  { name: 'no credential', headers: {}, session: null },
  { name: 'garbage bearer', headers: { authorization: 'Bearer not-a-token' }, session: null },
  { name: 'revoked session', headers: { authorization: `Bearer ${revoked.token}` }, session: null },
  {
    name: 'cookie and bearer disagree',
    headers: { authorization: `Bearer ${live.token}`, cookie: `__Host-sessiond=${revoked.token}` },
    session: null,
  },
];

describe('sessiondFastify', () => {
  const build = (v: Verifier, cookieName?: string) => {
    const app = Fastify();
    void app.register(sessiondFastify({ verifier: v, ...(cookieName ? { cookieName } : {}) }));
    // Registered in a child context: the plugin's hook must reach it (it is not encapsulated).
    void app.register(async (child) => {
      child.get('/whoami', async (request) => ({ session: request.session }));
    });
    return app;
  };

  it('puts the session, or null, on request.session', async () => {
    const app = build(verifier);
    for (const c of cases()) {
      const res = await app.inject({ method: 'GET', url: '/whoami', headers: c.headers });
      expect(res.statusCode, c.name).toBe(200);
      expect(res.json().session?.sessionId ?? null, c.name).toBe(c.session);
    }
    await app.close();
  });

  it('reads a configured cookie name', async () => {
    const app = build(verifier, 'sid');
    const res = await app.inject({ method: 'GET', url: '/whoami', headers: { cookie: `sid=${live.token}` } });
    expect(res.json().session).toMatchObject({ sessionId: live.sessionId, clientId: 'cli' });
    await app.close();
  });

  it('answers 503 when sessiond cannot be asked, never a silent null', async () => {
    const app = build(down);
    const res = await app.inject({ method: 'GET', url: '/whoami', headers: { authorization: `Bearer ${live.token}` } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    await app.close();
  });
});

describe('sessiondExpress', () => {
  let http: Server;
  let base: string;
  let downHttp: Server;
  let downBase: string;
  const listen = (v: Verifier) =>
    new Promise<Server>((resolve) => {
      const app = express();
      app.use(sessiondExpress({ verifier: v }));
      app.get('/whoami', (req, res) => {
        res.json({ session: req.session ?? null });
      });
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });

  beforeAll(async () => {
    http = await listen(verifier);
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    downHttp = await listen(down);
    downBase = `http://127.0.0.1:${(downHttp.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of [http, downHttp]) {
      s?.closeAllConnections();
      await new Promise((r) => s?.close(r));
    }
  });

  it('puts the session, or null, on req.session', async () => {
    for (const c of cases()) {
      const res = await fetch(`${base}/whoami`, { headers: c.headers });
      expect(res.status, c.name).toBe(200);
      const body = (await res.json()) as { session: { sessionId: string } | null };
      expect(body.session?.sessionId ?? null, c.name).toBe(c.session);
    }
  });

  it('passes SessiondUnavailableError to next(): Express answers 503', async () => {
    const res = await fetch(`${downBase}/whoami`, { headers: { authorization: `Bearer ${live.token}` } });
    expect(res.status).toBe(503);
    await res.arrayBuffer();
  });
});
