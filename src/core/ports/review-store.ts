/** Persistence for session reviews (reviews.ts). Implemented by the Kysely store on both engines. */
import type { PendingReview, ReviewRecord } from '../reviews.js';

/** A member's latest review request in a workspace, for the admin's "who has reviewed" view. */
export interface MemberReview {
  userId: string;
  requestedAt: number;
  completedAt: number | null;
  signOuts: number | null;
}

export interface ReviewStore {
  /** Inserts the request unless one for the same user, workspace and reason is pending; false then. */
  insertReview(review: ReviewRecord): Promise<boolean>;
  /** Pending requests of the user, oldest first, with the asking workspace's name. */
  pendingReviews(userId: string): Promise<PendingReview[]>;
  /** Completes every pending request of the user; returns how many. */
  completeReviews(userId: string, now: number, signOuts: number): Promise<number>;
  /** Sessions of the user that the user ended themselves (one, others, all, reported) at or after `since`. */
  countSignOutsSince(userId: string, since: number): Promise<number>;
  /** The latest request of each member of the workspace that was asked (by the workspace) at least once. */
  latestWorkspaceReviews(workspaceId: string): Promise<MemberReview[]>;
}
