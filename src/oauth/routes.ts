/**
 * Where the provider meets sessiond's HTTP server:
 * - `/oidc/*` goes to oidc-provider untouched (it reads its own bodies), with the client address
 *   and scheme Fastify decided, and sessiond's security headers;
 * - `/oauth/interaction/:uid` is where the provider sends a browser to sign in or consent:
 *   sessiond's own sign-in page (with its MFA), then the consent page for apps that are not
 *   first-party (`/oauth/consent`);
 * - `/v1/oauth/interactions/:uid`: what the consent page shows, and the user's answer (recent
 *   authentication required to approve);
 * - `/v1/me/connected-apps`, `/v1/me/relying-party-sessions`: the panel.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type Provider from 'oidc-provider';
import { SessiondError } from '../core/errors.js';
import type { HttpContext } from '../http/context.js';
import { authOf, requireSession } from '../http/plugins/authenticate.js';
import { holdUntilPasswordChange } from '../http/plugins/password-change-hold.js';
import { requireRecentAuth } from '../http/plugins/recent-auth.js';
import { clientIp } from '../http/plugins/request-context.js';
import { requestPlace, sessionActor } from '../http/security/place.js';
import { SECURITY } from '../http/openapi.js';
import { responses } from '../http/schemas.js';
import type { Location } from '../core/session.js';
import type { Registry } from '../registry.js';
import { SESSIOND_SESSION, SESSIOND_USER, type RequestWithUser } from './provider.js';
import {
  ConnectedAppList,
  GrantParams,
  InteractionDecision,
  InteractionParams,
  InteractionRedirect,
  InteractionView,
  RelyingPartySessionList,
} from './schemas.js';

export const OIDC_PREFIX = '/oidc';

/** The provider's own pages are plain forms; a form_post answer posts to the app's origin, so form-action is not limited. */
const OIDC_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

const iso = (ms: number) => new Date(ms).toISOString();
const place = (l: Location) => ({ city: l.city, region: l.region, country: l.country, approximate: true as const });

/** The cookie that binds a consent page to the browser the provider sent there (see `/oauth/interaction/:uid`). */
function consentCookie(ctx: HttpContext): string {
  return ctx.cookies.secure ? '__Host-sessiond-consent' : 'sessiond-consent';
}

/**
 * Hands `/oidc/*` to the provider before Fastify reads a body. Registered on the root instance,
 * after the cookie plugin (the sessiond session is read from its cookie, never from a bearer:
 * there a bearer is an OAuth access token).
 */
export function mountProvider(app: FastifyInstance, ctx: HttpContext, headers: Readonly<Record<string, string>>): void {
  const { registry } = ctx;
  const publicUrl = new URL(registry.config.publicUrl);
  // Koa composes its middleware in callback(): once per provider (rebuilt only when keys change).
  const handlers = new WeakMap<Provider, (req: unknown, res: unknown) => void>();
  const handlerOf = (provider: Provider) => {
    let handler = handlers.get(provider);
    if (!handler) handlers.set(provider, (handler = provider.callback() as (req: unknown, res: unknown) => void));
    return handler;
  };
  const prepare = async (request: FastifyRequest): Promise<Provider> => {
    const provider = await registry.oauth.provider();
    const token = request.cookies[ctx.cookies.session];
    const found = token ? await registry.sessions.validateSessionToken(token) : null;
    (request.raw as RequestWithUser)[SESSIOND_USER] = found?.user.id ?? null;
    (request.raw as RequestWithUser)[SESSIOND_SESSION] = found?.session.id ?? null;
    return provider;
  };
  // A callback hook: every other request passes with one string test and no promise.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const url = request.raw.url ?? '';
    if (!(url === OIDC_PREFIX || url.startsWith(`${OIDC_PREFIX}/`) || url.startsWith(`${OIDC_PREFIX}?`))) return done();
    prepare(request).then((provider) => {
      const raw = request.raw as RequestWithUser & { originalUrl?: string };
      // Koa sees what Fastify decided: the client address (trusted proxies only), https when the
      // public URL is, and the public host.
      provider.proxy = true;
      raw.headers['x-forwarded-for'] = clientIp(request);
      raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
      raw.headers['x-forwarded-host'] = publicUrl.host;
      raw.originalUrl = url;
      raw.url = url.slice(OIDC_PREFIX.length) || '/';
      for (const [name, value] of Object.entries(headers)) if (name !== 'content-security-policy') reply.raw.setHeader(name, value);
      reply.raw.setHeader('content-security-policy', OIDC_CSP);
      reply.hijack();
      handlerOf(provider)(raw, reply.raw);
    }, done);
  });
}

export function oauthRoutes(ctx: HttpContext): FastifyPluginAsyncTypebox {
  const { registry, cookies, metrics } = ctx;
  return async (app) => {
    // RFC 8628 §3.3: a short address to type; the provider's page lives under the issuer.
    app.get('/device', { schema: { hide: true } }, async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      return reply.redirect(`${OIDC_PREFIX}/device${query}`, 303);
    });

    app.get('/oauth/interaction/:uid', { schema: { hide: true, params: InteractionParams } }, async (request, reply) => {
      const provider = await registry.oauth.provider();
      let details: Awaited<ReturnType<Provider['interactionDetails']>>;
      try {
        details = await provider.interactionDetails(request.raw, reply.raw);
      } catch {
        return reply.redirect('/oauth/consent?expired=1', 303);
      }
      if (details.uid !== request.params.uid) return reply.redirect('/oauth/consent?expired=1', 303);
      const token = request.cookies[cookies.session];
      const found = token ? await registry.sessions.validateSessionToken(token) : null;
      const here = `/oauth/interaction/${details.uid}`;
      if (!found) return reply.redirect(`/sign-in?next=${encodeURIComponent(here)}`, 303);
      const { user, session } = found;
      const prompt = details.prompt.name;
      if (prompt === 'login') {
        // The session's authentication time is its sign-in or its latest "Confirm it's you". An
        // app asking for a fresh one (prompt=login) gets it only within the re-authentication
        // window; one whose max_age the session cannot meet is told so, rather than the browser
        // going round in circles.
        const reasons = details.prompt.reasons;
        const { at: authenticatedAt, recent } = await registry.mfa.recentAuth(session);
        const refused =
          (reasons.includes('login_prompt') && !recent) || (reasons.includes('max_age') && details.lastSubmission?.login !== undefined);
        const result = refused
          ? { error: 'login_required', error_description: 'Confirm it is you in sessiond (sign in again), then retry.' }
          : { login: { accountId: user.id, ts: Math.floor(authenticatedAt / 1000), amr: [session.authMethod] } };
        const to = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
        return reply.redirect(to, 303);
      }
      if (prompt !== 'consent') return reply.redirect('/oauth/consent?expired=1', 303);
      if (details.session?.accountId !== user.id) return reply.redirect(`/sign-in?next=${encodeURIComponent(here)}`, 303);
      const client = await registry.oauth.clientView(String(details.params.client_id));
      // First-party apps are sessiond's own: no consent screen, the grant is given at once.
      if (client.firstParty && !details.deviceCode) {
        const to = await approve(registry, provider, details.uid, request, { userId: user.id, sessionId: session.id });
        return reply.redirect(to, 303);
      }
      reply.setCookie(consentCookie(ctx), details.uid, {
        path: '/',
        httpOnly: true,
        secure: cookies.secure,
        sameSite: 'lax',
        maxAge: 3600,
      });
      return reply.redirect(`/oauth/consent?uid=${encodeURIComponent(details.uid)}`, 303);
    });

    // Session-only: the consent step and the panel.
    const plane: FastifyPluginAsyncTypebox = async (api) => {
      api.addHook('onRequest', requireSession(registry, cookies, metrics));
      api.addHook('preHandler', holdUntilPasswordChange);

      const boundInteraction = async (request: FastifyRequest, uid: string) => {
        if (request.cookies[consentCookie(ctx)] !== uid)
          throw new SessiondError('not_found', 'This request has expired or was already answered.');
        const provider = await registry.oauth.provider();
        const interaction = await provider.Interaction.find(uid);
        if (!interaction || interaction.prompt.name !== 'consent' || interaction.session?.accountId !== authOf(request).user.id)
          throw new SessiondError('not_found', 'This request has expired or was already answered.');
        return { provider, interaction };
      };

      api.get(
        '/v1/oauth/interactions/:uid',
        {
          schema: {
            tags: ['oauth'],
            operationId: 'getOAuthInteraction',
            summary: 'What an app asks for: shown on the consent page',
            security: SECURITY.session,
            params: InteractionParams,
            response: responses({ 200: InteractionView }),
          },
        },
        async (request) => {
          const { provider, interaction } = await boundInteraction(request, request.params.uid);
          const clientId = String(interaction.params.client_id);
          const client = await registry.oauth.clientView(clientId);
          const device = interaction.deviceCode ? await provider.DeviceCode.find(interaction.deviceCode) : undefined;
          const info = device?.deviceInfo as { ip?: string; ua?: string } | undefined;
          return {
            uid: interaction.uid,
            client: { id: client.id, name: client.name, logo_uri: client.logoUri, first_party: client.firstParty },
            scopes: String(interaction.params.scope ?? '')
              .split(' ')
              .filter(Boolean),
            device: interaction.deviceCode
              ? {
                  name: deviceName(info?.ua),
                  ip: info?.ip ?? null,
                  location: info?.ip ? place(registry.geo.locate(info.ip)) : null,
                }
              : null,
          };
        },
      );

      api.post(
        '/v1/oauth/interactions/:uid',
        {
          schema: {
            tags: ['oauth'],
            operationId: 'answerOAuthInteraction',
            summary: 'Allow or deny an app; approving needs recent authentication',
            security: SECURITY.session,
            params: InteractionParams,
            body: InteractionDecision,
            response: responses({ 200: InteractionRedirect }),
          },
        },
        async (request, reply) => {
          const { provider, interaction } = await boundInteraction(request, request.params.uid);
          const auth = authOf(request);
          let to: string;
          if (request.body.decision === 'deny') {
            interaction.result = { error: 'access_denied', error_description: 'The user did not allow this app.' };
            await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
            to = interaction.returnTo;
          } else {
            await requireRecentAuth(request, registry);
            to = await approve(registry, provider, interaction.uid, request, { userId: auth.user.id, sessionId: auth.session.id });
          }
          reply.clearCookie(consentCookie(ctx), { path: '/', httpOnly: true, secure: cookies.secure, sameSite: 'lax' });
          return { redirect_to: to };
        },
      );

      api.get(
        '/v1/me/connected-apps',
        {
          schema: {
            tags: ['me'],
            operationId: 'listConnectedApps',
            summary: 'Apps given access to the account, and device (command-line) sign-ins',
            security: SECURITY.session,
            response: responses({ 200: ConnectedAppList }),
          },
        },
        async (request) => {
          const apps = await registry.oauth.connectedApps(authOf(request).user.id);
          return {
            apps: apps.map((a) => ({
              id: a.id,
              client: { id: a.client.id, name: a.client.name, logo_uri: a.client.logoUri, first_party: a.client.firstParty },
              via: a.via,
              scopes: a.scopes,
              device_name: a.deviceName,
              first_authorized_at: iso(a.firstAuthorizedAt),
              last_used_at: a.lastUsedAt === null ? null : iso(a.lastUsedAt),
              last_used_location: a.lastUsedLocation ? place(a.lastUsedLocation) : null,
            })),
          };
        },
      );

      api.delete(
        '/v1/me/connected-apps/:id',
        {
          schema: {
            tags: ['me'],
            operationId: 'removeConnectedApp',
            summary: 'Remove an app’s access: the grant and every token from it end on every node; the app is told (back-channel logout)',
            security: SECURITY.session,
            params: GrantParams,
            response: responses({ 204: { type: 'null' } }),
          },
        },
        async (request, reply) => {
          await registry.oauth.removeApp(authOf(request).user.id, request.params.id, sessionActor(request, authOf(request)));
          return reply.code(204).send();
        },
      );

      api.get(
        '/v1/me/relying-party-sessions',
        {
          schema: {
            tags: ['me'],
            operationId: 'listRelyingPartySessions',
            summary: 'Apps the user signed in to with this account ("Sign in with")',
            security: SECURITY.session,
            response: responses({ 200: RelyingPartySessionList }),
          },
        },
        async (request) => ({
          sessions: (await registry.oauth.relyingPartySessions(authOf(request).user.id)).map((s) => ({
            id: s.id,
            client: { id: s.client.id, name: s.client.name, logo_uri: s.client.logoUri },
            signed_in_at: iso(s.signedInAt),
          })),
        }),
      );

      api.delete(
        '/v1/me/relying-party-sessions/:id',
        {
          schema: {
            tags: ['me'],
            operationId: 'endRelyingPartySession',
            summary: 'Sign out of one app signed in to with this account; the app is told (back-channel logout)',
            security: SECURITY.session,
            params: GrantParams,
            response: responses({ 204: { type: 'null' } }),
          },
        },
        async (request, reply) => {
          await registry.oauth.endRelyingPartySession(authOf(request).user.id, request.params.id, sessionActor(request, authOf(request)));
          return reply.code(204).send();
        },
      );
    };
    await app.register(plane);
  };
}

/**
 * Gives the grant the interaction asks for and records it: a device sign-in always gets a grant
 * of its own (each device is listed and ended on its own); an app reuses the grant it has.
 * Returns where the browser goes on (the provider's resume address).
 */
async function approve(
  registry: Registry,
  provider: Provider,
  uid: string,
  request: FastifyRequest,
  who: { userId: string; sessionId: string },
): Promise<string> {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) throw new SessiondError('not_found', 'This request has expired or was already answered.');
  const clientId = String(interaction.params.client_id);
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const reuse = !interaction.deviceCode && interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = reuse ?? new provider.Grant({ accountId: who.userId, clientId });
  if (details.missingOIDCScope?.length) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  if (!reuse) {
    const device = interaction.deviceCode ? await provider.DeviceCode.find(interaction.deviceCode) : undefined;
    const info = device?.deviceInfo as { ip?: string; ua?: string } | undefined;
    const client = await registry.oauth.clientView(clientId);
    const ip = info?.ip ?? clientIp(request);
    await registry.oauth.noteGrant(
      {
        grantId,
        userId: who.userId,
        clientId,
        via: interaction.deviceCode ? 'device_code' : 'authorization_code',
        deviceName: interaction.deviceCode ? deviceName(info?.ua) : null,
        createdAt: registry.clock.now(),
        createdIp: ip,
        lastUsedAt: null,
        lastUsedIp: null,
      },
      client.name,
      info?.ip ? { ip: info.ip, location: registry.geo.locate(info.ip) } : requestPlace(request, registry),
      { kind: 'session', sessionId: who.sessionId, ip: clientIp(request) },
    );
  }
  interaction.result = { ...interaction.lastSubmission, consent: { grantId } };
  await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
  return interaction.returnTo;
}

/**
 * A device's name from its User-Agent: the first parenthesised part when it reads like a host
 * name (`sessiond-cli/1.0 (build-server)`), else the product token. Nothing from it is trusted.
 */
export function deviceName(ua: string | undefined): string | null {
  if (!ua) return null;
  const host = /\(([A-Za-z0-9][A-Za-z0-9.-]{0,62})[;)]/.exec(ua)?.[1];
  if (host) return host;
  const product = /^([A-Za-z0-9._-]{1,40})\//.exec(ua)?.[1];
  return product ?? null;
}
