/**
 * Request validation and response allowlists from one source (TypeBox -> JSON Schema). Request
 * bodies reject unknown fields; response schemas list exactly what may leave the server, so a
 * secret hash cannot leak even if a store returned it. The OpenAPI document is built from these.
 */
import { Type, type Static } from 'typebox';

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'snake_case error code; see docs/errors.md' }),
      message: Type.String(),
      request_id: Type.Optional(Type.String()),
    }),
  },
  { $id: 'Error' },
);

export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Nullable(Type.String()),
    created_at: Type.String({ description: 'ISO 8601 UTC' }),
  },
  { $id: 'User' },
);

const ClientKind = Type.Union([
  Type.Literal('browser'),
  Type.Literal('desktop'),
  Type.Literal('mobile'),
  Type.Literal('cli'),
  Type.Literal('service'),
]);

export const Session = Type.Object(
  {
    id: Type.String(),
    client: Type.Object({ id: Type.String(), name: Type.String(), kind: ClientKind }),
    device: Type.Object({
      name: Type.String(),
      os: Type.String(),
      browser: Nullable(Type.String()),
      type: Type.Union([Type.Literal('desktop'), Type.Literal('mobile'), Type.Literal('tablet'), Type.Literal('unknown')]),
    }),
    ip: Type.String(),
    location: Type.Object({
      city: Nullable(Type.String()),
      region: Nullable(Type.String()),
      country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2' })),
      approximate: Type.Literal(true),
    }),
    signed_in_at: Type.String(),
    last_active_at: Type.String(),
    expires_at: Type.String({ description: 'When the session ends if nothing else happens: the earlier of its idle and absolute expiry' }),
    trusted: Type.Boolean(),
    trusted_until: Type.Optional(Nullable(Type.String({ description: "Until when the session's device is trusted; null when it is not" }))),
    current: Type.Boolean(),
    auth_method: Type.String(),
    device_group: Type.Optional(
      Nullable(
        Type.String({
          description:
            'In session lists: the same opaque string for every listed session on one device (a browser and its device cookie; native apps sending one `device.id`), a different one for another device; null when the session has no device id. Not the device id and not reversible; stable while the server keeps its secret key.',
        }),
      ),
    ),
  },
  { $id: 'Session' },
);

/** Bounded strings: every field has a length cap so no request can make the server do unbounded work. */
const Email = Type.String({ minLength: 1, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 4096 });

export const SignUpBody = Type.Object(
  { email: Email, password: Password, name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) },
  { additionalProperties: false },
);

/** The token of a sign-up link (sign-up by mail). */
export const SignUpConfirmBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

export const DeviceBody = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    os: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    trust_token: Type.Optional(
      Type.String({ maxLength: 128, description: 'The `device_token` given when this device was trusted; it skips the code step.' }),
    ),
  },
  { additionalProperties: false },
);

export const SignInBody = Type.Object(
  {
    email: Email,
    password: Password,
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    device: Type.Optional(DeviceBody),
    transport: Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('bearer')])),
  },
  { additionalProperties: false },
);

export const PasswordChangeBody = Type.Object(
  { current_password: Password, new_password: Password, sign_out_others: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** Routes that take no input still refuse input they do not understand. */
export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const SessionIdParams = Type.Object({ id: Type.String({ maxLength: 128 }) }, { additionalProperties: false });

export const IntrospectBody = Type.Object({ token: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });

export const IntrospectResponse = Type.Object({
  active: Type.Boolean(),
  sub: Type.Optional(Type.String()),
  sid: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  exp: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
  iat: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
});

export const UserAndSession = Type.Object({ user: User, session: Session });
export const SignInResponse = Type.Object({ user: User, session: Session, token: Type.Optional(Type.String()) });
export const SessionList = Type.Object({
  sessions: Type.Array(Session),
  next_cursor: Type.Optional(Nullable(Type.String({ description: 'Only when `limit` was given: the next page, or null on the last' }))),
});

/** Without `limit`, every active session (the contract); with it, one page and a cursor. */
export const SessionListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'Page size, 1-200' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const MAX_PAGE_SIZE = 200;

/**
 * After a privilege change the caller's session has a new token (ASVS 7.2.4, 7.4.3); the old
 * one is refused from then on. Browsers get it as the cookie, so only bearer callers see it.
 */
export const RenewedToken = Type.String({
  description:
    "Bearer callers only: the session's new token after this change; the old one is refused from now on. Browsers get it as the session cookie.",
});

/** `POST /v1/me/password` for a bearer caller: the new token (a browser gets 204 and the cookie). */
export const PasswordChanged = Type.Object({ token: RenewedToken });
export const RevokedCount = Type.Object({ revoked: Type.Integer() });

/**
 * "Sign out everywhere" may take the credentials past the session list with it (issue 11):
 * `connected_apps` removes every app's access (device sign-ins included), `tokens` revokes every
 * personal access token. Without `include`, only sessions end, as the contract says.
 */
export const BulkSignOutBody = Type.Object(
  {
    include: Type.Optional(
      Type.Array(Type.Union([Type.Literal('connected_apps'), Type.Literal('tokens')]), { maxItems: 2, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);
export const BulkSignedOut = Type.Object({
  revoked: Type.Integer({ description: 'Sessions ended' }),
  apps_removed: Type.Optional(Type.Integer({ description: 'With include connected_apps: apps (and device sign-ins) whose access ended' })),
  tokens_revoked: Type.Optional(Type.Integer({ description: 'With include tokens: personal access tokens revoked' })),
});
export const DeviceReplaced = Type.Object({
  revoked: Type.Integer({ description: 'Sessions on that device that ended now.' }),
  untrusted: Type.Boolean({ description: 'The device was trusted, and is no longer.' }),
});

export const UiConfig = Type.Object({
  product_name: Type.String(),
  sessions_page: Type.Object({ covers: Type.String(), excludes: Type.String() }),
  /** The deployment's apps (`--clients`): what a workspace policy may name, as the pages name them. */
  apps: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), kind: ClientKind })),
  /**
   * Whether passkeys work here: false when the public URL's host is an IP address (a WebAuthn RP
   * ID is a domain, so http://127.0.0.1 cannot use passkeys; http://localhost can).
   */
  passkeys: Type.Boolean({
    description:
      "Whether passkeys work on this deployment: false when the public URL's host is an IP address (WebAuthn RP IDs are domains; use http://localhost, not http://127.0.0.1)",
  }),
});

export type UserView = Static<typeof User>;
export type SessionView = Static<typeof Session>;

/** Shorthand for response maps: the success schema plus the error envelope for 4xx/5xx. */
export function responses<T extends Record<number, unknown>>(ok: T) {
  return { ...ok, '4xx': ErrorResponse, '5xx': ErrorResponse };
}
