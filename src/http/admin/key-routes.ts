/**
 * Workspace API keys over HTTP (`/v1/admin/workspaces/:ws/keys`): entry points only. Every route
 * turns the request into a `WorkspaceCaller` and calls one use case of `ApiKeys`
 * (core/api-keys.ts), which authorises (owners only: `manage_api_keys`, which no key's scope
 * covers, so a key that reaches these routes gets 403), stores and audits. Making a key needs a
 * recent authentication; the token is in the creation's answer and nowhere else.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyListing } from '../../core/ports/api-key-store.js';
import type { ApiKeyRecord } from '../../core/api-keys.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { requireSessionOrWorkspaceKey } from '../plugins/workspace-key.js';
import { responses } from '../schemas.js';
import { iso } from '../views.js';
import { callerOf } from './caller.js';
import { ApiKeyCreated, ApiKeyList, ApiKeyParams, CreateApiKeyBody, type ApiKeyView } from './key-schemas.js';
import { NoQuery, WorkspaceParams } from './schemas.js';

const TAGS = ['admin'];

export function apiKeyView(key: ApiKeyRecord, createdByEmail: string | null): ApiKeyView {
  const time = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: key.id,
    name: key.name,
    scopes: [...key.scopes],
    created_at: iso(key.createdAt),
    created_by: key.createdBy,
    created_by_email: createdByEmail,
    expires_at: iso(key.expiresAt),
    last_used_at: time(key.lastUsedAt),
    revoked_at: time(key.revokedAt),
  };
}

export function apiKeyRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { apiKeys } = registry;

  return async (app) => {
    app.addHook('onRequest', requireSessionOrWorkspaceKey(registry, cookies, metrics));
    app.addHook('preHandler', holdUntilPasswordChange);

    app.post(
      '/admin/workspaces/:ws/keys',
      {
        schema: {
          tags: TAGS,
          operationId: 'createWorkspaceApiKey',
          summary: 'Make an API key for this workspace (owners only); its token is shown in this answer only',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          body: CreateApiKeyBody,
          response: responses({ 201: ApiKeyCreated }),
        },
      },
      async (request, reply) => {
        await requireRecentAuth(request, registry);
        const { name, scopes, expires_in_days } = request.body;
        const made = await apiKeys.create(callerOf(request), request.params.ws, { name, scopes, expiresInDays: expires_in_days });
        const creator = await registry.store.findUserById(made.key.createdBy);
        return reply.code(201).send({ key: apiKeyView(made.key, creator?.email ?? null), token: made.token });
      },
    );

    app.get(
      '/admin/workspaces/:ws/keys',
      {
        schema: {
          tags: TAGS,
          operationId: 'listWorkspaceApiKeys',
          summary: 'The workspace’s API keys, revoked and expired ones too, newest first, with their last use (owners only)',
          security: SECURITY.session,
          querystring: NoQuery,
          params: WorkspaceParams,
          response: responses({ 200: ApiKeyList }),
        },
      },
      async (request) => ({
        keys: (await apiKeys.list(callerOf(request), request.params.ws)).map((k: ApiKeyListing) => apiKeyView(k.key, k.createdByEmail)),
      }),
    );

    app.delete(
      '/admin/workspaces/:ws/keys/:id',
      {
        schema: {
          tags: TAGS,
          operationId: 'revokeWorkspaceApiKey',
          summary: 'Revoke an API key (owners only): refused from its very next request on',
          security: SECURITY.session,
          querystring: NoQuery,
          params: ApiKeyParams,
          response: responses({ 204: { type: 'null' } }),
        },
      },
      async (request, reply) => {
        await apiKeys.revoke(callerOf(request), request.params.ws, request.params.id);
        return reply.code(204).send();
      },
    );
  };
}
