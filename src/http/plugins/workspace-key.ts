/**
 * The admin plane's callers: a session (cookie or bearer, exactly as `requireSession`), or a
 * workspace API key (`Authorization: Bearer swk_…`, core/api-keys.ts) on the routes of one
 * workspace (`/v1/admin/workspaces/:ws/…`) and nowhere else: not the caller's own pages
 * (`/v1/me/…`), not creating a workspace (401 there, as for no credential). A key is told from a
 * session token by its shape alone (`looksLikeApiKey`): 70 characters with the `swk_` prefix, where
 * every session token is 66.
 *
 * What a key may do there is `Workspaces.authorize`'s decision, like anyone's. A key caller has no
 * session, so the session's checks do not apply to it: no CSRF check (a bearer credential is never
 * sent by a browser on its own), no recent authentication (the key is the credential: scoped,
 * expiring, revocable, and made by an owner who had just authenticated), and no password-change
 * hold (that holds one session, the one that reported another).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeApiKey, type ApiKeyCaller } from '../../core/api-keys.js';
import { SessiondError } from '../../core/errors.js';
import type { Registry } from '../../registry.js';
import type { CookiePolicy } from '../cookies.js';
import type { Metrics } from '../metrics.js';
import { readCredential, requireSession } from './authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when a workspace API key authenticated the request (then `auth` is null). */
    apiKey: ApiKeyCaller | null;
  }
}

const WORKSPACE_ROUTE = '/v1/admin/workspaces/:ws';

/** Whether a route (as registered, `/v1/admin/workspaces/:ws/members`) takes a workspace API key. */
export function acceptsWorkspaceKey(routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && (routeUrl === WORKSPACE_ROUTE || routeUrl.startsWith(`${WORKSPACE_ROUTE}/`));
}

/** The hook of the admin plane: a session, or a workspace API key where one is accepted; else 401. */
export function requireSessionOrWorkspaceKey(registry: Registry, cookies: CookiePolicy, metrics: Metrics) {
  const session = requireSession(registry, cookies, metrics);
  return async function requireSessionOrWorkspaceKeyHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // A cookie beside a key is as ambiguous as beside another token: refused (400), never guessed.
    const credential = readCredential(request, cookies);
    if (credential === null || credential.via !== 'bearer' || !looksLikeApiKey(credential.token)) return session(request, reply);
    if (!acceptsWorkspaceKey(request.routeOptions.url))
      throw new SessiondError('unauthenticated', 'An API key works only on its workspace’s admin routes: sign in.');
    const key = await registry.apiKeys.verify(credential.token);
    if (!key) throw new SessiondError('unauthenticated', 'The API key is not valid, has expired or was revoked.');
    request.apiKey = key;
  };
}
