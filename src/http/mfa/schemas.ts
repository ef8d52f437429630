/** Request and response allowlists of MFA, re-authentication and trusted devices (see docs/mfa.md). */
import { Type } from 'typebox';
import { RenewedToken, SignInResponse } from '../schemas.js';
import { AuthenticationResponseJSON } from '../passkeys/schemas.js';

/** 6 digits, or a recovery code (`xxxxx-xxxxx`); spaces and dashes are ignored. */
const Code = Type.String({ minLength: 6, maxLength: 32, pattern: '^[A-Za-z0-9 -]+$' });
const MfaToken = Type.String({ minLength: 1, maxLength: 128 });

export const MfaRequired = Type.Object({
  mfa_required: Type.Literal(true),
  mfa_token: Type.String({ description: 'Single use; send it with a code to POST /v1/auth/sign-in/mfa within 5 minutes' }),
  expires_at: Type.String(),
  remember_device_days: Type.Integer({
    description: 'How long the device stays trusted, in days, when the code step is sent with `remember_device: true`',
  }),
  passkeys: Type.Boolean({
    description: 'The account has a passkey: the code step may be done with it instead (POST /v1/auth/passkey/options with this mfa_token)',
  }),
});

/** `POST /v1/auth/sign-in` answers a session, or (MFA on, device not trusted) the code step. */
export const SignInAnswer = Type.Union([SignInResponse, MfaRequired]);

export const MfaSignInBody = Type.Object(
  {
    mfa_token: MfaToken,
    code: Code,
    remember_device: Type.Optional(
      Type.Boolean({
        description:
          'Trust the device of the session this step makes ("Remember this device"): later sign-ins from it, by this client, skip the code step until `remember_device_days` have passed',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The code step's answer: a session, and with `remember_device` a native app's device token. */
export const MfaSignInResponse = Type.Object({
  user: SignInResponse.properties.user,
  session: SignInResponse.properties.session,
  token: Type.Optional(Type.String()),
  device_token: Type.Optional(
    Type.String({
      description:
        'Native (bearer) clients that sent `remember_device: true`: the proof of trust, shown once; send it as `device.trust_token` at sign-in.',
    }),
  ),
});

export const CodeBody = Type.Object({ code: Code }, { additionalProperties: false });

export const ReauthBody = Type.Union([
  Type.Object({ password: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
  Type.Object({ code: Code }, { additionalProperties: false }),
  Type.Object(
    { passkey: AuthenticationResponseJSON },
    { additionalProperties: false, description: 'With the options of `POST /v1/me/passkeys/authentication-options`' },
  ),
]);

export const ReauthResponse = Type.Object({
  authenticated_at: Type.String(),
  reauth_expires_at: Type.String(),
  token: Type.Optional(RenewedToken),
});

export const TotpConfirmBody = Type.Object(
  {
    code: Code,
    sign_out_others: Type.Optional(
      Type.Boolean({ description: 'End every other session of the account as two-step verification goes on (default true)' }),
    ),
  },
  { additionalProperties: false },
);

export const TotpConfirmed = Type.Object({
  recovery_codes: Type.Array(Type.String()),
  revoked: Type.Integer({ description: 'How many other sessions were signed out' }),
  token: Type.Optional(RenewedToken),
});

export const MfaStatus = Type.Object({
  enabled: Type.Boolean(),
  enabled_at: Type.Union([Type.String(), Type.Null()]),
  recovery_codes_remaining: Type.Integer(),
  methods: Type.Array(Type.Literal('totp')),
});

export const TotpEnrolment = Type.Object({
  secret: Type.String({ description: 'base32, for typing into an app that cannot scan; shown only now' }),
  otpauth_uri: Type.String(),
  qr_code: Type.String({ description: 'data:image/png;base64 URL of the otpauth URI' }),
});

export const RecoveryCodes = Type.Object({ recovery_codes: Type.Array(Type.String()) });

export const TrustedDevice = Type.Object(
  {
    id: Type.String({
      description: 'Names the device in `DELETE /v1/me/trusted-devices/:id` (not the device id, which stays on the server)',
    }),
    name: Type.String(),
    client: Type.Object({ id: Type.String(), name: Type.String() }, { description: 'The app the trust was granted to' }),
    trusted_since: Type.Union([Type.String(), Type.Null()], { description: 'Null for trust granted before this was recorded' }),
    trusted_until: Type.String(),
    last_seen_at: Type.String(),
    current: Type.Boolean({ description: 'The device of the calling session' }),
  },
  { $id: 'TrustedDevice' },
);

export const TrustedDeviceList = Type.Object({ devices: Type.Array(TrustedDevice) });

export const TrustedDeviceParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

export const TrustResponse = Type.Object({
  trusted_until: Type.String(),
  device_token: Type.Optional(
    Type.String({
      description:
        "Native (bearer) clients only: the device's proof of trust, shown once. Keep it in the app's secure storage and send it as `device.trust_token` at sign-in.",
    }),
  ),
});
