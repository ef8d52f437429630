/**
 * Wire shapes of the security timeline, password reset and "This wasn't me". Response schemas
 * are allowlists: coordinates and device ids (the device cookie's value) never leave the server.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../schemas.js';
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from '../../core/security-events.js';

export const PasswordResetBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }) }, { additionalProperties: false });

export const PasswordResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 256 }), new_password: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);

export const ReportLinkBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

export const EventListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 128 })),
    // Digits only: the query string is not coerced, so "10" is checked here and parsed once.
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  },
  { additionalProperties: false },
);

const Signal = Type.Object({
  kind: Type.String(),
  country: Type.Optional(Type.String()),
  known_countries: Type.Optional(Type.Array(Type.String())),
  distance_km: Type.Optional(Type.Number()),
  hours: Type.Optional(Type.Number()),
  speed_kmh: Type.Optional(Nullable(Type.Number())),
  from: Type.Optional(Type.Object({ city: Nullable(Type.String()), country: Nullable(Type.String()), at: Type.String() })),
  failures: Type.Optional(Type.Integer()),
  window_seconds: Type.Optional(Type.Integer()),
  client_id: Type.Optional(Type.String()),
});

export const SecurityEvent = Type.Object(
  {
    id: Type.String(),
    kind: Type.Unsafe<SecurityEventKind>({ type: 'string', enum: [...SECURITY_EVENT_KINDS] }),
    at: Type.String({ description: 'ISO 8601 UTC' }),
    session_id: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    location: Nullable(
      Type.Object({
        city: Nullable(Type.String()),
        region: Nullable(Type.String()),
        country: Nullable(Type.String()),
        approximate: Type.Literal(true),
      }),
    ),
    device: Nullable(Type.Object({ name: Type.String(), os: Type.String(), browser: Nullable(Type.String()) })),
    client: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    actor: Nullable(
      Type.Object({
        kind: Type.Union([
          Type.Literal('session'),
          Type.Literal('admin'),
          Type.Literal('link'),
          Type.Literal('policy'),
          Type.Literal('system'),
        ]),
        session_id: Nullable(Type.String()),
        ip: Nullable(Type.String()),
        /** The caller's own session did it. */
        current: Type.Boolean(),
        /** Which rule of a workspace session policy ended it (kind `policy` only), e.g. `idle_timeout`. */
        policy: Type.Optional(Type.String()),
      }),
    ),
    signals: Type.Array(Signal),
    count: Nullable(Type.Integer()),
    reason: Nullable(Type.String()),
  },
  { $id: 'SecurityEvent' },
);

export const SecurityEventPage = Type.Object({
  events: Type.Array(SecurityEvent),
  next_cursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page; null on the last page' })),
});

export type SecurityEventView = Static<typeof SecurityEvent>;
