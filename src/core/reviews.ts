/**
 * Session reviews: a person is asked to look over their Active sessions and confirm ("I have
 * reviewed my sessions"), signing out whatever they do not recognise first. They are asked
 *
 * - after a password reset and after a suspicious sign-in, whoever they are (a sink on the
 *   recorder: the reset and the sign-in use cases only record what happened);
 * - when they join a workspace (onboarding starts with a review);
 * - when a workspace's admin asks its members (Workspaces.requestReview).
 *
 * A request stays pending until the person confirms; one confirmation completes every pending
 * request and records how many sessions they ended themselves since the first was made. Both
 * the request and the confirmation are on the person's timeline. Asking again for the same
 * reason (and workspace) while a request is pending adds nothing.
 */
import type { DomainEvent, Recorder } from './events.js';
import type { Clock } from './ports/clock.js';
import type { Crypto } from './ports/crypto.js';
import type { ReviewStore } from './ports/review-store.js';
import { isSuspicious } from './risk.js';
import type { Actor } from './security-events.js';
import { newId } from './token.js';

export type ReviewReason = 'workspace_request' | 'onboarding' | 'password_reset' | 'suspicious_sign_in';

export interface ReviewRecord {
  id: string;
  userId: string;
  /** The workspace that asked (a request or onboarding); null for the account's own reasons. */
  workspaceId: string | null;
  reason: ReviewReason;
  /** The admin who asked; null when sessiond asked by itself. */
  requestedBy: string | null;
  requestedAt: number;
  completedAt: number | null;
  /** Sessions the person ended themselves between the request and the confirmation. */
  signOuts: number | null;
}

/** A pending request as the person sees it: why, since when, and which workspace asked. */
export interface PendingReview extends ReviewRecord {
  workspaceName: string | null;
}

export interface ReviewDeps {
  store: ReviewStore;
  clock: Clock;
  crypto: Crypto;
  recorder: Recorder;
}

export class Reviews {
  readonly #deps: ReviewDeps;

  constructor(deps: ReviewDeps) {
    this.#deps = deps;
  }

  /** Asks the user to review their sessions; false when the same request is already pending. */
  async request(
    userId: string,
    reason: ReviewReason,
    options: { workspaceId?: string | null; requestedBy?: string | null } = {},
  ): Promise<boolean> {
    const { store, clock, crypto, recorder } = this.#deps;
    const at = clock.now();
    const workspaceId = options.workspaceId ?? null;
    const requestedBy = options.requestedBy ?? null;
    const added = await store.insertReview({
      id: newId(crypto),
      userId,
      workspaceId,
      reason,
      requestedBy,
      requestedAt: at,
      completedAt: null,
      signOuts: null,
    });
    if (added) await recorder.record({ type: 'review_requested', at, userId, reason, workspaceId, requestedBy });
    return added;
  }

  /** The user's pending requests, oldest first (the banner shows them until the user confirms). */
  async pending(userId: string): Promise<PendingReview[]> {
    return this.#deps.store.pendingReviews(userId);
  }

  /**
   * "I have reviewed my sessions": completes every pending request of the user and records how
   * many sessions they ended themselves since the oldest. Nothing pending: `completed` is 0 and
   * nothing is recorded.
   */
  async complete(userId: string, actor: Actor): Promise<{ completed: number; signOuts: number }> {
    const { store, clock, recorder } = this.#deps;
    const pending = await store.pendingReviews(userId);
    if (pending.length === 0) return { completed: 0, signOuts: 0 };
    const at = clock.now();
    const since = Math.min(...pending.map((r) => r.requestedAt));
    const signOuts = await store.countSignOutsSince(userId, since);
    const completed = await store.completeReviews(userId, at, signOuts);
    await recorder.record({ type: 'sessions_reviewed', at, userId, completed, signOuts, actor });
    return { completed, signOuts };
  }

  /** The recorder's sink: a password reset and a suspicious sign-in each ask for a review. */
  readonly onEvent = async (event: DomainEvent): Promise<void> => {
    if (event.type === 'password_changed' && event.how === 'reset') await this.request(event.user.id, 'password_reset');
    else if (event.type === 'signed_in' && isSuspicious(event.risk)) await this.request(event.user.id, 'suspicious_sign_in');
  };
}
