/** The public plane: sign up, sign in, sign out. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import { clearSessionCookie } from '../cookies.js';
import type { HttpContext } from '../context.js';
import { resolveSession } from '../plugins/authenticate.js';
import { mfaSignInRoute } from './mfa-sign-in.js';
import { passkeyAuthRoutes } from '../passkeys/auth-routes.js';
import { signInAnswer, signInContext } from './sign-in-context.js';
import { requestSite } from '../plugins/csrf.js';
import { SignInAnswer } from '../mfa/schemas.js';
import { SECURITY } from '../openapi.js';
import { EmptyBody, SignInBody, SignUpBody, SignUpConfirmBody, User, responses } from '../schemas.js';
import { userView } from '../views.js';
import { securityAuthRoutes } from '../security/auth-routes.js';
import { requestPlace, sessionActor } from '../security/place.js';

export function authRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry, cookies, metrics } = ctx;
  const { config, signUp, signIn, revocation } = registry;

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
          operationId: 'signUp',
          summary: 'Create an account: at once (201), or by a link mailed to the address (202 for every address)',
          description:
            'Limited per IP (429 with Retry-After, before any password is hashed). With `--sign-up-mode email` (the default when mail is configured) the answer is 202 whether or not the address has an account: a new address is mailed a single-use link that creates the account (`POST /v1/auth/sign-up/confirm`), a taken one is mailed that someone tried. With `direct`, 201 with the account, or 409 `email_taken`.',
          security: SECURITY.public,
          body: SignUpBody,
          response: responses({ 201: { type: 'object', properties: { user: User }, required: ['user'] }, 202: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        if (!config.signUp) throw new SessiondError('sign_up_disabled');
        const result = await signUp.request(
          { email: request.body.email, password: request.body.password, name: request.body.name ?? null },
          requestPlace(request, registry),
        );
        // The same 202, at once, for every address: the lookup, the hash and the mail happen after the response.
        if (result.kind === 'link_sent') return reply.code(202).send();
        request.log.info({ event: 'sign_up', user_id: result.user.id }, 'account created');
        return reply.code(201).send({ user: userView(result.user) });
      },
    );

    app.post(
      '/sign-up/confirm',
      {
        schema: {
          tags: ['auth'],
          operationId: 'confirmSignUp',
          summary: 'Create the account of a sign-up link mailed to its address',
          description:
            'The link works once and expires (`--sign-up-link-ttl`). 400 `invalid_token` for a bad, used or expired link; 409 `email_taken` if the address got an account meanwhile. Does not sign in.',
          security: SECURITY.public,
          body: SignUpConfirmBody,
          response: responses({ 201: { type: 'object', properties: { user: User }, required: ['user'] } }),
        },
      },
      async (request, reply) => {
        if (!config.signUp) throw new SessiondError('sign_up_disabled');
        const user = await signUp.confirm(request.body.token, requestPlace(request, registry));
        request.log.info({ event: 'sign_up', user_id: user.id, by: 'link' }, 'account created');
        return reply.code(201).send({ user: userView(user) });
      },
    );

    app.post(
      '/sign-in',
      {
        schema: {
          tags: ['auth'],
          operationId: 'signIn',
          summary: 'Sign in with email and password (answers a session, or asks for a code)',
          security: SECURITY.public,
          body: SignInBody,
          response: responses({ 200: SignInAnswer }),
        },
      },
      async (request, reply) => {
        const { email, password, client_id, transport, device } = request.body;
        // The device token is a secret: it is checked here and never kept with the device's description.
        const { trust_token, ...native } = device ?? {};
        const result = await signIn.withPassword(
          {
            email,
            password,
            clientId: client_id ?? 'web',
            transport: transport ?? 'cookie',
            device: device ? native : null,
            deviceToken: trust_token ?? null,
          },
          await signInContext(ctx, request, reply),
        );
        return signInAnswer(ctx, reply, result);
      },
    );

    await app.register(mfaSignInRoute(ctx));
    await app.register(passkeyAuthRoutes(ctx));
    await app.register(securityAuthRoutes(ctx));

    app.post(
      '/sign-out',
      {
        schema: {
          tags: ['auth'],
          operationId: 'signOut',
          summary: "Sign out: end the caller's session",
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        const auth = await resolveSession(request, registry, cookies, metrics);
        // Refuse before touching the cookie: a forged sign-out must not sign the browser out either.
        if (auth?.via === 'cookie' && requestSite(request, config.publicUrl) !== 'same') throw new SessiondError('csrf_failed');
        clearSessionCookie(reply, cookies);
        if (!auth) throw new SessiondError('unauthenticated');
        await revocation.endSession(auth.user.id, auth.session.id, sessionActor(request, auth), 'sign_out');
        // Clear what the browser kept for this site; the device cookie stays so the device is recognised.
        return reply.header('clear-site-data', '"cache", "storage"').code(204).send();
      },
    );
  };
}
