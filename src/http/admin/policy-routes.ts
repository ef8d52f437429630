/**
 * Workspace session policies over HTTP (`/v1/admin/workspaces/:ws/policy`): entry points only.
 * Reading the policy is for any active member (members see what they are held to); setting it
 * is for security admins and owners, needs a recent authentication (it can end many sessions at
 * once), and is audited. Core/policies.ts authorises, checks, stores and enforces.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { PolicyView } from '../../core/policies.js';
import { POLICY_LIMITS, type WorkspacePolicy } from '../../core/workspace-policy.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { callerOf } from './caller.js';
import { holdUntilPasswordChange } from '../plugins/password-change-hold.js';
import { requireRecentAuth } from '../plugins/recent-auth.js';
import { requireSessionOrWorkspaceKey } from '../plugins/workspace-key.js';
import { Nullable, responses } from '../schemas.js';
import { iso } from '../views.js';
import { NoQuery, WorkspaceParams } from './schemas.js';

const TAGS = ['admin'];
const SECOND = 1000;

const Seconds = (description: string) =>
  Nullable(
    Type.Integer({
      minimum: POLICY_LIMITS.minDurationMs / SECOND,
      maximum: POLICY_LIMITS.maxDurationMs / SECOND,
      description: `${description}; null: no workspace limit (the deployment's own applies)`,
    }),
  );

const PolicyRules = {
  max_lifetime_seconds: Seconds('Absolute lifetime of a member’s session from sign-in, in seconds'),
  idle_timeout_seconds: Seconds('A member’s session unused this long ends, in seconds'),
  max_sessions: Nullable(
    Type.Integer({
      minimum: 1,
      maximum: POLICY_LIMITS.maxSessions,
      description: 'Sessions a member may hold at once; a sign-in beyond it ends the oldest. Null: no limit',
    }),
  ),
  mfa_required: Type.Boolean({
    description:
      'A session must have passed two-step verification or run on a trusted device; one that did not has 10 minutes to set it up',
  }),
  trusted_device_apps: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: 32,
    description: 'App (client) ids whose sessions must run on a trusted device',
  }),
  allowed_countries: Nullable(
    Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), {
      minItems: 1,
      maxItems: 250,
      description: 'ISO 3166-1 alpha-2 codes sessions may come from (an unknown country is not allowed); null: anywhere',
    }),
  ),
};

export const PolicyBody = Type.Object(PolicyRules, { additionalProperties: false, $id: 'WorkspacePolicyBody' });

export const PolicyAnswer = Type.Object(
  {
    ...PolicyRules,
    updated_at: Nullable(Type.String({ format: 'date-time', description: 'Null: never set (every rule off)' })),
    updated_by: Nullable(Type.String()),
  },
  { $id: 'WorkspacePolicy' },
);

export const PolicySetAnswer = Type.Object(
  {
    policy: PolicyAnswer,
    ended: Type.Integer({ minimum: 0, description: 'Member sessions that broke the new policy and ended now (reason `policy`)' }),
  },
  { $id: 'WorkspacePolicySet' },
);

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / SECOND));

export function policyView(view: PolicyView): Static<typeof PolicyAnswer> {
  const { policy } = view;
  return {
    max_lifetime_seconds: seconds(policy.maxLifetimeMs),
    idle_timeout_seconds: seconds(policy.idleTimeoutMs),
    max_sessions: policy.maxSessions,
    mfa_required: policy.mfaRequired,
    trusted_device_apps: policy.trustedDeviceApps,
    allowed_countries: policy.allowedCountries,
    updated_at: view.updatedAt === 0 ? null : iso(view.updatedAt),
    updated_by: view.updatedBy === '' ? null : view.updatedBy,
  };
}

export function policyFromBody(body: Static<typeof PolicyBody>): WorkspacePolicy {
  const ms = (s: number | null) => (s === null ? null : s * SECOND);
  return {
    maxLifetimeMs: ms(body.max_lifetime_seconds),
    idleTimeoutMs: ms(body.idle_timeout_seconds),
    maxSessions: body.max_sessions,
    mfaRequired: body.mfa_required,
    trustedDeviceApps: body.trusted_device_apps,
    allowedCountries: body.allowed_countries,
  };
}

export function policyRoutes({ registry, cookies, metrics }: HttpContext): FastifyPluginAsyncTypebox {
  const { policies } = registry;

  return async (app) => {
    app.addHook('onRequest', requireSessionOrWorkspaceKey(registry, cookies, metrics));
    app.addHook('preHandler', holdUntilPasswordChange);

    app.get(
      '/admin/workspaces/:ws/policy',
      {
        schema: {
          tags: TAGS,
          operationId: 'getWorkspacePolicy',
          summary: 'The session policy the workspace holds its members’ sessions to (any member may read it)',
          security: SECURITY.session,
          params: WorkspaceParams,
          querystring: NoQuery,
          response: responses({ 200: PolicyAnswer }),
        },
      },
      async (request) => policyView(await policies.get(callerOf(request), request.params.ws)),
    );

    app.put(
      '/admin/workspaces/:ws/policy',
      {
        schema: {
          tags: TAGS,
          operationId: 'setWorkspacePolicy',
          summary: 'Set the session policy; member sessions that break it end now, the rest on their next request',
          security: SECURITY.session,
          params: WorkspaceParams,
          querystring: NoQuery,
          body: PolicyBody,
          response: responses({ 200: PolicySetAnswer }),
        },
      },
      async (request) => {
        await requireRecentAuth(request, registry);
        const { policy, ended } = await policies.set(callerOf(request), request.params.ws, policyFromBody(request.body));
        return { policy: policyView(policy), ended };
      },
    );
  };
}
