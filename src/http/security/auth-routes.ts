/**
 * Password reset and the "This wasn't me" link, for people who are not signed in. Registered
 * inside the auth plane, so its login-CSRF hook applies. None of these routes issues a session
 * (ASVS 7.6.2): after a reset the user signs in with the new password.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { responses } from '../schemas.js';
import { requestPlace } from './place.js';
import { PasswordResetBody, PasswordResetConfirmBody, ReportLinkBody } from './schemas.js';

export function securityAuthRoutes({ registry }: HttpContext): FastifyPluginAsyncTypebox {
  const { passwordReset, revocation } = registry;

  return async (app) => {
    app.post(
      '/password-reset',
      {
        schema: {
          tags: ['auth'],
          operationId: 'requestPasswordReset',
          summary: 'Mail a password-reset link (the same answer for every address)',
          security: SECURITY.public,
          body: PasswordResetBody,
          response: responses({ 202: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        // The same 202, at once, for every address: the lookup and the mail happen after the response.
        await passwordReset.requestReset(request.body.email, requestPlace(request, registry));
        return reply.code(202).send();
      },
    );

    app.post(
      '/password-reset/confirm',
      {
        schema: {
          tags: ['auth'],
          operationId: 'confirmPasswordReset',
          summary: "Set a new password with the link's token",
          security: SECURITY.public,
          body: PasswordResetConfirmBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await passwordReset.confirmReset(request.body.token, request.body.new_password, requestPlace(request, registry));
        return reply.code(204).send();
      },
    );

    app.post(
      '/report-sign-in',
      {
        schema: {
          tags: ['auth'],
          operationId: 'reportSignIn',
          summary: '"This wasn\'t me" from an alert mail: end that session',
          security: SECURITY.public,
          body: ReportLinkBody,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await revocation.reportSessionByLink(request.body.token, requestPlace(request, registry));
        return reply.code(204).send();
      },
    );
  };
}
