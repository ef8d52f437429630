/**
 * The second sign-in step. `POST /v1/auth/sign-in` with the right password on an account with
 * MFA answers `{mfa_required: true, mfa_token}` and makes no session; `POST /v1/auth/sign-in/mfa`
 * with that token and a code makes the session (`auth_method: "mfa"`). A device the user marked
 * trusted skips the code step. See docs/mfa.md.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpContext } from '../context.js';
import { signInAnswer, signInContext } from './sign-in-context.js';
import { MfaSignInBody, MfaSignInResponse } from '../mfa/schemas.js';
import { SECURITY } from '../openapi.js';
import { responses } from '../schemas.js';

export function mfaSignInRoute(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry } = ctx;
  return async (app) => {
    app.post(
      '/sign-in/mfa',
      {
        schema: {
          tags: ['auth'],
          operationId: 'signInWithCode',
          summary: 'Finish a sign-in with a two-step verification or recovery code',
          description:
            'With `remember_device: true` the new session trusts its device at once, as `POST /v1/me/devices/current/trust` would: bound to this client, for `remember_device_days`; a native (bearer) client also gets its `device_token`.',
          security: SECURITY.public,
          body: MfaSignInBody,
          response: responses({ 200: MfaSignInResponse }),
        },
      },
      async (request, reply) => {
        const result = await registry.signIn.withSecondFactor(
          request.body.mfa_token,
          request.body.code,
          await signInContext(ctx, request, reply),
          { rememberDevice: request.body.remember_device === true },
        );
        return signInAnswer(ctx, reply, result);
      },
    );
  };
}
