/**
 * The caller's security timeline and "This wasn't me" for one of their sessions. Registered
 * inside the `me` plane, so its session hook (401, CSRF) applies.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import { DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE, decodeCursor, encodeCursor } from '../../core/security-events.js';
import { isWellFormedId } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import { clearSessionCookie } from '../cookies.js';
import { authOf } from '../plugins/authenticate.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { SECURITY } from '../openapi.js';
import { EmptyBody, SessionIdParams, responses } from '../schemas.js';
import { sessionActor } from './place.js';
import { EventListQuery, SecurityEventPage, SessionHistory } from './schemas.js';
import { securityEventView, sessionHistoryView } from './views.js';

export function securityMeRoutes({ registry, cookies }: HttpContext): FastifyPluginAsyncTypebox {
  const { config, signals, revocation, sessions } = registry;

  return async (app) => {
    app.get(
      '/security-events',
      {
        schema: {
          tags: ['me'],
          operationId: 'listMySecurityEvents',
          summary: "The caller's security timeline, newest first",
          security: SECURITY.session,
          querystring: EventListQuery,
          response: responses({ 200: SecurityEventPage }),
        },
      },
      async (request) => {
        const { user, session } = authOf(request);
        const limit = request.query.limit === undefined ? DEFAULT_EVENT_PAGE : Number(request.query.limit);
        if (limit < 1 || limit > MAX_EVENT_PAGE) throw new SessiondError('invalid_request', `limit must be 1-${MAX_EVENT_PAGE}`);
        const raw = request.query.cursor;
        const cursor = raw ? decodeCursor(raw) : null;
        if (raw && !cursor) throw new SessiondError('invalid_request', 'cursor is not valid; start again without it');
        // Scoped by the caller's id: a cursor taken from someone else's page only pages through your own events.
        const page = await signals.listEvents(user.id, cursor, limit);
        return {
          events: page.events.map((e) => securityEventView(e, session.id, config.clients)),
          next_cursor: page.next ? encodeCursor(page.next) : null,
        };
      },
    );

    app.get(
      '/sessions/:id/history',
      {
        schema: {
          tags: ['me'],
          operationId: 'getMySessionHistory',
          summary: "One of the caller's sessions, live or ended, with its history",
          description:
            "The session as the list shows it (or as it ended, with when and why), every address it was used from with its approximate place, first and last seen, and its entries of the security timeline: its sign-in, re-authentications, trust changes of its device and its end, newest first. Any id the session has had across token rotations names it. 404 `not_found` for any id that is not a session of the caller, another user's included.",
          security: SECURITY.session,
          params: SessionIdParams,
          response: responses({ 200: SessionHistory }),
        },
      },
      async (request) => {
        const { user, session } = authOf(request);
        const id = request.params.id;
        // Unknown, malformed and other users' ids answer the same 404: nothing says which exists.
        const history = isWellFormedId(id) ? await sessions.history(user.id, id) : null;
        if (!history) throw new SessiondError('not_found', 'No such session.');
        return sessionHistoryView(history, session.id, config.clients, sessions.policy);
      },
    );

    app.post(
      '/sessions/:id/report',
      {
        schema: {
          tags: ['me'],
          operationId: 'reportMySession',
          summary: '"This wasn\'t me": end one of the caller\'s sessions, flag the account and hold the caller to a password change',
          security: SECURITY.session,
          params: SessionIdParams,
          body: EmptyBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        const auth = authOf(request);
        const id = request.params.id;
        // Reporting another session ends it, like DELETE, and so needs a recent authentication
        // (ASVS 5.0 7.5.2); reporting this one is signing it out.
        if (id !== auth.session.id) await requireRecentAuth(request, registry);
        // Unknown, malformed, ended and other users' ids answer the same 404, as DELETE does.
        const reported = isWellFormedId(id) && (await revocation.reportSession(auth.user.id, id, sessionActor(request, auth)));
        if (!reported) throw new SessiondError('not_found', 'No such session.');
        if (id === auth.session.id) clearSessionCookie(reply, cookies);
        return reply.code(204).send();
      },
    );
  };
}
