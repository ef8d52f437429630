/**
 * Password reset and the "This wasn't me" link, for people who are not signed in. Registered
 * inside the auth plane, so its login-CSRF hook applies. None of these routes issues a session
 * (ASVS 7.6.2): after a reset the user signs in with the new password.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpContext } from '../context.js';
import { responses } from '../schemas.js';
import { requestPlace } from './place.js';
import { PasswordResetBody, PasswordResetConfirmBody, ReportLinkBody } from './schemas.js';

export function securityAuthRoutes({ registry, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { passwordReset, signals } = registry;

  return async (app) => {
    app.post(
      '/password-reset',
      { schema: { tags: ['auth'], body: PasswordResetBody, response: responses({ 202: { type: 'null' } }) } },
      async (request, reply) => {
        // The same 202, at once, for every address: the lookup and the mail happen after the response.
        await passwordReset.requestReset(request.body.email, requestPlace(request, registry));
        return reply.code(202).send();
      },
    );

    app.post(
      '/password-reset/confirm',
      { schema: { tags: ['auth'], body: PasswordResetConfirmBody, response: responses({ 204: { type: 'null' } }) } },
      async (request, reply) => {
        await passwordReset.confirmReset(request.body.token, request.body.new_password, requestPlace(request, registry));
        metrics.revocations.inc({ kind: 'password_reset', outcome: 'success' });
        request.log.info({ event: 'password_reset' }, 'password reset with a link');
        return reply.code(204).send();
      },
    );

    app.post(
      '/report-sign-in',
      { schema: { tags: ['auth'], body: ReportLinkBody, response: responses({ 204: { type: 'null' } }) } },
      async (request, reply) => {
        await signals.reportSessionByLink(request.body.token, requestPlace(request, registry));
        metrics.revocations.inc({ kind: 'reported', outcome: 'success' });
        request.log.info({ event: 'session_reported', via: 'link' }, 'sign-in reported from an alert mail');
        return reply.code(204).send();
      },
    );
  };
}
