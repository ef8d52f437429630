/**
 * MFA (TOTP and recovery codes), trusted devices and recent authentication ("sudo mode").
 * Codes are checked in the core; the secret and codes live behind the MfaStore port, the TOTP
 * arithmetic behind the Totp port. Every wrong code counts toward the same per-account and
 * per-IP limits as a wrong password, so a second factor cannot be guessed faster than a first.
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { reserveAttempt, signInAccountKey, type SignInLimits } from './accounts.js';
import { SessiondError } from './errors.js';
import type { DomainEvent, Recorder } from './events.js';
import type { Actor } from './security-events.js';
import type { Passkeys } from './passkeys.js';
import type { Sessions } from './sessions.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { SecretBox } from './ports/secret-box.js';
import type { MfaChallengeRecord, MfaStore, TotpFactor, TrustedDeviceRecord } from './ports/mfa-store.js';
import type { PasswordHasher } from './ports/password-hasher.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import type { UserStore } from './ports/store.js';
import type { Totp } from './ports/totp.js';
import { isMultiFactor, type Client, type SessionRecord } from './session.js';
import { constantTimeEqual, formatToken, newId, newSecret, parseToken } from './token.js';
import type { UserRecord } from './user.js';

function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

/** Ten codes, as GitHub and Google give: enough for years of lost phones. */
export const RECOVERY_CODE_COUNT = 10;
/** The password step is good for five minutes: time to open an authenticator app, little to replay. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read off paper
/** 10 characters of a 31-letter alphabet: about 49.5 bits each, and every guess is rate limited. */
const RECOVERY_CODE_LENGTH = 10;

export interface MfaPolicy {
  /** Sensitive actions need an authentication at most this old. */
  reauthWindowMs: number;
  /** How long "Trust this device" lasts. */
  trustedDeviceMs: number;
  /** Shown by authenticator apps next to the account. */
  issuer: string;
}

export interface MfaDeps {
  store: MfaStore;
  users: UserStore;
  clock: Clock;
  crypto: Crypto;
  /** Seals the TOTP secret and keys the recovery-code hashes, under `--secret-key-file`. */
  secretBox: SecretBox;
  totp: Totp;
  passwords: PasswordHasher;
  rateLimiter: RateLimiter;
  signInLimits: SignInLimits;
  policy: MfaPolicy;
  /** MFA and device-trust changes are recorded (the security timeline, metrics). */
  recorder: Recorder;
  /** Sessions.announce: device trust is cached with sessions on every node, so changes are announced. */
  sessions: Pick<Sessions, 'announce'>;
  /** Passkeys as the second step and for re-authentication; absent, a passkey proves nothing here. */
  passkeys?: Pick<Passkeys, 'authenticate' | 'authenticationOptions'>;
}

export interface MfaStatus {
  enabled: boolean;
  enabledAt: number | null;
  recoveryCodesRemaining: number;
}

/** A re-authentication's proof: the password, a code (MFA on), or a passkey's assertion. */
export type Proof = { password: string } | { code: string } | { passkey: AuthenticationResponseJSON };

/**
 * A trusted device as its owner sees it. `handle` names it to the client: a digest of the device
 * id, because device ids never leave the server (a browser's is the hash of its device cookie).
 */
export interface TrustedDevice extends Omit<TrustedDeviceRecord, 'deviceId'> {
  handle: string;
  deviceId: string;
}

export class Mfa {
  readonly #deps: MfaDeps;

  constructor(deps: MfaDeps) {
    this.#deps = deps;
  }

  get policy(): MfaPolicy {
    return this.#deps.policy;
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.#deps.store.findTotp(userId))?.enabledAt != null;
  }

  async status(userId: string): Promise<MfaStatus> {
    const factor = await this.#deps.store.findTotp(userId);
    const enabledAt = factor?.enabledAt ?? null;
    const codes = enabledAt === null ? [] : await this.#deps.store.listRecoveryCodes(userId);
    return { enabled: enabledAt !== null, enabledAt, recoveryCodesRemaining: codes.filter((c) => c.usedAt === null).length };
  }

  /** A new secret and its otpauth URI; the factor stays off until a code from it is confirmed. */
  async startTotpEnrolment(user: Pick<UserRecord, 'id' | 'email'>): Promise<{ secret: string; uri: string }> {
    const { store, totp, clock, policy } = this.#deps;
    const secret = totp.newSecret();
    if (!(await store.savePendingTotp(user.id, this.#seal(user.id, secret), clock.now()))) throw new SessiondError('mfa_already_enabled');
    return { secret, uri: totp.keyUri(secret, user.email, policy.issuer) };
  }

  /** Proves the app holds the secret, turns the factor on, and returns the recovery codes: the only time they exist in clear. */
  async confirmTotpEnrolment(userId: string, code: string, actor: Actor): Promise<string[]> {
    const { store, totp, clock } = this.#deps;
    const factor = await store.findTotp(userId);
    if (!factor) throw new SessiondError('mfa_not_enabled', 'Start setting up an authenticator app first.');
    if (factor.enabledAt !== null) throw new SessiondError('mfa_already_enabled');
    const now = clock.now();
    const secret = this.#secretOf(factor);
    const step = totp.verify(secret, code.trim(), now);
    if (step === null) throw new SessiondError('invalid_code');
    await this.#resealIfStale(factor, secret);
    const codes = this.#newRecoveryCodes();
    if (
      !(await store.enableTotp(
        userId,
        step,
        codes.map((c) => this.#hashCode(c)),
        now,
      ))
    )
      throw new SessiondError('mfa_already_enabled');
    await this.#record('mfa_enabled', userId, actor);
    return codes;
  }

  /** Turns MFA off: the factor, its codes and every device's trust go in one transaction. */
  async disable(userId: string, actor: Actor): Promise<void> {
    if (!(await this.isEnabled(userId))) throw new SessiondError('mfa_not_enabled');
    await this.#deps.store.disableTotp(userId);
    await this.#deps.sessions.announce({ kind: 'user', userId });
    await this.#record('mfa_disabled', userId, actor);
  }

  /** New codes replace all old ones (used or not); recorded, so the owner hears of it. */
  async regenerateRecoveryCodes(userId: string, actor: Actor): Promise<string[]> {
    if (!(await this.isEnabled(userId))) throw new SessiondError('mfa_not_enabled');
    const codes = this.#newRecoveryCodes();
    await this.#deps.store.replaceRecoveryCodes(
      userId,
      codes.map((c) => this.#hashCode(c)),
      this.#deps.clock.now(),
    );
    await this.#record('recovery_codes_replaced', userId, actor);
    return codes;
  }

  /** After a right password on an account with MFA: a single-use token for the code step. No session yet. */
  async createChallenge(
    userId: string,
    clientId: string,
    transport: 'cookie' | 'bearer',
    device: string | null,
  ): Promise<{ token: string; expiresAt: number }> {
    const { store, crypto, clock } = this.#deps;
    const now = clock.now();
    const id = newId(crypto);
    const secret = newSecret(crypto);
    const challenge: MfaChallengeRecord = {
      id,
      userId,
      secretHash: crypto.sha256(secret),
      clientId,
      transport,
      device,
      createdAt: now,
      expiresAt: now + CHALLENGE_TTL_MS,
      usedAt: null,
    };
    await store.insertChallenge(challenge);
    return { token: formatToken(id, secret), expiresAt: challenge.expiresAt };
  }

  /**
   * The code step. Without a live token from the password step there is nothing to check a code
   * against (`mfa_token_invalid`); a wrong code counts as a failed sign-in; a right one uses the
   * token up, atomically, so it can make one session only.
   */
  async completeChallenge(
    token: string,
    code: string,
    ip: string,
  ): Promise<{ user: UserRecord; challenge: MfaChallengeRecord; method: 'totp' | 'recovery' }> {
    const { user, challenge } = await this.#liveChallenge(token);
    const method = await this.#checkSecondFactor(user, code, ip);
    if (!(await this.#deps.store.consumeChallenge(challenge.id, this.#deps.clock.now()))) throw new SessiondError('mfa_token_invalid');
    return { user, challenge, method };
  }

  /**
   * Request options for the code step done with a passkey: they allow the account's passkeys, and
   * their challenge is bound to this password step's token.
   */
  async passkeyOptions(token: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { user, challenge } = await this.#liveChallenge(token);
    return this.#passkeys().authenticationOptions({ purpose: 'second_factor', userId: user.id, mfaTokenHash: challenge.secretHash });
  }

  /**
   * The code step done with a passkey of the account (`completeChallenge` with a passkey for the
   * code): a wrong one counts as a failed sign-in, a right one uses the token up.
   */
  async completeChallengeWithPasskey(
    token: string,
    response: AuthenticationResponseJSON,
    ip: string,
  ): Promise<{ user: UserRecord; challenge: MfaChallengeRecord; method: 'passkey' }> {
    const { user, challenge } = await this.#liveChallenge(token);
    await this.#passkeys().authenticate(response, { purpose: 'second_factor', userId: user.id, mfaTokenHash: challenge.secretHash }, ip);
    if (!(await this.#deps.store.consumeChallenge(challenge.id, this.#deps.clock.now()))) throw new SessiondError('mfa_token_invalid');
    return { user, challenge, method: 'passkey' };
  }

  /** The password step's challenge a token names, live and unused, and its account; else `mfa_token_invalid`. */
  async #liveChallenge(token: string): Promise<{ user: UserRecord; challenge: MfaChallengeRecord }> {
    const { store, users, crypto, clock } = this.#deps;
    const parsed = parseToken(token);
    const challenge = parsed ? await store.findChallenge(parsed.id) : null;
    if (
      !parsed ||
      !challenge ||
      !constantTimeEqual(crypto.sha256(parsed.secret), challenge.secretHash) ||
      challenge.usedAt !== null ||
      clock.now() >= challenge.expiresAt
    )
      throw new SessiondError('mfa_token_invalid');
    const user = await users.findUserById(challenge.userId);
    if (!user) throw new SessiondError('mfa_token_invalid');
    return { user, challenge };
  }

  #passkeys(): NonNullable<MfaDeps['passkeys']> {
    const { passkeys } = this.#deps;
    if (!passkeys) throw new SessiondError('not_found', 'Passkeys are not available here.');
    return passkeys;
  }

  /**
   * Request options for re-authenticating a session with a passkey: they allow the account's
   * passkeys, and their challenge is bound to the session.
   */
  async reauthenticationOptions(userId: string, sessionId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.#passkeys().authenticationOptions({ purpose: 'reauth', userId, sessionId });
  }

  /** `POST /v1/me/reauthenticate`: the password, a code when MFA is on, or a passkey of the account. Rate limited like sign-in. */
  async reauthenticate(userId: string, sessionId: string, proof: Proof, ip: string): Promise<number> {
    const { users, passwords, store, clock } = this.#deps;
    const user = await users.findUserById(userId);
    if (!user) throw new SessiondError('unauthenticated');
    if ('password' in proof) {
      await this.#reserve(user, ip);
      if (!(await passwords.verify(user.passwordHash, proof.password))) throw new SessiondError('incorrect_password');
      await this.#clearFailures(user);
    } else if ('passkey' in proof) {
      // Counted like a password; a wrong, unknown or cloned passkey is `invalid_credentials`.
      await this.#passkeys().authenticate(proof.passkey, { purpose: 'reauth', userId, sessionId }, ip);
    } else {
      if (!(await this.isEnabled(userId)))
        throw new SessiondError('mfa_not_enabled', 'Two-step verification is off: confirm with your password.');
      await this.#checkSecondFactor(user, proof.code, ip);
    }
    const now = clock.now();
    await store.setAuthenticatedAt(sessionId, now);
    return now;
  }

  /** When the session last proved its user was there: a re-authentication, else its sign-in. */
  async lastAuthenticatedAt(session: SessionRecord): Promise<number> {
    return (await this.#deps.store.authenticatedAt(session.id)) ?? session.signedInAt;
  }

  /** When the session last authenticated, and whether that is within the re-authentication window. */
  async recentAuth(session: SessionRecord): Promise<{ at: number; recent: boolean }> {
    const at = await this.lastAuthenticatedAt(session);
    return { at, recent: this.#deps.clock.now() - at <= this.#deps.policy.reauthWindowMs };
  }

  /** Sensitive actions: 403 `reauth_required` unless the session authenticated within the window. */
  async requireRecentAuth(session: SessionRecord): Promise<void> {
    if (!(await this.recentAuth(session)).recent) throw new SessiondError('reauth_required');
  }

  /**
   * "Trust this device": only from a session that passed MFA or signed in with a passkey (a session is never worth more than
   * the authentication that made it, NIST SP 800-63B §5.1), on a known device, recently authenticated.
   * The trust is bound to the session's client. A browser proves its device with its device
   * cookie (stored hashed as the device id); a native app's `device.id` is its own choice, so
   * with `native` a device token is issued (`<id>.<secret>`, only sha256(secret) is stored) and
   * only that token, from that client, skips the code step.
   */
  async trust(session: SessionRecord, actor: Actor, native: boolean): Promise<{ until: number; token: string | null }> {
    // A passkey sign-in is multi-factor too: the device and its user verification (PIN, biometric).
    if (!isMultiFactor(session.authMethod))
      throw new SessiondError('aal_required', 'Only a session that signed in with two-step verification can trust its device.');
    if (!session.deviceId) throw new SessiondError('invalid_request', 'This session has no device to trust.');
    await this.requireRecentAuth(session);
    const { crypto, clock, policy, store } = this.#deps;
    const now = clock.now();
    const until = now + policy.trustedDeviceMs;
    const tokenId = native ? newId(crypto) : null;
    const secret = native ? newSecret(crypto) : null;
    await store.setDeviceTrust(session.userId, session.deviceId, until, {
      clientId: session.clientId,
      tokenId,
      secretHash: secret === null ? null : crypto.sha256(secret),
      grantedAt: now,
    });
    await this.#deps.sessions.announce({ kind: 'user', userId: session.userId });
    await this.#record('device_trusted', session.userId, actor, session.deviceId);
    return { until, token: tokenId !== null && secret !== null ? formatToken(tokenId, secret) : null };
  }

  /** `trust` for a browser session (no device token). */
  async trustDevice(session: SessionRecord, actor: Actor): Promise<number> {
    return (await this.trust(session, actor, false)).until;
  }

  /**
   * Whether a sign-in may skip the code step: the device is trusted, by this client, and proves
   * it — a browser by its device cookie (the device id is its hash), a native app by the device
   * token it was given, compared in constant time. A `device.id` alone proves nothing.
   */
  async isTrustHonoured(
    userId: string,
    client: Pick<Client, 'id' | 'kind'>,
    deviceId: string | null,
    deviceToken: string | null,
  ): Promise<boolean> {
    if (deviceId === null) return false;
    const trust = await this.#deps.store.findDeviceTrust(userId, deviceId, this.#deps.clock.now());
    if (!trust || trust.clientId !== client.id) return false;
    if (trust.secretHash === null || trust.tokenId === null) return client.kind === 'browser';
    const parsed = deviceToken === null ? null : parseToken(deviceToken);
    if (!parsed) return false;
    const secretOk = constantTimeEqual(this.#deps.crypto.sha256(parsed.secret), trust.secretHash);
    return constantTimeEqual(parsed.id, trust.tokenId) && secretOk;
  }

  /** Ends a device's trust; its next sign-in asks for a code again. Lowering trust needs no re-authentication. */
  async untrustDevice(userId: string, deviceId: string, actor: Actor): Promise<void> {
    if (await this.#deps.store.setDeviceTrust(userId, deviceId, null)) {
      await this.#deps.sessions.announce({ kind: 'user', userId });
      await this.#record('device_untrusted', userId, actor, deviceId);
    }
  }

  async trustedDeviceIds(userId: string): Promise<Set<string>> {
    return new Set(await this.#deps.store.trustedDeviceIds(userId, this.#deps.clock.now()));
  }

  /** The user's trusted devices, most recently trusted first, each named by a handle (never its id). */
  async listTrustedDevices(userId: string): Promise<TrustedDevice[]> {
    const devices = await this.#deps.store.listTrustedDevices(userId, this.#deps.clock.now());
    return devices.map((d) => ({ ...d, handle: this.#handleOf(d.deviceId) }));
  }

  /** The trusted device of the user a handle names (from `listTrustedDevices`); null when none. */
  async findTrustedDevice(userId: string, handle: string): Promise<TrustedDevice | null> {
    return (await this.listTrustedDevices(userId)).find((d) => d.handle === handle) ?? null;
  }

  #handleOf(deviceId: string): string {
    return this.#deps.crypto.sha256(`trusted-device:${deviceId}`).slice(0, 22);
  }

  /** Until when the device is trusted; null when it is not. */
  async deviceTrustedUntil(userId: string, deviceId: string | null): Promise<number | null> {
    if (deviceId === null) return null;
    return (
      (await this.#deps.store.listTrustedDevices(userId, this.#deps.clock.now())).find((d) => d.deviceId === deviceId)?.trustedUntil ?? null
    );
  }

  async isDeviceTrusted(userId: string, deviceId: string | null): Promise<boolean> {
    return deviceId !== null && (await this.trustedDeviceIds(userId)).has(deviceId);
  }

  async #checkSecondFactor(user: UserRecord, code: string, ip: string): Promise<'totp' | 'recovery'> {
    await this.#reserve(user, ip);
    const method = await this.#verifyCode(user.id, code);
    if (method === null) throw new SessiondError('invalid_code');
    await this.#clearFailures(user);
    return method;
  }

  /** A 6-digit TOTP code (each step good once), or a recovery code (each good once). */
  async #verifyCode(userId: string, code: string): Promise<'totp' | 'recovery' | null> {
    const { store, totp, clock } = this.#deps;
    const factor = await store.findTotp(userId);
    if (!factor || factor.enabledAt === null) return null;
    const now = clock.now();
    const typed = code.replace(/[\s-]/g, '');
    if (/^\d{6}$/.test(typed)) {
      const secret = this.#secretOf(factor);
      const step = totp.verify(secret, typed, now);
      if (step === null || !(await store.useTotpStep(userId, step))) return null;
      await this.#resealIfStale(factor, secret);
      return 'totp';
    }
    const hashes = this.#codeHashesToAccept(typed);
    // Compare with every stored hash and every accepted form, without stopping at a match: the
    // time says nothing about which.
    let match: string | null = null;
    for (const c of await store.listRecoveryCodes(userId))
      for (const hash of hashes) if (constantTimeEqual(hash, c.codeHash) && c.usedAt === null) match = c.codeHash;
    return match !== null && (await store.useRecoveryCode(userId, match, now)) ? 'recovery' : null;
  }

  /** Counts the attempt before the secret is checked; a wrong one stays counted (accounts.ts, reserveAttempt). */
  async #reserve(user: UserRecord, ip: string): Promise<void> {
    await reserveAttempt(this.#deps.rateLimiter, this.#deps.signInLimits, user.emailKey, ip);
  }

  async #clearFailures(user: UserRecord): Promise<void> {
    await this.#deps.rateLimiter.reset(signInAccountKey(user.emailKey));
  }

  #newRecoveryCodes(): string[] {
    const codes: string[] = [];
    for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
      const bytes = this.#deps.crypto.randomBytes(RECOVERY_CODE_LENGTH);
      // 256 is not a multiple of 31: a tiny bias toward the first letters, irrelevant at ~49 bits.
      const text = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
      codes.push(`${text.slice(0, 5)}-${text.slice(5)}`);
    }
    return codes;
  }

  /**
   * Recovery codes are stored as HMAC-SHA-256 of their normalised form (lower case, no spaces or
   * dashes) under a key derived from the current secret key: a stolen database alone cannot be
   * searched for the codes.
   */
  #hashCode(code: string): string {
    return this.#deps.secretBox.macs(normaliseCode(code))[0]!;
  }

  /**
   * The stored forms a typed code may have: keyed under any key of the file (rotation), or the
   * unkeyed `sha256("recovery:" + code)` of codes issued before keyed hashes; never written now.
   */
  #codeHashesToAccept(code: string): string[] {
    const text = normaliseCode(code);
    return [...this.#deps.secretBox.macs(text), this.#deps.crypto.sha256(`recovery:${text}`)];
  }

  /** The TOTP secret is sealed to its account: a sealed value copied to another row does not open. */
  #seal(userId: string, secret: string): string {
    return this.#deps.secretBox.seal(secret, `mfa_totp:${userId}`);
  }

  /** The base32 secret of a stored factor: sealed, or plain when written before sealing existed. */
  #secretOf(factor: TotpFactor): string {
    const { secretBox } = this.#deps;
    return secretBox.isSealed(factor.secret) ? secretBox.open(factor.secret, `mfa_totp:${factor.userId}`) : factor.secret;
  }

  /** A plain secret, or one sealed under a key that is no longer first in the file, is sealed again under the current key. */
  async #resealIfStale(factor: TotpFactor, secret: string): Promise<void> {
    const { secretBox, store } = this.#deps;
    if (secretBox.isSealed(factor.secret) && secretBox.isCurrent(factor.secret)) return;
    await store.replaceTotpSecret(factor.userId, factor.secret, this.#seal(factor.userId, secret));
  }

  async #record(
    change: Extract<DomainEvent, { type: 'mfa_changed' }>['change'],
    userId: string,
    actor: Actor,
    deviceId: string | null = null,
  ): Promise<void> {
    await this.#deps.recorder.record({ type: 'mfa_changed', at: this.#deps.clock.now(), userId, change, deviceId, actor });
  }
}
