/** The caller's own plane: their session, their sessions, their password. Every route needs a session. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { SessiondError } from '../../core/errors.js';
import type { SessionCursor } from '../../core/ports/store.js';
import type { SessionRecord } from '../../core/session.js';
import { isWellFormedId } from '../../core/token.js';
import { clearSessionCookie } from '../cookies.js';
import type { HttpContext } from '../context.js';
import { authOf, requireSession } from '../plugins/authenticate.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { SECURITY } from '../openapi.js';
import { mfaRoutes } from './mfa-routes.js';
import { passkeyMeRoutes } from '../passkeys/me-routes.js';
import { reviewRoutes } from './review-routes.js';
import {
  DeviceReplaced,
  EmptyBody,
  MAX_PAGE_SIZE,
  PasswordChangeBody,
  PasswordChanged,
  BulkSignOutBody,
  BulkSignedOut,
  SessionIdParams,
  SessionList,
  SessionListQuery,
  UserAndSession,
  responses,
} from '../schemas.js';
import { SessionListView, sessionView, userView } from '../views.js';
import { requestPlace, sessionActor } from '../security/place.js';
import { securityMeRoutes } from '../security/me-routes.js';
import { renewedCredential } from './renewed-session.js';

/** Opaque to clients: base64url of `<last activity ms>.<session id>`. */
function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(`${cursor.lastActiveAt}.${cursor.id}`).toString('base64url');
}

function decodeSessionCursor(text: string): SessionCursor {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{22})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!match) throw new SessiondError('invalid_request', 'The cursor is not valid.');
  return { lastActiveAt: Number(match[1]), id: match[2]! };
}

export function meRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry, cookies, metrics } = ctx;
  const { config, sessions, accounts, revocation } = registry;

  const sessionList = new SessionListView(sessions, config.clients, sessions.policy, registry.devices);

  /** The credentials past the session list a bulk sign-out was asked to include (BulkSignOutBody). */
  const endCredentials = async (request: FastifyRequest, include: readonly ('connected_apps' | 'tokens')[] = []) => {
    const auth = authOf(request);
    const actor = sessionActor(request, auth);
    return {
      ...(include.includes('connected_apps') ? { apps_removed: await registry.oauth.removeAllApps(auth.user.id, actor) } : {}),
      ...(include.includes('tokens')
        ? { tokens_revoked: await registry.personalTokens.revokeAll(auth.user.id, actor, requestPlace(request, registry)) }
        : {}),
    };
  };

  return async (app) => {
    app.addHook('onRequest', requireSession(registry, cookies, metrics));
    // After "This wasn't me" the reporting session changes its password before anything else.
    app.addHook('preHandler', holdUntilPasswordChange);

    // The hot path: one indexed read, no write unless last activity is a minute old.
    app.get(
      '/session',
      {
        schema: {
          tags: ['me'],
          operationId: 'getCurrentSession',
          summary: 'The caller and their current session',
          security: SECURITY.session,
          response: responses({ 200: UserAndSession }),
        },
      },
      async (request) => {
        const { user, session } = authOf(request);
        return { user: userView(user), session: sessionView(session, session.id, config.clients, sessions.policy) };
      },
    );

    app.get(
      '/sessions',
      {
        schema: {
          tags: ['me'],
          operationId: 'listMySessions',
          summary: "The caller's active sessions (all, or one page)",
          security: SECURITY.session,
          querystring: SessionListQuery,
          response: responses({ 200: SessionList }),
        },
      },
      async (request, reply) => {
        const { user, session } = authOf(request);
        if (request.query.limit === undefined) {
          if (request.query.cursor !== undefined) throw new SessiondError('invalid_request', 'A cursor needs a limit.');
          // Already the schema's JSON (SessionListView): sent as bytes, not serialised again
          // (`never`: the typed reply only knows the object form).
          const body = await sessionList.body(user.id, session.id);
          return reply.type('application/json; charset=utf-8').send(body as never);
        }
        const view = (s: SessionRecord) => sessionView(s, session.id, config.clients, sessions.policy, registry.devices);
        const limit = Number(request.query.limit);
        if (limit > MAX_PAGE_SIZE) throw new SessiondError('invalid_request', `limit must be at most ${MAX_PAGE_SIZE}.`);
        const cursor = request.query.cursor === undefined ? null : decodeSessionCursor(request.query.cursor);
        const page = await sessions.listUserSessionPage(session, limit, cursor);
        return { sessions: page.sessions.map(view), next_cursor: page.nextCursor && encodeSessionCursor(page.nextCursor) };
      },
    );

    app.delete(
      '/sessions/:id',
      {
        schema: {
          tags: ['me'],
          operationId: 'revokeMySession',
          summary: "End one of the caller's sessions",
          security: SECURITY.session,
          params: SessionIdParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        const { user, session } = authOf(request);
        const id = request.params.id;
        // Ending another session is sensitive (ASVS 5.0 7.5.2); ending this one is signing out.
        if (id !== session.id) await requireRecentAuth(request, registry);
        // Unknown, malformed, already ended and other users' ids all answer the same 404.
        const ended = isWellFormedId(id) ? await revocation.endSession(user.id, id, sessionActor(request, authOf(request))) : null;
        if (!ended) throw new SessiondError('not_found', 'No such session.');
        if (id === session.id) clearSessionCookie(reply, cookies);
        return reply.code(204).send();
      },
    );

    app.post(
      '/sessions/:id/replace-device',
      {
        schema: {
          tags: ['me'],
          operationId: 'replaceMyDevice',
          summary: 'A lost or replaced device: end every session on the device this session ran on, and untrust it',
          security: SECURITY.session,
          params: SessionIdParams,
          body: EmptyBody,
          response: responses({ 200: DeviceReplaced }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        const id = request.params.id;
        const target = isWellFormedId(id) ? await registry.devices.deviceOf(user.id, id) : null;
        if (!target) throw new SessiondError('not_found', 'No such session.');
        if (id === session.id || (target.deviceId !== null && target.deviceId === session.deviceId))
          throw new SessiondError('invalid_request', 'This is the device you are using: sign out here instead.');
        const replaced = await registry.devices.replace(user.id, id, sessionActor(request, authOf(request)), 'revoked_by_user');
        if (!replaced) throw new SessiondError('not_found', 'No such session.');
        return { revoked: replaced.revoked, untrusted: replaced.untrusted };
      },
    );

    app.post(
      '/sessions/revoke-others',
      {
        schema: {
          tags: ['me'],
          operationId: 'revokeMyOtherSessions',
          summary: 'End every session of the caller but this one',
          security: SECURITY.session,
          body: BulkSignOutBody,
          response: responses({ 200: BulkSignedOut }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        const revoked = await revocation.endOtherSessions(user.id, session.id, sessionActor(request, authOf(request)));
        return { revoked, ...(await endCredentials(request, request.body.include)) };
      },
    );

    app.post(
      '/sessions/revoke-all',
      {
        schema: {
          tags: ['me'],
          operationId: 'revokeAllMySessions',
          summary: 'End every session of the caller, this one too',
          security: SECURITY.session,
          body: BulkSignOutBody,
          response: responses({ 200: BulkSignedOut }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { user } = authOf(request);
        const revoked = await revocation.endAllSessions(user.id, sessionActor(request, authOf(request)));
        const ended = await endCredentials(request, request.body.include);
        clearSessionCookie(reply, cookies);
        return { revoked, ...ended };
      },
    );

    app.post(
      '/password',
      {
        schema: {
          tags: ['me'],
          operationId: 'changeMyPassword',
          summary: "Change the caller's password",
          security: SECURITY.session,
          body: PasswordChangeBody,
          // A browser gets 204 and its new token as the cookie; a bearer client, 200 and the token.
          response: responses({ 200: PasswordChanged, 204: { type: 'null' } }),
        },
        config: { whilePasswordChangeRequired: true },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        const { current_password, new_password, sign_out_others } = request.body;
        await accounts.changePassword(
          user.id,
          {
            currentPassword: current_password,
            newPassword: new_password,
            keepSessionId: session.id,
            signOutOthers: sign_out_others !== false,
          },
          { actor: sessionActor(request, authOf(request)), place: requestPlace(request, registry) },
        );
        // A new password is a new credential: the session that set it gets a new token (ASVS 7.4.3).
        const renewed = await revocation.rotateSession(user.id, session.id, sessionActor(request, authOf(request)), 'password_changed');
        const { token } = renewedCredential(ctx, request, reply, renewed.session);
        return token === undefined ? reply.code(204).send() : { token };
      },
    );

    await app.register(mfaRoutes(ctx));
    await app.register(passkeyMeRoutes(ctx));
    await app.register(securityMeRoutes(ctx));
    await app.register(reviewRoutes(ctx));
  };
}
