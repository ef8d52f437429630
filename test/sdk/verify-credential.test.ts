/**
 * `verifyCredential`: one call for every credential sessiond issues for a user — a session
 * (cached, as `verify`), a personal access token, an OAuth access token (a CLI's device sign-in, a
 * connected app). Tokens are asked of sessiond on every call: revoking one on the Active sessions
 * page is seen by the very next call, with no cache to wait out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../../src/sdk/index.js';
import { countingFetch, startServer, type TestServer } from './support.js';

describe('verifier.verifyCredential', () => {
  let server: TestServer;
  let verifier: Verifier;
  const net = countingFetch();

  beforeAll(async () => {
    server = await startServer({ engine: 'sqlite' });
    verifier = createVerifier({ url: server.url, serviceKey: server.serviceKey, fetch: net.fetch });
  });
  afterAll(async () => {
    await verifier?.close();
    await server?.close();
  });

  it('a session token: the session, as verify() answers it', async () => {
    const { token, sessionId } = await server.newSession();
    expect(await verifier.verifyCredential(token)).toMatchObject({ kind: 'session', sessionId, clientId: 'cli' });
  });

  it('a personal access token: active with its scopes until revoked, then null on the next call', async () => {
    const { token } = await server.newSession();
    const made = await server.call('POST', '/v1/me/tokens', token, { name: 'ci', scopes: ['api:read'], expires_in_days: 30 });
    expect(made.status).toBe(201);
    const { secret, token: record } = (await made.json()) as { secret: string; token: { id: string } };
    expect(await verifier.verifyCredential(secret)).toMatchObject({
      kind: 'personal_access_token',
      clientId: 'personal-token',
      scopes: ['api:read'],
      expiresAt: expect.any(Number),
    });
    expect((await server.call('DELETE', `/v1/me/tokens/${record.id}`, token)).status).toBe(204);
    expect(await verifier.verifyCredential(secret)).toBeNull();
  });

  it('an OAuth access token: active while its grant is, null on the next call after "Remove access"', async () => {
    const { token } = await server.newSession();
    const me = (await (await server.call('GET', '/v1/me/session', token)).json()) as { user: { id: string } };
    const { client } = await server.registry.oauthClients.register({ name: 'Build CLI', kind: 'device' });
    const provider = await server.registry.oauth.provider();
    const grant = new provider.Grant({ accountId: me.user.id, clientId: client.id });
    grant.addOIDCScope('openid offline_access');
    const grantId = await grant.save();
    const access = await new provider.AccessToken({
      accountId: me.user.id,
      client: (await provider.Client.find(client.id))!,
      grantId,
      gty: 'urn:ietf:params:oauth:grant-type:device_code',
      scope: 'openid offline_access',
    }).save();
    expect(await verifier.verifyCredential(access)).toMatchObject({
      kind: 'access_token',
      userId: me.user.id,
      clientId: client.id,
      scopes: ['openid', 'offline_access'],
    });
    expect((await server.call('DELETE', `/v1/me/connected-apps/${grantId}`, token)).status).toBe(204);
    expect(await verifier.verifyCredential(access)).toBeNull();
  });

  it('garbage costs no request', async () => {
    const before = net.introspections();
    expect(await verifier.verifyCredential('not a token')).toBeNull();
    expect(await verifier.verifyCredential('')).toBeNull();
    expect(net.introspections()).toBe(before);
  });
});
