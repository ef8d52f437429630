/**
 * The second sign-in step. `POST /v1/auth/sign-in` with the right password on an account with
 * MFA answers `{mfa_required: true, mfa_token}` and makes no session; `POST /v1/auth/sign-in/mfa`
 * with that token and a code makes the session (`auth_method: "mfa"`). A device the user marked
 * trusted skips the code step. See docs/mfa.md.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SessiondError, isSessiondError } from '../../core/errors.js';
import type { Client } from '../../core/session.js';
import { isWellFormedId } from '../../core/token.js';
import type { UserRecord } from '../../core/user.js';
import { setSessionCookie } from '../cookies.js';
import type { HttpContext } from '../context.js';
import { MfaSignInBody } from '../mfa/schemas.js';
import { resolveSession } from '../plugins/authenticate.js';
import { clientIp, sessionOrigin, type NativeDevice } from '../plugins/request-context.js';
import { SignInResponse, responses } from '../schemas.js';
import { sessionView, userView } from '../views.js';

type Transport = 'cookie' | 'bearer';

/**
 * After the password step: null when the sign-in may finish now (MFA off, or a trusted device);
 * otherwise the answer that asks for a code. The device is read, not issued, here: a browser
 * without a device cookie cannot be a trusted device.
 */
export async function mfaStepFor(
  { registry, cookies }: HttpContext,
  request: FastifyRequest,
  user: UserRecord,
  client: Client,
  transport: Transport,
  native: NativeDevice | undefined,
): Promise<{ mfa_required: true; mfa_token: string; expires_at: string } | null> {
  const { mfa } = registry;
  if (!(await mfa.isEnabled(user.id))) return null;
  const cookie = request.cookies[cookies.device];
  const deviceId = client.kind === 'browser' ? (cookie && isWellFormedId(cookie) ? cookie : null) : (native?.id ?? null);
  if (await mfa.isDeviceTrusted(user.id, deviceId)) {
    await mfa.signInCompleted(user);
    return null;
  }
  const device = client.kind === 'browser' || !native ? null : JSON.stringify(native);
  const challenge = await mfa.createChallenge(user.id, client.id, transport, device);
  request.log.info({ event: 'sign_in_mfa_required', user_id: user.id, client_id: client.id }, 'password accepted; code required');
  return { mfa_required: true, mfa_token: challenge.token, expires_at: new Date(challenge.expiresAt).toISOString() };
}

export function mfaSignInRoute(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry, cookies, metrics } = ctx;
  const { config, sessions, mfa } = registry;
  return async (app) => {
    app.post(
      '/sign-in/mfa',
      { schema: { tags: ['auth'], body: MfaSignInBody, response: responses({ 200: SignInResponse }) } },
      async (request: FastifyRequest<{ Body: { mfa_token: string; code: string } }>, reply: FastifyReply) => {
        let done;
        try {
          done = await mfa.completeChallenge(request.body.mfa_token, request.body.code, clientIp(request));
        } catch (err) {
          const outcome = isSessiondError(err) ? err.code : 'error';
          metrics.signIns.inc({ outcome });
          request.log.info({ event: 'sign_in_failed', step: 'mfa', outcome, ip: clientIp(request) }, 'sign-in code refused');
          throw err;
        }
        const { user, challenge, method } = done;
        const client = config.clients.find((c) => c.id === challenge.clientId);
        if (!client) throw new SessiondError('unknown_client');
        // Rotation, as at the password step: a session this browser already had ends.
        const previous = await resolveSession(request, registry, cookies, metrics).catch(() => null);
        if (previous?.via === 'cookie') await sessions.revokeSession(previous.user.id, previous.session.id, 'sign_out');
        // The same gates and signals as a password-only sign-in: a reported account still has to
        // change its password, and the sign-in is assessed and put on the timeline.
        await registry.signals.checkSignInAllowed(user.id);
        const native = challenge.device === null ? undefined : (JSON.parse(challenge.device) as NativeDevice);
        const origin = sessionOrigin(request, reply, registry, cookies, client, native);
        const risk = await registry.signals.assessSignIn(user.id, client.id, origin);
        const issued = await sessions.createSession(user.id, client.id, 'mfa', origin);
        await registry.signals.recordSignIn(user, issued.session, risk);
        if (challenge.transport === 'cookie') setSessionCookie(reply, cookies, issued.token, Math.floor(config.maxAgeMs / 1000));
        metrics.signIns.inc({ outcome: 'success' });
        request.log.info(
          { event: 'sign_in', user_id: user.id, session_id: issued.session.id, client_id: client.id, mfa: method },
          'signed in with a second factor',
        );
        const trusted = await mfa.isDeviceTrusted(user.id, issued.session.deviceId);
        return {
          user: userView(user),
          session: sessionView({ ...issued.session, trusted }, issued.session.id, config.clients, sessions.policy),
          ...(challenge.transport === 'bearer' ? { token: issued.token } : {}),
        };
      },
    );
  };
}
