/** The public plane: sign up, sign in, sign out. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError, isSessiondError } from '../../core/errors.js';
import { clearSessionCookie, setSessionCookie } from '../cookies.js';
import type { HttpContext } from '../context.js';
import { resolveSession } from '../plugins/authenticate.js';
import { mfaSignInRoute, mfaStepFor } from './mfa-sign-in.js';
import { requestSite } from '../plugins/csrf.js';
import { clientIp, sessionOrigin } from '../plugins/request-context.js';
import { SignInAnswer } from '../mfa/schemas.js';
import { EmptyBody, SignInBody, SignUpBody, User, responses } from '../schemas.js';
import { sessionView, userView } from '../views.js';
import { securityAuthRoutes } from '../security/auth-routes.js';
import { requestPlace, sessionActor } from '../security/place.js';

export function authRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry, cookies, metrics } = ctx;
  const { config, accounts, sessions } = registry;

  return async (app) => {
    /** Login CSRF: a cross-site page must not sign the victim into the attacker's account. */
    app.addHook('onRequest', async (request) => {
      if (request.method === 'POST' && requestSite(request, config.publicUrl) === 'cross') throw new SessiondError('csrf_failed');
    });

    app.post(
      '/sign-up',
      {
        schema: {
          tags: ['auth'],
          body: SignUpBody,
          response: responses({ 201: { type: 'object', properties: { user: User }, required: ['user'] } }),
        },
      },
      async (request, reply) => {
        if (!config.signUp) throw new SessiondError('sign_up_disabled');
        const user = await accounts.signUp({ email: request.body.email, password: request.body.password, name: request.body.name ?? null });
        request.log.info({ event: 'sign_up', user_id: user.id }, 'account created');
        return reply.code(201).send({ user: userView(user) });
      },
    );

    app.post(
      '/sign-in',
      { schema: { tags: ['auth'], body: SignInBody, response: responses({ 200: SignInAnswer }) } },
      async (request, reply) => {
        const body = request.body;
        const client = config.clients.find((c) => c.id === (body.client_id ?? 'web'));
        if (!client) throw new SessiondError('unknown_client');
        let user;
        try {
          user = await accounts.verifyCredentials(body.email, body.password, clientIp(request));
        } catch (err) {
          const outcome = isSessiondError(err) ? err.code : 'error';
          metrics.signIns.inc({ outcome });
          request.log.info({ event: 'sign_in_failed', outcome, ip: clientIp(request) }, 'sign-in refused');
          // On the account's timeline (known accounts only; recorded after the response).
          if (outcome === 'invalid_credentials')
            registry.signals.recordFailedSignIn(body.email, requestPlace(request, registry), client.id, null);
          throw err;
        }
        // "This wasn't me" is unanswered: the right password still gets no session until it changes.
        await registry.signals.checkSignInAllowed(user.id);
        // MFA on and not a trusted device: no session yet, only a token for the code step.
        const mfaStep = await mfaStepFor(ctx, request, user, client, body.transport ?? 'cookie', body.device);
        if (mfaStep) return mfaStep;
        // Rotation: a session this browser already had ends; the new one never reuses its token.
        const previous = await resolveSession(request, registry, cookies, metrics).catch(() => null);
        if (previous?.via === 'cookie') await sessions.revokeSession(previous.user.id, previous.session.id, 'sign_out');
        const origin = sessionOrigin(request, reply, registry, cookies, client, body.device);
        const risk = await registry.signals.assessSignIn(user.id, client.id, origin);
        const issued = await sessions.createSession(user.id, client.id, 'password', origin);
        await registry.signals.recordSignIn(user, issued.session, risk);
        const transport = body.transport ?? 'cookie';
        if (transport === 'cookie') setSessionCookie(reply, cookies, issued.token, Math.floor(config.maxAgeMs / 1000));
        metrics.signIns.inc({ outcome: 'success' });
        request.log.info({ event: 'sign_in', user_id: user.id, session_id: issued.session.id, client_id: client.id }, 'signed in');
        return {
          user: userView(user),
          // A trusted device skipped the code step; say so in the answer as the list will.
          session: sessionView(
            { ...issued.session, trusted: await registry.mfa.isDeviceTrusted(user.id, issued.session.deviceId) },
            issued.session.id,
            config.clients,
            sessions.policy,
          ),
          ...(transport === 'bearer' ? { token: issued.token } : {}),
        };
      },
    );

    await app.register(mfaSignInRoute(ctx));
    await app.register(securityAuthRoutes(ctx));

    app.post(
      '/sign-out',
      { schema: { tags: ['auth'], body: EmptyBody, response: responses({ 204: { type: 'null' } }) } },
      async (request, reply) => {
        const auth = await resolveSession(request, registry, cookies, metrics);
        // Refuse before touching the cookie: a forged sign-out must not sign the browser out either.
        if (auth?.via === 'cookie' && requestSite(request, config.publicUrl) !== 'same') throw new SessiondError('csrf_failed');
        clearSessionCookie(reply, cookies);
        if (!auth) throw new SessiondError('unauthenticated');
        await sessions.revokeSession(auth.user.id, auth.session.id, 'sign_out');
        await registry.signals.recordRevocation(auth.user.id, {
          sessionId: auth.session.id,
          reason: 'sign_out',
          actor: sessionActor(request, auth),
        });
        metrics.revocations.inc({ kind: 'sign_out', outcome: 'success' });
        request.log.info({ event: 'session_revoked', kind: 'sign_out', user_id: auth.user.id, session_id: auth.session.id }, 'signed out');
        // Clear what the browser kept for this site; the device cookie stays so the device is recognised.
        return reply.header('clear-site-data', '"cache", "storage"').code(204).send();
      },
    );
  };
}
