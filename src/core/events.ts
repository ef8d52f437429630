/**
 * Domain events: what the use cases (sign-in.ts, revocation.ts, accounts.ts, password-reset.ts,
 * sign-up.ts, mfa.ts) say happened, typed. They go to one Recorder, whose sinks turn them into
 * the security timeline and mail (security-signals.ts), metrics and logs (the HTTP layer's),
 * and later the audit log and webhooks. A use case never writes a side effect of its own beyond
 * its state change: it records an event.
 */
import type { Background } from './background.js';
import type { ErrorCode } from './errors.js';
import type { ReviewReason } from './reviews.js';
import type { RiskSignal } from './risk.js';
import type { Actor, SecondFactor } from './security-events.js';
import type { DeviceInfo, Location, RevokeReason, SessionRecord } from './session.js';

/** Where a request came from, as the entry point saw it. */
export interface RequestPlace {
  ip: string;
  location: Location;
}

export interface Account {
  id: string;
  email: string;
}

/** What a person needs to recognise a session that ended: its device, app, place and address. */
export interface EndedSession {
  id: string;
  clientId: string;
  deviceId: string | null;
  device: DeviceInfo;
  ip: string;
  location: Location;
}

/** Which proof failed: the password, the code step (a code or a passkey after the password), a passkey alone. */
export type SignInStep = 'password' | 'code' | 'passkey';

/** The privilege changes that give a session a new token. */
export type RotationCause = 'reauthenticated' | 'password_changed' | 'mfa_enabled';

export type DomainEvent =
  | {
      type: 'signed_in';
      at: number;
      user: Account;
      session: SessionRecord;
      risk: RiskSignal[];
      /** How it passed the code step: a code, or skipped on a trusted device; null without two-step verification. */
      secondFactor: SecondFactor | null;
    }
  | {
      type: 'sign_in_failed';
      at: number;
      step: SignInStep;
      /** The error code the caller saw (invalid_credentials, invalid_code, rate_limited, …). */
      outcome: ErrorCode | 'error';
      /** As typed at the password step; the account may not exist (looked up after the response). */
      email: string | null;
      /** Known at the code step. */
      userId: string | null;
      clientId: string | null;
      place: RequestPlace;
    }
  | { type: 'second_factor_required'; at: number; userId: string; clientId: string }
  | { type: 'session_ended'; at: number; userId: string; session: EndedSession; reason: RevokeReason; actor: Actor }
  | {
      type: 'sessions_ended';
      at: number;
      userId: string;
      scope: 'others' | 'all' | 'matching';
      count: number;
      reason: RevokeReason;
      actor: Actor;
    }
  /**
   * Token rotation after a privilege change: `previousId` was revoked and `sessionId` carries on
   * the same sign-in with a new secret (ASVS 7.2.4, 7.4.3). On the timeline as its cause is: a
   * re-authentication as `reauthenticated`, the others as their own change.
   */
  | {
      type: 'session_rotated';
      at: number;
      userId: string;
      previousId: string;
      sessionId: string;
      /** The session as it carries on (its device, app and sign-in place). */
      session: EndedSession;
      cause: RotationCause;
      actor: Actor;
    }
  /** A revocation that named no active session of the user: nothing changed (404). */
  | { type: 'revocation_refused'; at: number; userId: string; sessionId: string; request: 'end' | 'report'; actor: Actor }
  /** "This wasn't me": the session (when it was still active) has ended and the password must change. */
  | { type: 'session_reported'; at: number; userId: string; sessionId: string; session: EndedSession | null; actor: Actor }
  | { type: 'password_changed'; at: number; user: Account; how: 'changed' | 'reset'; place: RequestPlace; actor: Actor; revoked: number }
  | { type: 'password_reset_requested'; at: number; userId: string; place: RequestPlace }
  /** Sign-up by mail was asked for an address that already has an account: its owner is told. */
  | { type: 'sign_up_attempted'; at: number; user: Account; place: RequestPlace }
  /** An operator disabled or enabled the account (Accounts.disable, enable). */
  | { type: 'account_status_changed'; at: number; userId: string; disabled: boolean; actor: Actor }
  /** The user is asked to review their sessions (reviews.ts). */
  | { type: 'review_requested'; at: number; userId: string; reason: ReviewReason; workspaceId: string | null; requestedBy: string | null }
  /** "I have reviewed my sessions": `completed` pending requests, `signOuts` sessions the user ended meanwhile. */
  | { type: 'sessions_reviewed'; at: number; userId: string; completed: number; signOuts: number; actor: Actor }
  | {
      type: 'mfa_changed';
      at: number;
      userId: string;
      change:
        | 'mfa_enabled'
        | 'mfa_disabled'
        | 'recovery_codes_replaced'
        | 'device_trusted'
        | 'device_untrusted'
        | 'passkey_added'
        | 'passkey_removed';
      deviceId: string | null;
      actor: Actor;
    }
  /**
   * A credential past the session list changed (issue 11): an OAuth app connected or removed, a
   * device (CLI) sign-in approved, a "Sign in with" session ended, a personal access token made or
   * revoked. `name` is what the user knows it by (the app's or the token's name).
   */
  | {
      type: 'credential_changed';
      at: number;
      userId: string;
      change: CredentialChange;
      name: string;
      /** Where it happened from (the approving browser, the device that signed in); null when unknown. */
      place: RequestPlace | null;
      actor: Actor;
    };

export type CredentialChange =
  'app_connected' | 'app_removed' | 'device_sign_in_approved' | 'relying_party_signed_out' | 'token_created' | 'token_revoked';

export type DomainEventType = DomainEvent['type'];

/** A consumer of events. It may be async; a failure is reported, never passed to the use case. */
export type EventSink = (event: DomainEvent) => void | Promise<void>;

/**
 * The one recorder. Sinks run in the order added and are awaited, so a response that follows a
 * use case already shows on the timeline; a sink's failure is reported and the others still run
 * (the timeline and metrics are a record, not a gate).
 */
export class Recorder {
  readonly #sinks = new Set<EventSink>();
  readonly #background: Background;

  constructor(background: Background) {
    this.#background = background;
  }

  /** Adds a sink; returns the function that removes it (an HTTP app's metrics, on close). */
  add(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  async record(event: DomainEvent): Promise<void> {
    for (const sink of this.#sinks) {
      try {
        await sink(event);
      } catch (err) {
        this.#background.report(err, `record ${event.type}`);
      }
    }
  }
}

export function endedSession(session: SessionRecord): EndedSession {
  return {
    id: session.id,
    clientId: session.clientId,
    deviceId: session.deviceId,
    device: session.device,
    ip: session.ip,
    location: session.location,
  };
}
