/**
 * The caller's second factor, re-authentication and trusted devices (docs/mfa.md). Registered
 * inside the `me` plane, so every route already has a session and the CSRF check.
 */
import { limitIp, sessionActor } from '../security/place.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError } from '../../core/errors.js';
import { isWellFormedId } from '../../core/token.js';
import type { HttpContext } from '../context.js';
import {
  MfaStatus,
  ReauthBody,
  ReauthResponse,
  RecoveryCodes,
  TotpConfirmBody,
  TotpConfirmed,
  TotpEnrolment,
  TrustResponse,
  TrustedDeviceList,
  TrustedDeviceParams,
} from '../mfa/schemas.js';
import { authOf } from '../plugins/authenticate.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { SECURITY } from '../openapi.js';
import { describeClient } from '../../core/clients.js';
import { EmptyBody, SessionIdParams, responses } from '../schemas.js';
import { renewedCredential } from './renewed-session.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function mfaRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry } = ctx;
  const { mfa, store, revocation } = registry;

  return async (app) => {
    const actorOf = (request: Parameters<typeof authOf>[0]) => sessionActor(request, authOf(request));

    app.post(
      '/reauthenticate',
      {
        schema: {
          tags: ['me'],
          operationId: 'reauthenticate',
          summary: 'Confirm it is you again (password or code) before a sensitive action',
          security: SECURITY.session,
          body: ReauthBody,
          response: responses({ 200: ReauthResponse }),
        },
        // A session held to a password change re-authenticates to make it (it needs recent auth).
        config: { whilePasswordChangeRequired: true },
      },
      async (request, reply) => {
        const { user, session } = authOf(request);
        const at = await mfa.reauthenticate(user.id, session.id, request.body, limitIp(request, registry));
        request.log.info({ event: 'reauthenticated', user_id: user.id, session_id: session.id }, 're-authenticated');
        // A re-authentication raises what the session may do: it gets a new token (ASVS 7.2.4).
        const renewed = await revocation.rotateSession(user.id, session.id, actorOf(request), 'reauthenticated');
        return {
          authenticated_at: iso(at),
          reauth_expires_at: iso(at + mfa.policy.reauthWindowMs),
          ...renewedCredential(ctx, request, reply, renewed.session),
        };
      },
    );

    app.get(
      '/mfa',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'getMyMfaStatus',
          summary: 'Whether two-step verification is on, and how many recovery codes are left',
          security: SECURITY.session,
          response: responses({ 200: MfaStatus }),
        },
      },
      async (request) => {
        const status = await mfa.status(authOf(request).user.id);
        return {
          enabled: status.enabled,
          enabled_at: status.enabledAt === null ? null : iso(status.enabledAt),
          recovery_codes_remaining: status.recoveryCodesRemaining,
          methods: status.enabled ? ['totp' as const] : [],
        };
      },
    );

    app.post(
      '/mfa/totp',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'startTotpEnrolment',
          summary: 'Start turning on two-step verification: a new authenticator-app secret',
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 200: TotpEnrolment }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { user } = authOf(request);
        const { secret, uri } = await mfa.startTotpEnrolment(user);
        // The secret is in this one response (no-store) and nowhere else that leaves the server.
        // qrcode is loaded by the first enrolment, not by every start (it is 59 module files).
        const { default: QRCode } = await import('qrcode');
        return { secret, otpauth_uri: uri, qr_code: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) };
      },
    );

    app.post(
      '/mfa/totp/confirm',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'confirmTotpEnrolment',
          summary:
            'Finish turning on two-step verification with a code; answers the recovery codes, signs out the other sessions unless asked not to, and renews this one',
          security: SECURITY.session,
          body: TotpConfirmBody,
          response: responses({ 200: TotpConfirmed }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        const codes = await mfa.confirmTotpEnrolment(user.id, request.body.code, actorOf(request));
        request.log.info({ event: 'mfa_enabled', user_id: user.id, session_id: session.id }, 'two-step verification turned on');
        // A second factor raises what the account's sessions are worth: the others may end, and
        // this one gets a new token (ASVS 7.2.4, 7.4.3).
        const renewed = await revocation.rotateSession(user.id, session.id, actorOf(request), 'mfa_enabled', {
          endOthers: request.body.sign_out_others !== false,
        });
        return { recovery_codes: codes, revoked: renewed.revoked, ...renewedCredential(ctx, request, reply, renewed.session) };
      },
    );

    app.post(
      '/mfa/recovery-codes',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'regenerateRecoveryCodes',
          summary: 'Replace the recovery codes',
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 200: RecoveryCodes }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        const codes = await mfa.regenerateRecoveryCodes(user.id, actorOf(request));
        request.log.info({ event: 'mfa_recovery_codes_replaced', user_id: user.id, session_id: session.id }, 'recovery codes replaced');
        return { recovery_codes: codes };
      },
    );

    app.delete(
      '/mfa',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'disableMyMfa',
          summary: 'Turn off two-step verification',
          security: SECURITY.session,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { user, session } = authOf(request);
        await mfa.disable(user.id, actorOf(request));
        request.log.info({ event: 'mfa_disabled', user_id: user.id, session_id: session.id }, 'two-step verification turned off');
        return reply.code(204).send();
      },
    );

    app.post(
      '/devices/current/trust',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'trustCurrentDevice',
          summary: 'Trust this device: later sign-ins from it skip the code step',
          security: SECURITY.session,
          body: EmptyBody,
          response: responses({ 200: TrustResponse }),
        },
      },
      async (request) => {
        const { user, session, via } = authOf(request);
        // A native (bearer) app gets a device token to show at sign-in; a browser's device cookie is its proof.
        const { until, token } = await mfa.trust(session, actorOf(request), via === 'bearer');
        request.log.info({ event: 'device_trusted', user_id: user.id, session_id: session.id }, 'device trusted');
        return { trusted_until: iso(until), ...(token !== null ? { device_token: token } : {}) };
      },
    );

    app.get(
      '/trusted-devices',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'listMyTrustedDevices',
          summary: "The caller's trusted devices: sign-ins from them skip the code step until their trust ends",
          security: SECURITY.session,
          response: responses({ 200: TrustedDeviceList }),
        },
      },
      async (request) => {
        const { user, session } = authOf(request);
        const devices = await mfa.listTrustedDevices(user.id);
        return {
          devices: devices.map((d) => {
            const client = describeClient(registry.config.clients, d.clientId ?? '');
            return {
              id: d.handle,
              name: d.name,
              client: { id: client.id, name: client.name },
              trusted_since: d.trustedAt === null ? null : iso(d.trustedAt),
              trusted_until: iso(d.trustedUntil),
              last_seen_at: iso(d.lastSeenAt),
              current: d.deviceId === session.deviceId,
            };
          }),
        };
      },
    );

    // Stopping trust in another device needs a recent authentication, as ending another session
    // does; the caller's own device needs none (as signing out needs none).
    app.delete(
      '/trusted-devices/:id',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'untrustMyDevice',
          summary: "Stop trusting one of the caller's trusted devices (by the id the list gives)",
          description:
            'Its next sign-in asks for a code again. Recent authentication is needed unless it is the device of the calling session (403 `reauth_required`); 404 `not_found` when no trusted device of the caller has that id.',
          security: SECURITY.session,
          params: TrustedDeviceParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        const { user, session } = authOf(request);
        const device = await mfa.findTrustedDevice(user.id, request.params.id);
        if (!device) throw new SessiondError('not_found', 'No such trusted device.');
        if (device.deviceId !== session.deviceId) await requireRecentAuth(request, registry);
        await mfa.untrustDevice(user.id, device.deviceId, actorOf(request));
        request.log.info({ event: 'device_untrusted', user_id: user.id, session_id: session.id }, 'device no longer trusted');
        return reply.code(204).send();
      },
    );

    // By session id: the Active sessions page knows sessions, and device ids (a browser's is its
    // device cookie) never leave the server.
    app.delete(
      '/sessions/:id/trust',
      {
        schema: {
          tags: ['mfa'],
          operationId: 'untrustSessionDevice',
          summary: "Stop trusting the device of one of the caller's sessions",
          security: SECURITY.session,
          params: SessionIdParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        const { user } = authOf(request);
        const id = request.params.id;
        const found = isWellFormedId(id) ? await store.findSession(id) : null;
        const target = found && found.session.userId === user.id && found.session.revokedAt === null ? found.session : null;
        if (!target) throw new SessiondError('not_found', 'No such session.');
        if (target.deviceId !== null) await mfa.untrustDevice(user.id, target.deviceId, actorOf(request));
        request.log.info({ event: 'device_untrusted', user_id: user.id, session_id: id }, 'device no longer trusted');
        return reply.code(204).send();
      },
    );
  };
}
