/**
 * Wire shapes of registered OAuth/OIDC clients (core/oauth-clients.ts), for the instance admins'
 * `/v1/admin/oauth-clients` and `sessiond oauth-clients list --json`. A web client's secret
 * appears in one answer only, the one that registers it; no answer carries it sealed.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../schemas.js';
import { iso } from '../views.js';
import {
  isConfidential,
  MAX_OAUTH_CLIENT_NAME,
  MAX_OAUTH_CLIENT_URI_LENGTH,
  MAX_OAUTH_CLIENT_URIS,
  OAUTH_CLIENT_ID_PATTERN,
  OAUTH_CLIENT_KINDS,
  type OAuthClientKind,
  type OAuthClientRecord,
} from '../../core/oauth-clients.js';

const Kind = Type.Unsafe<OAuthClientKind>({
  type: 'string',
  enum: [...OAUTH_CLIENT_KINDS],
  description:
    '`web`: a server-side app with a secret (client_secret_basic); `native`: an installed app, public, PKCE, redirecting to ' +
    'http on a loopback host or a private-use scheme like `com.example.app:/callback`; `device`: a command line or TV signing in ' +
    'with a code entered on another screen (no redirect URIs)',
});
// Core checks each URI against the client's kind and names the one at fault.
const Uri = Type.String({ minLength: 1, maxLength: MAX_OAUTH_CLIENT_URI_LENGTH });
const UriList = Type.Array(Uri, { maxItems: MAX_OAUTH_CLIENT_URIS });

export const OAuthClientParams = Type.Object({ id: Type.String({ pattern: OAUTH_CLIENT_ID_PATTERN }) }, { additionalProperties: false });

export const CreateOAuthClientBody = Type.Object(
  {
    // Core trims and checks again (and refuses control characters).
    name: Type.String({
      minLength: 1,
      maxLength: MAX_OAUTH_CLIENT_NAME,
      description: 'Shown on the consent screen and in Settings › Security',
    }),
    kind: Kind,
    first_party: Type.Optional(Type.Boolean({ description: 'A first-party app skips the consent screen; default false' })),
    redirect_uris: Type.Optional(
      Type.Array(Uri, { maxItems: MAX_OAUTH_CLIENT_URIS, description: 'web and native: 1 to 10, each exact (no wildcards, no fragment)' }),
    ),
    post_logout_redirect_uris: Type.Optional(UriList),
    logo_uri: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: MAX_OAUTH_CLIENT_URI_LENGTH, description: 'https' }))),
    backchannel_logout_uri: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: MAX_OAUTH_CLIENT_URI_LENGTH, description: 'https, or http on a loopback host' })),
    ),
  },
  { additionalProperties: false },
);

export const OAuthClient = Type.Object(
  {
    id: Type.String({ description: 'The client_id' }),
    name: Type.String(),
    logo_uri: Nullable(Type.String()),
    kind: Kind,
    first_party: Type.Boolean(),
    redirect_uris: Type.Array(Type.String()),
    post_logout_redirect_uris: Type.Array(Type.String()),
    backchannel_logout_uri: Nullable(Type.String()),
    confidential: Type.Boolean({ description: 'Holds a secret (web clients)' }),
    created_at: Type.String({ description: 'ISO 8601 UTC' }),
  },
  { $id: 'RegisteredOAuthClient' },
);

export const OAuthClientList = Type.Object({ clients: Type.Array(OAuthClient) });

export const OAuthClientCreated = Type.Object({
  client: OAuthClient,
  client_secret: Type.Optional(
    Type.String({ description: 'Web clients only. Shown this once: the server keeps it sealed, and it is never shown again.' }),
  ),
});

export type OAuthClientView = Static<typeof OAuthClient>;

export function oauthClientView(client: OAuthClientRecord): OAuthClientView {
  return {
    id: client.id,
    name: client.name,
    logo_uri: client.logoUri,
    kind: client.kind,
    first_party: client.firstParty,
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    backchannel_logout_uri: client.backchannelLogoutUri,
    confidential: isConfidential(client),
    created_at: iso(client.createdAt),
  };
}
