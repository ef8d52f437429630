/**
 * Registered OAuth/OIDC clients over HTTP (`/v1/admin/oauth-clients`), for the instance's admins
 * (`--instance-admins`, the same check as `/v1/admin/overview`: `Overview.isInstanceAdmin`);
 * every other signed-in account gets 403, a workspace API key 401 (it works only on its
 * workspace's routes). Entry points only: core/oauth-clients.ts checks and stores. Registering
 * needs a recent authentication; a web client's secret is in that answer and nowhere else.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { SessiondError } from '../../core/errors.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { authOf } from '../plugins/authenticate.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { requireSessionOrWorkspaceKey } from '../plugins/workspace-key.js';
import { responses } from '../schemas.js';
import { CreateOAuthClientBody, OAuthClientCreated, OAuthClientList, OAuthClientParams, oauthClientView } from './oauth-client-schemas.js';
import { NoQuery } from './schemas.js';

const TAGS = ['admin'];

export function oauthClientRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { oauthClients, overview } = registry;

  // Before the body is read: an account that is not an instance admin learns nothing, not even what a valid body is.
  async function requireInstanceAdmin(request: FastifyRequest): Promise<void> {
    if (!overview.isInstanceAdmin(authOf(request).user.email))
      throw new SessiondError('forbidden', 'Only the instance’s admins (--instance-admins) manage OAuth clients.');
  }

  return async (app) => {
    app.addHook('onRequest', requireSessionOrWorkspaceKey(registry, cookies, metrics));
    app.addHook('onRequest', requireInstanceAdmin);
    app.addHook('preHandler', holdUntilPasswordChange);

    app.get(
      '/admin/oauth-clients',
      {
        schema: {
          tags: TAGS,
          operationId: 'listOAuthClients',
          summary: 'The OAuth/OIDC clients registered with this instance, newest first (instance admins: --instance-admins)',
          security: SECURITY.session,
          querystring: NoQuery,
          response: responses({ 200: OAuthClientList }),
        },
      },
      async () => ({ clients: (await oauthClients.list()).map(oauthClientView) }),
    );

    app.post(
      '/admin/oauth-clients',
      {
        schema: {
          tags: TAGS,
          operationId: 'createOAuthClient',
          summary: 'Register an OAuth/OIDC client (instance admins); a web client’s secret is shown in this answer only',
          security: SECURITY.session,
          querystring: NoQuery,
          body: CreateOAuthClientBody,
          response: responses({ 201: OAuthClientCreated }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const b = request.body;
        const { client, secret } = await oauthClients.register({
          name: b.name,
          kind: b.kind,
          firstParty: b.first_party,
          redirectUris: b.redirect_uris,
          postLogoutRedirectUris: b.post_logout_redirect_uris,
          logoUri: b.logo_uri,
          backchannelLogoutUri: b.backchannel_logout_uri,
        });
        return reply.code(201).send({ client: oauthClientView(client), ...(secret !== null ? { client_secret: secret } : {}) });
      },
    );

    app.delete(
      '/admin/oauth-clients/:id',
      {
        schema: {
          tags: TAGS,
          operationId: 'deleteOAuthClient',
          summary: 'Remove an OAuth/OIDC client (instance admins): it can no longer sign in, and its grants and tokens end',
          security: SECURITY.session,
          querystring: NoQuery,
          params: OAuthClientParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        if (!(await oauthClients.remove(request.params.id))) throw new SessiondError('not_found', 'No such OAuth client.');
        return reply.code(204).send();
      },
    );
  };
}
