/**
 * A software WebAuthn authenticator for tests (W3C WebAuthn Level 3, §6): P-256 keys from
 * node:crypto, a small CBOR encoder for the attestation object and the COSE key, `none`
 * attestation, authenticator data with the RP ID hash, the flags (UP, UV, and BE/BS for a synced
 * passkey) and a signature counter, and assertion signatures over authData || SHA-256(clientDataJSON).
 * It plays the browser too: it writes the client data with the origin it is told it runs on.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor> | { [key: string]: Cbor };

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** The CBOR this needs (RFC 8949): small integers, byte and text strings, arrays, maps. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64u = (data: Uint8Array) => Buffer.from(data).toString('base64url');

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  cosePublicKey: Buffer;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface AuthenticatorOptions {
  /** The page's origin, written into the client data (the browser's part). */
  origin: string;
  /** The authenticator model; default: iCloud Keychain's. */
  aaguid?: string;
  /** A synced passkey (BE and BS set); default true. */
  backedUp?: boolean;
  /** Whether user verification happened (UV); default true. */
  userVerified?: boolean;
  /** Signature counter step per use; 0 for an authenticator that does not count. */
  counterStep?: number;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string }[];
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];
  readonly #options: Required<AuthenticatorOptions>;

  constructor(options: AuthenticatorOptions) {
    this.#options = {
      aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
      backedUp: true,
      userVerified: true,
      counterStep: 1,
      ...options,
    };
  }

  /** navigator.credentials.create(): a new resident key, answered as RegistrationResponseJSON. */
  create(options: CreationOptions, override: { origin?: string; rpId?: string } = {}) {
    const rpId = override.rpId ?? options.rp.id ?? new URL(this.#options.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.credentials.some((c) => c.rpId === rpId && excluded.has(b64u(c.id))))
      throw new Error('InvalidStateError: excluded credential');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cosePublicKey = cbor(
      new Map<number, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const credential: Credential = {
      id: randomBytes(32),
      privateKey,
      cosePublicKey,
      rpId,
      userHandle: options.user.id,
      counter: 0,
    };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const attested = Buffer.concat([Buffer.from(this.#options.aaguid.replace(/-/g, ''), 'hex'), idLength, credential.id, cosePublicKey]);
    const authData = Buffer.concat([this.#authData(rpId, credential.counter, FLAG_AT), attested]);
    const clientDataJSON = this.#clientData('webauthn.create', options.challenge, override.origin);
    this.credentials.push(credential);
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientDataJSON),
        attestationObject: b64u(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal', 'hybrid'] as ('internal' | 'hybrid')[],
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    };
  }

  /**
   * navigator.credentials.get(): an assertion by the first allowed credential (or, for a
   * discoverable request, the first for the RP ID), answered as AuthenticationResponseJSON.
   */
  get(options: RequestOptions, override: { origin?: string; credential?: Credential } = {}) {
    const rpId = options.rpId ?? new URL(this.#options.origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential =
      override.credential ?? this.credentials.find((c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(b64u(c.id))));
    if (!credential) throw new Error('NotAllowedError: no credential');
    credential.counter += this.#options.counterStep;
    const authData = this.#authData(credential.rpId, credential.counter, 0);
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, override.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    };
  }

  /** A copy of a credential, key and counter as they are now: what a cloned authenticator holds. */
  clone(credential: Credential): Credential {
    return { ...credential };
  }

  #authData(rpId: string, counter: number, extra: number): Buffer {
    const { backedUp, userVerified } = this.#options;
    const flags = FLAG_UP | (userVerified ? FLAG_UV : 0) | (backedUp ? FLAG_BE | FLAG_BS : 0) | extra;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }

  #clientData(type: string, challenge: string, origin?: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: origin ?? this.#options.origin, crossOrigin: false }));
  }
}
