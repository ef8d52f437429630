/**
 * Wire shapes of personal access tokens (core/personal-tokens.ts) and of introspection's answer
 * about one. The secret appears in one answer only, the one that makes the token; no answer
 * ever carries a secret's hash.
 */
import { Type, type Static } from 'typebox';
import { MAX_TOKEN_DAYS, MAX_TOKEN_NAME } from '../../core/personal-tokens.js';
import { IntrospectBody, IntrospectResponse, Nullable } from '../schemas.js';

const Time = Type.String({ description: 'ISO 8601 UTC' });

export const PersonalTokenParams = Type.Object({ id: Type.String({ maxLength: 128 }) }, { additionalProperties: false });

export const CreatePersonalTokenBody = Type.Object(
  {
    // Core trims, checks the length in characters and refuses control characters.
    name: Type.String({ minLength: 1, maxLength: MAX_TOKEN_NAME, description: 'What you call it, 1-64 characters on one line' }),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 32,
      description: 'One or more of the configured scopes (`--token-scopes`); each counts once',
    }),
    expires_in_days: Nullable(
      Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS, description: 'Days until it expires; null: never (the page suggests 30)' }),
    ),
  },
  { additionalProperties: false },
);

export const PersonalToken = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    created_at: Time,
    expires_at: Nullable(Type.String({ description: 'ISO 8601 UTC; null: never expires' })),
    last_used_at: Nullable(Type.String({ description: 'ISO 8601 UTC, recorded at most once a minute; null: never used' })),
    last_used_ip: Nullable(Type.String({ description: 'Where that use came from, when known' })),
  },
  { $id: 'PersonalAccessToken' },
);

export const PersonalTokenList = Type.Object({
  tokens: Type.Array(PersonalToken),
  available_scopes: Type.Array(Type.String(), {
    description: 'The scopes a new token may have (`--token-scopes`), for the form that makes one',
  }),
});

export const PersonalTokenCreated = Type.Object({
  token: PersonalToken,
  secret: Type.String({
    description:
      'The token (`sdpat_…`), for the tool that uses it. Shown this once: only a hash of its secret is kept. Services check it with `POST /v1/introspect`.',
  }),
});

export type PersonalTokenView = Static<typeof PersonalToken>;

/** RFC 7662 §2.1: a client may say what kind of token it sends; the answer does not depend on it. */
export const IntrospectionBody = Type.Object(
  { ...IntrospectBody.properties, token_type_hint: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);

/** A session's answer as before; a personal access token's adds its type, scope and id (RFC 7662 §2.2). */
export const IntrospectionAnswer = Type.Object({
  ...IntrospectResponse.properties,
  token_type: Type.Optional(
    Type.String({
      description: '`personal_access_token` for a personal access token, `access_token` for an OAuth access token; absent for a session',
    }),
  ),
  scope: Type.Optional(Type.String({ description: 'A personal or OAuth access token’s scopes, space-separated' })),
  token_id: Type.Optional(Type.String({ description: 'A personal access token’s id' })),
  grant_id: Type.Optional(Type.String({ description: 'An OAuth access token’s grant: what "Remove access" ends' })),
});
