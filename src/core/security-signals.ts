/**
 * Security signals at sign-in and after: device recognition and risk rules (risk.ts), the
 * per-account timeline (security-events.ts), alert mail with a single-use "This wasn't me" link,
 * and the report that ends a session and makes the next sign-in change the password.
 * Mail and the recording of failures never hold up or fail the request that caused them.
 */
import { issueActionToken, redeemActionToken } from './action-tokens.js';
import type { MfaEvent } from './mfa.js';
import type { Background } from './background.js';
import { describeClient } from './clients.js';
import { SessiondError } from './errors.js';
import { describeDevice, describeLocation, newDeviceAlert, passwordChangedMail, suspiciousSignInAlert } from './mail-templates.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { Mailer } from './ports/mailer.js';
import type { SecurityStore } from './ports/security-store.js';
import type { UserStore } from './ports/store.js';
import { assessRisk, isSuspicious, type RiskSignal, type RiskThresholds } from './risk.js';
import type { Actor, EventCursor, EventPage, SecurityEvent, SecurityEventKind } from './security-events.js';
import { blankEvent } from './security-events.js';
import type { Client, DeviceInfo, Location, RevokeReason, SessionOrigin, SessionRecord } from './session.js';
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
  /** Sessions.revokeSession: revokes and announces to every node. */
  revokeSession: (userId: string, sessionId: string, reason: RevokeReason) => Promise<boolean>;
}

/** Where a request came from, as the HTTP layer saw it. */
export interface RequestPlace {
  ip: string;
  location: Location;
}

export interface Account {
  id: string;
  email: string;
}

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

  /**
   * Records the sign-in and what the rules found, and queues at most one alert: "unusual sign-in"
   * when a suspicious rule fired, else "new sign-in" for a new device or app.
   */
  async recordSignIn(user: Account, session: SessionRecord, signals: RiskSignal[]): Promise<void> {
    const event = (kind: SecurityEventKind, evidence: RiskSignal[] = []) => ({ ...this.#sessionEvent(kind, session), signals: evidence });
    const newDevice = signals.filter((s) => s.kind === 'new_device');
    const suspicious = isSuspicious(signals);
    await this.#append(event('sign_in'));
    if (newDevice.length) await this.#append(event('new_device', newDevice));
    if (suspicious) await this.#append(event('suspicious_sign_in', signals));
    const alert = suspicious ? 'suspicious' : signals.some((s) => s.kind === 'new_device' || s.kind === 'new_client') ? 'new_device' : null;
    if (alert) this.#deps.background.run('sign-in alert', () => this.#sendAlert(user, session, alert, signals));
  }

  /** A failed sign-in for a known account, recorded after the response so timing says nothing. */
  recordFailedSignIn(email: string, place: RequestPlace, clientId: string | null, device: DeviceInfo | null): void {
    const { store, clock, crypto, background } = this.#deps;
    const at = clock.now();
    background.run('record failed sign-in', async () => {
      const user = isPlausibleEmail(email) ? await store.findUserByEmailKey(emailKey(email)) : null;
      if (!user) return;
      await store.appendSecurityEvent({
        ...blankEvent(newId(crypto), user.id, 'sign_in_failed', at),
        ip: place.ip,
        location: place.location,
        clientId,
        device,
      });
    });
  }

  /** One session ended (`sessionId`), or several (`count`), and by whom. */
  async recordRevocation(userId: string, what: { sessionId?: string; count?: number; reason: RevokeReason; actor: Actor }): Promise<void> {
    const { clock, crypto } = this.#deps;
    const kind = what.sessionId ? 'session_revoked' : 'sessions_revoked';
    await this.#append({
      ...blankEvent(newId(crypto), userId, kind, clock.now()),
      sessionId: what.sessionId ?? null,
      count: what.count ?? null,
      reason: what.reason,
      actor: what.actor,
      ip: actorIp(what.actor),
    });
  }

  /** Records a password change or reset and tells the owner by mail (ASVS 6.3.7). */
  async recordPasswordChanged(user: Account, how: 'changed' | 'reset', place: RequestPlace, actor: Actor, revoked: number): Promise<void> {
    const { clock, crypto, links, background, mailer } = this.#deps;
    const at = clock.now();
    await this.#append({
      ...blankEvent(newId(crypto), user.id, how === 'reset' ? 'password_reset' : 'password_changed', at),
      ip: place.ip,
      location: place.location,
      actor,
      count: revoked,
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

  /** MFA and device-trust changes (from Mfa), on the same timeline. */
  async recordMfaChange(event: MfaEvent): Promise<void> {
    await this.#append({
      ...blankEvent(newId(this.#deps.crypto), event.userId, event.kind, event.at),
      sessionId: event.sessionId,
      ip: event.ip,
      deviceId: event.deviceId,
      actor: { kind: 'session', sessionId: event.sessionId, ip: event.ip },
    });
  }

  async recordPasswordResetRequested(userId: string, place: RequestPlace): Promise<void> {
    const { clock, crypto } = this.#deps;
    await this.#append({
      ...blankEvent(newId(crypto), userId, 'password_reset_requested', clock.now()),
      ip: place.ip,
      location: place.location,
    });
  }

  /**
   * "This wasn't me" from a signed-in session: ends the reported session, records it, and makes
   * the next sign-in change the password. False when the id is not an active session of the user.
   */
  async reportSession(userId: string, sessionId: string, actor: Actor): Promise<boolean> {
    const revoked = await this.#deps.revokeSession(userId, sessionId, 'reported');
    if (!revoked) return false;
    await this.#afterReport(userId, sessionId, actor);
    return true;
  }

  /** The same from the alert mail's single-use link. Throws `invalid_token` for a bad, used or expired link. */
  async reportSessionByLink(token: string, place: RequestPlace): Promise<void> {
    const record = await redeemActionToken(this.#deps, token, 'report_session');
    if (!record?.sessionId) throw new SessiondError('invalid_token');
    // The session may already have ended; the report still stands and the password must still change.
    await this.#deps.revokeSession(record.userId, record.sessionId, 'reported');
    await this.#afterReport(record.userId, record.sessionId, { kind: 'link', ip: place.ip });
  }

  async listEvents(userId: string, cursor: EventCursor | null, limit: number): Promise<EventPage> {
    return this.#deps.store.listSecurityEvents(userId, cursor, limit);
  }

  /** Waits for queued recording and mail (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#deps.background.idle();
    await this.#deps.mailer.flush?.();
  }

  async #afterReport(userId: string, sessionId: string, actor: Actor): Promise<void> {
    const { store, clock, crypto } = this.#deps;
    await store.setPasswordChangeRequired(userId, true);
    await this.#append({
      ...blankEvent(newId(crypto), userId, 'session_reported', clock.now()),
      sessionId,
      actor,
      ip: actorIp(actor),
      reason: 'reported',
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

function actorIp(actor: Actor): string | null {
  return actor.kind === 'system' ? null : actor.ip;
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
