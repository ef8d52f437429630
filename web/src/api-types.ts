/**
 * Generated from the server's OpenAPI document by `npm run gen:api-types`; do not edit.
 * Change the route schemas under src/http/ instead, then regenerate.
 */

export interface paths {
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process answers */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: the database is reachable */
    get: operations['getReadiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Prometheus metrics
     * @description Open unless `--metrics-token` is set (then `Authorization: Bearer <token>` or 401); absent (404) when `--metrics-listen` serves it on its own listener.
     */
    get: operations['getMetrics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/sign-up': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create an account: at once (201), or by a link mailed to the address (202 for every address)
     * @description Limited per IP (429 with Retry-After, before any password is hashed). With `--sign-up-mode email` (the default when mail is configured) the answer is 202 whether or not the address has an account: a new address is mailed a single-use link that creates the account (`POST /v1/auth/sign-up/confirm`), a taken one is mailed that someone tried. With `direct`, 201 with the account, or 409 `email_taken`.
     */
    post: operations['signUp'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/sign-up/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create the account of a sign-up link mailed to its address
     * @description The link works once and expires (`--sign-up-link-ttl`). 400 `invalid_token` for a bad, used or expired link; 409 `email_taken` if the address got an account meanwhile. Does not sign in.
     */
    post: operations['confirmSignUp'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/sign-in': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign in with email and password (answers a session, or asks for a code) */
    post: operations['signIn'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/sign-in/mfa': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Finish a sign-in with a two-step verification or recovery code
     * @description With `remember_device: true` the new session trusts its device at once, as `POST /v1/me/devices/current/trust` would: bound to this client, for `remember_device_days`; a native (bearer) client also gets its `device_token`.
     */
    post: operations['signInWithCode'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/passkey/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start signing in with a passkey: request options (discoverable, or the account of an `mfa_token`) */
    post: operations['beginPasskeySignIn'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/passkey': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign in with a passkey: the browser's authentication response makes the session */
    post: operations['signInWithPasskey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/password-reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mail a password-reset link (the same answer for every address) */
    post: operations['requestPasswordReset'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/password-reset/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Set a new password with the link's token */
    post: operations['confirmPasswordReset'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/report-sign-in': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** "This wasn't me" from an alert mail: end that session */
    post: operations['reportSignIn'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/auth/sign-out': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Sign out: end the caller's session */
    post: operations['signOut'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller and their current session */
    get: operations['getCurrentSession'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's active sessions (all, or one page) */
    get: operations['listMySessions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** End one of the caller's sessions */
    delete: operations['revokeMySession'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/{id}/replace-device': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A lost or replaced device: end every session on the device this session ran on, and untrust it */
    post: operations['replaceMyDevice'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/revoke-others': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End every session of the caller but this one */
    post: operations['revokeMyOtherSessions'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/revoke-all': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End every session of the caller, this one too */
    post: operations['revokeAllMySessions'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Change the caller's password */
    post: operations['changeMyPassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/reauthenticate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Confirm it is you again (password or code) before a sensitive action */
    post: operations['reauthenticate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/mfa': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether two-step verification is on, and how many recovery codes are left */
    get: operations['getMyMfaStatus'];
    put?: never;
    post?: never;
    /** Turn off two-step verification */
    delete: operations['disableMyMfa'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/mfa/totp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start turning on two-step verification: a new authenticator-app secret */
    post: operations['startTotpEnrolment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/mfa/totp/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Finish turning on two-step verification with a code; answers the recovery codes, signs out the other sessions unless asked not to, and renews this one */
    post: operations['confirmTotpEnrolment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/mfa/recovery-codes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replace the recovery codes */
    post: operations['regenerateRecoveryCodes'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/devices/current/trust': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Trust this device: later sign-ins from it skip the code step */
    post: operations['trustCurrentDevice'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/trusted-devices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's trusted devices: sign-ins from them skip the code step until their trust ends */
    get: operations['listMyTrustedDevices'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/trusted-devices/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Stop trusting one of the caller's trusted devices (by the id the list gives)
     * @description Its next sign-in asks for a code again. Recent authentication is needed unless it is the device of the calling session (403 `reauth_required`); 404 `not_found` when no trusted device of the caller has that id.
     */
    delete: operations['untrustMyDevice'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/{id}/trust': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Stop trusting the device of one of the caller's sessions */
    delete: operations['untrustSessionDevice'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/passkeys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's passkeys, newest first, and how many an account may have */
    get: operations['listMyPasskeys'];
    put?: never;
    /** Finish adding a passkey with the browser's registration response (needs recent authentication) */
    post: operations['addMyPasskey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/passkeys/registration-options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start adding a passkey: the creation options for the browser (needs recent authentication) */
    post: operations['beginPasskeyRegistration'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/passkeys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove one of the caller's passkeys (needs recent authentication) */
    delete: operations['removeMyPasskey'];
    options?: never;
    head?: never;
    /** Rename one of the caller's passkeys */
    patch: operations['renameMyPasskey'];
    trace?: never;
  };
  '/v1/me/passkeys/authentication-options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start re-authenticating with a passkey: request options allowing the caller's passkeys */
    post: operations['beginPasskeyReauthentication'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/security-events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's security timeline, newest first */
    get: operations['listMySecurityEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/{id}/history': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One of the caller's sessions, live or ended, with its history
     * @description The session as the list shows it (or as it ended, with when and why), every address it was used from with its approximate place, first and last seen, and its entries of the security timeline: its sign-in, re-authentications, trust changes of its device and its end, newest first. Any id the session has had across token rotations names it. 404 `not_found` for any id that is not a session of the caller, another user's included.
     */
    get: operations['getMySessionHistory'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/sessions/{id}/report': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** "This wasn't me": end one of the caller's sessions, flag the account and hold the caller to a password change */
    post: operations['reportMySession'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/reviews': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Requests to review the Active sessions that the caller has not confirmed yet, oldest first */
    get: operations['listMyReviews'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/reviews/complete': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** "I have reviewed my sessions": completes every pending request */
    post: operations['completeMyReviews'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller's active personal access tokens, newest first, with their last use (never their secrets) */
    get: operations['listMyPersonalTokens'];
    put?: never;
    /** Make a personal access token (needs recent authentication); its secret is in this answer only */
    post: operations['createMyPersonalToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke one of the caller’s personal access tokens: introspection answers inactive from now on */
    delete: operations['revokeMyPersonalToken'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/workspaces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The workspaces the caller is an active member of, with their role */
    get: operations['listMyWorkspaces'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/workspaces/join': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Accept an invitation: join the workspace with the link from the invitation mail
     * @description The link works once, before it expires, and only for the account with the invited address; otherwise 400 `invalid_token`, the same for every reason.
     */
    post: operations['joinWorkspace'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a workspace; the caller becomes its owner and security owner */
    post: operations['createWorkspace'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A workspace, who its security owner is, and the caller’s role in it (any active member) */
    get: operations['getWorkspace'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/members': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every member, disabled ones too, with their sessions, MFA status and trusted devices */
    get: operations['listWorkspaceMembers'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/invitations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mail an invitation link for an address and a role (owner or security admin: owners only) */
    post: operations['inviteWorkspaceMember'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/security-owner': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Name the security owner: an active owner or security admin (owners only) */
    put: operations['setWorkspaceSecurityOwner'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/members/{userId}/role': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Change a member's role (owners only); it applies to the member's next request */
    put: operations['changeWorkspaceMemberRole'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/members/{userId}/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A member’s active sessions, as the member sees them */
    get: operations['listWorkspaceMemberSessions'];
    put?: never;
    post?: never;
    /** End every session of a member */
    delete: operations['revokeWorkspaceMemberSessions'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/members/{userId}/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** End one of a member’s sessions; their timeline says an admin ended it */
    delete: operations['revokeWorkspaceMemberSession'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/members/{userId}/sessions/{id}/replace-device': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A member's lost or replaced device: end every session on the device this session ran on, and untrust it */
    post: operations['replaceWorkspaceMemberDevice'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/members/{userId}/offboard': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Offboard a member in one step: disable the membership, end every session, untrust every device, revoke their API keys */
    post: operations['offboardWorkspaceMember'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/reviews': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who has and has not reviewed: each active member with the latest review this workspace asked for */
    get: operations['listWorkspaceReviews'];
    put?: never;
    /** Ask active members (all, or those named) to review their Active sessions */
    post: operations['requestWorkspaceReview'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/audit/retention': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set how many days audit entries are kept, 30 to 3650 (owners only); the change is itself audited
     * @description Entries older than this are deleted by the periodic purge (`serve`, `sessiond audit purge`); nothing else deletes one.
     */
    put: operations['setWorkspaceAuditRetention'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The workspace’s audit trail, newest first: one page, or all of it as JSON Lines or CSV
     * @description CSV: a header row, then one row per entry; `details` is JSON. A cell that would start with = + - @ (a formula to a spreadsheet) or ' starts with an added '.
     */
    get: operations['listWorkspaceAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The active sessions of the workspace’s members that match a filter, by cursor */
    get: operations['searchWorkspaceSessions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incidents/dry-run': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** How many sessions a filter matches now, and a sample; changes nothing */
    post: operations['dryRunWorkspaceIncident'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incidents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The workspace’s incident operations, newest first (the latest 100) */
    get: operations['listWorkspaceIncidents'];
    put?: never;
    /**
     * End every session a filter matches: runs at once, or waits for a second admin above the threshold
     * @description `confirm_count` must be the count of a dry run; 409 `count_mismatch` when the sessions changed since (dry-run again). The operation runs in the background: read it for progress.
     */
    post: operations['createWorkspaceIncident'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incidents/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One incident operation: its status and progress */
    get: operations['getWorkspaceIncident'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incidents/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve a waiting operation (a second owner or security admin, never the requester); it starts */
    post: operations['approveWorkspaceIncident'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incidents/{id}/refuse': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Refuse a waiting operation; it never runs */
    post: operations['refuseWorkspaceIncident'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incidents/{id}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Go on with a running operation whose server stopped (every start also resumes them) */
    post: operations['resumeWorkspaceIncident'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/incident-settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Above how many sessions an operation waits for a second admin */
    get: operations['getWorkspaceIncidentSettings'];
    /** Set the approval threshold (owners only) */
    put: operations['setWorkspaceIncidentSettings'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The session policy the workspace holds its members’ sessions to (any member may read it) */
    get: operations['getWorkspacePolicy'];
    /** Set the session policy; member sessions that break it end now, the rest on their next request */
    put: operations['setWorkspacePolicy'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The workspace’s API keys, revoked and expired ones too, newest first, with their last use (owners only) */
    get: operations['listWorkspaceApiKeys'];
    put?: never;
    /** Make an API key for this workspace (owners only); its token is shown in this answer only */
    post: operations['createWorkspaceApiKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an API key (owners only): refused from its very next request on */
    delete: operations['revokeWorkspaceApiKey'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/workspaces/{ws}/overview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The workspace’s security overview: figures and charts of the last 24 hours or 7 days beside the week before */
    get: operations['getWorkspaceOverview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/overview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The instance’s security overview (instance admins: --instance-admins): every account, and the nodes */
    get: operations['getInstanceOverview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/oauth-clients': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The OAuth/OIDC clients registered with this instance, newest first (instance admins: --instance-admins) */
    get: operations['listOAuthClients'];
    put?: never;
    /** Register an OAuth/OIDC client (instance admins); a web client’s secret is shown in this answer only */
    post: operations['createOAuthClient'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/admin/oauth-clients/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove an OAuth/OIDC client (instance admins): it can no longer sign in, and its grants and tokens end */
    delete: operations['deleteOAuthClient'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/introspect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Whether a session token or personal access token is active, and whose (RFC 7662) */
    post: operations['introspectToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/revocations/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Revocations as Server-Sent Events, for services that cache sessions
     * @description Server-Sent Events: `ready`, `revocation` (data: {kind:"session",userId,sessionId} | {kind:"user",userId} | {kind:"policies",workspaceId}: drop every cached session), `heartbeat` every second while live, `stale` every second while this node may miss revocations. Empty your cache on every `ready`.
     */
    get: operations['streamRevocations'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/oauth/interactions/{uid}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What an app asks for: shown on the consent page */
    get: operations['getOAuthInteraction'];
    put?: never;
    /** Allow or deny an app; approving needs recent authentication */
    post: operations['answerOAuthInteraction'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/connected-apps': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Apps given access to the account, and device (command-line) sign-ins */
    get: operations['listConnectedApps'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/connected-apps/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Remove an app’s access: the grant and every token from it end on every node; the app is told (back-channel logout) */
    delete: operations['removeConnectedApp'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/relying-party-sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Apps the user signed in to with this account ("Sign in with") */
    get: operations['listRelyingPartySessions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/relying-party-sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Sign out of one app signed in to with this account; the app is told (back-channel logout) */
    delete: operations['endRelyingPartySession'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/ui/config': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The product name and page text the web pages take from configuration */
    get: operations['getUiConfig'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        /** @description snake_case error code; see docs/errors.md */
        code: string;
        message: string;
        request_id?: string;
      };
    };
    User: {
      id: string;
      email: string;
      name: string | null;
      /** @description ISO 8601 UTC */
      created_at: string;
    };
    Session: {
      id: string;
      client: {
        id: string;
        name: string;
        kind: 'browser' | 'desktop' | 'mobile' | 'cli' | 'service';
      };
      device: {
        name: string;
        os: string;
        browser: string | null;
        type: 'desktop' | 'mobile' | 'tablet' | 'unknown';
      };
      ip: string;
      location: {
        city: string | null;
        region: string | null;
        country: string | null;
        /** @enum {boolean} */
        approximate: true;
      };
      signed_in_at: string;
      last_active_at: string;
      /** @description When the session ends if nothing else happens: the earlier of its idle and absolute expiry */
      expires_at: string;
      trusted: boolean;
      trusted_until?: string | null;
      current: boolean;
      auth_method: string;
      device_group?: string | null;
    };
    TrustedDevice: {
      /** @description Names the device in `DELETE /v1/me/trusted-devices/:id` (not the device id, which stays on the server) */
      id: string;
      name: string;
      /** @description The app the trust was granted to */
      client: {
        id: string;
        name: string;
      };
      /** @description Null for trust granted before this was recorded */
      trusted_since: string | null;
      trusted_until: string;
      last_seen_at: string;
      /** @description The device of the calling session */
      current: boolean;
    };
    Passkey: {
      id: string;
      name: string;
      created_at: string;
      last_used_at: string | null;
      /** @description Synced (a multi-device passkey) rather than bound to one device */
      backed_up: boolean;
      /** @description The authenticator, from its AAGUID where it is a well-known one (e.g. "iCloud Keychain") */
      authenticator: string | null;
    };
    SecurityEvent: {
      id: string;
      /** @enum {string} */
      kind:
        | 'sign_in'
        | 'sign_in_failed'
        | 'new_device'
        | 'suspicious_sign_in'
        | 'session_revoked'
        | 'sessions_revoked'
        | 'session_reported'
        | 'password_changed'
        | 'password_reset_requested'
        | 'password_reset'
        | 'mfa_enabled'
        | 'mfa_disabled'
        | 'device_trusted'
        | 'device_untrusted'
        | 'recovery_codes_replaced'
        | 'passkey_added'
        | 'passkey_removed'
        | 'review_requested'
        | 'sessions_reviewed'
        | 'reauthenticated'
        | 'app_connected'
        | 'app_removed'
        | 'device_sign_in_approved'
        | 'relying_party_signed_out'
        | 'token_created'
        | 'token_revoked';
      /** @description ISO 8601 UTC */
      at: string;
      session_id: string | null;
      ip: string | null;
      location: {
        city: string | null;
        region: string | null;
        country: string | null;
        /** @enum {boolean} */
        approximate: true;
      } | null;
      device: {
        name: string;
        os: string;
        browser: string | null;
      } | null;
      client: {
        id: string;
        name: string;
      } | null;
      actor: {
        kind: 'session' | 'admin' | 'link' | 'policy' | 'system';
        session_id: string | null;
        ip: string | null;
        current: boolean;
        policy?: string;
      } | null;
      signals: {
        kind: string;
        country?: string;
        known_countries?: string[];
        distance_km?: number;
        hours?: number;
        speed_kmh?: number | null;
        from?: {
          city: string | null;
          country: string | null;
          at: string;
        };
        failures?: number;
        window_seconds?: number;
        client_id?: string;
      }[];
      count: number | null;
      reason: string | null;
      /** @description sign_in only, when recorded: how it passed two-step verification (an authenticator code, a recovery code, a passkey as the second step) or skipped it on a trusted device; absent without two-step verification and for a sign-in with a passkey alone */
      second_factor?: 'totp' | 'recovery' | 'passkey' | 'trusted_device';
    };
    PersonalAccessToken: {
      id: string;
      name: string;
      scopes: string[];
      /** @description ISO 8601 UTC */
      created_at: string;
      expires_at: string | null;
      last_used_at: string | null;
      last_used_ip: string | null;
    };
    Workspace: {
      id: string;
      name: string;
      /** @description The user id of the member whom alerts name as who to contact */
      security_owner_id: string;
      /** @description ISO 8601 UTC */
      created_at: string;
    };
    WorkspaceDetail: {
      id: string;
      name: string;
      /** @description The user id of the member whom alerts name as who to contact */
      security_owner_id: string;
      /** @description ISO 8601 UTC */
      created_at: string;
      security_owner: {
        id: string;
        email: string;
        name: string | null;
      } | null;
      /** @description How many days audit entries are kept (365 unless an owner changed it) */
      audit_retention_days: number;
    };
    WorkspaceMember: {
      user_id: string;
      email: string;
      name: string | null;
      /** @enum {string} */
      role: 'owner' | 'security_admin' | 'member';
      status: 'active' | 'disabled';
      joined_at: string;
      disabled_at: string | null;
      active_sessions: number;
      last_active_at: string | null;
      mfa_enabled: boolean;
      trusted_devices: number;
      last_reviewed_at: string | null;
    };
    WorkspaceSession: {
      id: string;
      client: {
        id: string;
        name: string;
        kind: 'browser' | 'desktop' | 'mobile' | 'cli' | 'service';
      };
      device: {
        name: string;
        os: string;
        browser: string | null;
        type: 'desktop' | 'mobile' | 'tablet' | 'unknown';
      };
      ip: string;
      location: {
        city: string | null;
        region: string | null;
        country: string | null;
        /** @enum {boolean} */
        approximate: true;
      };
      signed_in_at: string;
      last_active_at: string;
      /** @description When the session ends if nothing else happens: the earlier of its idle and absolute expiry */
      expires_at: string;
      trusted: boolean;
      trusted_until?: string | null;
      current: boolean;
      auth_method: string;
      device_group?: string | null;
      /** @description The member whose session it is */
      user_id: string;
    };
    /** @description Every condition given must hold; a list matches any of its values. Empty: every session. */
    SessionFilter: {
      /** @description The session’s app (client id): any of these */
      app?: string[];
      /** @description ISO 3166-1 alpha-2 of where it signed in: any of these */
      country?: string[];
      /** @description On a device trusted now (true) or not (false) */
      trusted?: boolean;
      /** @description Signed in with more than a password (true: a second factor or a passkey) or with a password alone (false) */
      mfa?: boolean;
      /** @description How it signed in: any of password, passkey, mfa */
      method?: string[];
      /** @description Signed in before this time; ISO 8601 or milliseconds since the epoch */
      signed_in_before?: string;
      /** @description Signed in at or after this time; ISO 8601 or milliseconds since the epoch */
      signed_in_after?: string;
      /** @description Last active before this time; ISO 8601 or milliseconds since the epoch */
      last_active_before?: string;
      /** @description The sign-in address is in any of these ranges: CIDR (IPv4 or IPv6) or one address */
      ip?: string[];
      /** @description Sessions of these members (user ids) only */
      member?: string[];
    };
    Incident: {
      id: string;
      status: 'pending_approval' | 'running' | 'done' | 'refused';
      /** @description The filter, in its query-string spelling */
      filter: {
        [key: string]: string;
      };
      /** @description Sessions that matched when it was requested (the confirmed count) */
      matched: number;
      /** @description The approval threshold it was judged against */
      threshold: number;
      requested_by: string;
      created_at: string;
      decided_by: string | null;
      decided_at: string | null;
      started_at: string | null;
      finished_at: string | null;
      /** @description Sessions ended so far */
      revoked: number;
      /** @description Batches committed so far */
      batches: number;
    };
    WorkspacePolicy: {
      max_lifetime_seconds: number | null;
      idle_timeout_seconds: number | null;
      max_sessions: number | null;
      /** @description A session must have passed two-step verification or run on a trusted device; one that did not has 10 minutes to set it up */
      mfa_required: boolean;
      /** @description App (client) ids whose sessions must run on a trusted device */
      trusted_device_apps: string[];
      allowed_countries: string[] | null;
      updated_at: string | null;
      updated_by: string | null;
    };
    WorkspaceApiKey: {
      id: string;
      name: string;
      scopes: ('members:read' | 'members:write' | 'sessions:write' | 'incidents:write' | 'audit:read')[];
      /** @description ISO 8601 UTC */
      created_at: string;
      /** @description The user id of the owner who made it: the key acts as them, with at most their rights */
      created_by: string;
      created_by_email: string | null;
      /** @description ISO 8601 UTC */
      expires_at: string;
      last_used_at: string | null;
      revoked_at: string | null;
    };
    RegisteredOAuthClient: {
      /** @description The client_id */
      id: string;
      name: string;
      logo_uri: string | null;
      /**
       * @description `web`: a server-side app with a secret (client_secret_basic); `native`: an installed app, public, PKCE, redirecting to http on a loopback host or a private-use scheme like `com.example.app:/callback`; `device`: a command line or TV signing in with a code entered on another screen (no redirect URIs)
       * @enum {string}
       */
      kind: 'web' | 'native' | 'device';
      first_party: boolean;
      redirect_uris: string[];
      post_logout_redirect_uris: string[];
      backchannel_logout_uri: string | null;
      /** @description Holds a secret (web clients) */
      confidential: boolean;
      /** @description ISO 8601 UTC */
      created_at: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {string} */
            status: 'ok';
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getReadiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {string} */
            status: 'ok';
          };
        };
      };
      /** @description Unavailable for now: the error envelope; try again after Retry-After */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMetrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The Prometheus text format */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': components['schemas']['Error'];
        };
      };
    };
  };
  signUp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          email: string;
          password: string;
          name?: string | null;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: components['schemas']['User'];
          };
        };
      };
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  confirmSignUp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          token: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: components['schemas']['User'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  signIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          email: string;
          password: string;
          client_id?: string;
          device?: {
            id?: string;
            name?: string;
            model?: string;
            os?: string;
            /** @description The `device_token` given when this device was trusted; it skips the code step. */
            trust_token?: string;
          };
          transport?: 'cookie' | 'bearer';
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            | {
                user: components['schemas']['User'];
                session: components['schemas']['Session'];
                token?: string;
              }
            | {
                /** @enum {boolean} */
                mfa_required: true;
                /** @description Single use; send it with a code to POST /v1/auth/sign-in/mfa within 5 minutes */
                mfa_token: string;
                expires_at: string;
                /** @description How long the device stays trusted, in days, when the code step is sent with `remember_device: true` */
                remember_device_days: number;
                /** @description The account has a passkey: the code step may be done with it instead (POST /v1/auth/passkey/options with this mfa_token) */
                passkeys: boolean;
              };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  signInWithCode: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          mfa_token: string;
          code: string;
          /** @description Trust the device of the session this step makes ("Remember this device"): later sign-ins from it, by this client, skip the code step until `remember_device_days` have passed */
          remember_device?: boolean;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: components['schemas']['User'];
            session: components['schemas']['Session'];
            token?: string;
            /** @description Native (bearer) clients that sent `remember_device: true`: the proof of trust, shown once; send it as `device.trust_token` at sign-in. */
            device_token?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  beginPasskeySignIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description The password step's `mfa_token`: the options then allow that account's passkeys (the passkey as the second step) */
          mfa_token?: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description PublicKeyCredentialRequestOptionsJSON (W3C WebAuthn Level 3): pass as `startAuthentication({ optionsJSON })` */
            options: {
              challenge: string;
              timeout?: number;
              rpId?: string;
              allowCredentials?: {
                id: string;
                /** @enum {string} */
                type: 'public-key';
                transports?: string[];
              }[];
              userVerification?: string;
              hints?: string[];
              extensions?: {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  signInWithPasskey: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description What @simplewebauthn/browser `startAuthentication` answers (AuthenticationResponseJSON) */
          response: {
            id: string;
            rawId: string;
            /** @enum {string} */
            type: 'public-key';
            response: {
              clientDataJSON: string;
              authenticatorData: string;
              signature: string;
              userHandle?: string;
            };
            authenticatorAttachment?: 'platform' | 'cross-platform';
            clientExtensionResults: {
              [key: string]: unknown;
            };
          };
          client_id?: string;
          transport?: 'cookie' | 'bearer';
          device?: {
            id?: string;
            name?: string;
            model?: string;
            os?: string;
            /** @description The `device_token` given when this device was trusted; it skips the code step. */
            trust_token?: string;
          };
          mfa_token?: string;
          remember_device?: boolean;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: components['schemas']['User'];
            session: components['schemas']['Session'];
            token?: string;
            /** @description Native (bearer) clients that sent `remember_device: true`: the proof of trust, shown once; send it as `device.trust_token` at sign-in. */
            device_token?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  requestPasswordReset: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          email: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  confirmPasswordReset: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          token: string;
          new_password: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  reportSignIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          token: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  signOut: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getCurrentSession: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            user: components['schemas']['User'];
            session: components['schemas']['Session'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMySessions: {
    parameters: {
      query?: {
        /** @description Page size, 1-200 */
        limit?: string;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sessions: components['schemas']['Session'][];
            next_cursor?: string | null;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeMySession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  replaceMyDevice: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Sessions on that device that ended now. */
            revoked: number;
            /** @description The device was trusted, and is no longer. */
            untrusted: boolean;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeMyOtherSessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          include?: ('connected_apps' | 'tokens')[];
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Sessions ended */
            revoked: number;
            /** @description With include connected_apps: apps (and device sign-ins) whose access ended */
            apps_removed?: number;
            /** @description With include tokens: personal access tokens revoked */
            tokens_revoked?: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeAllMySessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          include?: ('connected_apps' | 'tokens')[];
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Sessions ended */
            revoked: number;
            /** @description With include connected_apps: apps (and device sign-ins) whose access ended */
            apps_removed?: number;
            /** @description With include tokens: personal access tokens revoked */
            tokens_revoked?: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  changeMyPassword: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          current_password: string;
          new_password: string;
          sign_out_others?: boolean;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Bearer callers only: the session's new token after this change; the old one is refused from now on. Browsers get it as the session cookie. */
            token: string;
          };
        };
      };
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  reauthenticate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | {
              password: string;
            }
          | {
              code: string;
            }
          | {
              /** @description What @simplewebauthn/browser `startAuthentication` answers (AuthenticationResponseJSON) */
              passkey: {
                id: string;
                rawId: string;
                /** @enum {string} */
                type: 'public-key';
                response: {
                  clientDataJSON: string;
                  authenticatorData: string;
                  signature: string;
                  userHandle?: string;
                };
                authenticatorAttachment?: 'platform' | 'cross-platform';
                clientExtensionResults: {
                  [key: string]: unknown;
                };
              };
            };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            authenticated_at: string;
            reauth_expires_at: string;
            /** @description Bearer callers only: the session's new token after this change; the old one is refused from now on. Browsers get it as the session cookie. */
            token?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyMfaStatus: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            enabled: boolean;
            enabled_at: string | null;
            recovery_codes_remaining: number;
            methods: 'totp'[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  disableMyMfa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  startTotpEnrolment: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description base32, for typing into an app that cannot scan; shown only now */
            secret: string;
            otpauth_uri: string;
            /** @description data:image/png;base64 URL of the otpauth URI */
            qr_code: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  confirmTotpEnrolment: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          code: string;
          /** @description End every other session of the account as two-step verification goes on (default true) */
          sign_out_others?: boolean;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            recovery_codes: string[];
            /** @description How many other sessions were signed out */
            revoked: number;
            /** @description Bearer callers only: the session's new token after this change; the old one is refused from now on. Browsers get it as the session cookie. */
            token?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  regenerateRecoveryCodes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            recovery_codes: string[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  trustCurrentDevice: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            trusted_until: string;
            /** @description Native (bearer) clients only: the device's proof of trust, shown once. Keep it in the app's secure storage and send it as `device.trust_token` at sign-in. */
            device_token?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMyTrustedDevices: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            devices: components['schemas']['TrustedDevice'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  untrustMyDevice: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  untrustSessionDevice: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMyPasskeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Newest first */
            passkeys: components['schemas']['Passkey'][];
            /** @description How many passkeys an account may have (`--max-passkeys`) */
            limit: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  addMyPasskey: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          name?: string;
          /** @description What @simplewebauthn/browser `startRegistration` answers (RegistrationResponseJSON) */
          response: {
            id: string;
            rawId: string;
            /** @enum {string} */
            type: 'public-key';
            response: {
              clientDataJSON: string;
              attestationObject: string;
              authenticatorData?: string;
              transports?: string[];
              publicKeyAlgorithm?: number;
              publicKey?: string;
            };
            authenticatorAttachment?: 'platform' | 'cross-platform';
            clientExtensionResults: {
              [key: string]: unknown;
            };
          };
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            passkey: components['schemas']['Passkey'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  beginPasskeyRegistration: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description PublicKeyCredentialCreationOptionsJSON (W3C WebAuthn Level 3): pass as `startRegistration({ optionsJSON })` */
            options: {
              rp: {
                id?: string;
                name: string;
              };
              user: {
                id: string;
                name: string;
                displayName: string;
              };
              challenge: string;
              pubKeyCredParams: {
                /** @enum {string} */
                type: 'public-key';
                alg: number;
              }[];
              timeout?: number;
              excludeCredentials?: {
                id: string;
                /** @enum {string} */
                type: 'public-key';
                transports?: string[];
              }[];
              authenticatorSelection?: {
                authenticatorAttachment?: string;
                residentKey?: string;
                requireResidentKey?: boolean;
                userVerification?: string;
              };
              hints?: string[];
              attestation?: string;
              extensions?: {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  removeMyPasskey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  renameMyPasskey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          name: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            passkey: components['schemas']['Passkey'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  beginPasskeyReauthentication: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description PublicKeyCredentialRequestOptionsJSON (W3C WebAuthn Level 3): pass as `startAuthentication({ optionsJSON })` */
            options: {
              challenge: string;
              timeout?: number;
              rpId?: string;
              allowCredentials?: {
                id: string;
                /** @enum {string} */
                type: 'public-key';
                transports?: string[];
              }[];
              userVerification?: string;
              hints?: string[];
              extensions?: {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMySecurityEvents: {
    parameters: {
      query?: {
        cursor?: string;
        limit?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            events: components['schemas']['SecurityEvent'][];
            next_cursor: string | null;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMySessionHistory: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            session: components['schemas']['Session'];
            ended: {
              /** @description ISO 8601 UTC */
              at: string;
              /** @description sign_out, revoked_by_user, revoke_others, revoke_all, password_changed, password_reset, admin, reported, policy, or expired (idle or absolute expiry) */
              reason: string;
              /** @description Which rule of a workspace session policy ended it (reason `policy`) */
              policy?: string;
            } | null;
            /** @description Every address the session was used from, most recently seen first (at most 50) */
            addresses: {
              ip: string;
              location: {
                city: string | null;
                region: string | null;
                country: string | null;
                /** @enum {boolean} */
                approximate: true;
              };
              /** @description ISO 8601 UTC */
              first_seen_at: string;
              /** @description ISO 8601 UTC; written at most once a minute */
              last_seen_at: string;
            }[];
            /** @description Its sign-in, re-authentications, trust changes of its device and its end, newest first (at most 200) */
            events: components['schemas']['SecurityEvent'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  reportMySession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMyReviews: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            reviews: {
              id: string;
              /** @enum {string} */
              reason: 'workspace_request' | 'onboarding' | 'password_reset' | 'suspicious_sign_in';
              workspace_id: string | null;
              workspace_name: string | null;
              /** Format: date-time */
              requested_at: string;
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  completeMyReviews: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description How many pending requests this confirmation completed. */
            completed: number;
            /** @description Sessions the caller ended themselves since the oldest request. */
            sign_outs: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMyPersonalTokens: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            tokens: components['schemas']['PersonalAccessToken'][];
            /** @description The scopes a new token may have (`--token-scopes`), for the form that makes one */
            available_scopes: string[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createMyPersonalToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description What you call it, 1-64 characters on one line */
          name: string;
          /** @description One or more of the configured scopes (`--token-scopes`); each counts once */
          scopes: string[];
          expires_in_days: number | null;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            token: components['schemas']['PersonalAccessToken'];
            /** @description The token (`sdpat_…`), for the tool that uses it. Shown this once: only a hash of its secret is kept. Services check it with `POST /v1/introspect`. */
            secret: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeMyPersonalToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMyWorkspaces: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            workspaces: {
              id: string;
              name: string;
              /** @enum {string} */
              role: 'owner' | 'security_admin' | 'member';
              security_owner_id: string;
              created_at: string;
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  joinWorkspace: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          token: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            workspace: components['schemas']['Workspace'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createWorkspace: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          name: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            workspace: components['schemas']['Workspace'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWorkspace: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            workspace: components['schemas']['WorkspaceDetail'];
            /** @enum {string} */
            role: 'owner' | 'security_admin' | 'member';
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWorkspaceMembers: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            members: components['schemas']['WorkspaceMember'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  inviteWorkspaceMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          email: string;
          /** @enum {string} */
          role: 'owner' | 'security_admin' | 'member';
        };
      };
    };
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            id: string;
            /** @description ISO 8601 UTC; the link itself only goes by mail */
            expires_at: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  setWorkspaceSecurityOwner: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          user_id: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  changeWorkspaceMemberRole: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          role: 'owner' | 'security_admin' | 'member';
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWorkspaceMemberSessions: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sessions: components['schemas']['Session'][];
            next_cursor?: string | null;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeWorkspaceMemberSessions: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            revoked: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeWorkspaceMemberSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        userId: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  replaceWorkspaceMemberDevice: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        userId: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Sessions on that device that ended now. */
            revoked: number;
            /** @description The device was trusted, and is no longer. */
            untrusted: boolean;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  offboardWorkspaceMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sessions_ended: number;
            devices_untrusted: number;
            /** @description The workspace API keys the member made, revoked now */
            keys_revoked: number;
            /** @description The member’s connected apps and device sign-ins, ended now (back-channel logout sent) */
            apps_removed: number;
            /** @description The member’s personal access tokens, revoked now */
            tokens_revoked: number;
            /** @description False when it was already disabled (a second run finishes what a first began) */
            membership_disabled: boolean;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWorkspaceReviews: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            members: {
              user_id: string;
              email: string;
              name: string | null;
              /** @description The latest request this workspace made; null: never asked. */
              requested_at: string | null;
              /** @description Null while that request is pending. */
              completed_at: string | null;
              /** @description Sessions the member ended themselves before confirming. */
              sign_outs: number | null;
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  requestWorkspaceReview: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Only these members; all active members when left out. */
          user_ids?: string[];
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Members newly asked; one already asked by this workspace and not yet done is not asked twice. */
            asked: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  setWorkspaceAuditRetention: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description How many days audit entries are kept; older ones are deleted by the periodic purge */
          days: number;
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWorkspaceAudit: {
    parameters: {
      query?: {
        /** @description Page size, 1-200 (default 50); JSON only */
        limit?: string;
        /** @description The `next_cursor` of the previous page; JSON only */
        cursor?: string;
        /** @description `json` (default): one page. `jsonl` or `csv`: the whole trail, newest first, as a download */
        format?: 'json' | 'jsonl' | 'csv';
      };
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page (JSON), or the whole trail as a download (`jsonl`, `csv`) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            entries: {
              id: string;
              /** @description ISO 8601 UTC */
              at: string;
              /** @description The user id of the member who acted */
              actor_id: string;
              /** @enum {string} */
              action:
                | 'workspace.created'
                | 'security_owner.changed'
                | 'member.invited'
                | 'member.joined'
                | 'member.offboarded'
                | 'session.revoked'
                | 'sessions.revoked'
                | 'review.requested'
                | 'incident.requested'
                | 'incident.approved'
                | 'incident.refused'
                | 'incident.started'
                | 'incident.progress'
                | 'incident.finished'
                | 'incident.threshold_changed'
                | 'member.role_changed'
                | 'device.replaced'
                | 'api_key.created'
                | 'api_key.revoked'
                | 'audit.retention_changed'
                | 'policy.changed'
                | 'credential.app_connected'
                | 'credential.app_removed'
                | 'credential.device_sign_in_approved'
                | 'credential.relying_party_signed_out'
                | 'credential.token_created'
                | 'credential.token_revoked';
              target_kind: 'workspace' | 'member' | 'invitation' | 'session' | 'incident' | 'api_key';
              target_id: string;
              ip: string | null;
              user_agent: string | null;
              request_id: string | null;
              details: {
                [key: string]: string | number | boolean | null;
              };
            }[];
            next_cursor: string | null;
          };
          'application/x-ndjson': string;
          'text/csv': string;
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  searchWorkspaceSessions: {
    parameters: {
      query?: {
        /** @description The session’s app (client id): any of these; comma-separated */
        app?: string;
        /** @description ISO 3166-1 alpha-2 of where it signed in: any of these; comma-separated */
        country?: string;
        /** @description On a device trusted now (true) or not (false) */
        trusted?: string;
        /** @description Signed in with more than a password (true: a second factor or a passkey) or with a password alone (false) */
        mfa?: string;
        /** @description How it signed in: any of password, passkey, mfa; comma-separated */
        method?: string;
        /** @description Signed in before this time; ISO 8601 or milliseconds */
        signed_in_before?: string;
        /** @description Signed in at or after this time; ISO 8601 or milliseconds */
        signed_in_after?: string;
        /** @description Last active before this time; ISO 8601 or milliseconds */
        last_active_before?: string;
        /** @description The sign-in address is in any of these ranges: CIDR (IPv4 or IPv6) or one address; comma-separated */
        ip?: string;
        /** @description Sessions of these members (user ids) only; comma-separated */
        member?: string;
        /** @description Page size, 1-200 (default 50) */
        limit?: string;
        /** @description The `next_cursor` of the previous page */
        cursor?: string;
      };
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sessions: components['schemas']['WorkspaceSession'][];
            next_cursor: string | null;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  dryRunWorkspaceIncident: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          filter: components['schemas']['SessionFilter'];
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Sessions that match now: what creating the operation must confirm */
            count: number;
            /** @description The first few (by session id) */
            sample: components['schemas']['WorkspaceSession'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWorkspaceIncidents: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            incidents: components['schemas']['Incident'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createWorkspaceIncident: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          filter: components['schemas']['SessionFilter'];
          /** @description The count the dry run showed; 409 `count_mismatch` when it no longer matches */
          confirm_count: number;
        };
      };
    };
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            incident: components['schemas']['Incident'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWorkspaceIncident: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            incident: components['schemas']['Incident'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  approveWorkspaceIncident: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            incident: components['schemas']['Incident'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  refuseWorkspaceIncident: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            incident: components['schemas']['Incident'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  resumeWorkspaceIncident: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description Default Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            incident: components['schemas']['Incident'];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWorkspaceIncidentSettings: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description An operation that would end more sessions than this waits for a second owner or security admin (default 100) */
            approval_threshold: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  setWorkspaceIncidentSettings: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description An operation that would end more sessions than this waits for a second owner or security admin (default 100) */
          approval_threshold: number;
        };
      };
    };
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWorkspacePolicy: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            max_lifetime_seconds: number | null;
            idle_timeout_seconds: number | null;
            max_sessions: number | null;
            /** @description A session must have passed two-step verification or run on a trusted device; one that did not has 10 minutes to set it up */
            mfa_required: boolean;
            /** @description App (client) ids whose sessions must run on a trusted device */
            trusted_device_apps: string[];
            allowed_countries: string[] | null;
            updated_at: string | null;
            updated_by: string | null;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  setWorkspacePolicy: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          max_lifetime_seconds: number | null;
          idle_timeout_seconds: number | null;
          max_sessions: number | null;
          /** @description A session must have passed two-step verification or run on a trusted device; one that did not has 10 minutes to set it up */
          mfa_required: boolean;
          /** @description App (client) ids whose sessions must run on a trusted device */
          trusted_device_apps: string[];
          allowed_countries: string[] | null;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            policy: components['schemas']['WorkspacePolicy'];
            /** @description Member sessions that broke the new policy and ended now (reason `policy`) */
            ended: number;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listWorkspaceApiKeys: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            keys: components['schemas']['WorkspaceApiKey'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createWorkspaceApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          name: string;
          /** @description What the key may do, within its creator’s role: `members:read` (the workspace, members, their sessions, reviews), `members:write` (invite as member, offboard), `sessions:write` (end members’ sessions, replace devices, ask for reviews), `incidents:write` (search sessions, dry-run, request, refuse and resume incident operations; never approve), `audit:read` (the audit log, the security overview). */
          scopes: ('members:read' | 'members:write' | 'sessions:write' | 'incidents:write' | 'audit:read')[];
          /** @description Every key expires; default 90 days */
          expires_in_days?: number;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            key: components['schemas']['WorkspaceApiKey'];
            /** @description Send as `Authorization: Bearer <token>`. Shown this once: only a hash of its secret is kept. */
            token: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeWorkspaceApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        ws: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getWorkspaceOverview: {
    parameters: {
      query?: {
        /** @description The last 24 hours (15-minute steps) or the last 7 days (hourly steps); default 24h */
        range?: '24h' | '7d';
      };
      header?: never;
      path: {
        ws: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            scope: 'workspace' | 'instance';
            /**
             * @description The last 24 hours (15-minute steps) or the last 7 days (hourly steps); default 24h
             * @enum {string}
             */
            range: '24h' | '7d';
            /** @description Start of this period, ms since the epoch */
            from: number;
            /** @description End of this period (exclusive): the end of the current step */
            to: number;
            /** @description Start of the same period one week earlier */
            previous_from: number;
            /** @description End of the same period one week earlier */
            previous_to: number;
            /** @description Chart step: 900000 (24h) or 3600000 (7d) */
            step_ms: number;
            /** @description Fixed ids in a fixed order. Counts, rates (0..1), seconds, milliseconds (median_alert_to_review_ms). Latency, revocation lag, mail, database and cost figures are the instance’s, also on a workspace’s overview. */
            figures: {
              /** @enum {string} */
              id:
                | 'sign_ins'
                | 'sign_in_success_rate'
                | 'sign_in_failures'
                | 'mfa_failures'
                | 'suspicious_sign_ins'
                | 'suspicious_confirmed'
                | 'suspicious_reported'
                | 'median_alert_to_review_ms'
                | 'revocations'
                | 'validation_p50_seconds'
                | 'validation_p99_seconds'
                | 'revocation_lag_p99_seconds'
                | 'alert_mails_sent'
                | 'alert_mails_failed'
                | 'database_errors'
                | 'unavailable_answers'
                | 'rate_limited'
                | 'db_statements_per_request'
                | 'cpu_seconds_per_1000_validations'
                | 'cache_hit_ratio';
              current: number | null;
              previous: number | null;
            }[];
            /** @description Failed sign-ins by the error code the caller saw, largest first */
            failures_by_reason: {
              key: string;
              current: number;
              previous: number;
            }[];
            /** @description Sessions ended by who ended them: user, admin, policy, system */
            revocations_by_actor: {
              key: string;
              current: number;
              previous: number;
            }[];
            series: {
              /** @enum {string} */
              id:
                | 'sign_ins'
                | 'sign_in_failures'
                | 'sign_in_success_rate'
                | 'validation_p50_seconds'
                | 'validation_p99_seconds'
                | 'revocation_lag_p99_seconds'
                | 'revocations'
                | 'suspicious_sign_ins'
                | 'alert_mails_sent'
                | 'alert_mails_failed';
              /** @description Start of each step, ms since the epoch */
              t: number[];
              /** @description One value per step of this period */
              current: (number | null)[];
              /** @description The same steps one week earlier */
              previous: (number | null)[];
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getInstanceOverview: {
    parameters: {
      query?: {
        /** @description The last 24 hours (15-minute steps) or the last 7 days (hourly steps); default 24h */
        range?: '24h' | '7d';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            scope: 'workspace' | 'instance';
            /**
             * @description The last 24 hours (15-minute steps) or the last 7 days (hourly steps); default 24h
             * @enum {string}
             */
            range: '24h' | '7d';
            /** @description Start of this period, ms since the epoch */
            from: number;
            /** @description End of this period (exclusive): the end of the current step */
            to: number;
            /** @description Start of the same period one week earlier */
            previous_from: number;
            /** @description End of the same period one week earlier */
            previous_to: number;
            /** @description Chart step: 900000 (24h) or 3600000 (7d) */
            step_ms: number;
            /** @description Fixed ids in a fixed order. Counts, rates (0..1), seconds, milliseconds (median_alert_to_review_ms). Latency, revocation lag, mail, database and cost figures are the instance’s, also on a workspace’s overview. */
            figures: {
              /** @enum {string} */
              id:
                | 'sign_ins'
                | 'sign_in_success_rate'
                | 'sign_in_failures'
                | 'mfa_failures'
                | 'suspicious_sign_ins'
                | 'suspicious_confirmed'
                | 'suspicious_reported'
                | 'median_alert_to_review_ms'
                | 'revocations'
                | 'validation_p50_seconds'
                | 'validation_p99_seconds'
                | 'revocation_lag_p99_seconds'
                | 'alert_mails_sent'
                | 'alert_mails_failed'
                | 'database_errors'
                | 'unavailable_answers'
                | 'rate_limited'
                | 'db_statements_per_request'
                | 'cpu_seconds_per_1000_validations'
                | 'cache_hit_ratio';
              current: number | null;
              previous: number | null;
            }[];
            /** @description Failed sign-ins by the error code the caller saw, largest first */
            failures_by_reason: {
              key: string;
              current: number;
              previous: number;
            }[];
            /** @description Sessions ended by who ended them: user, admin, policy, system */
            revocations_by_actor: {
              key: string;
              current: number;
              previous: number;
            }[];
            series: {
              /** @enum {string} */
              id:
                | 'sign_ins'
                | 'sign_in_failures'
                | 'sign_in_success_rate'
                | 'validation_p50_seconds'
                | 'validation_p99_seconds'
                | 'revocation_lag_p99_seconds'
                | 'revocations'
                | 'suspicious_sign_ins'
                | 'alert_mails_sent'
                | 'alert_mails_failed';
              /** @description Start of each step, ms since the epoch */
              t: number[];
              /** @description One value per step of this period */
              current: (number | null)[];
              /** @description The same steps one week earlier */
              previous: (number | null)[];
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listOAuthClients: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            clients: components['schemas']['RegisteredOAuthClient'][];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createOAuthClient: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Shown on the consent screen and in Settings › Security */
          name: string;
          /**
           * @description `web`: a server-side app with a secret (client_secret_basic); `native`: an installed app, public, PKCE, redirecting to http on a loopback host or a private-use scheme like `com.example.app:/callback`; `device`: a command line or TV signing in with a code entered on another screen (no redirect URIs)
           * @enum {string}
           */
          kind: 'web' | 'native' | 'device';
          /** @description A first-party app skips the consent screen; default false */
          first_party?: boolean;
          /** @description web and native: 1 to 10, each exact (no wildcards, no fragment) */
          redirect_uris?: string[];
          post_logout_redirect_uris?: string[];
          logo_uri?: string | null;
          backchannel_logout_uri?: string | null;
        };
      };
    };
    responses: {
      /** @description Default Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            client: components['schemas']['RegisteredOAuthClient'];
            /** @description Web clients only. Shown this once: the server keeps it sealed, and it is never shown again. */
            client_secret?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteOAuthClient: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  introspectToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          token: string;
          token_type_hint?: string;
        };
        'application/x-www-form-urlencoded': {
          token: string;
          token_type_hint?: string;
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            active: boolean;
            sub?: string;
            sid?: string;
            client_id?: string;
            /** @description Unix seconds */
            exp?: number;
            /** @description Unix seconds */
            iat?: number;
            /** @description `personal_access_token` for a personal access token, `access_token` for an OAuth access token; absent for a session */
            token_type?: string;
            /** @description A personal or OAuth access token’s scopes, space-separated */
            scope?: string;
            /** @description A personal access token’s id */
            token_id?: string;
            /** @description An OAuth access token’s grant: what "Remove access" ends */
            grant_id?: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  streamRevocations: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An endless text/event-stream */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': string;
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getOAuthInteraction: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        uid: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            uid: string;
            client: {
              id: string;
              name: string;
              logo_uri: string | null;
              first_party: boolean;
            };
            scopes: string[];
            device: {
              name: string | null;
              ip: string | null;
              location: {
                city: string | null;
                region: string | null;
                country: string | null;
                /** @enum {boolean} */
                approximate: true;
              } | null;
            } | null;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  answerOAuthInteraction: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        uid: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          decision: 'approve' | 'deny';
        };
      };
    };
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            redirect_to: string;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listConnectedApps: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            apps: {
              /** @description The grant */
              id: string;
              client: {
                id: string;
                name: string;
                logo_uri: string | null;
                first_party: boolean;
              };
              /** @description `device_code`: a sign-in on a device or command line (RFC 8628), shown among signed-in sessions */
              via: 'authorization_code' | 'device_code';
              scopes: string[];
              device_name: string | null;
              /** @description ISO 8601 UTC */
              first_authorized_at: string;
              last_used_at: string | null;
              last_used_location: {
                city: string | null;
                region: string | null;
                country: string | null;
                /** @enum {boolean} */
                approximate: true;
              } | null;
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  removeConnectedApp: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listRelyingPartySessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sessions: {
              /** @description The session id (`sid`) the app holds */
              id: string;
              client: {
                id: string;
                name: string;
                logo_uri: string | null;
              };
              /** @description ISO 8601 UTC */
              signed_in_at: string;
            }[];
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  endRelyingPartySession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getUiConfig: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Default Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            product_name: string;
            sessions_page: {
              covers: string;
              excludes: string;
            };
            apps: {
              id: string;
              name: string;
              kind: 'browser' | 'desktop' | 'mobile' | 'cli' | 'service';
            }[];
            /** @description Whether passkeys work on this deployment: false when the public URL's host is an IP address (WebAuthn RP IDs are domains; use http://localhost, not http://127.0.0.1) */
            passkeys: boolean;
          };
        };
      };
      /** @description Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them) */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Failed: the error envelope */
      '5XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
}
