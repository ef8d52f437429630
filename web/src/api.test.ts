import { describe, expect, it, vi } from 'vitest';
import { ApiError, auditDownloadUrl, createApi, ORDINARY_UNAUTHENTICATED_MESSAGE, parseRetryAfter, unauthenticatedReason } from './api';
import { messages } from './messages';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('createApi', () => {
  it('sends JSON bodies same-origin, with {} for POST routes without a payload', async () => {
    const fetch = vi.fn().mockResolvedValue(json(200, { revoked: 2 }));
    const api = createApi(fetch);
    await expect(api.revokeOtherSessions()).resolves.toBe(2);
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/v1/me/sessions/revoke-others');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{}' });
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json' });
  });

  it('maps the password form to the contract field names', async () => {
    const fetch = vi.fn().mockResolvedValue(new Response(null, { status: 204 }));
    await createApi(fetch).changePassword({ currentPassword: 'a', newPassword: 'b', signOutOthers: false });
    const init = fetch.mock.calls[0]?.[1] as RequestInit;
    expect(JSON.parse(init.body as string)).toEqual({ current_password: 'a', new_password: 'b', sign_out_others: false });
  });

  it('says whether turning MFA on signs out the other sessions (sign_out_others)', async () => {
    const fetch = vi.fn().mockImplementation(async () => json(200, { recovery_codes: ['a'], revoked: 0 }));
    const api = createApi(fetch);
    await expect(api.confirmTotpEnrolment('123456', false)).resolves.toEqual(['a']);
    await api.confirmTotpEnrolment('654321', true);
    const bodies = (fetch.mock.calls as [string, RequestInit][]).map(([url, init]) => `${url} ${String(init.body)}`);
    expect(bodies).toEqual([
      '/v1/me/mfa/totp/confirm {"code":"123456","sign_out_others":false}',
      '/v1/me/mfa/totp/confirm {"code":"654321","sign_out_others":true}',
    ]);
  });

  it('pages the security timeline with limit and an escaped cursor', async () => {
    const fetch = vi.fn().mockImplementation(async () => json(200, { events: [], next_cursor: null }));
    const api = createApi(fetch);
    await expect(api.listSecurityEvents()).resolves.toEqual({ events: [], next_cursor: null });
    await api.listSecurityEvents({ cursor: 'a+b/c=', limit: 5 });
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      '/v1/me/security-events?limit=20',
      '/v1/me/security-events?limit=5&cursor=a%2Bb%2Fc%3D',
    ]);
  });

  it('sends the reset and "This wasn\'t me" tokens in the body, and takes 202 and 204 without a body', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(new Response(null, { status: 202 }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockResolvedValueOnce(new Response(null, { status: 204 }));
    const api = createApi(fetch);
    await expect(api.requestPasswordReset('ada@example.com')).resolves.toBeUndefined();
    await expect(api.confirmPasswordReset('reset-tok', 'a new long passphrase')).resolves.toBeUndefined();
    await expect(api.reportSignIn('report-tok')).resolves.toBeUndefined();
    expect((fetch.mock.calls as [string, RequestInit][]).map(([url, init]) => [url, init.method, JSON.parse(init.body as string)])).toEqual(
      [
        ['/v1/auth/password-reset', 'POST', { email: 'ada@example.com' }],
        ['/v1/auth/password-reset/confirm', 'POST', { token: 'reset-tok', new_password: 'a new long passphrase' }],
        ['/v1/auth/report-sign-in', 'POST', { token: 'report-tok' }],
      ],
    );
  });

  it('escapes the session id in the path', async () => {
    const fetch = vi.fn().mockResolvedValue(new Response(null, { status: 204 }));
    await createApi(fetch).revokeSession('a/../b');
    expect(fetch.mock.calls[0]?.[0]).toBe('/v1/me/sessions/a%2F..%2Fb');
    expect((fetch.mock.calls[0]?.[1] as RequestInit).body).toBeUndefined();
  });

  it('turns the error envelope into an ApiError with the server message and Retry-After', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValue(json(429, { error: { code: 'rate_limited', message: 'Too many attempts.' } }, { 'Retry-After': '42' }));
    const err = await createApi(fetch)
      .signIn('a@b.c', 'x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', message: 'Too many attempts.', retryAfterSeconds: 42 });
  });

  it('drops the server’s vague "Try again later." when Retry-After names the wait the pages will give', async () => {
    const limited = (headers: Record<string, string>) =>
      createApi(
        vi.fn().mockResolvedValue(json(429, { error: { code: 'rate_limited', message: 'Too many attempts. Try again later.' } }, headers)),
      )
        .signIn('a@b.c', 'x')
        .catch((e: unknown) => e);
    expect(await limited({ 'Retry-After': '887' })).toMatchObject({ message: 'Too many attempts.', retryAfterSeconds: 887 });
    expect(await limited({})).toMatchObject({ message: 'Too many attempts. Try again later.', retryAfterSeconds: undefined });
    expect(`${((await limited({ 'Retry-After': '887' })) as ApiError).message} ${messages.common.retryAfter(887)}`).toBe(
      'Too many attempts. Try again in 15 minutes.',
    );
  });

  it('says a wait in a unit a person reads', () => {
    const { retryAfter } = messages.common;
    expect([1, 0.2, 45, 60, 61, 887, 3600, 5400].map(retryAfter)).toEqual([
      'Try again in 1 second.',
      'Try again in 1 second.',
      'Try again in 45 seconds.',
      'Try again in 1 minute.',
      'Try again in 2 minutes.',
      'Try again in 15 minutes.',
      'Try again in 1 hour.',
      'Try again in 2 hours.',
    ]);
  });

  it('says so in words when the server cannot be reached or answers outside the contract', async () => {
    const down = createApi(vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(down.listSessions()).rejects.toMatchObject({ code: 'network_error', message: expect.stringMatching(/Could not reach/) });
    const proxy = createApi(vi.fn().mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 })));
    await expect(proxy.listSessions()).rejects.toMatchObject({ code: 'unexpected_response', message: expect.stringContaining('502') });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Thu, 15 Jan 2026 12:01:00 GMT', new Date('2026-01-15T12:00:00Z'))).toBe(60);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('unauthenticatedReason', () => {
  it('is the 401’s message when it says why, and null for the ordinary one or any other error', () => {
    const why = 'An administrator of your workspace ended this session. Sign in again to continue.';
    expect(unauthenticatedReason(new ApiError(401, 'unauthenticated', why))).toBe(why);
    expect(unauthenticatedReason(new ApiError(401, 'unauthenticated', ORDINARY_UNAUTHENTICATED_MESSAGE))).toBeNull();
    expect(unauthenticatedReason(new ApiError(401, 'unauthenticated', ' '))).toBeNull();
    expect(unauthenticatedReason(new ApiError(401, 'invalid_credentials', why))).toBeNull();
    expect(unauthenticatedReason(new Error(why))).toBeNull();
    expect(unauthenticatedReason(undefined)).toBeNull();
  });

  it('reads the message from the server’s error envelope', async () => {
    const why = 'An administrator of your workspace ended this session. Sign in again to continue.';
    const fetch = vi.fn().mockResolvedValue(json(401, { error: { code: 'unauthenticated', message: why } }));
    const err = await createApi(fetch)
      .listSessions()
      .catch((e: unknown) => e);
    expect(unauthenticatedReason(err)).toBe(why);
  });
});

describe('workspace calls', () => {
  it('use the admin API’s paths, escaped, with the contract’s bodies', async () => {
    const fetch = vi.fn().mockImplementation(async (url: string) => {
      if (url.endsWith('/offboard'))
        return json(200, {
          sessions_ended: 1,
          devices_untrusted: 0,
          keys_revoked: 0,
          apps_removed: 0,
          tokens_revoked: 0,
          membership_disabled: true,
        });
      if (url.endsWith('/replace-device')) return json(200, { revoked: 2, untrusted: true });
      if (url.endsWith('/role')) return new Response(null, { status: 204 });
      if (url.endsWith('/sessions') && !url.includes('/me/')) return json(200, { revoked: 2 });
      if (url.includes('/invitations') || url.includes('/security-owner')) return new Response(null, { status: 204 });
      if (url.endsWith('/reviews/complete')) return json(200, { completed: 2, sign_outs: 1 });
      return json(200, {
        workspaces: [],
        workspace: { id: 'w' },
        members: [],
        entries: [],
        next_cursor: null,
        sessions: [],
        asked: 3,
        reviews: [],
      });
    });
    const api = createApi(fetch);
    await api.listMyWorkspaces();
    await api.joinWorkspace('tok');
    await api.inviteWorkspaceMember('w/1', 'a@b.c', 'member');
    await api.setWorkspaceSecurityOwner('w1', 'u2');
    await expect(api.revokeMemberSessions('w1', 'u2')).resolves.toBe(2);
    await api.revokeMemberSession('w1', 'u2', 's3');
    await api.offboardMember('w1', 'u2');
    await expect(api.replaceMemberDevice('w1', 'u/2', 's3')).resolves.toEqual({ revoked: 2, untrusted: true });
    await expect(api.changeMemberRole('w1', 'u2', 'security_admin')).resolves.toBeUndefined();
    await expect(api.replaceDevice('s/4')).resolves.toEqual({ revoked: 2, untrusted: true });
    await api.listWorkspaceAudit('w1', { cursor: 'c+1' });
    await expect(api.requestWorkspaceReview('w/1')).resolves.toBe(3);
    await expect(api.listWorkspaceReviews('w1')).resolves.toEqual([]);
    await expect(api.listMyReviews()).resolves.toEqual([]);
    await expect(api.completeMyReviews()).resolves.toEqual({ completed: 2, sign_outs: 1 });
    const calls = (fetch.mock.calls as [string, RequestInit][]).map(([url, init]) => `${init.method} ${url} ${String(init.body ?? '')}`);
    expect(calls).toEqual([
      'GET /v1/me/workspaces ',
      'POST /v1/me/workspaces/join {"token":"tok"}',
      'POST /v1/admin/workspaces/w%2F1/invitations {"email":"a@b.c","role":"member"}',
      'PUT /v1/admin/workspaces/w1/security-owner {"user_id":"u2"}',
      'DELETE /v1/admin/workspaces/w1/members/u2/sessions ',
      'DELETE /v1/admin/workspaces/w1/members/u2/sessions/s3 ',
      'POST /v1/admin/workspaces/w1/members/u2/offboard {}',
      'POST /v1/admin/workspaces/w1/members/u%2F2/sessions/s3/replace-device {}',
      'PUT /v1/admin/workspaces/w1/members/u2/role {"role":"security_admin"}',
      'POST /v1/me/sessions/s%2F4/replace-device {}',
      'GET /v1/admin/workspaces/w1/audit?limit=20&cursor=c%2B1 ',
      'POST /v1/admin/workspaces/w%2F1/reviews {}',
      'GET /v1/admin/workspaces/w1/reviews ',
      'GET /v1/me/reviews ',
      'POST /v1/me/reviews/complete {}',
    ]);
    expect(auditDownloadUrl('w1', 'csv')).toBe('/v1/admin/workspaces/w1/audit?format=csv');
  });

  it('read and set the session policy at …/policy, the rules as the body', async () => {
    const policy = {
      max_lifetime_seconds: 28800,
      idle_timeout_seconds: null,
      max_sessions: 3,
      mfa_required: true,
      trusted_device_apps: ['desktop'],
      allowed_countries: ['GB'],
    };
    const saved = { ...policy, updated_at: '2026-01-15T12:00:00.000Z', updated_by: 'u1' };
    const fetch = vi
      .fn()
      .mockImplementation(async (_url: string, init: RequestInit) =>
        json(200, init.method === 'PUT' ? { policy: saved, ended: 2 } : saved),
      );
    const api = createApi(fetch);
    await expect(api.getWorkspacePolicy('w/1')).resolves.toEqual(saved);
    await expect(api.setWorkspacePolicy('w1', policy)).resolves.toEqual({ policy: saved, ended: 2 });
    const calls = (fetch.mock.calls as [string, RequestInit][]).map(([url, init]) => `${init.method} ${url} ${String(init.body ?? '')}`);
    expect(calls).toEqual(['GET /v1/admin/workspaces/w%2F1/policy ', `PUT /v1/admin/workspaces/w1/policy ${JSON.stringify(policy)}`]);
  });
});
