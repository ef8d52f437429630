/** Builders and a scripted API for component tests. */
import { vi } from 'vitest';
import { ApiError } from '../api';
import type {
  Api,
  AuditEntry,
  MyWorkspace,
  Overview,
  Passkey,
  PendingReview,
  ReviewStatus,
  SecurityEvent,
  Session,
  UiConfig,
  User,
  WorkspaceMember,
  WorkspacePolicy,
} from '../api';
import type { WebAuthn } from '../webauthn';
import type { ConnectedApp, ConsentInteraction, PersonalToken, RelyingPartySession } from '../pages/credentials/types';

export const NOW = new Date('2026-01-15T12:00:00Z');

export function makeUser(overrides: Partial<User> = {}): User {
  return { id: 'u1', email: 'ada@example.com', name: null, created_at: '2025-06-01T10:00:00Z', ...overrides };
}

export function makeSession(overrides: Partial<Session> & { id: string }): Session {
  return {
    client: { id: 'web', name: 'Web', kind: 'browser' },
    device: { name: 'Chrome on Windows', os: 'Windows 11', browser: 'Chrome 131', type: 'desktop' },
    ip: '203.0.113.7',
    location: { city: 'Cambridge', region: 'England', country: 'GB', approximate: true },
    signed_in_at: '2026-01-15T09:00:00Z',
    last_active_at: '2026-01-15T11:55:00Z',
    expires_at: '2026-02-14T09:00:00Z',
    trusted: false,
    current: false,
    auth_method: 'password',
    ...overrides,
  };
}

/** A security event as the server sends it; a sign-in from this session unless overridden. */
export function makeEvent(overrides: Partial<SecurityEvent> & { id: string }): SecurityEvent {
  return {
    kind: 'sign_in',
    at: '2026-01-15T11:00:00Z',
    session_id: 'me',
    ip: '203.0.113.7',
    location: { city: 'Cambridge', region: 'England', country: 'GB', approximate: true },
    device: { name: 'Chrome on Windows', os: 'Windows 11', browser: 'Chrome 131' },
    client: { id: 'web', name: 'Web' },
    actor: { kind: 'session', session_id: 'me', ip: '203.0.113.7', current: true },
    signals: [],
    count: null,
    reason: null,
    ...overrides,
  };
}

/** A workspace as the caller's list has it: owned by the signed-in user (u1) unless overridden. */
export function makeWorkspace(overrides: Partial<MyWorkspace> = {}): MyWorkspace {
  return {
    id: 'ws1',
    name: 'Acme',
    role: 'owner',
    security_owner_id: 'u1',
    created_at: '2026-01-01T09:00:00Z',
    ...overrides,
  };
}

export function makeMember(overrides: Partial<WorkspaceMember> & { user_id: string; email: string }): WorkspaceMember {
  return {
    name: null,
    role: 'member',
    status: 'active',
    joined_at: '2026-01-02T09:00:00Z',
    disabled_at: null,
    active_sessions: 1,
    last_active_at: '2026-01-15T11:30:00Z',
    mfa_enabled: false,
    trusted_devices: 0,
    last_reviewed_at: null,
    ...overrides,
  };
}

export function makeAuditEntry(overrides: Partial<AuditEntry> & { id: string }): AuditEntry {
  return {
    at: '2026-01-15T10:00:00Z',
    actor_id: 'u1',
    action: 'workspace.created',
    target_kind: 'workspace',
    target_id: 'ws1',
    ip: '203.0.113.7',
    user_agent: null,
    request_id: null,
    details: { name: 'Acme' },
    ...overrides,
  };
}

/** A pending request to review one's sessions: one a workspace's admin made unless overridden. */
export function makeReview(overrides: Partial<PendingReview> & { id: string }): PendingReview {
  return {
    reason: 'workspace_request',
    workspace_id: 'ws1',
    workspace_name: 'Acme',
    requested_at: '2026-01-15T10:00:00Z',
    ...overrides,
  };
}

/** A member's review status in a workspace: never asked unless overridden. */
export function makeReviewStatus(overrides: Partial<ReviewStatus> & { user_id: string; email: string }): ReviewStatus {
  return { name: null, requested_at: null, completed_at: null, sign_outs: null, ...overrides };
}

/** A workspace's session policy: every rule off (never set) unless overridden. */
export function makePolicy(overrides: Partial<WorkspacePolicy> = {}): WorkspacePolicy {
  return {
    max_lifetime_seconds: null,
    idle_timeout_seconds: null,
    max_sessions: null,
    mfa_required: false,
    trusted_device_apps: [],
    allowed_countries: null,
    updated_at: null,
    updated_by: null,
    ...overrides,
  };
}

/**
 * A security overview as the server answers it: every figure 0 against 0, four points of empty
 * series, for the last 24 hours ending at NOW, unless overridden.
 */
export function makeOverview(overrides: Partial<Overview> = {}): Overview {
  const range = overrides.range ?? '24h';
  const to = NOW.getTime();
  const span = range === '24h' ? 86_400_000 : 7 * 86_400_000;
  const stepMs = range === '24h' ? 900_000 : 3_600_000;
  const week = 7 * 86_400_000;
  const t = [0, 1, 2, 3].map((i) => to - span + i * stepMs);
  const ids: Overview['figures'][number]['id'][] = [
    'sign_ins',
    'sign_in_success_rate',
    'sign_in_failures',
    'mfa_failures',
    'suspicious_sign_ins',
    'suspicious_confirmed',
    'suspicious_reported',
    'median_alert_to_review_ms',
    'revocations',
    'validation_p50_seconds',
    'validation_p99_seconds',
    'revocation_lag_p99_seconds',
    'alert_mails_sent',
    'alert_mails_failed',
    'database_errors',
    'unavailable_answers',
    'rate_limited',
    'db_statements_per_request',
    'cpu_seconds_per_1000_validations',
    'cache_hit_ratio',
  ];
  const series: Overview['series'][number]['id'][] = [
    'sign_ins',
    'sign_in_failures',
    'sign_in_success_rate',
    'validation_p50_seconds',
    'validation_p99_seconds',
    'revocation_lag_p99_seconds',
    'revocations',
    'suspicious_sign_ins',
    'alert_mails_sent',
    'alert_mails_failed',
  ];
  return {
    scope: 'workspace',
    range,
    from: to - span,
    to,
    previous_from: to - span - week,
    previous_to: to - week,
    step_ms: stepMs,
    figures: ids.map((id) => ({ id, current: 0, previous: 0 })),
    failures_by_reason: [],
    revocations_by_actor: [],
    series: series.map((id) => ({ id, t, current: [0, 0, 0, 0], previous: [0, 0, 0, 0] })),
    ...overrides,
  };
}

/** A passkey as the list has it: synced, from iCloud Keychain, never used, unless overridden. */
export function makePasskey(overrides: Partial<Passkey> & { id: string }): Passkey {
  return {
    name: 'MacBook · Safari',
    created_at: '2026-01-10T09:00:00Z',
    last_used_at: null,
    backed_up: true,
    authenticator: 'iCloud Keychain',
    ...overrides,
  };
}

/** What a browser's authenticator answers, opaque to the pages (the server checks it). */
export const REGISTRATION_RESPONSE = {
  id: 'cred-1',
  rawId: 'cred-1',
  type: 'public-key' as const,
  response: { clientDataJSON: 'cdj', attestationObject: 'ao', transports: ['internal' as const] },
  clientExtensionResults: {},
};
export const AUTHENTICATION_RESPONSE = {
  id: 'cred-1',
  rawId: 'cred-1',
  type: 'public-key' as const,
  response: { clientDataJSON: 'cdj', authenticatorData: 'ad', signature: 'sig', userHandle: 'u1' },
  clientExtensionResults: {},
};
export const CREATION_OPTIONS = {
  challenge: 'reg-challenge',
  rp: { id: 'localhost', name: 'sessiond' },
  user: { id: 'dTE', name: 'ada@example.com', displayName: 'ada@example.com' },
  pubKeyCredParams: [{ type: 'public-key' as const, alg: -7 }],
};
export const REQUEST_OPTIONS = {
  challenge: 'auth-challenge',
  rpId: 'localhost',
  allowCredentials: [],
  userVerification: 'required' as const,
};

/** The browser's refusal when the person cancels (or the request times out): a NotAllowedError. */
export function notAllowed(): DOMException {
  return new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
}

export type FakeWebAuthn = { [K in keyof WebAuthn]: ReturnType<typeof vi.fn<WebAuthn[K]>> };

/**
 * A browser with passkeys and their autofill: it creates and signs at once, unless a test
 * scripts otherwise. An autofill request waits (as a real one does until a passkey is picked)
 * until cancel() aborts it.
 */
export function fakeWebAuthn(options: { supported?: boolean; autofill?: boolean } = {}): FakeWebAuthn {
  const pending = new Set<(err: unknown) => void>();
  return {
    supported: vi.fn<WebAuthn['supported']>().mockReturnValue(options.supported ?? true),
    supportsAutofill: vi.fn<WebAuthn['supportsAutofill']>().mockResolvedValue(options.autofill ?? false),
    register: vi.fn<WebAuthn['register']>().mockResolvedValue(REGISTRATION_RESPONSE),
    authenticate: vi.fn<WebAuthn['authenticate']>().mockImplementation((_options, autofill) => {
      if (autofill !== true) return Promise.resolve(AUTHENTICATION_RESPONSE);
      return new Promise((_resolve, reject) => pending.add(reject));
    }),
    cancel: vi.fn<WebAuthn['cancel']>().mockImplementation(() => {
      for (const reject of pending) reject(new DOMException('The request was aborted.', 'AbortError'));
      pending.clear();
    }),
  };
}

export const uiConfig: UiConfig = {
  product_name: 'sessiond',
  passkeys: true,
  sessions_page: {
    covers: 'Sign-ins to sessiond’s own apps: web, desktop, mobile and CLI.',
    excludes: 'What other services keep on their side: signing out below tells them, but one that ignores it may keep you signed in there.',
  },
  apps: [
    { id: 'web', name: 'Web', kind: 'browser' },
    { id: 'desktop', name: 'Desktop app', kind: 'desktop' },
    { id: 'mobile', name: 'Mobile app', kind: 'mobile' },
    { id: 'platform', name: 'Platform console', kind: 'browser' },
    { id: 'cli', name: 'Command line', kind: 'cli' },
  ],
};

/** An app connected with the authorization code flow: a third-party notes app unless overridden. */
export function makeConnectedApp(overrides: Partial<ConnectedApp> & { id: string }): ConnectedApp {
  return {
    client: { id: 'notes', name: 'Notes Pro', logo_uri: null, first_party: false },
    via: 'authorization_code',
    scopes: ['openid', 'profile', 'email'],
    device_name: null,
    first_authorized_at: '2026-01-10T09:00:00Z',
    last_used_at: '2026-01-15T11:00:00Z',
    last_used_location: { city: 'Lyon', region: null, country: 'FR', approximate: true },
    ...overrides,
  };
}

/** A command-line sign-in (device flow) on a build server near Frankfurt unless overridden. */
export function makeDeviceSignIn(overrides: Partial<ConnectedApp> & { id: string }): ConnectedApp {
  return makeConnectedApp({
    client: { id: 'cli', name: 'Command line', logo_uri: null, first_party: true },
    via: 'device_code',
    scopes: ['openid', 'offline_access'],
    device_name: 'build-server',
    last_used_location: { city: 'Frankfurt', region: 'Hesse', country: 'DE', approximate: true },
    ...overrides,
  });
}

export function makeRelyingPartySession(overrides: Partial<RelyingPartySession> & { id: string }): RelyingPartySession {
  return {
    client: { id: 'wiki', name: 'Team wiki', logo_uri: null },
    signed_in_at: '2026-01-14T08:00:00Z',
    ...overrides,
  };
}

export function makePersonalToken(overrides: Partial<PersonalToken> & { id: string }): PersonalToken {
  return {
    name: 'Deploy script',
    scopes: ['api:read'],
    created_at: '2026-01-05T10:00:00Z',
    expires_at: '2026-02-04T10:00:00Z',
    last_used_at: null,
    last_used_ip: null,
    ...overrides,
  };
}

/** A third-party app asking for the basic scopes from a browser (no device) unless overridden. */
export function makeConsentInteraction(overrides: Partial<ConsentInteraction> = {}): ConsentInteraction {
  return {
    uid: 'uid-1',
    client: { id: 'notes', name: 'Notes Pro', logo_uri: null, first_party: false },
    scopes: ['openid', 'profile', 'email'],
    device: null,
    ...overrides,
  };
}

export const RECOVERY_CODES = Array.from({ length: 10 }, (_, i) => `abcde-fgh${String(i).padStart(2, '0')}`);

export function reauthRequired(): ApiError {
  return new ApiError(403, 'reauth_required', 'Confirm it is you: enter your password or a code again to continue.');
}

export function unauthenticated(): ApiError {
  return new ApiError(401, 'unauthenticated', 'A valid session is required.');
}

export type FakeApi = { [K in keyof Api]: ReturnType<typeof vi.fn<Api[K]>> };

export function fakeApi(sessions: Session[] = []): FakeApi {
  return {
    getUiConfig: vi.fn<Api['getUiConfig']>().mockResolvedValue(uiConfig),
    getCurrentSession: vi.fn<Api['getCurrentSession']>().mockResolvedValue({
      user: makeUser(),
      session: sessions.find((s) => s.current) ?? makeSession({ id: 'cur', current: true }),
    }),
    listSessions: vi.fn<Api['listSessions']>().mockResolvedValue(sessions),
    revokeSession: vi.fn<Api['revokeSession']>().mockResolvedValue(undefined),
    getSessionHistory: vi.fn<Api['getSessionHistory']>(),
    revokeOtherSessions: vi.fn<Api['revokeOtherSessions']>().mockResolvedValue(sessions.filter((s) => !s.current).length),
    revokeAllSessions: vi.fn<Api['revokeAllSessions']>().mockResolvedValue(sessions.length),
    replaceDevice: vi.fn<Api['replaceDevice']>().mockResolvedValue({ revoked: 1, untrusted: false }),
    signIn: vi.fn<Api['signIn']>(),
    signOut: vi.fn<Api['signOut']>().mockResolvedValue(undefined),
    changePassword: vi.fn<Api['changePassword']>().mockResolvedValue(undefined),
    signInWithCode: vi.fn<Api['signInWithCode']>(),
    reauthenticate: vi.fn<Api['reauthenticate']>().mockResolvedValue(undefined),
    listPasskeys: vi.fn<Api['listPasskeys']>().mockResolvedValue({ passkeys: [], limit: 10 }),
    beginPasskeyRegistration: vi.fn<Api['beginPasskeyRegistration']>().mockResolvedValue(CREATION_OPTIONS),
    addPasskey: vi
      .fn<Api['addPasskey']>()
      .mockImplementation(async (_response, name) => makePasskey({ id: 'new', name: name ?? 'Passkey', created_at: NOW.toISOString() })),
    renamePasskey: vi.fn<Api['renamePasskey']>().mockImplementation(async (id, name) => makePasskey({ id, name })),
    removePasskey: vi.fn<Api['removePasskey']>().mockResolvedValue(undefined),
    beginPasskeyReauthentication: vi.fn<Api['beginPasskeyReauthentication']>().mockResolvedValue(REQUEST_OPTIONS),
    beginPasskeySignIn: vi.fn<Api['beginPasskeySignIn']>().mockResolvedValue(REQUEST_OPTIONS),
    signInWithPasskey: vi.fn<Api['signInWithPasskey']>(),
    getMfaStatus: vi
      .fn<Api['getMfaStatus']>()
      .mockResolvedValue({ enabled: false, enabled_at: null, recovery_codes_remaining: 0, methods: [] }),
    startTotpEnrolment: vi.fn<Api['startTotpEnrolment']>().mockResolvedValue({
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      otpauth_uri: 'otpauth://totp/sessiond:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=sessiond',
      qr_code: 'data:image/png;base64,iVBORw0KGgo=',
    }),
    confirmTotpEnrolment: vi.fn<Api['confirmTotpEnrolment']>().mockResolvedValue(RECOVERY_CODES),
    regenerateRecoveryCodes: vi.fn<Api['regenerateRecoveryCodes']>().mockResolvedValue(RECOVERY_CODES),
    disableMfa: vi.fn<Api['disableMfa']>().mockResolvedValue(undefined),
    trustThisDevice: vi.fn<Api['trustThisDevice']>().mockResolvedValue(undefined),
    stopTrustingDevice: vi.fn<Api['stopTrustingDevice']>().mockResolvedValue(undefined),
    listTrustedDevices: vi.fn<Api['listTrustedDevices']>().mockResolvedValue([]),
    untrustDevice: vi.fn<Api['untrustDevice']>().mockResolvedValue(undefined),
    listSecurityEvents: vi.fn<Api['listSecurityEvents']>().mockResolvedValue({ events: [], next_cursor: null }),
    requestPasswordReset: vi.fn<Api['requestPasswordReset']>().mockResolvedValue(undefined),
    confirmPasswordReset: vi.fn<Api['confirmPasswordReset']>().mockResolvedValue(undefined),
    reportSignIn: vi.fn<Api['reportSignIn']>().mockResolvedValue(undefined),
    confirmSignUp: vi.fn<Api['confirmSignUp']>().mockResolvedValue(undefined),
    listMyWorkspaces: vi.fn<Api['listMyWorkspaces']>().mockResolvedValue([]),
    joinWorkspace: vi.fn<Api['joinWorkspace']>(),
    createWorkspace: vi.fn<Api['createWorkspace']>(),
    getWorkspace: vi.fn<Api['getWorkspace']>(),
    listWorkspaceMembers: vi.fn<Api['listWorkspaceMembers']>().mockResolvedValue([]),
    inviteWorkspaceMember: vi.fn<Api['inviteWorkspaceMember']>().mockResolvedValue(undefined),
    setWorkspaceSecurityOwner: vi.fn<Api['setWorkspaceSecurityOwner']>().mockResolvedValue(undefined),
    listMemberSessions: vi.fn<Api['listMemberSessions']>().mockResolvedValue([]),
    revokeMemberSession: vi.fn<Api['revokeMemberSession']>().mockResolvedValue(undefined),
    revokeMemberSessions: vi.fn<Api['revokeMemberSessions']>().mockResolvedValue(0),
    replaceMemberDevice: vi.fn<Api['replaceMemberDevice']>().mockResolvedValue({ revoked: 1, untrusted: false }),
    changeMemberRole: vi.fn<Api['changeMemberRole']>().mockResolvedValue(undefined),
    offboardMember: vi.fn<Api['offboardMember']>(),
    listWorkspaceAudit: vi.fn<Api['listWorkspaceAudit']>().mockResolvedValue({ entries: [], next_cursor: null }),
    setWorkspaceAuditRetention: vi.fn<Api['setWorkspaceAuditRetention']>().mockResolvedValue(undefined),
    getWorkspacePolicy: vi.fn<Api['getWorkspacePolicy']>().mockResolvedValue(makePolicy()),
    // Saves what it is given, as the server does, and ends nothing unless a test says so.
    setWorkspacePolicy: vi.fn<Api['setWorkspacePolicy']>().mockImplementation(async (_ws, rules) => ({
      policy: makePolicy({ ...rules, updated_at: NOW.toISOString(), updated_by: 'u1' }),
      ended: 0,
    })),
    listWorkspaceApiKeys: vi.fn<Api['listWorkspaceApiKeys']>().mockResolvedValue([]),
    createWorkspaceApiKey: vi.fn<Api['createWorkspaceApiKey']>(),
    revokeWorkspaceApiKey: vi.fn<Api['revokeWorkspaceApiKey']>().mockResolvedValue(undefined),
    listMyReviews: vi.fn<Api['listMyReviews']>().mockResolvedValue([]),
    completeMyReviews: vi.fn<Api['completeMyReviews']>().mockResolvedValue({ completed: 0, sign_outs: 0 }),
    requestWorkspaceReview: vi.fn<Api['requestWorkspaceReview']>().mockResolvedValue(0),
    listWorkspaceReviews: vi.fn<Api['listWorkspaceReviews']>().mockResolvedValue([]),
    getWorkspaceOverview: vi
      .fn<Api['getWorkspaceOverview']>()
      .mockImplementation(async (_ws, range) => makeOverview({ scope: 'workspace', range })),
    // Most people are not instance administrators.
    getInstanceOverview: vi
      .fn<Api['getInstanceOverview']>()
      .mockRejectedValue(new ApiError(403, 'forbidden', 'Only instance administrators may do this.')),
    listConnectedApps: vi.fn<Api['listConnectedApps']>().mockResolvedValue([]),
    removeConnectedApp: vi.fn<Api['removeConnectedApp']>().mockResolvedValue(undefined),
    listRelyingPartySessions: vi.fn<Api['listRelyingPartySessions']>().mockResolvedValue([]),
    signOutRelyingPartySession: vi.fn<Api['signOutRelyingPartySession']>().mockResolvedValue(undefined),
    listPersonalTokens: vi.fn<Api['listPersonalTokens']>().mockResolvedValue({ tokens: [] }),
    createPersonalToken: vi.fn<Api['createPersonalToken']>().mockImplementation(async (input) => ({
      token: makePersonalToken({
        id: 'new-token',
        name: input.name,
        scopes: input.scopes,
        created_at: NOW.toISOString(),
        expires_at: input.expires_in_days === null ? null : new Date(NOW.getTime() + input.expires_in_days * 86_400_000).toISOString(),
      }),
      secret: 'sdpat_0123456789abcdefghijklmnopqrstuv',
    })),
    revokePersonalToken: vi.fn<Api['revokePersonalToken']>().mockResolvedValue(undefined),
    getConsentInteraction: vi.fn<Api['getConsentInteraction']>().mockResolvedValue(makeConsentInteraction()),
    answerConsentInteraction: vi
      .fn<Api['answerConsentInteraction']>()
      .mockResolvedValue({ redirect_to: 'https://notes.example/callback?code=abc' }),
  };
}
