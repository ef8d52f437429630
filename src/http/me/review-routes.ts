/**
 * The caller's session reviews (core/reviews.ts): what they are asked to review, and "I have
 * reviewed my sessions". Registered inside the `me` plane, so every route already has a session
 * and the CSRF check. The web app shows a banner while `GET /v1/me/reviews` lists anything.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ReviewReason } from '../../core/reviews.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { authOf } from '../plugins/authenticate.js';
import { EmptyBody, responses } from '../schemas.js';
import { sessionActor } from '../security/place.js';

const REASONS: readonly ReviewReason[] = ['workspace_request', 'onboarding', 'password_reset', 'suspicious_sign_in'];

const PendingReviews = Type.Object({
  reviews: Type.Array(
    Type.Object({
      id: Type.String(),
      reason: Type.Unsafe<ReviewReason>({ type: 'string', enum: [...REASONS] }),
      workspace_id: Type.Union([Type.String(), Type.Null()]),
      workspace_name: Type.Union([Type.String(), Type.Null()]),
      requested_at: Type.String({ format: 'date-time' }),
    }),
  ),
});

const ReviewCompleted = Type.Object({
  completed: Type.Integer({ description: 'How many pending requests this confirmation completed.' }),
  sign_outs: Type.Integer({ description: 'Sessions the caller ended themselves since the oldest request.' }),
});

const iso = (ms: number) => new Date(ms).toISOString();

export function reviewRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { reviews } = ctx.registry;
  return async (app) => {
    app.get(
      '/reviews',
      {
        schema: {
          tags: ['me'],
          operationId: 'listMyReviews',
          summary: 'Requests to review the Active sessions that the caller has not confirmed yet, oldest first',
          security: SECURITY.session,
          response: responses({ 200: PendingReviews }),
        },
      },
      async (request) => ({
        reviews: (await reviews.pending(authOf(request).user.id)).map((r) => ({
          id: r.id,
          reason: r.reason,
          workspace_id: r.workspaceId,
          workspace_name: r.workspaceName,
          requested_at: iso(r.requestedAt),
        })),
      }),
    );

    app.post(
      '/reviews/complete',
      {
        schema: {
          tags: ['me'],
          operationId: 'completeMyReviews',
          summary: '"I have reviewed my sessions": completes every pending request',
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 200: ReviewCompleted }),
        },
      },
      async (request) => {
        const auth = authOf(request);
        const { completed, signOuts } = await reviews.complete(auth.user.id, sessionActor(request, auth));
        return { completed, sign_outs: signOuts };
      },
    );
  };
}
