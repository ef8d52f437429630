/**
 * Passkeys (W3C WebAuthn Level 3): registering them, and checking the assertions that sign in,
 * complete the second step and re-authenticate with them. The WebAuthn checks themselves are
 * @simplewebauthn/server's; this module decides what each ceremony must prove:
 *
 * - the relying party is the public URL: its host is the RP ID, its origin the only origin
 *   accepted (an IP address cannot be an RP ID, so a deployment reached by IP has no passkeys);
 * - user verification is required (a passkey is then two factors: the device and its PIN or
 *   biometric, NIST SP 800-63B §5.1.8), resident keys are required (discoverable sign-in),
 *   attestation is not asked for;
 * - every challenge is random, stored only as its sha256, bound to its purpose (and to the
 *   account, session or password step it was issued for), expires, and is consumed by the first
 *   answer that names it, right or wrong;
 * - the signature counter must move forward (§6.1.1): a clone answering with a stale counter is
 *   refused, and a use is recorded only against the counter it was checked with;
 * - a wrong, unknown or cloned credential is `invalid_credentials`, counted by the same per-IP
 *   and per-account limits as a wrong password (accounts.ts, reserveAttempt).
 */
import type {
  VerifiedAuthenticationResponse,
  VerifiedRegistrationResponse,
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** The WebAuthn library (~0.25 s to import) is loaded by the first passkey ceremony, not at start. */
const webauthn = () => import('@simplewebauthn/server');
import { reserveAttempt, signInAccountKey, signInIpKey, type SignInLimits } from './accounts.js';
import { SessiondError } from './errors.js';
import type { DomainEvent, Recorder } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { PasskeyRecord, PasskeyStore, WebauthnChallengeRecord, WebauthnPurpose } from './ports/passkey-store.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { UserStore } from './ports/store.js';
import type { Actor } from './security-events.js';
import { newId, toBase64Url } from './token.js';
import type { UserRecord } from './user.js';

/** A ceremony is good for five minutes, as the password step's token is. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;
/** What the browser is told to wait for (ms); the challenge outlives it. */
const CEREMONY_TIMEOUT_MS = 2 * 60_000;
/** Used when a passkey is added without a name and its authenticator is not a known one. */
const DEFAULT_NAME = 'Passkey';
/** ES256, EdDSA, RS256: what authenticators in use sign with. */
const ALGORITHMS = [-7, -8, -257];

/**
 * Well-known passkey providers by AAGUID (the public, community-kept list of passkey provider
 * AAGUIDs): enough to name the passkeys most people have. Others show no authenticator name.
 */
export const KNOWN_AUTHENTICATORS: Readonly<Record<string, string>> = {
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'iCloud Keychain',
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': 'iCloud Keychain (Managed)',
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  'd3452668-01fd-4c12-926c-83a4204853aa': 'Microsoft Password Manager',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  '531126d6-e717-415c-9320-3d9aa6981239': 'Dashlane',
  'b84e4048-15dc-4dd0-8640-f4f60813c8af': 'NordPass',
  '0ea242b4-43c4-4a1b-8b17-dd6d0b6baec6': 'Keeper',
  'f3809540-7f14-49c1-a8b3-8f813b225541': 'Enpass',
  '50726f74-6f6e-5061-7373-50726f746f6e': 'Proton Pass',
  'fdb141b2-5d84-443e-8a35-4698c205a502': 'KeePassXC',
  '53414d53-554e-4700-0000-000000000000': 'Samsung Pass',
};

export function authenticatorName(aaguid: string): string | null {
  return KNOWN_AUTHENTICATORS[aaguid.toLowerCase()] ?? null;
}

export interface RelyingParty {
  /** The RP ID: the public URL's host name. */
  id: string;
  /** The only origin an answer may come from. */
  origin: string;
}

/**
 * The relying party of a public URL; null when its host is an IP address, which WebAuthn does
 * not accept as an RP ID (browsers refuse it), so `http://127.0.0.1` has no passkeys while
 * `http://localhost` does.
 */
export function relyingParty(publicUrl: string): RelyingParty | null {
  const url = new URL(publicUrl);
  const host = url.hostname;
  if (host.startsWith('[') || host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return null;
  return { id: host, origin: url.origin };
}

export function passkeysAvailable(publicUrl: string): boolean {
  return relyingParty(publicUrl) !== null;
}

export interface PasskeyDeps {
  store: PasskeyStore;
  users: UserStore;
  clock: Clock;
  crypto: Crypto;
  rateLimiter: RateLimiter;
  signInLimits: SignInLimits;
  recorder: Recorder;
  /** `--public-url`: the relying party. */
  publicUrl: string;
  /** Shown by the browser and the authenticator when a passkey is made. */
  rpName: string;
  /** `--max-passkeys`. */
  maxPerAccount: number;
}

/** What a challenge was issued for; an answer must match every field. */
export interface CeremonyBinding {
  purpose: WebauthnPurpose;
  userId?: string | null;
  sessionId?: string | null;
  mfaTokenHash?: string | null;
}

/** A verified assertion: whose passkey, and the passkey as it is now. */
export interface PasskeyUse {
  user: UserRecord;
  passkey: PasskeyRecord;
}

export class Passkeys {
  readonly #deps: PasskeyDeps;

  constructor(deps: PasskeyDeps) {
    this.#deps = deps;
  }

  get limit(): number {
    return this.#deps.maxPerAccount;
  }

  get available(): boolean {
    return passkeysAvailable(this.#deps.publicUrl);
  }

  async list(userId: string): Promise<PasskeyRecord[]> {
    return this.#deps.store.listPasskeys(userId);
  }

  /** The account a credential id belongs to; null for an unknown one. */
  async ownerOf(credentialId: string): Promise<string | null> {
    return (await this.#deps.store.findByCredentialId(credentialId))?.userId ?? null;
  }

  async hasPasskeys(userId: string): Promise<boolean> {
    return (await this.#deps.store.countPasskeys(userId)) > 0;
  }

  /** Creation options for a new passkey of the signed-in user; the account's passkeys are excluded (no second copy on one authenticator). */
  async registrationOptions(
    user: Pick<UserRecord, 'id' | 'email' | 'name'>,
    sessionId: string,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = this.#rp();
    const { store } = this.#deps;
    const existing = await store.listPasskeys(user.id);
    if (existing.length >= this.limit) throw this.#limitError();
    const challenge = await this.#issue({ purpose: 'register', userId: user.id, sessionId });
    return (await webauthn()).generateRegistrationOptions({
      rpName: this.#deps.rpName,
      rpID: rp.id,
      // The user handle is the account id: random, no personal data (WebAuthn §14.6.1).
      userID: new TextEncoder().encode(user.id),
      userName: user.email,
      userDisplayName: user.name ?? user.email,
      challenge,
      timeout: CEREMONY_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: ALGORITHMS,
    });
  }

  /** Verifies the browser's registration answer to this session's challenge and stores the passkey. */
  async register(
    user: Pick<UserRecord, 'id'>,
    sessionId: string,
    response: RegistrationResponseJSON,
    name: string | null,
    actor: Actor,
  ): Promise<PasskeyRecord> {
    const rp = this.#rp();
    const { store, clock, crypto } = this.#deps;
    const challenge = await this.#consume(response.response.clientDataJSON, { purpose: 'register', userId: user.id, sessionId });
    if (challenge === null) throw new SessiondError('invalid_request', 'The passkey request expired or was already used. Try again.');
    let verified: VerifiedRegistrationResponse;
    try {
      verified = await (
        await webauthn()
      ).verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      });
    } catch {
      verified = { verified: false };
    }
    const info = verified.registrationInfo;
    if (!verified.verified || !info) throw new SessiondError('invalid_request', 'The passkey could not be verified. Try again.');
    const trimmed = name?.trim() ?? '';
    const passkey: PasskeyRecord = {
      id: newId(crypto),
      userId: user.id,
      credentialId: info.credential.id,
      publicKey: toBase64Url(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      backedUp: info.credentialBackedUp,
      deviceType: info.credentialDeviceType,
      aaguid: info.aaguid,
      name: trimmed || (authenticatorName(info.aaguid) ?? DEFAULT_NAME),
      createdAt: clock.now(),
      lastUsedAt: null,
    };
    const result = await store.insertPasskey(passkey, this.limit);
    if (result === 'limit') throw this.#limitError();
    if (result === 'duplicate') throw new SessiondError('invalid_request', 'This passkey is already registered.');
    await this.#record('passkey_added', user.id, actor);
    return passkey;
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyRecord> {
    const trimmed = name.trim();
    if (!trimmed) throw new SessiondError('invalid_request', 'Enter a name for the passkey.');
    const renamed = await this.#deps.store.renamePasskey(userId, id, trimmed);
    if (!renamed) throw new SessiondError('not_found', 'No such passkey.');
    return renamed;
  }

  async remove(userId: string, id: string, actor: Actor): Promise<PasskeyRecord> {
    const removed = await this.#deps.store.deletePasskey(userId, id);
    if (!removed) throw new SessiondError('not_found', 'No such passkey.');
    await this.#record('passkey_removed', userId, actor);
    return removed;
  }

  /**
   * Request options. A sign-in names no account (a discoverable credential: empty
   * allowCredentials, for the browser's autofill); the second step and re-authentication allow
   * the account's own passkeys (`not_found` when it has none).
   */
  async authenticationOptions(binding: CeremonyBinding): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const rp = this.#rp();
    const owned = binding.userId ? await this.#deps.store.listPasskeys(binding.userId) : [];
    // An empty list would make the browser offer any passkey of the site: say there is none instead.
    if (binding.userId && owned.length === 0) throw new SessiondError('not_found', 'This account has no passkey.');
    const challenge = await this.#issue(binding);
    return (await webauthn()).generateAuthenticationOptions({
      rpID: rp.id,
      challenge,
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification: 'required',
      allowCredentials: owned.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
    });
  }

  /**
   * Checks an assertion against the challenge it answers and the passkey it names. Counted
   * before anything is checked: per IP always, per account once the credential names one. A
   * right answer clears the account's failures; anything wrong is `invalid_credentials`.
   * `ip` null: the account alone counts.
   */
  async authenticate(response: AuthenticationResponseJSON, binding: CeremonyBinding, ip: string | null): Promise<PasskeyUse> {
    const rp = this.#rp();
    const { store, users, rateLimiter, signInLimits, clock } = this.#deps;
    const passkey = await store.findByCredentialId(response.id);
    const user = passkey ? await users.findUserById(passkey.userId) : null;
    if (user) await reserveAttempt(rateLimiter, signInLimits, user.emailKey, ip);
    else await this.#countIp(ip);
    // The challenge is spent whatever follows: a failed answer cannot be tried again with it.
    const challenge = await this.#consume(response.response.clientDataJSON, binding);
    const refused = () => new SessiondError('invalid_credentials', 'That passkey could not be verified.');
    if (!passkey || !user || challenge === null) throw refused();
    if (binding.userId && binding.userId !== passkey.userId) throw refused();
    // A discoverable credential names its account by the user handle it was created with (§7.2 step 6).
    const handle = response.response.userHandle;
    if (handle !== undefined && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) throw refused();
    let verified: VerifiedAuthenticationResponse;
    try {
      verified = await (
        await webauthn()
      ).verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
          counter: passkey.counter,
          transports: passkey.transports as AuthenticatorTransportFuture[],
        },
        requireUserVerification: true,
      });
    } catch {
      // Includes a counter that did not move forward: a cloned authenticator (§6.1.1).
      throw refused();
    }
    if (!verified.verified) throw refused();
    const at = clock.now();
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    if (!(await store.recordUse(passkey.id, passkey.counter, { counter: newCounter, backedUp: credentialBackedUp, at }))) throw refused();
    await rateLimiter.reset(signInAccountKey(user.emailKey));
    return { user, passkey: { ...passkey, counter: newCounter, backedUp: credentialBackedUp, lastUsedAt: at } };
  }

  #rp(): RelyingParty {
    const rp = relyingParty(this.#deps.publicUrl);
    if (!rp)
      throw new SessiondError(
        'forbidden',
        'Passkeys need the server to be reached by a domain name (its --public-url), not an IP address: use http://localhost rather than http://127.0.0.1.',
      );
    return rp;
  }

  #limitError(): SessiondError {
    return new SessiondError('forbidden', `An account can have at most ${this.limit} passkeys. Remove one to add another.`);
  }

  /** A random challenge, stored as the sha256 of its base64url form with what it is for. */
  async #issue(binding: CeremonyBinding): Promise<Uint8Array<ArrayBuffer>> {
    const { crypto, clock, store } = this.#deps;
    const bytes = new Uint8Array(crypto.randomBytes(32));
    const challenge = toBase64Url(bytes);
    // Challenges nobody answered go as new ones are issued (one indexed delete).
    await store.purgeExpiredChallenges(clock.now());
    await store.saveChallenge({
      challengeHash: crypto.sha256(challenge),
      purpose: binding.purpose,
      userId: binding.userId ?? null,
      sessionId: binding.sessionId ?? null,
      mfaTokenHash: binding.mfaTokenHash ?? null,
      expiresAt: clock.now() + PASSKEY_CHALLENGE_TTL_MS,
    });
    // As bytes: the library would take a string for UTF-8 text and encode it once more.
    return bytes;
  }

  /**
   * The challenge an answer's client data names, consumed; null when it is unknown, expired,
   * used, or was issued for something else. The client data is only read here for the challenge;
   * the library checks it in full.
   */
  async #consume(clientDataJSON: string, binding: CeremonyBinding): Promise<string | null> {
    const { crypto, clock, store } = this.#deps;
    const challenge = challengeOf(clientDataJSON);
    if (challenge === null) return null;
    const record = await store.consumeChallenge(crypto.sha256(challenge), clock.now());
    return record !== null && matches(record, binding) ? challenge : null;
  }

  /**
   * Sign-in options are asked for without an account and each one stores a challenge: they are
   * limited per IP, by a count of their own as large as the sign-in attempts' (`rate_limited`).
   */
  async limitOptionsRequest(ip: string): Promise<void> {
    await this.#countIp(`passkey-options:ip:${ip}`, true);
  }

  async #countIp(ip: string | null, asKey = false): Promise<void> {
    if (ip === null) return;
    const { rateLimiter, signInLimits } = this.#deps;
    const hit = await rateLimiter.hit(asKey ? ip : signInIpKey(ip), signInLimits.perIp.limit, signInLimits.perIp.windowMs);
    if (!hit.allowed)
      throw new SessiondError('rate_limited', undefined, { retryAfterSeconds: Math.max(1, Math.ceil(hit.retryAfterMs / 1000)) });
  }

  async #record(change: 'passkey_added' | 'passkey_removed', userId: string, actor: Actor): Promise<void> {
    const event: DomainEvent = { type: 'mfa_changed', at: this.#deps.clock.now(), userId, change, deviceId: null, actor };
    await this.#deps.recorder.record(event);
  }
}

function matches(record: WebauthnChallengeRecord, binding: CeremonyBinding): boolean {
  return (
    record.purpose === binding.purpose &&
    record.userId === (binding.userId ?? null) &&
    record.sessionId === (binding.sessionId ?? null) &&
    record.mfaTokenHash === (binding.mfaTokenHash ?? null)
  );
}

function challengeOf(clientDataJSON: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' && parsed.challenge.length <= 512 ? parsed.challenge : null;
  } catch {
    return null;
  }
}
