/** Wire shapes of the OAuth panel and the consent step (design in README, "Connected apps"). */
import { Type } from 'typebox';
import { Nullable } from '../http/schemas.js';

const Uid = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const InteractionParams = Type.Object({ uid: Uid }, { additionalProperties: false });
export const GrantParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

const Client = Type.Object({
  id: Type.String(),
  name: Type.String(),
  logo_uri: Nullable(Type.String()),
  first_party: Type.Boolean(),
});

const Place = Type.Object({
  city: Nullable(Type.String()),
  region: Nullable(Type.String()),
  country: Nullable(Type.String()),
  approximate: Type.Literal(true),
});

export const ConnectedAppList = Type.Object({
  apps: Type.Array(
    Type.Object({
      id: Type.String({ description: 'The grant' }),
      client: Client,
      via: Type.Union([Type.Literal('authorization_code'), Type.Literal('device_code')], {
        description: '`device_code`: a sign-in on a device or command line (RFC 8628), shown among signed-in sessions',
      }),
      scopes: Type.Array(Type.String()),
      device_name: Nullable(Type.String()),
      first_authorized_at: Type.String({ description: 'ISO 8601 UTC' }),
      last_used_at: Nullable(Type.String({ description: 'ISO 8601 UTC; written at most once a minute' })),
      last_used_location: Nullable(Place),
    }),
  ),
});

export const RelyingPartySessionList = Type.Object({
  sessions: Type.Array(
    Type.Object({
      id: Type.String({ description: 'The session id (`sid`) the app holds' }),
      client: Type.Object({ id: Type.String(), name: Type.String(), logo_uri: Nullable(Type.String()) }),
      signed_in_at: Type.String({ description: 'ISO 8601 UTC' }),
    }),
  ),
});

export const InteractionView = Type.Object({
  uid: Type.String(),
  client: Client,
  scopes: Type.Array(Type.String()),
  device: Nullable(
    Type.Object({
      name: Nullable(Type.String()),
      ip: Nullable(Type.String()),
      location: Nullable(Place),
    }),
  ),
});

export const InteractionDecision = Type.Object(
  { decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]) },
  { additionalProperties: false },
);

export const InteractionRedirect = Type.Object({ redirect_to: Type.String() });
