/**
 * Signing in with a passkey (docs/mfa.md, Passkeys): a discoverable-credential request, or the
 * passkey as the second step after a password. The answer is the sign-in's own.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { signInAnswer, signInContext } from '../auth/sign-in-context.js';
import type { HttpContext } from '../context.js';
import { limitIp } from '../security/place.js';
import { SECURITY } from '../openapi.js';
import { responses } from '../schemas.js';
import { MfaSignInResponse } from '../mfa/schemas.js';
import { PasskeySignInBody, PasskeySignInOptionsBody, RequestOptionsAnswer } from './schemas.js';

export function passkeyAuthRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry } = ctx;
  const { passkeys, mfa, signIn } = registry;
  return async (app) => {
    app.post(
      '/passkey/options',
      {
        schema: {
          tags: ['auth'],
          operationId: 'beginPasskeySignIn',
          summary: 'Start signing in with a passkey: request options (discoverable, or the account of an `mfa_token`)',
          security: SECURITY.public,
          body: PasskeySignInOptionsBody,
          response: responses({ 200: RequestOptionsAnswer }),
        },
      },
      async (request) => {
        await passkeys.limitOptionsRequest(limitIp(request, registry));
        const token = request.body.mfa_token;
        const options =
          token === undefined ? await passkeys.authenticationOptions({ purpose: 'sign_in' }) : await mfa.passkeyOptions(token);
        return { options };
      },
    );

    app.post(
      '/passkey',
      {
        schema: {
          tags: ['auth'],
          operationId: 'signInWithPasskey',
          summary: "Sign in with a passkey: the browser's authentication response makes the session",
          security: SECURITY.public,
          body: PasskeySignInBody,
          response: responses({ 200: MfaSignInResponse }),
        },
      },
      async (request, reply) => {
        const { response, mfa_token, client_id, transport, device, remember_device } = request.body;
        // The outer shape is checked by the schema; the library checks the rest.
        const assertion = response as AuthenticationResponseJSON;
        const context = await signInContext(ctx, request, reply);
        if (mfa_token !== undefined) {
          const result = await signIn.withSecondFactor(mfa_token, { passkey: assertion }, context, {
            rememberDevice: remember_device === true,
          });
          return signInAnswer(ctx, reply, result);
        }
        // A device token only ever skips a code step, and a passkey has none after it.
        const { trust_token: _ignored, ...native } = device ?? {};
        const result = await signIn.withPasskey(
          { response: assertion, clientId: client_id ?? 'web', transport: transport ?? 'cookie', device: device ? native : null },
          context,
        );
        return signInAnswer(ctx, reply, result);
      },
    );
  };
}
