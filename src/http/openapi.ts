/**
 * The parts of the OpenAPI document (`GET /openapi.json`) that are not route schemas: info,
 * servers, tags, the security schemes, and the requirements each route names in its `security`.
 * Generated clients (the web's api-types.ts among them) take their names from `operationId`.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import type { CookiePolicy } from './cookies.js';
import { ErrorResponse } from './schemas.js';
import { acceptsWorkspaceKey } from './plugins/workspace-key.js';

/** One way to authenticate: a scheme name and its scopes (none here). */
type SecurityRequirement = Record<string, string[]>;

/** The `security` of a route, by who may call it. Either scheme of a list is enough: they are alternatives. */
export const SECURITY: Record<'public' | 'session' | 'serviceKey', SecurityRequirement[]> = {
  /** Reachable without credentials (sign-in, password reset, health checks). */
  public: [],
  /** The caller's own session: the browser's cookie, or the token of a native or CLI client. */
  session: [{ cookie: [] }, { bearer: [] }],
  /** Other services: a service key, never a user's session. */
  serviceKey: [{ serviceKey: [] }],
};

export function openApiOptions(publicUrl: string, cookies: CookiePolicy): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sessiond',
        version: '0.1.0',
        description: 'Session authority: sign-in, Active sessions, revocation, introspection.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: publicUrl, description: 'This deployment (its public URL)' }],
      tags: [
        { name: 'auth', description: 'Sign up, sign in (with a second step when MFA is on), sign out, password reset, "This wasn\'t me".' },
        { name: 'me', description: "The caller's own sessions, password and security timeline." },
        { name: 'mfa', description: 'Two-step verification, recovery codes and trusted devices.' },
        { name: 'passkeys', description: "The caller's passkeys (WebAuthn): add, rename, remove, re-authenticate." },
        { name: 'workspaces', description: "The caller's workspaces, and joining one by an invitation link." },
        {
          name: 'admin',
          description: "Workspace admins: members, invitations, the security owner, members' sessions, offboarding and the audit log.",
        },
        { name: 'introspection', description: 'For other services, with a service key: token introspection and the revocation stream.' },
        { name: 'ops', description: 'Liveness, readiness and Prometheus metrics.' },
        { name: 'ui', description: 'What the web pages take from configuration.' },
      ],
      components: {
        securitySchemes: {
          cookie: { type: 'apiKey', in: 'cookie', name: cookies.session, description: 'The HttpOnly session cookie set by sign-in.' },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A session token from `POST /v1/auth/sign-in` with `"transport": "bearer"` (native and CLI clients).',
          },
          workspaceKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A workspace API key (`swk_…`, made by an owner with `POST /v1/admin/workspaces/{ws}/keys`): on that workspace’s routes only, for what its scopes and its creator’s role allow.',
          },
          serviceKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'A service key from `sessiond service-keys create`; session tokens are refused here.',
          },
        },
      },
    },
    // Schemas with an `$id` (User, Session, SecurityEvent) become components named by it, so
    // clients get `components['schemas']['Session']` rather than `def-2`.
    transform: ({ schema, url }) => ({ schema: withWorkspaceKey(referenceErrorEnvelope(schema), url), url }),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  };
}

/** A workspace's routes also take its API key (plugins/workspace-key.ts decides which, by the same test). */
function withWorkspaceKey(schema: FastifySchema, url: string): FastifySchema {
  const security = (schema as { security?: SecurityRequirement[] }).security;
  if (!acceptsWorkspaceKey(url) || security === undefined) return schema;
  return { ...schema, security: [...security, { workspaceKey: [] }] } as FastifySchema;
}

/**
 * Every error answer is the one envelope; the document says so once, as the `Error` component
 * (registered with `app.addSchema`), instead of spelling it out in each of ~60 answers. Only the
 * document changes: the route keeps its schema for serialisation.
 */
function referenceErrorEnvelope(schema: FastifySchema): FastifySchema {
  const response = schema.response as Record<string, unknown> | undefined;
  if (response === undefined) return schema;
  const answers = Object.entries(response).map(([status, answer]) => [
    status,
    answer === ErrorResponse ? { $ref: 'Error#', description: describeError(status) } : answer,
  ]);
  return { ...schema, response: Object.fromEntries(answers) };
}

function describeError(status: string): string {
  if (status.startsWith('4')) return 'Refused: the error envelope, with a snake_case `code` (docs/errors.md lists them)';
  if (status === '503') return 'Unavailable for now: the error envelope; try again after Retry-After';
  return 'Failed: the error envelope';
}
