/**
 * Wire shapes of the security timeline, password reset and "This wasn't me". Response schemas
 * are allowlists: coordinates and device ids (the device cookie's value) never leave the server.
 */
import { Type, type Static } from 'typebox';
import { Nullable, Session } from '../schemas.js';
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
    second_factor: Type.Optional(
      Type.Union([Type.Literal('totp'), Type.Literal('recovery'), Type.Literal('passkey'), Type.Literal('trusted_device')], {
        description:
          'sign_in only, when recorded: how it passed two-step verification (an authenticator code, a recovery code, a passkey as the second step) or skipped it on a trusted device; absent without two-step verification and for a sign-in with a passkey alone',
      }),
    ),
  },
  { $id: 'SecurityEvent' },
);

export const SecurityEventPage = Type.Object({
  events: Type.Array(SecurityEvent),
  next_cursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page; null on the last page' })),
});

export type SecurityEventView = Static<typeof SecurityEvent>;

const Place = Type.Object({
  city: Nullable(Type.String()),
  region: Nullable(Type.String()),
  country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2' })),
  approximate: Type.Literal(true),
});

export const SessionAddress = Type.Object({
  ip: Type.String(),
  location: Place,
  first_seen_at: Type.String({ description: 'ISO 8601 UTC' }),
  last_seen_at: Type.String({ description: 'ISO 8601 UTC; written at most once a minute' }),
});

export const SessionHistory = Type.Object(
  {
    session: Session,
    ended: Nullable(
      Type.Object({
        at: Type.String({ description: 'ISO 8601 UTC' }),
        reason: Type.String({
          description:
            'sign_out, revoked_by_user, revoke_others, revoke_all, password_changed, password_reset, admin, reported, policy, or expired (idle or absolute expiry)',
        }),
        policy: Type.Optional(Type.String({ description: 'Which rule of a workspace session policy ended it (reason `policy`)' })),
      }),
      // Null while the session is active.
    ),
    addresses: Type.Array(SessionAddress, {
      description: 'Every address the session was used from, most recently seen first (at most 50)',
    }),
    events: Type.Array(SecurityEvent, {
      description: 'Its sign-in, re-authentications, trust changes of its device and its end, newest first (at most 200)',
    }),
  },
  { $id: 'SessionHistory' },
);

export type SessionHistoryView = Static<typeof SessionHistory>;
