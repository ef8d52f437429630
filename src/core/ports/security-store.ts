/**
 * Persistence for security signals: the event timeline, single-use link tokens, the devices an
 * account has used, and the "must change password" flag. Implemented by the Kysely store.
 */
import type { PastSignIn } from '../risk.js';
import type { EventCursor, EventPage, SecurityEvent } from '../security-events.js';

export type ActionPurpose = 'password_reset' | 'report_session';

export interface ActionTokenRecord {
  id: string;
  userId: string;
  purpose: ActionPurpose;
  secretHash: string;
  /** The session a "This wasn't me" link is about. */
  sessionId: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** A sign-up waiting for its mailed link (sign-up.ts): there is no user until the link is used. */
export interface SignUpRequestRecord {
  id: string;
  email: string;
  emailKey: string;
  name: string | null;
  passwordHash: string;
  secretHash: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** Which entries of the timeline belong to a session's history (SecurityStore.listSessionEvents). */
export interface SessionEventQuery {
  sessionIds: readonly string[];
  deviceId: string | null;
  from: number;
  to: number;
  endedAt: number | null;
}

export interface SecurityStore {
  appendSecurityEvent(event: SecurityEvent): Promise<void>;
  /** Newest first, strictly after `cursor` in that order; `next` is set when more may follow. */
  listSecurityEvents(userId: string, cursor: EventCursor | null, limit: number): Promise<EventPage>;
  /**
   * The timeline entries of one session's history, newest first, at most `limit`: those about any
   * of `sessionIds` (its ids across token rotations), trust changes of `deviceId` between `from`
   * and `to`, and the bulk revocations and password changes recorded at `endedAt` (what ended it,
   * when it ended with others).
   */
  listSessionEvents(userId: string, about: SessionEventQuery, limit: number): Promise<SecurityEvent[]>;
  /** Earlier successful sign-ins, newest first. */
  recentSignIns(userId: string, limit: number): Promise<PastSignIn[]>;
  /** Times of failed sign-ins at or after `since`, newest first. */
  recentFailures(userId: string, since: number, limit: number): Promise<number[]>;
  isKnownDevice(userId: string, deviceId: string): Promise<boolean>;

  insertActionToken(token: ActionTokenRecord): Promise<void>;
  findActionToken(id: string): Promise<ActionTokenRecord | null>;
  /** Marks the token used if it is still unused and unexpired; false when another request won. */
  consumeActionToken(id: string, now: number): Promise<boolean>;
  /** Marks every unused token of the user for `purpose` used (a reset ends all outstanding links). */
  consumeUserTokens(userId: string, purpose: ActionPurpose, now: number): Promise<void>;

  insertSignUpRequest(request: SignUpRequestRecord): Promise<void>;
  findSignUpRequest(id: string): Promise<SignUpRequestRecord | null>;
  /** Marks the request used if it is still unused and unexpired; false when another request won. */
  consumeSignUpRequest(id: string, now: number): Promise<boolean>;
  /** Deletes up to `limit` requests that were used or expired before `now` (they hold a password hash); returns how many. */
  purgeSignUpRequests(now: number, limit: number): Promise<number>;

  setPasswordChangeRequired(userId: string, required: boolean): Promise<void>;
  isPasswordChangeRequired(userId: string): Promise<boolean>;
}
