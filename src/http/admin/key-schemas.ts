/**
 * Wire shapes of workspace API keys (core/api-keys.ts). The token appears in one answer only,
 * the one that creates the key; no answer ever carries a secret's hash.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../schemas.js';
import { API_KEY_SCOPES, DEFAULT_API_KEY_DAYS, MAX_API_KEY_DAYS, MAX_API_KEY_NAME, type ApiKeyScope } from '../../core/api-keys.js';
import { ID_PATTERN } from './schemas.js';

const Id = Type.String({ pattern: ID_PATTERN });
const Scope = Type.Unsafe<ApiKeyScope>({ type: 'string', enum: [...API_KEY_SCOPES] });

export const ApiKeyParams = Type.Object({ ws: Id, id: Id }, { additionalProperties: false });

export const CreateApiKeyBody = Type.Object(
  {
    // Core trims and checks the length again.
    name: Type.String({ minLength: 1, maxLength: MAX_API_KEY_NAME }),
    scopes: Type.Array(Scope, {
      minItems: 1,
      maxItems: API_KEY_SCOPES.length,
      uniqueItems: true,
      description:
        'What the key may do, within its creator’s role: `members:read` (the workspace, members, their sessions, reviews), ' +
        '`members:write` (invite as member, offboard), `sessions:write` (end members’ sessions, replace devices, ask for reviews), ' +
        '`incidents:write` (search sessions, dry-run, request, refuse and resume incident operations; never approve), `audit:read` (the audit log, the security overview).',
    }),
    expires_in_days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_API_KEY_DAYS, description: `Every key expires; default ${DEFAULT_API_KEY_DAYS} days` }),
    ),
  },
  { additionalProperties: false },
);

export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Scope),
    created_at: Type.String({ description: 'ISO 8601 UTC' }),
    created_by: Type.String({ description: 'The user id of the owner who made it: the key acts as them, with at most their rights' }),
    created_by_email: Nullable(Type.String()),
    expires_at: Type.String({ description: 'ISO 8601 UTC' }),
    last_used_at: Nullable(Type.String({ description: 'Recorded at most once a minute; null: never used' })),
    revoked_at: Nullable(Type.String()),
  },
  { $id: 'WorkspaceApiKey' },
);

export const ApiKeyList = Type.Object({ keys: Type.Array(ApiKey) });

export const ApiKeyCreated = Type.Object({
  key: ApiKey,
  token: Type.String({
    description: 'Send as `Authorization: Bearer <token>`. Shown this once: only a hash of its secret is kept.',
  }),
});

export type ApiKeyView = Static<typeof ApiKey>;
