/**
 * The caller's personal access tokens (`/v1/me/tokens`): entry points only, each calling one use
 * case of `PersonalTokens` (core/personal-tokens.ts). A session is required (cookie with the CSRF
 * check, or bearer) as on the rest of the `me` plane, and so is the password-change hold. Making
 * a token needs a recent authentication: it is a new credential for the account. Revoking one
 * takes a credential away and needs none, like ending a trusted device's trust.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import type { PersonalTokenRecord } from '../../core/ports/personal-token-store.js';
import { isWellFormedId } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { authOf, requireSession } from '../plugins/authenticate.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { responses } from '../schemas.js';
import { requestPlace, sessionActor } from '../security/place.js';
import { iso } from '../views.js';
import {
  CreatePersonalTokenBody,
  PersonalTokenCreated,
  PersonalTokenList,
  PersonalTokenParams,
  type PersonalTokenView,
} from './token-schemas.js';

const TAGS = ['me'];

export function personalTokenView(token: PersonalTokenRecord): PersonalTokenView {
  const time = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: token.id,
    name: token.name,
    scopes: [...token.scopes],
    created_at: iso(token.createdAt),
    expires_at: time(token.expiresAt),
    last_used_at: time(token.lastUsedAt),
    last_used_ip: token.lastUsedIp,
  };
}

/** Registered with the prefix `/v1/me`; brings its own session hook (an encapsulated context of its own). */
export function personalTokenRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { personalTokens } = registry;

  return async (app) => {
    app.addHook('onRequest', requireSession(registry, cookies, metrics));
    app.addHook('preHandler', holdUntilPasswordChange);

    app.get(
      '/tokens',
      {
        schema: {
          tags: TAGS,
          operationId: 'listMyPersonalTokens',
          summary: "The caller's active personal access tokens, newest first, with their last use (never their secrets)",
          security: SECURITY.session,
          response: responses({ 200: PersonalTokenList }),
        },
      },
      async (request) => ({
        tokens: (await personalTokens.list(authOf(request).user.id)).map(personalTokenView),
        available_scopes: [...personalTokens.scopes],
      }),
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: TAGS,
          operationId: 'createMyPersonalToken',
          summary: 'Make a personal access token (needs recent authentication); its secret is in this answer only',
          security: SECURITY.session,
          body: CreatePersonalTokenBody,
          response: responses({ 201: PersonalTokenCreated }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const auth = authOf(request);
        const { name, scopes, expires_in_days } = request.body;
        const made = await personalTokens.create(
          auth.user.id,
          { name, scopes, expiresInDays: expires_in_days },
          sessionActor(request, auth),
          requestPlace(request, registry),
        );
        return reply.code(201).send({ token: personalTokenView(made.token), secret: made.secret });
      },
    );

    app.delete(
      '/tokens/:id',
      {
        schema: {
          tags: TAGS,
          operationId: 'revokeMyPersonalToken',
          summary: 'Revoke one of the caller’s personal access tokens: introspection answers inactive from now on',
          security: SECURITY.session,
          params: PersonalTokenParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        const auth = authOf(request);
        const { id } = request.params;
        // Malformed, unknown, revoked, expired and other users' ids all answer the same 404.
        if (!isWellFormedId(id)) throw new SessiondError('not_found', 'No such token.');
        await personalTokens.revoke(auth.user.id, id, sessionActor(request, auth), requestPlace(request, registry));
        return reply.code(204).send();
      },
    );
  };
}
