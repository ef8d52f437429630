/**
 * Security signals: device recognition and risk rules at sign-in (risk.ts), the gate that keeps
 * a reported account out until its password changes, and the sink that turns domain events
 * (events.ts) into the per-account timeline (security-events.ts) and mail — alerts with a
 * single-use "This wasn't me" link, and the password and two-step verification notices.
 * Mail and the recording of failures never hold up or fail the request that caused them.
 */
import { issueActionToken } from './action-tokens.js';
import type { Background } from './background.js';
import { describeClient } from './clients.js';
import { SessiondError } from './errors.js';
import {
  describeDevice,
  describeLocation,
  mfaChangedMail,
  credentialAddedMail,
  newDeviceAlert,
  passwordChangedMail,
  signUpAttemptMail,
  suspiciousSignInAlert,
} from './mail-templates.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { Mailer } from './ports/mailer.js';
import type { SecurityStore } from './ports/security-store.js';
import type { UserStore } from './ports/store.js';
import { assessRisk, isSuspicious, type RiskSignal, type RiskThresholds } from './risk.js';
import type { Account, DomainEvent, EndedSession, RequestPlace } from './events.js';
import type { EventCursor, EventPage, SecondFactor, SecurityEvent, SecurityEventKind } from './security-events.js';
import { actorIp, blankEvent } from './security-events.js';
import type { Client, SessionOrigin, SessionRecord } from './session.js';
import { newId } from './token.js';
import { emailKey, isPlausibleEmail } from './user.js';

/** Countries, apps and the last location come from this many recent sign-ins. */
const HISTORY_SIGN_INS = 200;
/** More failures than this in the burst window change nothing; the read stays bounded. */
const HISTORY_FAILURES = 1_000;

export interface LinkSettings {
  productName: string;
  publicUrl: string;
  /** How long a "This wasn't me" link in an alert works. */
  reportLinkTtlMs: number;
}

export interface SignalDeps {
  store: SecurityStore & Pick<UserStore, 'findUserByEmailKey' | 'findUserById'>;
  clock: Clock;
  crypto: Crypto;
  mailer: Mailer;
  background: Background;
  thresholds: RiskThresholds;
  links: LinkSettings;
  clients: readonly Client[];
}

export type { Account, RequestPlace } from './events.js';

export class SecuritySignals {
  readonly #deps: SignalDeps;

  constructor(deps: SignalDeps) {
    this.#deps = deps;
  }

  get links(): LinkSettings {
    return this.#deps.links;
  }

  /** Refuses sign-in while "This wasn't me" is unanswered: the password must change first. */
  async checkSignInAllowed(userId: string): Promise<void> {
    if (await this.#deps.store.isPasswordChangeRequired(userId)) throw new SessiondError('password_change_required');
  }

  /** Runs the rules against the account's history. Call before the session (and its device) is stored. */
  async assessSignIn(userId: string, clientId: string, origin: SessionOrigin): Promise<RiskSignal[]> {
    const { store, clock, thresholds } = this.#deps;
    const now = clock.now();
    const [signIns, failures, knownDevice] = await Promise.all([
      store.recentSignIns(userId, HISTORY_SIGN_INS),
      store.recentFailures(userId, now - thresholds.failureBurst.windowMs, HISTORY_FAILURES),
      origin.deviceId ? store.isKnownDevice(userId, origin.deviceId) : Promise.resolve(false),
    ]);
    return assessRisk({ signIns, failures, knownDevice }, { at: now, clientId, deviceId: origin.deviceId, ...origin.location }, thresholds);
  }

  async listEvents(userId: string, cursor: EventCursor | null, limit: number): Promise<EventPage> {
    return this.#deps.store.listSecurityEvents(userId, cursor, limit);
  }

  /** Waits for queued recording and mail (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#deps.background.idle();
    await this.#deps.mailer.flush?.();
  }

  /**
   * The recorder's sink for the timeline and mail: each domain event becomes the entries a person
   * reads under Security activity, and the mail they should get.
   */
  readonly record = async (event: DomainEvent): Promise<void> => {
    const { crypto } = this.#deps;
    switch (event.type) {
      case 'signed_in':
        return this.#signedIn(event.user, event.session, event.risk, event.secondFactor);
      case 'sign_in_failed':
        // Only a wrong password on a known account, looked up after the response so timing says nothing.
        if (event.step === 'password' && event.outcome === 'invalid_credentials' && event.email !== null)
          this.#failedSignIn(event.email, event.at, event.place, event.clientId);
        // A refused passkey of a known account: its owner sees the attempt as a failed sign-in.
        if (event.step === 'passkey' && event.outcome === 'invalid_credentials' && event.userId !== null)
          return this.#append({
            ...blankEvent(newId(crypto), event.userId, 'sign_in_failed', event.at),
            ip: event.place.ip,
            location: event.place.location,
            clientId: event.clientId,
          });
        return;
      case 'session_ended':
        return this.#append({
          ...blankEvent(newId(crypto), event.userId, 'session_revoked', event.at),
          ...endedFields(event.session),
          reason: event.reason,
          actor: event.actor,
        });
      case 'sessions_ended':
        return this.#append({
          ...blankEvent(newId(crypto), event.userId, 'sessions_revoked', event.at),
          count: event.count,
          reason: event.reason,
          actor: event.actor,
          ip: actorIp(event.actor),
        });
      case 'session_reported':
        return this.#append({
          ...blankEvent(newId(crypto), event.userId, 'session_reported', event.at),
          ...(event.session ? endedFields(event.session) : { sessionId: event.sessionId }),
          reason: 'reported',
          actor: event.actor,
        });
      case 'password_changed':
        return this.#passwordChanged(event);
      case 'password_reset_requested':
        return this.#append({
          ...blankEvent(newId(crypto), event.userId, 'password_reset_requested', event.at),
          ip: event.place.ip,
          location: event.place.location,
        });
      case 'mfa_changed':
        return this.#mfaChanged(event);
      case 'credential_changed':
        return this.#credentialChanged(event);
      case 'sign_up_attempted':
        return this.#signUpAttempted(event);
      case 'review_requested':
        // Why the review was asked for goes in `reason`; an admin's request names the admin.
        return this.#append({
          ...blankEvent(newId(crypto), event.userId, 'review_requested', event.at),
          reason: event.reason,
          actor: event.requestedBy ? { kind: 'admin', adminId: event.requestedBy, ip: null } : { kind: 'system' },
        });
      case 'sessions_reviewed':
        return this.#append({
          ...blankEvent(newId(crypto), event.userId, 'sessions_reviewed', event.at),
          count: event.signOuts,
          actor: event.actor,
          ip: actorIp(event.actor),
        });
      case 'second_factor_required':
      case 'revocation_refused':
        return;
      case 'account_status_changed':
        // The sessions it ended are on the timeline (sessions_ended); the switch itself is logged.
        return;
      case 'session_rotated':
        // A new token for the same sign-in: the change that caused it is on the timeline, a
        // re-authentication as its own entry, about the id the session carries on with.
        return event.cause === 'reauthenticated' ? this.#reauthenticated(event) : undefined;
    }
  };

  /**
   * The sign-in and what the rules found, and at most one alert: "unusual sign-in" when a
   * suspicious rule fired, else "new sign-in" for a new device or app.
   */
  async #signedIn(user: Account, session: SessionRecord, signals: RiskSignal[], secondFactor: SecondFactor | null): Promise<void> {
    const event = (kind: SecurityEventKind, evidence: RiskSignal[] = []) => ({ ...this.#sessionEvent(kind, session), signals: evidence });
    const newDevice = signals.filter((s) => s.kind === 'new_device');
    const suspicious = isSuspicious(signals);
    await this.#append({ ...event('sign_in'), secondFactor });
    if (newDevice.length) await this.#append(event('new_device', newDevice));
    if (suspicious) await this.#append(event('suspicious_sign_in', signals));
    const alert = suspicious ? 'suspicious' : signals.some((s) => s.kind === 'new_device' || s.kind === 'new_client') ? 'new_device' : null;
    if (alert) this.#deps.background.run('sign-in alert', () => this.#sendAlert(user, session, alert, signals));
  }

  /**
   * A session confirmed it was its owner again (password or code) and carries on under a new id:
   * the entry names that id, and so does its actor, so the page of the session that did it
   * says "by you, on this device". Its place is the session's when it came from the same
   * address; the address it came from is the actor's.
   */
  async #reauthenticated(event: Extract<DomainEvent, { type: 'session_rotated' }>): Promise<void> {
    const { actor, session } = event;
    const ip = actorIp(actor);
    await this.#append({
      ...blankEvent(newId(this.#deps.crypto), event.userId, 'reauthenticated', event.at),
      sessionId: event.sessionId,
      ip,
      clientId: session.clientId,
      deviceId: session.deviceId,
      device: session.device,
      location: ip === session.ip ? session.location : null,
      actor: actor.kind === 'session' && actor.sessionId === event.previousId ? { ...actor, sessionId: event.sessionId } : actor,
    });
  }

  #failedSignIn(email: string, at: number, place: RequestPlace, clientId: string | null): void {
    const { store, crypto, background } = this.#deps;
    background.run('record failed sign-in', async () => {
      const user = isPlausibleEmail(email) ? await store.findUserByEmailKey(emailKey(email)) : null;
      if (!user) return;
      await store.appendSecurityEvent({
        ...blankEvent(newId(crypto), user.id, 'sign_in_failed', at),
        ip: place.ip,
        location: place.location,
        clientId,
      });
    });
  }

  /** A password change or reset on the timeline, and a mail to the owner (ASVS 6.3.7). */
  async #passwordChanged(event: Extract<DomainEvent, { type: 'password_changed' }>): Promise<void> {
    const { crypto, links, background, mailer } = this.#deps;
    const { user, how, place, at } = event;
    await this.#append({
      ...blankEvent(newId(crypto), user.id, how === 'reset' ? 'password_reset' : 'password_changed', at),
      ip: place.ip,
      location: place.location,
      actor: event.actor,
      count: event.revoked,
    });
    const content = passwordChangedMail({
      product: links.productName,
      how,
      at,
      ip: place.ip,
      location: describeLocation(place.location),
      resetUrl: `${links.publicUrl}/reset-password`,
      sessionsUrl: `${links.publicUrl}/settings/security/sessions`,
    });
    background.run('password-changed mail', () => mailer.send({ to: user.email, ...content }));
  }

  /** Someone asked to sign up with an address that has an account: its owner is told by mail. */
  #signUpAttempted(event: Extract<DomainEvent, { type: 'sign_up_attempted' }>): void {
    const { links, background, mailer } = this.#deps;
    const content = signUpAttemptMail({
      product: links.productName,
      at: event.at,
      ip: event.place.ip,
      location: describeLocation(event.place.location),
      signInUrl: `${links.publicUrl}/sign-in`,
      resetUrl: `${links.publicUrl}/reset-password`,
    });
    background.run('sign-up attempt mail', () => mailer.send({ to: event.user.email, ...content }));
  }

  /**
   * A credential past the session list on the timeline (`reason` carries the app's or token's
   * name). One that can now act for the account (an app connected, a device signed in, a token
   * made) is also mailed, with the place it came from, as a new device is.
   */
  async #credentialChanged(event: Extract<DomainEvent, { type: 'credential_changed' }>): Promise<void> {
    const { crypto, links, background, mailer, store } = this.#deps;
    await this.#append({
      ...blankEvent(newId(crypto), event.userId, event.change, event.at),
      sessionId: event.actor.kind === 'session' ? event.actor.sessionId : null,
      ip: event.place?.ip ?? actorIp(event.actor),
      location: event.place?.location ?? null,
      actor: event.actor,
      reason: event.name,
    });
    const { change } = event;
    if (change !== 'app_connected' && change !== 'device_sign_in_approved' && change !== 'token_created') return;
    // Made by no person (the demo's seed): nobody to alert, nothing anyone did from somewhere.
    if (event.actor.kind === 'system') return;
    background.run(`${change} mail`, async () => {
      const user = await store.findUserById(event.userId);
      if (!user) return;
      const location = event.place?.location;
      const place = location?.city
        ? `near ${location.city}${location.country ? `, ${location.country}` : ''}`
        : (location?.country ?? null);
      const content = credentialAddedMail({
        product: links.productName,
        change,
        name: event.name,
        at: event.at,
        ip: event.place?.ip ?? actorIp(event.actor),
        place,
        sessionsUrl: `${links.publicUrl}/settings/security/sessions`,
        resetUrl: `${links.publicUrl}/reset-password`,
      });
      await mailer.send({ to: user.email, ...content });
    });
  }

  /**
   * An MFA or device-trust change on the timeline. Turning MFA on or off and replacing the
   * recovery codes change what it takes to sign in, so the owner is also told by mail, as for a
   * password change; trusting a device follows a sign-in the owner was already told of.
   */
  async #mfaChanged(event: Extract<DomainEvent, { type: 'mfa_changed' }>): Promise<void> {
    const { crypto, links, background, mailer, store } = this.#deps;
    const ip = actorIp(event.actor);
    await this.#append({
      ...blankEvent(newId(crypto), event.userId, event.change, event.at),
      sessionId: event.actor.kind === 'session' ? event.actor.sessionId : null,
      ip,
      deviceId: event.deviceId,
      actor: event.actor,
    });
    const { change } = event;
    if (change === 'device_trusted' || change === 'device_untrusted') return;
    background.run(`${change} mail`, async () => {
      const user = await store.findUserById(event.userId);
      if (!user) return;
      const content = mfaChangedMail({
        product: links.productName,
        change,
        at: event.at,
        ip,
        resetUrl: `${links.publicUrl}/reset-password`,
        sessionsUrl: `${links.publicUrl}/settings/security/sessions`,
        mfaUrl: `${links.publicUrl}/settings/security/mfa`,
        passkeysUrl: `${links.publicUrl}/settings/security/passkeys`,
      });
      await mailer.send({ to: user.email, ...content });
    });
  }

  async #sendAlert(user: Account, session: SessionRecord, alert: 'suspicious' | 'new_device', signals: RiskSignal[]): Promise<void> {
    const { links, clients, mailer } = this.#deps;
    const token = await issueActionToken(this.#deps, user.id, 'report_session', links.reportLinkTtlMs, session.id);
    const details = {
      product: links.productName,
      device: describeDevice(session.device),
      app: describeClient(clients, session.clientId).name,
      location: describeLocation(session.location),
      ip: session.ip,
      at: session.signedInAt,
      sessionsUrl: `${links.publicUrl}/settings/security/sessions`,
      reportUrl: `${links.publicUrl}/report-sign-in?token=${encodeURIComponent(token)}`,
    };
    const content =
      alert === 'suspicious'
        ? suspiciousSignInAlert({ ...details, reasons: signals.map((s) => explain(s, clients)) })
        : newDeviceAlert(details);
    await mailer.send({ to: user.email, ...content });
  }

  #sessionEvent(kind: SecurityEventKind, session: SessionRecord): SecurityEvent {
    return {
      ...blankEvent(newId(this.#deps.crypto), session.userId, kind, session.signedInAt),
      sessionId: session.id,
      ip: session.ip,
      clientId: session.clientId,
      deviceId: session.deviceId,
      location: session.location,
      device: session.device,
      actor: { kind: 'session', sessionId: session.id, ip: session.ip },
    };
  }

  /** The timeline is a record, not a gate: a failed write is reported, never fails the request. */
  async #append(event: SecurityEvent): Promise<void> {
    try {
      await this.#deps.store.appendSecurityEvent(event);
    } catch (err) {
      this.#deps.background.report(err, `record ${event.kind}`);
    }
  }
}

/**
 * The ended session as its owner recognises it: its device, app, place and address. The actor's
 * own address stays in `actor`.
 */
function endedFields(session: EndedSession): Pick<SecurityEvent, 'sessionId' | 'ip' | 'clientId' | 'deviceId' | 'location' | 'device'> {
  return {
    sessionId: session.id,
    ip: session.ip,
    clientId: session.clientId,
    deviceId: session.deviceId,
    location: session.location,
    device: session.device,
  };
}

/** A signal in words, for the alert mail. */
export function explain(signal: RiskSignal, clients: readonly Client[]): string {
  switch (signal.kind) {
    case 'new_device':
      return 'A device this account has not used before.';
    case 'new_country':
      return `A country this account has not signed in from before (${signal.country}).`;
    case 'impossible_travel': {
      const from = [signal.from.city, signal.from.country].filter(Boolean).join(', ') || 'the previous location';
      return `Too far from the previous sign-in (${from}) to have travelled: ${signal.distanceKm} km in ${signal.hours} h.`;
    }
    case 'failures_then_success':
      return `${signal.failures} failed attempts shortly before this sign-in.`;
    case 'new_client':
      return `An app this account has not used before (${describeClient(clients, signal.clientId).name}).`;
  }
}
