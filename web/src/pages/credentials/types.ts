/**
 * The wire shapes of issue 11's routes (connected apps, "Sign in with" sessions, personal access
 * tokens, the consent interaction), as the design fixes them. Hand-written only until
 * api-types.ts is generated again from the server's OpenAPI document with these routes in it;
 * then these become shorthands for the generated types, as api.ts has for the others.
 */

/** An approximate place from the IP database: never exact, always hedged in words. */
export interface ApproximateLocation {
  city: string | null;
  region: string | null;
  country: string | null;
  approximate: true;
}

/** An OAuth client as a user sees it. */
export interface OAuthClientSummary {
  id: string;
  name: string;
  logo_uri: string | null;
  first_party?: boolean;
}

/**
 * One grant of the caller's (GET /v1/me/connected-apps): an app they let use their account, or
 * (via `device_code`) a command-line or device sign-in they approved.
 */
export interface ConnectedApp {
  id: string;
  client: OAuthClientSummary & { first_party: boolean };
  via: 'authorization_code' | 'device_code';
  scopes: string[];
  device_name: string | null;
  first_authorized_at: string;
  last_used_at: string | null;
  last_used_location: ApproximateLocation | null;
}

/** A session an app keeps after the person signed in to it with this account (GET /v1/me/relying-party-sessions). */
export interface RelyingPartySession {
  id: string;
  client: OAuthClientSummary;
  signed_in_at: string;
}

/** A personal access token, never its secret (GET /v1/me/tokens). */
export interface PersonalToken {
  id: string;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
}

/**
 * GET /v1/me/tokens. `available_scopes`: the scopes a new token may have, when the server says
 * (the design's answer has only `tokens`; the form falls back to what it knows).
 */
export interface PersonalTokenList {
  tokens: PersonalToken[];
  available_scopes?: string[];
}

export interface PersonalTokenInput {
  name: string;
  scopes: string[];
  /** 1..365, or null for a token that does not expire. */
  expires_in_days: number | null;
}

/** POST /v1/me/tokens: the token and its secret, which is never sent again. */
export interface PersonalTokenCreated {
  token: PersonalToken;
  secret: string;
}

/** What "Sign out everywhere" / "… all other sessions" may end besides the sessions. */
export type RevokeInclude = 'connected_apps' | 'tokens';

/** GET /v1/oauth/interactions/:uid: an app asking for access, for the consent page. */
export interface ConsentInteraction {
  uid: string;
  client: OAuthClientSummary & { first_party: boolean };
  scopes: string[];
  device: { name: string | null; ip: string | null; location: ApproximateLocation | null } | null;
}

export type ConsentDecision = 'approve' | 'deny';

/** POST /v1/oauth/interactions/:uid: where the browser goes next (back into the OAuth flow). */
export interface ConsentAnswer {
  redirect_to: string;
}

/** The timeline kinds of the `credential_changed` event; `reason` carries the app's or token's name. */
export type CredentialEventKind =
  'app_connected' | 'app_removed' | 'device_sign_in_approved' | 'relying_party_signed_out' | 'token_created' | 'token_revoked';
