/**
 * The caller's passkeys (docs/mfa.md, Passkeys): list, add, rename, remove, and the options for
 * re-authenticating with one. Registered inside the `me` plane: every route has a session and
 * the CSRF check.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { HttpContext } from '../context.js';
import { authOf } from '../plugins/authenticate.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { sessionActor } from '../security/place.js';
import { passkeyView } from './views.js';
import { SECURITY } from '../openapi.js';
import { EmptyBody, responses } from '../schemas.js';
import {
  AddPasskeyBody,
  CreationOptionsAnswer,
  PasskeyAnswer,
  PasskeyList,
  PasskeyParams,
  RenamePasskeyBody,
  RequestOptionsAnswer,
} from './schemas.js';

export function passkeyMeRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry } = ctx;
  const { passkeys, mfa } = registry;
  return async (app) => {
    app.get(
      '/passkeys',
      {
        schema: {
          tags: ['passkeys'],
          operationId: 'listMyPasskeys',
          summary: "The caller's passkeys, newest first, and how many an account may have",
          security: SECURITY.session,
          response: responses({ 200: PasskeyList }),
        },
      },
      async (request) => {
        const { user } = authOf(request);
        return { passkeys: (await passkeys.list(user.id)).map(passkeyView), limit: passkeys.limit };
      },
    );

    app.post(
      '/passkeys/registration-options',
      {
        schema: {
          tags: ['passkeys'],
          operationId: 'beginPasskeyRegistration',
          summary: 'Start adding a passkey: the creation options for the browser (needs recent authentication)',
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 200: CreationOptionsAnswer }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        return { options: await passkeys.registrationOptions(user, session.id) };
      },
    );

    app.post(
      '/passkeys',
      {
        schema: {
          tags: ['passkeys'],
          operationId: 'addMyPasskey',
          summary: "Finish adding a passkey with the browser's registration response (needs recent authentication)",
          security: SECURITY.session,
          body: AddPasskeyBody,
          response: responses({ 201: PasskeyAnswer }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const auth = authOf(request);
        const { user, session } = auth;
        const passkey = await passkeys.register(
          user,
          session.id,
          // The outer shape is checked by the schema; the library checks the rest.
          request.body.response as RegistrationResponseJSON,
          request.body.name ?? null,
          sessionActor(request, auth),
        );
        request.log.info({ event: 'passkey_added', user_id: user.id, session_id: session.id }, 'passkey added');
        return reply.code(201).send({ passkey: passkeyView(passkey) });
      },
    );

    app.patch(
      '/passkeys/:id',
      {
        schema: {
          tags: ['passkeys'],
          operationId: 'renameMyPasskey',
          summary: "Rename one of the caller's passkeys",
          security: SECURITY.session,
          params: PasskeyParams,
          body: RenamePasskeyBody,
          response: responses({ 200: PasskeyAnswer }),
        },
      },
      async (request) => {
        const { user } = authOf(request);
        return { passkey: passkeyView(await passkeys.rename(user.id, request.params.id, request.body.name)) };
      },
    );

    app.delete(
      '/passkeys/:id',
      {
        schema: {
          tags: ['passkeys'],
          operationId: 'removeMyPasskey',
          summary: "Remove one of the caller's passkeys (needs recent authentication)",
          security: SECURITY.session,
          params: PasskeyParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        // Asked first: without a recent authentication nothing is told, not even whether the id exists.
        await requireRecentAuth(request, registry);
        const auth = authOf(request);
        await passkeys.remove(auth.user.id, request.params.id, sessionActor(request, auth));
        request.log.info({ event: 'passkey_removed', user_id: auth.user.id, session_id: auth.session.id }, 'passkey removed');
        return reply.code(204).send();
      },
    );

    app.post(
      '/passkeys/authentication-options',
      {
        schema: {
          tags: ['passkeys'],
          operationId: 'beginPasskeyReauthentication',
          summary: "Start re-authenticating with a passkey: request options allowing the caller's passkeys",
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 200: RequestOptionsAnswer }),
        },
        config: { whilePasswordChangeRequired: true },
      },
      async (request) => {
        const { user, session } = authOf(request);
        return { options: await mfa.reauthenticationOptions(user.id, session.id) };
      },
    );
  };
}
