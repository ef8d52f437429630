/**
 * Registering OAuth/OIDC clients over HTTP (`/v1/admin/oauth-clients`,
 * src/http/admin/oauth-client-routes.ts): an instance admin registers, lists and removes clients;
 * a web client's secret is in the creation's answer and nowhere else, and it is the secret
 * oidc-provider will be handed; everyone else is refused (403; 401 without a session or with a
 * workspace API key); bad input is a 400 in the contract's shape naming the field.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { harness, ORIGIN, type Harness } from '../support/harness.js';

const OPS = 'ops-oauth@example.com';
const URL = '/v1/admin/oauth-clients';

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  if (message) expect(res.json().error.message).toMatch(message);
}

interface ClientView {
  id: string;
  name: string;
  logo_uri: string | null;
  kind: string;
  first_party: boolean;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri: string | null;
  confidential: boolean;
  created_at: string;
}

for (const engine of ENGINES.filter((e) => e !== 'mysql')) {
  describe(`OAuth clients over HTTP (${engine})`, () => {
    let h: Harness;
    let ops: string;
    let owner: string;

    const as = (token: string | null, o: InjectOptions) =>
      h.request({ ...o, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(o.headers ?? {}) } });
    const register = (token: string | null, payload: unknown) => as(token, { method: 'POST', url: URL, payload: payload as object });
    const list = async (token: string) => {
      const res = await as(token, { method: 'GET', url: URL });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { clients: ClientView[] }).clients;
    };

    async function person(email: string): Promise<string> {
      expect((await h.signUp(email)).statusCode).toBe(201);
      return h.bearerSignIn(email);
    }

    beforeAll(async () => {
      h = await harness(engine, { publicUrl: ORIGIN, signInIpLimit: '100000/1m', instanceAdmins: OPS });
      ops = await person(OPS);
      owner = await person('owner-oauth@example.com');
    });
    afterAll(async () => h?.close());

    it('registers a web client for an instance admin: its secret once, the one oidc-provider is given', async () => {
      const res = await register(ops, {
        name: '  Wiki  ',
        kind: 'web',
        first_party: true,
        redirect_uris: ['https://wiki.example.com/oidc/callback', 'http://localhost:3000/cb'],
        post_logout_redirect_uris: ['https://wiki.example.com/'],
        logo_uri: 'https://wiki.example.com/logo.png',
        backchannel_logout_uri: 'https://wiki.example.com/oidc/backchannel',
      });
      expect(res.statusCode, res.body).toBe(201);
      const { client, client_secret } = res.json() as { client: ClientView; client_secret: string };
      expect(client).toEqual({
        id: expect.stringMatching(/^oc_[A-Za-z0-9_-]{22}$/),
        name: 'Wiki',
        logo_uri: 'https://wiki.example.com/logo.png',
        kind: 'web',
        first_party: true,
        redirect_uris: ['https://wiki.example.com/oidc/callback', 'http://localhost:3000/cb'],
        post_logout_redirect_uris: ['https://wiki.example.com/'],
        backchannel_logout_uri: 'https://wiki.example.com/oidc/backchannel',
        confidential: true,
        created_at: new Date(h.clock.now()).toISOString(),
      });
      expect(client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await h.registry.oauthClients.metadata(client.id)).toMatchObject({
        client_id: client.id,
        client_secret,
        token_endpoint_auth_method: 'client_secret_basic',
      });
      // Listed without any secret.
      const listed = await list(ops);
      expect(listed.find((c) => c.id === client.id)).toEqual(client);
      const raw = (await as(ops, { method: 'GET', url: URL })).body;
      expect(raw).not.toContain(client_secret);
    });

    it('registers native and device clients as public clients, without a secret', async () => {
      const native = await register(ops, { name: 'Desktop', kind: 'native', redirect_uris: ['com.example.desktop:/callback'] });
      expect(native.statusCode, native.body).toBe(201);
      expect(native.json()).not.toHaveProperty('client_secret');
      expect(native.json().client).toMatchObject({ kind: 'native', confidential: false, first_party: false, logo_uri: null });
      h.clock.advance(1000);
      const device = await register(ops, { name: 'Command line', kind: 'device', first_party: true, logo_uri: null });
      expect(device.statusCode, device.body).toBe(201);
      expect(device.json()).not.toHaveProperty('client_secret');
      expect(device.json().client).toMatchObject({ kind: 'device', confidential: false, redirect_uris: [], backchannel_logout_uri: null });
      const ids = (await list(ops)).map((c) => c.id);
      // Newest first.
      expect(ids.indexOf(device.json().client.id)).toBeLessThan(ids.indexOf(native.json().client.id));
    });

    it('removes a client: gone from the list and from what oidc-provider reads; a second removal is 404', async () => {
      const made = await register(ops, { name: 'Short-lived', kind: 'native', redirect_uris: ['http://127.0.0.1/cb'] });
      const id = made.json().client.id as string;
      const removed = await as(ops, { method: 'DELETE', url: `${URL}/${id}` });
      expect(removed.statusCode, removed.body).toBe(204);
      expect((await list(ops)).map((c) => c.id)).not.toContain(id);
      expect(await h.registry.oauthClients.metadata(id)).toBeNull();
      expectError(await as(ops, { method: 'DELETE', url: `${URL}/${id}` }), 404, 'not_found');
      expectError(await as(ops, { method: 'DELETE', url: `${URL}/not-a-client-id` }), 400, 'invalid_request');
    });

    it('refuses everyone but the instance admins, before reading what they send', async () => {
      const before = (await list(ops)).length;
      expectError(await as(owner, { method: 'GET', url: URL }), 403, 'forbidden', /instance/);
      expectError(await register(owner, { name: 'Evil', kind: 'web', redirect_uris: ['https://evil.example.com/cb'] }), 403, 'forbidden');
      // Even a body that would be refused: a non-admin learns nothing about the API.
      expectError(await register(owner, { nonsense: true }), 403, 'forbidden');
      const some = (await list(ops))[0]!;
      expectError(await as(owner, { method: 'DELETE', url: `${URL}/${some.id}` }), 403, 'forbidden');
      expectError(await as(null, { method: 'GET', url: URL }), 401, 'unauthenticated');
      expectError(await register(null, { name: 'Anon', kind: 'device' }), 401, 'unauthenticated');
      expect((await list(ops)).length).toBe(before);
      expect((await list(ops)).map((c) => c.id)).toContain(some.id);
    });

    it('refuses a workspace API key, even an instance admin’s: it works on its workspace’s routes only', async () => {
      const ws = await as(ops, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Ops' } });
      expect(ws.statusCode, ws.body).toBe(201);
      const key = await as(ops, {
        method: 'POST',
        url: `/v1/admin/workspaces/${ws.json().workspace.id}/keys`,
        payload: { name: 'bot', scopes: ['audit:read'] },
      });
      expect(key.statusCode, key.body).toBe(201);
      expectError(await as(key.json().token, { method: 'GET', url: URL }), 401, 'unauthenticated');
    });

    it('works from the admin’s browser session (same origin), and refuses a cross-site request', async () => {
      const browser = await h.browserSignIn(OPS);
      const res = await browser.request({ method: 'POST', url: URL, payload: { name: 'From the browser', kind: 'device' } });
      expect(res.statusCode, res.body).toBe(201);
      const cross = await browser.request({
        method: 'POST',
        url: URL,
        headers: { origin: 'https://evil.example.com' },
        payload: { name: 'Cross-site', kind: 'device' },
      });
      expectError(cross, 403, 'csrf_failed');
      expect((await list(ops)).map((c) => c.name)).not.toContain('Cross-site');
    });

    it('answers bad input with 400 naming the field, and stores nothing', async () => {
      const before = (await list(ops)).length;
      const bad: [unknown, RegExp][] = [
        [{ name: 'X', kind: 'spa', redirect_uris: ['https://x.example.com/cb'] }, /kind/],
        [{ name: 'X', kind: 'web', redirect_uris: ['https://x.example.com/cb'], secret: 'mine' }, /unknown field "secret"/],
        [{ name: '', kind: 'device' }, /name/],
        [{ name: 'n'.repeat(81), kind: 'device' }, /name/],
        [{ name: 'Bell\u0007', kind: 'device' }, /^name/],
        [{ kind: 'device' }, /name/],
        [{ name: 'X', kind: 'web' }, /^redirect_uris needs at least one/],
        [{ name: 'X', kind: 'web', redirect_uris: 'https://x.example.com/cb' }, /redirect_uris/],
        [{ name: 'X', kind: 'web', redirect_uris: ['http://x.example.com/cb'] }, /^redirect_uris\[0\].*loopback/],
        [{ name: 'X', kind: 'web', redirect_uris: ['https://x.example.com/cb#frag'] }, /^redirect_uris\[0\].*fragment/],
        [{ name: 'X', kind: 'web', redirect_uris: ['https://*.example.com/cb'] }, /^redirect_uris\[0\].*wildcard/],
        [{ name: 'X', kind: 'native', redirect_uris: ['https://x.example.com/cb'] }, /^redirect_uris\[0\].*RFC 8252/],
        [{ name: 'X', kind: 'native', redirect_uris: ['myapp:/cb'] }, /^redirect_uris\[0\]/],
        [{ name: 'X', kind: 'device', redirect_uris: ['http://127.0.0.1/cb'] }, /^redirect_uris: a device client/],
        [{ name: 'X', kind: 'web', redirect_uris: Array.from({ length: 11 }, (_, i) => `https://x.example.com/${i}`) }, /redirect_uris/],
        [{ name: 'X', kind: 'device', logo_uri: 'http://x.example.com/logo.png' }, /^logo_uri/],
        [{ name: 'X', kind: 'device', backchannel_logout_uri: 'http://x.example.com/bc' }, /^backchannel_logout_uri/],
        [
          { name: 'X', kind: 'web', redirect_uris: ['https://x.example.com/cb'], post_logout_redirect_uris: ['ftp://x.example.com/'] },
          /^post_logout_redirect_uris\[0\]/,
        ],
        [{ name: 'X', kind: 'device', first_party: 'yes' }, /first_party/],
      ];
      for (const [payload, message] of bad) expectError(await register(ops, payload), 400, 'invalid_request', message);
      expectError(await as(ops, { method: 'GET', url: `${URL}?all=1` }), 400, 'invalid_request');
      expect((await list(ops)).length).toBe(before);
    });

    // Last: it moves the clock past the re-authentication window.
    it('asks for a recent authentication to register, not to list', async () => {
      h.clock.advance(11 * 60_000);
      expectError(await register(ops, { name: 'Later', kind: 'device' }), 403, 'reauth_required');
      expect((await list(ops)).map((c) => c.name)).not.toContain('Later');
    });
  });
}
