/**
 * Persistence, written from the core's side: the smallest set of operations the use cases need.
 * One adapter (Kysely) implements it over SQLite and PostgreSQL; both pass the same contract
 * suite in `src/core/testing/store.contract.ts`.
 */
import type { RevokeReason, SessionRecord } from '../session.js';
import type { UserProfile, UserRecord } from '../user.js';
import type { SecurityStore } from './security-store.js';
import type { NewAuditEntry } from '../workspaces.js';

export interface SessionWithUser {
  session: SessionRecord;
  user: UserProfile;
}

/** Which of a user's sessions a bulk revocation ends. */
export interface RevokeSelector {
  userId: string;
  /** Keep this one (revoke-others). */
  exceptSessionId?: string | undefined;
  /** Only this session and every other of the user on the same device (device replacement). */
  deviceOfSessionId?: string | undefined;
}

/** Where a page of a user's sessions starts: after this (last activity, id) in the listing order. */
export interface SessionCursor {
  lastActiveAt: number;
  id: string;
}

/** One session of a listed batch (an incident operation's): its id and its owner. */
export interface ListedSession {
  id: string;
  userId: string;
}

/**
 * What a batch of an incident operation records in the same transaction as the sessions it ends:
 * the operation's cursor and counts move on, and its audit entry is appended (the store adds
 * `revoked`, this batch's count, and `total`, the operation's, to the entry's details).
 */
export interface BatchProgress {
  incidentId: string;
  /**
   * The batches the operation has recorded before this one: the batch commits only if that is
   * still so. Of two processes running the same operation, one commits each batch; the other's
   * batch changes nothing (and it stops).
   */
  batchesBefore: number;
  /** Where the next batch starts: the last session id this batch looked at. */
  cursor: string;
  audit: NewAuditEntry;
}

/**
 * What a list needs of a live session besides what is fixed when it is issued: its activity and
 * expiry (with its sign-in time), and its device, whose trust is read on its own
 * (listTrustedDevices).
 */
export type SessionState = Pick<SessionRecord, 'id' | 'signedInAt' | 'lastActiveAt' | 'expiresAt' | 'deviceId'>;

export interface SessionPageQuery {
  limit: number;
  after: SessionCursor | null;
  exceptId: string | null;
}

/** An address a session was used from: where (approximately) and when first and last. */
export interface SessionAddress {
  ip: string;
  place: { city: string | null; region: string | null; country: string | null };
  firstSeenAt: number;
  lastSeenAt: number;
}

/** A session seen from an address at `at`, as Sessions.flushAddresses writes it. */
export interface SeenAddress {
  sessionId: string;
  ip: string;
  place: SessionAddress['place'];
  at: number;
}

/**
 * One sign-in of a user across its token rotations: the session as it is now (the id that was
 * not rotated away: live, or as it ended) and every id it has had that is still stored, the
 * sign-in's own first.
 */
export interface SessionChain {
  session: SessionRecord;
  signInId: string;
  ids: string[];
}

export interface ServiceKeyRecord {
  id: string;
  name: string;
  secretHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface SessionStore {
  /** Inserts the session and, when it names a device, records that device as seen. */
  insertSession(session: SessionRecord): Promise<void>;
  /** One indexed lookup by primary key, with the owner joined in. */
  findSession(id: string): Promise<SessionWithUser | null>;
  /** Sessions of a user that are neither revoked nor past their absolute expiry. */
  listActiveSessions(userId: string, now: number): Promise<SessionRecord[]>;
  /** The same sessions as listActiveSessions, with only what can change (a narrow read). */
  listActiveSessionStates(userId: string, now: number): Promise<SessionState[]>;
  /** The user's devices trusted after `now`: device id -> until when. */
  listTrustedDevices(userId: string, now: number): Promise<Map<string, number>>;
  /**
   * One page of a user's unrevoked sessions, newest stored activity first (ties by id,
   * descending), strictly after `after` in that order, leaving out `exceptId`. It may include
   * sessions past their expiry: the caller applies the policy.
   */
  listActiveSessionPage(userId: string, now: number, page: SessionPageQuery): Promise<SessionRecord[]>;
  /**
   * Moves `last_active_at` forward (never back) for each session; a session named twice gets the
   * later time. Written in bounded statements, each atomic, not one transaction: a failure part way
   * leaves earlier sessions written, and the caller's retry of all of them changes nothing for those.
   */
  touchSessions(touches: readonly { id: string; lastActiveAt: number }[]): Promise<void>;
  /**
   * Revokes one active session of `userId` and returns it as it ended (for the record of what
   * ended); null when there is none with that id. `detail` says which policy rule ended it
   * (reason `policy`).
   */
  revokeSession(id: string, userId: string, reason: RevokeReason, now: number, detail?: string | null): Promise<SessionRecord | null>;
  /** Revokes every active session the selector names in one statement; returns how many. */
  revokeSessions(selector: RevokeSelector, reason: RevokeReason, now: number): Promise<number>;
  /**
   * Revokes the listed sessions that are still active (each of the user it names) and, with
   * `progress`, records the operation's progress, all in one transaction: after a crash either
   * the whole batch and its progress are there or neither is. Returns the sessions it ended;
   * null, and nothing changes, when `progress.batchesBefore` is no longer the operation's count
   * (another process recorded a batch first).
   */
  revokeListedSessions(
    sessions: readonly ListedSession[],
    reason: RevokeReason,
    now: number,
    progress: BatchProgress | null,
  ): Promise<ListedSession[] | null>;
  /** Inserts many sessions at once (imports, tests), with their devices as seen; one transaction. */
  insertSessions(sessions: readonly SessionRecord[]): Promise<void>;
  /**
   * Token rotation, in one transaction: revokes one active session of `userId` (`reason`) and
   * inserts its successor under `next.id` and `next.secretHash`, a copy of every other column —
   * client, device, place, sign-in time, absolute expiry, auth method, recent-authentication
   * time, password-change hold — with `lastActiveAt` = `now`. Returns the successor; null, and
   * nothing changes, when there is no such active session (of two racing rotations, one wins).
   */
  rotateSession(
    id: string,
    userId: string,
    next: { id: string; secretHash: string },
    now: number,
    reason: RevokeReason,
  ): Promise<SessionRecord | null>;
  /**
   * Holds one active session of `userId` to a password change (it reported another as not the
   * owner's): it reads `passwordChangeRequired: true` until `changePassword` clears it. False
   * when there is no such active session.
   */
  holdForPasswordChange(id: string, userId: string, now: number): Promise<boolean>;
  /**
   * Records addresses sessions were seen from, in one transaction: a new (session, address)
   * pair is inserted, a known one moves its last-seen time forward (never back). Afterwards each
   * session named keeps only its `keep` most recently seen addresses. A session that no longer
   * exists (purged) is skipped.
   */
  recordSessionAddresses(seen: readonly SeenAddress[], keep: number): Promise<void>;
  /** The addresses a session was seen from, most recently seen first. */
  listSessionAddresses(sessionId: string): Promise<SessionAddress[]>;
  /**
   * The sign-in that `id` (live, ended or rotated away) belongs to, if it is a session of
   * `userId`; null for any other id, another user's session included.
   */
  findSessionChain(userId: string, id: string): Promise<SessionChain | null>;
  /** For the active-sessions gauge. */
  countActiveSessions(now: number): Promise<number>;
  /** Deletes up to `limit` sessions that ended (revoked or expired) before `endedBefore`; returns how many. */
  purgeEndedSessions(endedBefore: number, limit: number): Promise<number>;
}

export interface UserStore {
  /** False when the email key is taken. */
  insertUser(user: UserRecord): Promise<boolean>;
  findUserByEmailKey(emailKey: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  /**
   * Sets a new password hash, clears "must change the password" (the account's flag and every
   * session's hold) and, in the same transaction, revokes the sessions the selector names
   * (null: none) and, with `endDeviceTrust`, ends the trust of every device of the user (a
   * reset: the next sign-in from any device asks for the second factor). Returns how many
   * sessions were revoked.
   */
  changePassword(
    userId: string,
    passwordHash: string,
    now: number,
    revoke: RevokeSelector | null,
    reason: RevokeReason,
    options?: { endDeviceTrust?: boolean },
  ): Promise<number>;
}

/** An operator's switch on an account (ASVS 5.0 7.4.2). */
export interface AccountStatusStore {
  /**
   * Disables the account and revokes every active session of it (`reason`), in one transaction;
   * returns how many sessions ended, or null when it was already disabled (nothing changes).
   */
  disableUser(userId: string, now: number, reason: RevokeReason): Promise<number | null>;
  /** Enables the account; false when it was not disabled. */
  enableUser(userId: string): Promise<boolean>;
  isUserDisabled(userId: string): Promise<boolean>;
}

export interface ServiceKeyStore {
  insertServiceKey(key: ServiceKeyRecord): Promise<void>;
  findServiceKey(id: string): Promise<ServiceKeyRecord | null>;
  /** Every key, revoked ones too, oldest first. */
  listServiceKeys(): Promise<ServiceKeyRecord[]>;
  /** Marks the key revoked at `at`; false when there is no such key or it was already revoked. */
  revokeServiceKey(id: string, at: number): Promise<boolean>;
}

export interface Store extends SessionStore, UserStore, AccountStatusStore, ServiceKeyStore, SecurityStore {
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
