/**
 * What the sign-in use case (core/sign-in.ts) needs from an HTTP request, and its answer in HTTP
 * terms: the session cookie, or the token for the code step. Both sign-in routes use these two.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn, SignInContext, SignInResult } from '../../core/sign-in.js';
import { browserDeviceId, isWellFormedId } from '../../core/token.js';
import { setSessionCookie } from '../cookies.js';
import type { HttpContext } from '../context.js';
import { resolveSession } from '../plugins/authenticate.js';
import { sessionOrigin } from '../plugins/request-context.js';
import { requestPlace } from '../security/place.js';
import { sessionView, userView } from '../views.js';

export async function signInContext(ctx: HttpContext, request: FastifyRequest, reply: FastifyReply): Promise<SignInContext> {
  const { registry, cookies, metrics } = ctx;
  // Rotation: a session this browser already had ends; the new one never reuses its token.
  const previous = await resolveSession(request, registry, cookies, metrics).catch(() => null);
  return {
    place: requestPlace(request, registry),
    knownDeviceId(client, native) {
      if (client.kind !== 'browser') return native?.id ?? null;
      const cookie = request.cookies[cookies.device];
      return cookie && isWellFormedId(cookie) ? browserDeviceId(registry.crypto, cookie) : null;
    },
    origin: (client, native) => sessionOrigin(request, reply, registry, cookies, client, native ?? undefined),
    replaces: previous?.via === 'cookie' ? { userId: previous.user.id, sessionId: previous.session.id } : null,
  };
}

type SessionAnswer = {
  user: ReturnType<typeof userView>;
  session: ReturnType<typeof sessionView>;
  token?: string;
  device_token?: string;
};
type CodeStepAnswer = { mfa_required: true; mfa_token: string; expires_at: string; remember_device_days: number; passkeys: boolean };

/** Sets the cookie for a browser session; the token is in the body only for bearer clients. */
export function signInAnswer(ctx: HttpContext, reply: FastifyReply, result: SignedIn): SessionAnswer;
export function signInAnswer(ctx: HttpContext, reply: FastifyReply, result: SignInResult): SessionAnswer | CodeStepAnswer;
export function signInAnswer(
  { registry, cookies }: HttpContext,
  reply: FastifyReply,
  result: SignInResult,
): SessionAnswer | CodeStepAnswer {
  const { config, sessions } = registry;
  if (result.kind === 'second_factor')
    return {
      mfa_required: true,
      mfa_token: result.token,
      expires_at: new Date(result.expiresAt).toISOString(),
      remember_device_days: Math.round(registry.mfa.policy.trustedDeviceMs / 86_400_000),
      passkeys: result.passkeys,
    };
  if (result.transport === 'cookie') setSessionCookie(reply, cookies, result.token, Math.floor(config.maxAgeMs / 1000));
  return {
    user: userView(result.user),
    session: sessionView(result.session, result.session.id, config.clients, sessions.policy),
    ...(result.transport === 'bearer' ? { token: result.token } : {}),
    ...(result.remembered?.deviceToken != null ? { device_token: result.remembered.deviceToken } : {}),
  };
}
