import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApi } from '../../api';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('createApi: issue 11 routes', () => {
  it('uses the design’s paths, escaped, with its bodies, and reads the lists out of their envelopes', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(200, { apps: [{ id: 'g1' }] }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockResolvedValueOnce(json(200, { sessions: [{ id: 'rp1' }] }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockResolvedValueOnce(json(200, { tokens: [] }))
      .mockResolvedValueOnce(json(201, { token: { id: 't1' }, secret: 'sdpat_x' }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockResolvedValueOnce(json(200, { uid: 'u/1' }))
      .mockResolvedValueOnce(json(200, { redirect_to: '/oidc/auth/u1' }));
    const api = createApi(fetch);
    await expect(api.listConnectedApps()).resolves.toEqual([{ id: 'g1' }]);
    await expect(api.removeConnectedApp('g/1')).resolves.toBeUndefined();
    await expect(api.listRelyingPartySessions()).resolves.toEqual([{ id: 'rp1' }]);
    await api.signOutRelyingPartySession('rp1');
    await expect(api.listPersonalTokens()).resolves.toEqual({ tokens: [] });
    await expect(api.createPersonalToken({ name: 'CI', scopes: ['api:read'], expires_in_days: null })).resolves.toEqual({
      token: { id: 't1' },
      secret: 'sdpat_x',
    });
    await api.revokePersonalToken('t1');
    await api.getConsentInteraction('u/1');
    await expect(api.answerConsentInteraction('u1', 'approve')).resolves.toEqual({ redirect_to: '/oidc/auth/u1' });
    expect(
      (fetch.mock.calls as [string, RequestInit][]).map(
        ([url, init]) => `${init.method} ${url}${init.body === undefined ? '' : ` ${String(init.body)}`}`,
      ),
    ).toEqual([
      'GET /v1/me/connected-apps',
      'DELETE /v1/me/connected-apps/g%2F1',
      'GET /v1/me/relying-party-sessions',
      'DELETE /v1/me/relying-party-sessions/rp1',
      'GET /v1/me/tokens',
      'POST /v1/me/tokens {"name":"CI","scopes":["api:read"],"expires_in_days":null}',
      'DELETE /v1/me/tokens/t1',
      'GET /v1/oauth/interactions/u%2F1',
      'POST /v1/oauth/interactions/u1 {"decision":"approve"}',
    ]);
  });

  it('sends `include` with the bulk sign-outs only when asked', async () => {
    const fetch = vi.fn().mockImplementation(async () => json(200, { revoked: 2, apps_removed: 1, tokens_revoked: 1 }));
    const api = createApi(fetch);
    await expect(api.revokeOtherSessions()).resolves.toBe(2);
    await api.revokeOtherSessions(['connected_apps', 'tokens']);
    await api.revokeAllSessions([]);
    await api.revokeAllSessions(['connected_apps', 'tokens']);
    expect((fetch.mock.calls as [string, RequestInit][]).map(([url, init]) => `${url} ${String(init.body)}`)).toEqual([
      '/v1/me/sessions/revoke-others {}',
      '/v1/me/sessions/revoke-others {"include":["connected_apps","tokens"]}',
      '/v1/me/sessions/revoke-all {}',
      '/v1/me/sessions/revoke-all {"include":["connected_apps","tokens"]}',
    ]);
  });

  it('turns a missing route into a 404 ApiError, which the page reads as "not on this server"', async () => {
    const fetch = vi.fn().mockResolvedValue(json(404, { error: { code: 'not_found', message: 'Route GET:/v1/me/tokens not found' } }));
    const err = await createApi(fetch)
      .listPersonalTokens()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
  });
});
