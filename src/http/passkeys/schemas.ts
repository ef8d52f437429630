/**
 * Request and response allowlists of passkeys (docs/mfa.md, Passkeys). The WebAuthn JSON bodies
 * (W3C WebAuthn Level 3, §5.1 toJSON / parseCreationOptionsFromJSON) are checked here for their
 * outer shape only: base64url strings of bounded length, `type: "public-key"`. What they say is
 * checked by @simplewebauthn/server in core/passkeys.ts.
 */
import { Type } from 'typebox';
import { DeviceBody } from '../schemas.js';

/** base64url without padding, bounded: `max` characters. */
const B64u = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^[A-Za-z0-9_-]+$', ...(description ? { description } : {}) });

/** A credential id is at most 1023 bytes (WebAuthn §4, Credential ID): 1364 base64url characters. */
const CredentialId = B64u(1400);
const Transport = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z-]+$' });
const Attachment = Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]);
/** The client's extension outputs: an object the server does not read (extensions may add members). */
const ClientExtensionResults = Type.Object({}, { additionalProperties: true, maxProperties: 32 });

export const RegistrationResponseJSON = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: B64u(8192),
        attestationObject: B64u(65_536),
        authenticatorData: Type.Optional(B64u(65_536)),
        transports: Type.Optional(Type.Array(Transport, { maxItems: 16 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer({ minimum: -65_536, maximum: 65_536 })),
        publicKey: Type.Optional(B64u(8192)),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Attachment),
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: false, description: 'What @simplewebauthn/browser `startRegistration` answers (RegistrationResponseJSON)' },
);

export const AuthenticationResponseJSON = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: B64u(8192),
        authenticatorData: B64u(65_536),
        signature: B64u(2048),
        userHandle: Type.Optional(B64u(128)),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Attachment),
    clientExtensionResults: ClientExtensionResults,
  },
  {
    additionalProperties: false,
    description: 'What @simplewebauthn/browser `startAuthentication` answers (AuthenticationResponseJSON)',
  },
);

const Descriptor = Type.Object({
  id: Type.String(),
  type: Type.Literal('public-key'),
  transports: Type.Optional(Type.Array(Type.String())),
});

/** PublicKeyCredentialCreationOptionsJSON: pass it as `startRegistration({ optionsJSON })`. */
export const CreationOptionsJSON = Type.Object(
  {
    rp: Type.Object({ id: Type.Optional(Type.String()), name: Type.String() }),
    user: Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() }),
    challenge: Type.String(),
    pubKeyCredParams: Type.Array(Type.Object({ type: Type.Literal('public-key'), alg: Type.Integer() })),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(Type.Array(Descriptor)),
    authenticatorSelection: Type.Optional(
      Type.Object({
        authenticatorAttachment: Type.Optional(Type.String()),
        residentKey: Type.Optional(Type.String()),
        requireResidentKey: Type.Optional(Type.Boolean()),
        userVerification: Type.Optional(Type.String()),
      }),
    ),
    hints: Type.Optional(Type.Array(Type.String())),
    attestation: Type.Optional(Type.String()),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { description: 'PublicKeyCredentialCreationOptionsJSON (W3C WebAuthn Level 3): pass as `startRegistration({ optionsJSON })`' },
);

/** PublicKeyCredentialRequestOptionsJSON: pass it as `startAuthentication({ optionsJSON })`. */
export const RequestOptionsJSON = Type.Object(
  {
    challenge: Type.String(),
    timeout: Type.Optional(Type.Integer()),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(Type.Array(Descriptor)),
    userVerification: Type.Optional(Type.String()),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { description: 'PublicKeyCredentialRequestOptionsJSON (W3C WebAuthn Level 3): pass as `startAuthentication({ optionsJSON })`' },
);

export const CreationOptionsAnswer = Type.Object({ options: CreationOptionsJSON });
export const RequestOptionsAnswer = Type.Object({ options: RequestOptionsJSON });

const Name = Type.String({ minLength: 1, maxLength: 64 });

export const Passkey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    created_at: Type.String(),
    last_used_at: Type.Union([Type.String(), Type.Null()]),
    backed_up: Type.Boolean({ description: 'Synced (a multi-device passkey) rather than bound to one device' }),
    authenticator: Type.Union([Type.String(), Type.Null()], {
      description: 'The authenticator, from its AAGUID where it is a well-known one (e.g. "iCloud Keychain")',
    }),
  },
  { $id: 'Passkey' },
);

export const PasskeyList = Type.Object({
  passkeys: Type.Array(Passkey, { description: 'Newest first' }),
  limit: Type.Integer({ description: 'How many passkeys an account may have (`--max-passkeys`)' }),
});
export const PasskeyAnswer = Type.Object({ passkey: Passkey });

export const PasskeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
export const AddPasskeyBody = Type.Object(
  { name: Type.Optional(Name), response: RegistrationResponseJSON },
  { additionalProperties: false },
);
export const RenamePasskeyBody = Type.Object({ name: Name }, { additionalProperties: false });

const MfaToken = Type.String({ minLength: 1, maxLength: 128 });

export const PasskeySignInOptionsBody = Type.Object(
  {
    mfa_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "The password step's `mfa_token`: the options then allow that account's passkeys (the passkey as the second step)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const PasskeySignInBody = Type.Object(
  {
    response: AuthenticationResponseJSON,
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    transport: Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('bearer')])),
    device: Type.Optional(DeviceBody),
    mfa_token: Type.Optional(MfaToken),
    remember_device: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
