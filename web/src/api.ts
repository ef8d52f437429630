/**
 * The pages' only way to the server: a small typed client for sessiond's HTTP API (`/v1`).
 * The session lives in the HttpOnly cookie `__Host-sessiond`; this code never sees a token and
 * stores nothing in localStorage or sessionStorage. State-changing calls rely on the browser's
 * Origin header for the server's CSRF check, so they are plain same-origin fetches.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type { components, operations } from './api-types';
import { messages } from './messages';
import type {
  ConnectedApp,
  ConsentAnswer,
  ConsentDecision,
  ConsentInteraction,
  PersonalTokenCreated,
  PersonalTokenInput,
  PersonalTokenList,
  RelyingPartySession,
  RevokeInclude,
} from './pages/credentials/types';

/**
 * The wire types are the server's: api-types.ts is generated from its OpenAPI document
 * (`npm run gen:api-types`), and a test fails when the two drift apart. Names here are only
 * shorthands for the pages.
 */
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
/** The JSON answer of an operation (by its operationId), for a status code. */
export type Answer<Op extends keyof operations, Status extends PropertyKey = 200> = Status extends keyof operations[Op]['responses']
  ? Json<operations[Op]['responses'][Status]>
  : never;
/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = Json<operations[Op]['requestBody']>;

export type User = components['schemas']['User'];
export type Session = components['schemas']['Session'];
export type ClientKind = Session['client']['kind'];
export type DeviceType = Session['device']['type'];
export type CurrentSession = Answer<'getCurrentSession'>;
/** The password step's answer: a session, or (two-step verification on, device not trusted) a code is needed. */
export type SignInResult = Answer<'signIn'>;
export type MfaChallenge = Extract<SignInResult, { mfa_required: true }>;
export type SignedIn = Answer<'signInWithCode'>;

export function needsCode(result: SignInResult): result is MfaChallenge {
  return 'mfa_required' in result && result.mfa_required === true;
}

export type MfaStatus = Answer<'getMyMfaStatus'>;
export type TotpEnrolment = Answer<'startTotpEnrolment'>;
/** A device whose sign-ins skip the code step, as the two-step verification page lists it. */
export type TrustedDevice = components['schemas']['TrustedDevice'];
export type UiConfig = Answer<'getUiConfig'>;
export type SecurityEvent = components['schemas']['SecurityEvent'];
/** Why a sign-in was flagged: new_device, new_country, impossible_travel, failures_then_success, new_client. */
export type SecuritySignal = SecurityEvent['signals'][number];
export type SecurityEventPage = Answer<'listMySecurityEvents'>;
/** One session, live or ended, with the addresses it was used from and its entries of the timeline. */
export type SessionHistory = Answer<'getMySessionHistory'>;
export type SessionAddress = SessionHistory['addresses'][number];

export type MyWorkspace = Answer<'listMyWorkspaces'>['workspaces'][number];
export type WorkspaceRole = MyWorkspace['role'];
export type Workspace = components['schemas']['Workspace'];
/** A workspace as GET /v1/admin/workspaces/:ws has it: with its security owner's address. */
export type WorkspaceDetail = components['schemas']['WorkspaceDetail'];
export type WorkspaceWithRole = Answer<'getWorkspace'>;
export type WorkspaceMember = components['schemas']['WorkspaceMember'];
export type AuditPage = Answer<'listWorkspaceAudit'>;
export type AuditEntry = AuditPage['entries'][number];
export type OffboardResult = Answer<'offboardWorkspaceMember'>;
/** A workspace API key as its owners see it (never its token, nor a hash of it). */
export type WorkspaceApiKey = components['schemas']['WorkspaceApiKey'];
export type ApiKeyScope = WorkspaceApiKey['scopes'][number];
/** A new key, with its token: shown this once. */
export type ApiKeyCreated = Answer<'createWorkspaceApiKey', 201>;
/** "I lost this device": how many sessions on it ended, and whether it was trusted (it no longer is). */
export type DeviceReplaced = Answer<'replaceMyDevice'>;
export type AuditFormat = 'jsonl' | 'csv';
/** The session policy a workspace holds its members' sessions to (durations in seconds; null or empty: that rule is off). */
export type WorkspacePolicy = components['schemas']['WorkspacePolicy'];
/** The rules an admin sets: the policy without who set it when. */
export type WorkspacePolicyRules = RequestBody<'setWorkspacePolicy'>;
/** The policy as saved, and how many member sessions broke it and ended at once. */
export type WorkspacePolicySet = Answer<'setWorkspacePolicy'>;

/** One of the caller's passkeys: name, when added and last used, synced or bound to one device, its authenticator where known. */
export type Passkey = Answer<'listMyPasskeys'>['passkeys'][number];
/** The caller's passkeys, newest first, and how many an account may have. */
export type PasskeyList = Answer<'listMyPasskeys'>;

/** A request to review one's sessions that is not confirmed yet (the banner shows these). */
export type PendingReview = Answer<'listMyReviews'>['reviews'][number];
/** Why: workspace_request, onboarding, password_reset, suspicious_sign_in. */
export type ReviewReason = PendingReview['reason'];
export type ReviewCompleted = Answer<'completeMyReviews'>;
/** An active member of a workspace with the latest review it asked of them (null: never asked). */
export type ReviewStatus = Answer<'listWorkspaceReviews'>['members'][number];

/**
 * A security overview (GET /v1/admin/workspaces/:ws/overview, GET /v1/admin/overview): figures,
 * breakdowns and chart series for a period beside the same period one week earlier.
 */
export type Overview = Answer<'getWorkspaceOverview'>;
/** The period an overview covers; the baseline is the same period one week earlier. */
export type OverviewRange = Overview['range'];
/** One figure, this period and last week's (null: none, e.g. no sign-ins to rate). */
export type OverviewFigure = Overview['figures'][number];
export type OverviewFigureId = OverviewFigure['id'];

/** Where the browser downloads a workspace's whole audit trail (an ordinary link: the cookie goes with it). */
export function auditDownloadUrl(workspaceId: string, format: AuditFormat): string {
  return `/v1/admin/workspaces/${encodeURIComponent(workspaceId)}/audit?format=${format}`;
}

/**
 * A failed call, in words. `code` is the server's snake_case code, or `network_error` /
 * `unexpected_response` when the server could not be reached or did not answer in the contract.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A sensitive action needs a fresh password or code (sudo mode); see useReauth. */
export function isReauthRequired(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'reauth_required';
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'unauthenticated';
}

/**
 * The server's ordinary 401 message (ERROR_CODES.unauthenticated in src/core/errors.ts; a test
 * in test/http/revoked-message.test.ts keeps the two in step). A 401 with any other message says
 * why the session ended, e.g. that an administrator of the person's workspace ended it.
 */
export const ORDINARY_UNAUTHENTICATED_MESSAGE = 'A valid session is required.';

/** Why the session ended, in the server's words, when its 401 says; null for the ordinary 401. */
export function unauthenticatedReason(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.code !== 'unauthenticated') return null;
  const message = err.message.trim();
  return message === '' || message === ORDINARY_UNAUTHENTICATED_MESSAGE ? null : message;
}

export interface Api {
  getUiConfig(): Promise<UiConfig>;
  getCurrentSession(): Promise<CurrentSession>;
  listSessions(): Promise<Session[]>;
  revokeSession(id: string): Promise<void>;
  getSessionHistory(id: string): Promise<SessionHistory>;
  /** With `include`, connected apps and personal access tokens end too (issue 11). */
  revokeOtherSessions(include?: RevokeInclude[]): Promise<number>;
  revokeAllSessions(include?: RevokeInclude[]): Promise<number>;
  /** A lost or replaced device: ends every session on the device `sessionId` ran on and untrusts it. */
  replaceDevice(sessionId: string): Promise<DeviceReplaced>;
  signIn(email: string, password: string): Promise<SignInResult>;
  /** The code step; with `rememberDevice` the new session trusts this device (for `remember_device_days`). */
  signInWithCode(mfaToken: string, code: string, rememberDevice?: boolean): Promise<SignedIn>;
  /** With a password, an authenticator code, or a passkey's answer to beginPasskeyReauthentication's options. */
  reauthenticate(proof: { password: string } | { code: string } | { passkey: AuthenticationResponseJSON }): Promise<void>;
  listPasskeys(): Promise<PasskeyList>;
  /** The creation options for the browser (needs a recent authentication). */
  beginPasskeyRegistration(): Promise<PublicKeyCredentialCreationOptionsJSON>;
  /** Saves the passkey the browser created (needs a recent authentication); no name: the server names it. */
  addPasskey(response: RegistrationResponseJSON, name?: string): Promise<Passkey>;
  renamePasskey(id: string, name: string): Promise<Passkey>;
  /** Needs a recent authentication. */
  removePasskey(id: string): Promise<void>;
  /** Request options allowing the caller's passkeys, for "Confirm it's you". */
  beginPasskeyReauthentication(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /**
   * Request options for signing in: without `mfaToken` a discoverable request (the email field's
   * autofill, "Sign in with a passkey"); with the password step's token, that account's passkeys.
   */
  beginPasskeySignIn(mfaToken?: string): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /** Signs in with the browser's answer; with `mfaToken` it is the code step done by a passkey. */
  signInWithPasskey(response: AuthenticationResponseJSON, step?: { mfaToken: string; rememberDevice: boolean }): Promise<SignedIn>;
  getMfaStatus(): Promise<MfaStatus>;
  startTotpEnrolment(): Promise<TotpEnrolment>;
  /** Turns MFA on; the other sessions end too when `signOutOthers` (the server renews this one). */
  confirmTotpEnrolment(code: string, signOutOthers: boolean): Promise<string[]>;
  regenerateRecoveryCodes(): Promise<string[]>;
  disableMfa(): Promise<void>;
  trustThisDevice(): Promise<void>;
  stopTrustingDevice(sessionId: string): Promise<void>;
  listTrustedDevices(): Promise<TrustedDevice[]>;
  /** By the list's id; another device than this one needs a recent authentication. */
  untrustDevice(deviceId: string): Promise<void>;
  signOut(): Promise<void>;
  changePassword(input: { currentPassword: string; newPassword: string; signOutOthers: boolean }): Promise<void>;
  /** The security timeline, newest first; pass `next_cursor` back as `cursor` for the next page. */
  listSecurityEvents(options?: { cursor?: string | null; limit?: number }): Promise<SecurityEventPage>;
  /** Mails a reset link; the same answer whether or not the account exists. */
  requestPasswordReset(email: string): Promise<void>;
  confirmPasswordReset(token: string, newPassword: string): Promise<void>;
  /** "This wasn't me", with the token of the link in an alert mail. */
  reportSignIn(token: string): Promise<void>;
  /** Creates the account of a sign-up link mailed to its address; does not sign in. */
  confirmSignUp(token: string): Promise<void>;
  /** The workspaces the person is an active member of, with their role. */
  listMyWorkspaces(): Promise<MyWorkspace[]>;
  /** Accepts the invitation of a link from an invitation mail. */
  joinWorkspace(token: string): Promise<Workspace>;
  createWorkspace(name: string): Promise<Workspace>;
  getWorkspace(workspaceId: string): Promise<WorkspaceWithRole>;
  listWorkspaceMembers(workspaceId: string): Promise<WorkspaceMember[]>;
  inviteWorkspaceMember(workspaceId: string, email: string, role: WorkspaceRole): Promise<void>;
  setWorkspaceSecurityOwner(workspaceId: string, userId: string): Promise<void>;
  listMemberSessions(workspaceId: string, userId: string): Promise<Session[]>;
  revokeMemberSession(workspaceId: string, userId: string, sessionId: string): Promise<void>;
  /** Ends every session of the member; returns how many. */
  revokeMemberSessions(workspaceId: string, userId: string): Promise<number>;
  /** A member's lost device: ends every session of theirs on the device `sessionId` ran on and untrusts it. */
  replaceMemberDevice(workspaceId: string, userId: string, sessionId: string): Promise<DeviceReplaced>;
  /** Owners only; it applies to the member's next request. */
  changeMemberRole(workspaceId: string, userId: string, role: WorkspaceRole): Promise<void>;
  offboardMember(workspaceId: string, userId: string): Promise<OffboardResult>;
  /** The audit trail, newest first; pass `next_cursor` back as `cursor` for the next page. */
  listWorkspaceAudit(workspaceId: string, options?: { cursor?: string | null; limit?: number }): Promise<AuditPage>;
  /** Owners only: how many days audit entries are kept (30 to 3650). */
  setWorkspaceAuditRetention(workspaceId: string, days: number): Promise<void>;
  /** Any member: the session policy the workspace holds its members to. */
  getWorkspacePolicy(workspaceId: string): Promise<WorkspacePolicy>;
  /** Security admins and owners; member sessions that break the new policy end at once. */
  setWorkspacePolicy(workspaceId: string, rules: WorkspacePolicyRules): Promise<WorkspacePolicySet>;
  /** Owners only: the workspace's API keys, revoked and expired ones too, newest first. */
  listWorkspaceApiKeys(workspaceId: string): Promise<WorkspaceApiKey[]>;
  /** Owners only; answers the key's token, which is never shown again. */
  createWorkspaceApiKey(workspaceId: string, input: RequestBody<'createWorkspaceApiKey'>): Promise<ApiKeyCreated>;
  revokeWorkspaceApiKey(workspaceId: string, keyId: string): Promise<void>;
  /** The caller's requests to review their sessions that they have not confirmed yet, oldest first. */
  listMyReviews(): Promise<PendingReview[]>;
  /** "I have reviewed my sessions": completes every pending request. */
  completeMyReviews(): Promise<ReviewCompleted>;
  /** Asks every active member of the workspace to review their sessions; returns how many were newly asked. */
  requestWorkspaceReview(workspaceId: string): Promise<number>;
  /** Each active member with the latest review the workspace asked of them. */
  listWorkspaceReviews(workspaceId: string): Promise<ReviewStatus[]>;
  /** Owners and security admins: the workspace's security overview for the last 24 hours or 7 days. */
  getWorkspaceOverview(workspaceId: string, range: OverviewRange): Promise<Overview>;
  /** Instance administrators only (403 for anyone else): the whole instance's security overview. */
  getInstanceOverview(range: OverviewRange): Promise<Overview>;
  /** Apps the person let use their account, and device (command-line) sign-ins they approved. */
  listConnectedApps(): Promise<ConnectedApp[]>;
  /** Ends the grant, every token from it, and the person's session at that app. */
  removeConnectedApp(id: string): Promise<void>;
  /** Apps the person signed in to with this account ("Signed in with your account"). */
  listRelyingPartySessions(): Promise<RelyingPartySession[]>;
  signOutRelyingPartySession(id: string): Promise<void>;
  listPersonalTokens(): Promise<PersonalTokenList>;
  /** Needs a recent authentication; answers the secret, which is never sent again. */
  createPersonalToken(input: PersonalTokenInput): Promise<PersonalTokenCreated>;
  revokePersonalToken(id: string): Promise<void>;
  /** The consent page's request: which app asks for what, from which device. */
  getConsentInteraction(uid: string): Promise<ConsentInteraction>;
  /** Approving needs a recent authentication. */
  answerConsentInteraction(uid: string, decision: ConsentDecision): Promise<ConsentAnswer>;
}

/** What an operation answers on success: its 200 or 201 JSON, or nothing (202, 204). */
type Success<Op extends keyof operations> = [Answer<Op, 200> | Answer<Op, 201>] extends [never]
  ? undefined
  : Answer<Op, 200> | Answer<Op, 201>;

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export function createApi(fetchImpl: FetchLike = (input, init) => fetch(input, init)): Api {
  /** One operation, named by its operationId so that its body and answer are the server's types. */
  async function call<Op extends keyof operations = never>(method: string, path: string, body?: RequestBody<Op>): Promise<Success<Op>> {
    return (await send(method, path, body)) as Success<Op>;
  }

  /**
   * A call by its wire shape alone: for issue 11's routes until api-types.ts is generated with
   * them (pages/credentials/types.ts holds their shapes meanwhile).
   */
  async function send(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetchImpl(path, init);
    } catch {
      throw new ApiError(0, 'network_error', messages.common.networkError);
    }
    // 202 (a reset link is on its way) and 204 have no body.
    if (res.status === 202 || res.status === 204) return undefined;
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok && json !== undefined) return json;
    const error = (json as Partial<components['schemas']['Error']> | undefined)?.error as { code?: unknown; message?: unknown } | undefined;
    if (!res.ok && typeof error?.code === 'string' && typeof error.message === 'string') {
      const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
      // The pages follow a known wait with "Try again in 15 minutes."; the server's vaguer
      // "Try again later." before it would say the same thing twice.
      const message = retryAfter === undefined ? error.message : error.message.replace(/\s*Try again later\.$/, '');
      throw new ApiError(res.status, error.code, message, retryAfter);
    }
    throw new ApiError(res.status, 'unexpected_response', messages.common.unexpectedResponse(res.status));
  }

  return {
    getUiConfig: () => call<'getUiConfig'>('GET', '/v1/ui/config'),
    getCurrentSession: () => call<'getCurrentSession'>('GET', '/v1/me/session'),
    listSessions: async () => (await call<'listMySessions'>('GET', '/v1/me/sessions')).sessions,
    revokeSession: (id) => call<'revokeMySession'>('DELETE', `/v1/me/sessions/${encodeURIComponent(id)}`),
    getSessionHistory: (id) => call<'getMySessionHistory'>('GET', `/v1/me/sessions/${encodeURIComponent(id)}/history`),
    // `include` goes only when asked: a server without issue 11 refuses fields it does not know.
    revokeOtherSessions: async (include) =>
      (
        (await send('POST', '/v1/me/sessions/revoke-others', include === undefined || include.length === 0 ? {} : { include })) as {
          revoked: number;
        }
      ).revoked,
    revokeAllSessions: async (include) =>
      (
        (await send('POST', '/v1/me/sessions/revoke-all', include === undefined || include.length === 0 ? {} : { include })) as {
          revoked: number;
        }
      ).revoked,
    replaceDevice: (id) => call<'replaceMyDevice'>('POST', `/v1/me/sessions/${encodeURIComponent(id)}/replace-device`, {}),
    signIn: (email, password) => call<'signIn'>('POST', '/v1/auth/sign-in', { email, password }),
    signInWithCode: (mfaToken, code, rememberDevice = false) =>
      call<'signInWithCode'>('POST', '/v1/auth/sign-in/mfa', { mfa_token: mfaToken, code, remember_device: rememberDevice }),
    reauthenticate: async (proof) => {
      await call<'reauthenticate'>('POST', '/v1/me/reauthenticate', proof as RequestBody<'reauthenticate'>);
    },
    // The options and the browser's answers are W3C WebAuthn JSON, described by the server's
    // schema; @simplewebauthn/browser has its own (narrower) names for the same shapes.
    listPasskeys: () => call<'listMyPasskeys'>('GET', '/v1/me/passkeys'),
    beginPasskeyRegistration: async () =>
      (await call<'beginPasskeyRegistration'>('POST', '/v1/me/passkeys/registration-options', {}))
        .options as unknown as PublicKeyCredentialCreationOptionsJSON,
    addPasskey: async (response, name) =>
      (
        await call<'addMyPasskey'>('POST', '/v1/me/passkeys', {
          ...(name === undefined ? {} : { name }),
          response: response as unknown as RequestBody<'addMyPasskey'>['response'],
        })
      ).passkey,
    renamePasskey: async (id, name) =>
      (await call<'renameMyPasskey'>('PATCH', `/v1/me/passkeys/${encodeURIComponent(id)}`, { name })).passkey,
    removePasskey: (id) => call<'removeMyPasskey'>('DELETE', `/v1/me/passkeys/${encodeURIComponent(id)}`),
    beginPasskeyReauthentication: async () =>
      (await call<'beginPasskeyReauthentication'>('POST', '/v1/me/passkeys/authentication-options', {}))
        .options as unknown as PublicKeyCredentialRequestOptionsJSON,
    beginPasskeySignIn: async (mfaToken) =>
      (await call<'beginPasskeySignIn'>('POST', '/v1/auth/passkey/options', mfaToken === undefined ? {} : { mfa_token: mfaToken }))
        .options as unknown as PublicKeyCredentialRequestOptionsJSON,
    signInWithPasskey: (response, step) =>
      call<'signInWithPasskey'>('POST', '/v1/auth/passkey', {
        response: response as unknown as RequestBody<'signInWithPasskey'>['response'],
        ...(step === undefined ? {} : { mfa_token: step.mfaToken, remember_device: step.rememberDevice }),
      }),
    getMfaStatus: () => call<'getMyMfaStatus'>('GET', '/v1/me/mfa'),
    startTotpEnrolment: () => call<'startTotpEnrolment'>('POST', '/v1/me/mfa/totp', {}),
    confirmTotpEnrolment: async (code, signOutOthers) =>
      (await call<'confirmTotpEnrolment'>('POST', '/v1/me/mfa/totp/confirm', { code, sign_out_others: signOutOthers })).recovery_codes,
    regenerateRecoveryCodes: async () => (await call<'regenerateRecoveryCodes'>('POST', '/v1/me/mfa/recovery-codes', {})).recovery_codes,
    disableMfa: () => call<'disableMyMfa'>('DELETE', '/v1/me/mfa'),
    trustThisDevice: async () => {
      await call<'trustCurrentDevice'>('POST', '/v1/me/devices/current/trust', {});
    },
    stopTrustingDevice: (sessionId) => call<'untrustSessionDevice'>('DELETE', `/v1/me/sessions/${encodeURIComponent(sessionId)}/trust`),
    listTrustedDevices: async () => (await call<'listMyTrustedDevices'>('GET', '/v1/me/trusted-devices')).devices,
    untrustDevice: (deviceId) => call<'untrustMyDevice'>('DELETE', `/v1/me/trusted-devices/${encodeURIComponent(deviceId)}`),
    signOut: () => call<'signOut'>('POST', '/v1/auth/sign-out', {}),
    // The answer is 204 for a browser: its session's new token comes as the cookie (a bearer
    // client would get it in a 200 body).
    changePassword: async ({ currentPassword, newPassword, signOutOthers }) => {
      await call<'changeMyPassword'>('POST', '/v1/me/password', {
        current_password: currentPassword,
        new_password: newPassword,
        sign_out_others: signOutOthers,
      });
    },
    listSecurityEvents: ({ cursor = null, limit = 20 } = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) query.set('cursor', cursor);
      return call<'listMySecurityEvents'>('GET', `/v1/me/security-events?${query.toString()}`);
    },
    requestPasswordReset: (email) => call<'requestPasswordReset'>('POST', '/v1/auth/password-reset', { email }),
    confirmPasswordReset: (token, newPassword) =>
      call<'confirmPasswordReset'>('POST', '/v1/auth/password-reset/confirm', { token, new_password: newPassword }),
    reportSignIn: (token) => call<'reportSignIn'>('POST', '/v1/auth/report-sign-in', { token }),
    confirmSignUp: async (token) => {
      await call<'confirmSignUp'>('POST', '/v1/auth/sign-up/confirm', { token });
    },
    listMyWorkspaces: async () => (await call<'listMyWorkspaces'>('GET', '/v1/me/workspaces')).workspaces,
    joinWorkspace: async (token) => (await call<'joinWorkspace'>('POST', '/v1/me/workspaces/join', { token })).workspace,
    createWorkspace: async (name) => (await call<'createWorkspace'>('POST', '/v1/admin/workspaces', { name })).workspace,
    getWorkspace: (ws) => call<'getWorkspace'>('GET', workspacePath(ws)),
    listWorkspaceMembers: async (ws) => (await call<'listWorkspaceMembers'>('GET', `${workspacePath(ws)}/members`)).members,
    inviteWorkspaceMember: async (ws, email, role) => {
      // 202: the link goes only by mail.
      await call<'inviteWorkspaceMember'>('POST', `${workspacePath(ws)}/invitations`, { email, role });
    },
    setWorkspaceSecurityOwner: (ws, userId) =>
      call<'setWorkspaceSecurityOwner'>('PUT', `${workspacePath(ws)}/security-owner`, { user_id: userId }),
    listMemberSessions: async (ws, userId) =>
      (await call<'listWorkspaceMemberSessions'>('GET', `${memberPath(ws, userId)}/sessions`)).sessions,
    revokeMemberSession: (ws, userId, id) =>
      call<'revokeWorkspaceMemberSession'>('DELETE', `${memberPath(ws, userId)}/sessions/${encodeURIComponent(id)}`),
    revokeMemberSessions: async (ws, userId) =>
      (await call<'revokeWorkspaceMemberSessions'>('DELETE', `${memberPath(ws, userId)}/sessions`)).revoked,
    replaceMemberDevice: (ws, userId, id) =>
      call<'replaceWorkspaceMemberDevice'>('POST', `${memberPath(ws, userId)}/sessions/${encodeURIComponent(id)}/replace-device`, {}),
    changeMemberRole: (ws, userId, role) => call<'changeWorkspaceMemberRole'>('PUT', `${memberPath(ws, userId)}/role`, { role }),
    offboardMember: (ws, userId) => call<'offboardWorkspaceMember'>('POST', `${memberPath(ws, userId)}/offboard`, {}),
    listWorkspaceAudit: (ws, { cursor = null, limit = 20 } = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) query.set('cursor', cursor);
      return call<'listWorkspaceAudit'>('GET', `${workspacePath(ws)}/audit?${query.toString()}`);
    },
    setWorkspaceAuditRetention: (ws, days) => call<'setWorkspaceAuditRetention'>('PUT', `${workspacePath(ws)}/audit/retention`, { days }),
    getWorkspacePolicy: (ws) => call<'getWorkspacePolicy'>('GET', `${workspacePath(ws)}/policy`),
    setWorkspacePolicy: (ws, rules) => call<'setWorkspacePolicy'>('PUT', `${workspacePath(ws)}/policy`, rules),
    listWorkspaceApiKeys: async (ws) => (await call<'listWorkspaceApiKeys'>('GET', `${workspacePath(ws)}/keys`)).keys,
    createWorkspaceApiKey: (ws, input) => call<'createWorkspaceApiKey'>('POST', `${workspacePath(ws)}/keys`, input),
    revokeWorkspaceApiKey: (ws, id) => call<'revokeWorkspaceApiKey'>('DELETE', `${workspacePath(ws)}/keys/${encodeURIComponent(id)}`),
    listMyReviews: async () => (await call<'listMyReviews'>('GET', '/v1/me/reviews')).reviews,
    completeMyReviews: () => call<'completeMyReviews'>('POST', '/v1/me/reviews/complete', {}),
    requestWorkspaceReview: async (ws) => (await call<'requestWorkspaceReview'>('POST', `${workspacePath(ws)}/reviews`, {})).asked,
    listWorkspaceReviews: async (ws) => (await call<'listWorkspaceReviews'>('GET', `${workspacePath(ws)}/reviews`)).members,
    getWorkspaceOverview: (ws, range) => call<'getWorkspaceOverview'>('GET', `${workspacePath(ws)}/overview?range=${range}`),
    getInstanceOverview: (range) => call<'getInstanceOverview'>('GET', `/v1/admin/overview?range=${range}`),
    listConnectedApps: async () => ((await send('GET', '/v1/me/connected-apps')) as { apps: ConnectedApp[] }).apps,
    removeConnectedApp: async (id) => {
      await send('DELETE', `/v1/me/connected-apps/${encodeURIComponent(id)}`);
    },
    listRelyingPartySessions: async () =>
      ((await send('GET', '/v1/me/relying-party-sessions')) as { sessions: RelyingPartySession[] }).sessions,
    signOutRelyingPartySession: async (id) => {
      await send('DELETE', `/v1/me/relying-party-sessions/${encodeURIComponent(id)}`);
    },
    listPersonalTokens: async () => (await send('GET', '/v1/me/tokens')) as PersonalTokenList,
    createPersonalToken: async (input) => (await send('POST', '/v1/me/tokens', input)) as PersonalTokenCreated,
    revokePersonalToken: async (id) => {
      await send('DELETE', `/v1/me/tokens/${encodeURIComponent(id)}`);
    },
    getConsentInteraction: async (uid) => (await send('GET', `/v1/oauth/interactions/${encodeURIComponent(uid)}`)) as ConsentInteraction,
    answerConsentInteraction: async (uid, decision) =>
      (await send('POST', `/v1/oauth/interactions/${encodeURIComponent(uid)}`, { decision })) as ConsentAnswer,
  };
}

function workspacePath(workspaceId: string): string {
  return `/v1/admin/workspaces/${encodeURIComponent(workspaceId)}`;
}

function memberPath(workspaceId: string, userId: string): string {
  return `${workspacePath(workspaceId)}/members/${encodeURIComponent(userId)}`;
}
