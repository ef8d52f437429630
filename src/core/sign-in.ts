/**
 * Signing in, for every method: password, password + authenticator code, recovery code or
 * passkey, a passkey alone (and later OAuth device approval). One order, written once:
 *
 *   verify the proof (rate limited) → gate ("This wasn't me" unanswered) → second factor needed?
 *   → end the session this browser had (no fixation) → where it comes from → assess risk
 *   → create the session → record it (timeline, alert mail, metrics)
 *
 * A failed step is recorded too. Entry points (HTTP today) pass what they saw of the request and
 * get back either a session with its token or the token for the code step.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Accounts } from './accounts.js';
import { isSessiondError, SessiondError } from './errors.js';
import { limitKeyForIp } from './ip-limit-key.js';
import type { Recorder, RequestPlace, SignInStep } from './events.js';
import type { Mfa } from './mfa.js';
import type { Passkeys } from './passkeys.js';
import type { Clock } from './ports/clock.js';
import type { SecondFactor } from './security-events.js';
import type { SecuritySignals } from './security-signals.js';
import type { AuthMethod, Client, NativeDevice, SessionOrigin, SessionRecord } from './session.js';
import type { Sessions } from './sessions.js';
import type { Revocation } from './revocation.js';
import type { UserRecord } from './user.js';

export type Transport = 'cookie' | 'bearer';

/** What the entry point saw of the request that signs in. */
export interface SignInContext {
  place: RequestPlace;
  /**
   * The device as already known, read without issuing anything: a browser's device cookie, a
   * native app's own id. A browser without a device cookie cannot be a trusted device.
   */
  knownDeviceId(client: Client, native: NativeDevice | null): string | null;
  /** Where the new session comes from; called only when a session is made (it may issue a device cookie). */
  origin(client: Client, native: NativeDevice | null): SessionOrigin;
  /** The session this browser already has: it ends when the new one starts (ASVS 7.2.4). */
  replaces: { userId: string; sessionId: string } | null;
}

/** A sign-in with a passkey alone: the browser's answer to a discoverable-credential request. */
export interface PasskeySignIn {
  response: AuthenticationResponseJSON;
  clientId: string;
  transport: Transport;
  device: NativeDevice | null;
}

export interface PasswordSignIn {
  email: string;
  password: string;
  clientId: string;
  transport: Transport;
  device: NativeDevice | null;
  /** A native app's device token, given when its device was trusted; never stored with the challenge. */
  deviceToken?: string | null;
}

/** A finished sign-in: the session and its token (the only time the token exists in clear). */
export interface SignedIn {
  kind: 'session';
  user: UserRecord;
  session: SessionRecord;
  token: string;
  transport: Transport;
  /**
   * "Remember this device" at the code step: until when the session's device is now trusted,
   * and a native app's device token (shown once). Absent when not asked, or when the session
   * has no device to trust.
   */
  remembered?: { until: number; deviceToken: string | null };
}

/** `passkeys`: the account has a passkey that may do the code step instead of a code. */
export type SignInResult = SignedIn | { kind: 'second_factor'; token: string; expiresAt: number; passkeys: boolean };

export interface SignInDeps {
  clients: readonly Client[];
  accounts: Pick<Accounts, 'verifyCredentials' | 'signInSucceeded' | 'isDisabled'>;
  mfa: Pick<
    Mfa,
    | 'isEnabled'
    | 'deviceTrustedUntil'
    | 'isTrustHonoured'
    | 'createChallenge'
    | 'completeChallenge'
    | 'completeChallengeWithPasskey'
    | 'trust'
  >;
  /** Absent: no passkey signs in (`withPasskey` answers `not_found`). */
  passkeys?: Pick<Passkeys, 'authenticate' | 'ownerOf' | 'list'>;
  signals: Pick<SecuritySignals, 'checkSignInAllowed' | 'assessSignIn'>;
  sessions: Pick<Sessions, 'createSession'>;
  revocation: Pick<Revocation, 'endSession'>;
  recorder: Recorder;
  clock: Clock;
  /** Per-IP limits count an IPv6 client by its network of this many bits (`limitKeyForIp`). */
  ipv6LimitPrefix: number;
}

export class SignIn {
  readonly #deps: SignInDeps;

  constructor(deps: SignInDeps) {
    this.#deps = deps;
  }

  /** The password step. With MFA on and an untrusted device, no session yet: a token for the code step. */
  async withPassword(input: PasswordSignIn, context: SignInContext): Promise<SignInResult> {
    const { accounts, mfa } = this.#deps;
    const client = this.#client(input.clientId);
    const failed = { step: 'password' as const, email: input.email, userId: null, clientId: client.id, place: context.place };
    const user = await this.#attempt(failed, async () => {
      const verified = await accounts.verifyCredentials(input.email, input.password, this.#limitIp(context));
      await this.#gate(verified);
      return verified;
    });
    const mfaOn = await mfa.isEnabled(user.id);
    if (mfaOn && !(await mfa.isTrustHonoured(user.id, client, context.knownDeviceId(client, input.device), input.deviceToken ?? null))) {
      const device = client.kind === 'browser' || input.device === null ? null : JSON.stringify(input.device);
      const challenge = await mfa.createChallenge(user.id, client.id, input.transport, device);
      await this.#deps.recorder.record({
        type: 'second_factor_required',
        at: this.#deps.clock.now(),
        userId: user.id,
        clientId: client.id,
      });
      // Whether to offer "Use a passkey instead": told only to whoever knew the password.
      const passkeys = this.#deps.passkeys ? (await this.#deps.passkeys.list(user.id)).length > 0 : false;
      return { kind: 'second_factor', token: challenge.token, expiresAt: challenge.expiresAt, passkeys };
    }
    // The account's failure count clears only when the sign-in is over (with MFA, at the code
    // step), else a known password would reset it between guesses at the code.
    await accounts.signInSucceeded(user);
    // With two-step verification on, a sign-in that gets here skipped the code: its device is trusted.
    return this.#open(user, client, 'password', input.transport, input.device, mfaOn ? 'trusted_device' : null, context);
  }

  /**
   * A passkey alone (a discoverable credential). User verification is required, so it is two
   * factors by itself: no code step follows, and the session is `passkey` (multi-factor for
   * workspace policies and for trusting its device).
   */
  async withPasskey(input: PasskeySignIn, context: SignInContext): Promise<SignedIn> {
    const { accounts, passkeys } = this.#deps;
    if (!passkeys) throw new SessiondError('not_found', 'Passkeys are not available here.');
    const client = this.#client(input.clientId);
    const failed = { step: 'passkey' as const, email: null, userId: null as string | null, clientId: client.id, place: context.place };
    const user = await this.#attempt(failed, async () => {
      try {
        const { user: owner } = await passkeys.authenticate(input.response, { purpose: 'sign_in' }, this.#limitIp(context));
        await this.#gate(owner);
        return owner;
      } catch (err) {
        // A refused credential of a known account (a clone, a replay) goes on that account's timeline.
        failed.userId = await passkeys.ownerOf(input.response.id);
        throw err;
      }
    });
    await accounts.signInSucceeded(user);
    return this.#open(user, client, 'passkey', input.transport, input.device, null, context);
  }

  /**
   * The code step: the token from the password step and an authenticator or recovery code, or a
   * passkey of the account. With `rememberDevice`, the session it makes trusts its device at
   * once, by the rules of `Mfa.trust` (an MFA session, bound to its client; a native app gets a
   * device token).
   */
  async withSecondFactor(
    mfaToken: string,
    proof: string | { passkey: AuthenticationResponseJSON },
    context: SignInContext,
    options: { rememberDevice?: boolean } = {},
  ): Promise<SignedIn> {
    const failed = { step: 'code' as const, email: null, userId: null, clientId: null, place: context.place };
    const done = await this.#attempt(failed, async () => {
      const ip = this.#limitIp(context);
      const completed =
        typeof proof === 'string'
          ? await this.#deps.mfa.completeChallenge(mfaToken, proof, ip)
          : await this.#deps.mfa.completeChallengeWithPasskey(mfaToken, proof.passkey, ip);
      await this.#gate(completed.user);
      return completed;
    });
    const { user, challenge, method } = done;
    const client = this.#client(challenge.clientId);
    const native = challenge.device === null ? null : (JSON.parse(challenge.device) as NativeDevice);
    const signed = await this.#open(user, client, 'mfa', challenge.transport, native, method, context);
    if (!options.rememberDevice || signed.session.deviceId === null) return signed;
    const actor = { kind: 'session' as const, sessionId: signed.session.id, ip: context.place.ip };
    const { until, token } = await this.#deps.mfa.trust(signed.session, actor, signed.transport === 'bearer');
    return {
      ...signed,
      session: { ...signed.session, trusted: true, deviceTrustedUntil: until },
      remembered: { until, deviceToken: token },
    };
  }

  /**
   * "This wasn't me" is unanswered: the right password still gets no session until it changes.
   * A disabled account gets none either (ASVS 5.0 7.4.2); said only after the password was
   * right, so it tells nothing to someone guessing.
   */
  async #gate(user: UserRecord): Promise<void> {
    if (await this.#deps.accounts.isDisabled(user.id))
      throw new SessiondError('forbidden', 'This account is disabled. Ask your administrator to enable it.');
    await this.#deps.signals.checkSignInAllowed(user.id);
  }

  /** Rotation, origin, risk, creation, record: the sign-in is over. */
  async #open(
    user: UserRecord,
    client: Client,
    method: AuthMethod,
    transport: Transport,
    native: NativeDevice | null,
    secondFactor: SecondFactor | null,
    context: SignInContext,
  ): Promise<SignedIn> {
    const { sessions, signals, revocation, recorder, clock } = this.#deps;
    const previous = context.replaces;
    if (previous)
      await revocation.endSession(previous.userId, previous.sessionId, {
        kind: 'session',
        sessionId: previous.sessionId,
        ip: context.place.ip,
      });
    const origin = context.origin(client, native);
    const risk = await signals.assessSignIn(user.id, client.id, origin);
    const issued = await sessions.createSession(user.id, client.id, method, origin);
    await recorder.record({ type: 'signed_in', at: clock.now(), user, session: issued.session, risk, secondFactor });
    // A trusted device skipped the code step; the answer says so, as the list will.
    const until = await this.#deps.mfa.deviceTrustedUntil(user.id, issued.session.deviceId);
    const session = { ...issued.session, trusted: until !== null, deviceTrustedUntil: until };
    return { kind: 'session', user, session, token: issued.token, transport };
  }

  /** Runs a step; a refusal is recorded (metrics, the timeline for known accounts) and rethrown. */
  async #attempt<T>(
    failed: { step: SignInStep; email: string | null; userId: string | null; clientId: string | null; place: RequestPlace },
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (err) {
      const outcome = isSessiondError(err) ? err.code : 'error';
      await this.#deps.recorder.record({ type: 'sign_in_failed', at: this.#deps.clock.now(), outcome, ...failed });
      throw err;
    }
  }

  /** The address as the per-IP limits count it: IPv6 by its network, so rotating within it gains nothing. */
  #limitIp(context: SignInContext): string {
    return limitKeyForIp(context.place.ip, this.#deps.ipv6LimitPrefix);
  }

  #client(id: string): Client {
    const client = this.#deps.clients.find((c) => c.id === id);
    if (!client) throw new SessiondError('unknown_client');
    return client;
  }
}
