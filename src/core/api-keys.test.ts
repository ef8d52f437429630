/**
 * Workspace API keys on real parts (in-memory SQLite, the real use cases): the one scope table,
 * a key acting through the one `Workspaces.authorize` with at most its creator's rights, what
 * verification refuses, and offboarding revoking the member's keys.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY_LENGTH, API_KEY_SCOPES, keyMayTake, looksLikeApiKey, type ApiKeyCaller, type ApiKeyScope } from './api-keys.js';
import { SessiondError } from './errors.js';
import { MAX_TOKEN_LENGTH } from './token.js';
import type { Actor } from './security-events.js';
import type { WorkspaceAction, WorkspaceCaller, WorkspaceRole } from './workspaces.js';
import { PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;
const OPERATOR: Actor = { kind: 'admin', adminId: null, ip: null };

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

async function person(): Promise<WorkspaceCaller & { email: string }> {
  const email = `key-person-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  return { userId: user.id, email, ip: '198.51.100.7', userAgent: 'curl/8', requestId: `req-${n}` };
}

async function join(owner: WorkspaceCaller, workspaceId: string, role: WorkspaceRole) {
  const p = await person();
  await u.workspaces.invite(owner, workspaceId, p.email, role);
  await u.idle();
  const mail = u.mail.filter((m) => m.to === p.email).at(-1);
  const token = decodeURIComponent(/workspaces\/join\?token=([^\s&"]+)/.exec(mail!.text)![1]!);
  await u.workspaces.accept(p, token);
  return p;
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SessiondError) return err.code;
    throw err;
  }
  return 'ok';
}

/** The request a verified key makes, as the HTTP layer builds it. */
function asKey(key: ApiKeyCaller): WorkspaceCaller {
  return { userId: key.createdBy, key, ip: '203.0.113.9', userAgent: 'bot/1', requestId: 'req-key' };
}

const ALL_ACTIONS: WorkspaceAction[] = [
  'view_workspace',
  'view_members',
  'invite_members',
  'assign_admin_roles',
  'manage_sessions',
  'offboard_members',
  'view_audit',
  'respond_to_incidents',
  'set_incident_threshold',
  'approve_incidents',
  'manage_api_keys',
  'view_overview',
];

describe('the scope table', () => {
  it('maps each scope onto the actions it allows', () => {
    const table = Object.fromEntries(API_KEY_SCOPES.map((scope) => [scope, ALL_ACTIONS.filter((a) => keyMayTake([scope], a))]));
    expect(table).toEqual({
      'members:read': ['view_workspace', 'view_members'],
      'members:write': ['invite_members', 'offboard_members'],
      'sessions:write': ['manage_sessions'],
      'incidents:write': ['respond_to_incidents'],
      'audit:read': ['view_audit', 'view_overview'],
    });
  });

  it('never lets a key name admins, set the threshold, approve an incident or manage keys, whatever its scopes', () => {
    const every: ApiKeyScope[] = [...API_KEY_SCOPES];
    expect(ALL_ACTIONS.filter((a) => !keyMayTake(every, a))).toEqual([
      'assign_admin_roles',
      'set_incident_threshold',
      'approve_incidents',
      'manage_api_keys',
    ]);
    expect(ALL_ACTIONS.filter((a) => keyMayTake([], a))).toEqual([]);
  });

  it('tells a key from a session token by its shape', () => {
    const session = `${'A'.repeat(22)}.${'B'.repeat(43)}`;
    expect(session).toHaveLength(MAX_TOKEN_LENGTH);
    expect(looksLikeApiKey(session)).toBe(false);
    expect(looksLikeApiKey(`swk_${session}`)).toBe(true);
    expect(`swk_${session}`).toHaveLength(API_KEY_LENGTH);
    // A session token whose random id happens to begin with "swk_" is still a session token.
    expect(looksLikeApiKey(`swk_${session.slice(4)}`)).toBe(false);
    expect(looksLikeApiKey(`swk_${session}x`)).toBe(false);
  });
});

describe('keys', () => {
  it('are made by owners only, shown once, stored hashed, and verified in constant shape', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner, 'Acme');
    const admin = await join(owner, ws.id, 'security_admin');
    expect(await code(u.apiKeys.create(admin, ws.id, { name: 'bot', scopes: ['audit:read'] }))).toBe('forbidden');
    const outsider = await person();
    expect(await code(u.apiKeys.create(outsider, ws.id, { name: 'bot', scopes: ['audit:read'] }))).toBe('not_found');

    const { key, token } = await u.apiKeys.create(owner, ws.id, { name: '  deploy bot ', scopes: ['audit:read', 'members:read'] });
    expect(token).toMatch(/^swk_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'deploy bot', scopes: ['members:read', 'audit:read'], createdBy: owner.userId, lastUsedAt: null });
    expect(key.expiresAt - key.createdAt).toBe(90 * 86_400_000);
    const secret = token.split('.')[1]!;
    expect(key.secretHash).not.toContain(secret);
    expect((await u.apiKeys.list(owner, ws.id)).map((l) => l.key)).toEqual([key]);

    expect(await u.apiKeys.verify(token)).toEqual({ id: key.id, workspaceId: ws.id, scopes: key.scopes, createdBy: owner.userId });
    expect(await u.apiKeys.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await u.apiKeys.verify(token.slice(4))).toBeNull();
    expect(await u.apiKeys.verify('swk_nonsense')).toBeNull();

    const audit = await u.workspaces.audit(owner, ws.id, null, 1);
    expect(audit[0]).toMatchObject({
      action: 'api_key.created',
      actorId: owner.userId,
      targetKind: 'api_key',
      targetId: key.id,
      details: { name: 'deploy bot', scopes: 'members:read audit:read', expires_in_days: 90 },
    });
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('refuse bad names, unknown or no scopes, and expiries outside 1 to 365 days', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner, 'Acme');
    for (const input of [
      { name: '   ', scopes: ['audit:read'] },
      { name: 'x'.repeat(101), scopes: ['audit:read'] },
      { name: 'bot', scopes: [] },
      { name: 'bot', scopes: ['audit:write'] },
      { name: 'bot', scopes: ['audit:read'], expiresInDays: 0 },
      { name: 'bot', scopes: ['audit:read'], expiresInDays: 366 },
      { name: 'bot', scopes: ['audit:read'], expiresInDays: 1.5 },
    ])
      expect(await code(u.apiKeys.create(owner, ws.id, input)), JSON.stringify(input)).toBe('invalid_request');
    expect(await u.apiKeys.list(owner, ws.id)).toEqual([]);
  });

  it('act through authorize: own workspace only, within their scopes and their creator’s current role', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner, 'Acme');
    const second = await join(owner, ws.id, 'owner');
    const other = await u.workspaces.create(owner, 'Elsewhere');
    const { token } = await u.apiKeys.create(second, ws.id, { name: 'bot', scopes: ['members:read', 'incidents:write'] });
    const key = asKey((await u.apiKeys.verify(token))!);

    expect(await code(u.workspaces.members(key, ws.id))).toBe('ok');
    expect(await code(u.workspaces.audit(key, ws.id, null, 10))).toBe('forbidden');
    expect(await code(u.workspaces.authorize(key, ws.id, 'approve_incidents'))).toBe('forbidden');
    expect(await code(u.workspaces.authorize(key, ws.id, 'manage_api_keys'))).toBe('forbidden');
    // The creator (an owner) may act in the other workspace; their key may not: it is an outsider there.
    expect(await code(u.workspaces.members(key, other.id))).toBe('not_found');
    expect(await code(u.incidents.threshold(key, ws.id))).toBe('ok');
    expect(await code(u.incidents.setThreshold(key, ws.id, 5))).toBe('forbidden');

    // Demoted to member: the key keeps only what a member may do.
    await u.workspaces.changeRole(owner, ws.id, second.userId, 'member');
    expect(await code(u.workspaces.members(key, ws.id))).toBe('forbidden');
    expect(await code(u.workspaces.authorize(key, ws.id, 'view_workspace'))).toBe('ok');
  });

  it('name the key in the audit entries of what they do, with the creator as the actor', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner, 'Acme');
    const plain = await join(owner, ws.id, 'member');
    const { key: made, token } = await u.apiKeys.create(owner, ws.id, { name: 'bot', scopes: ['sessions:write'] });
    const key = asKey((await u.apiKeys.verify(token))!);
    await u.workspaces.endMemberSessions(key, ws.id, plain.userId);
    expect((await u.workspaces.audit(owner, ws.id, null, 1))[0]).toMatchObject({
      action: 'sessions.revoked',
      actorId: owner.userId,
      ip: '203.0.113.9',
      details: { count: 0, key: made.id },
    });
  });

  it('are refused once expired, revoked, or their creator’s account is disabled; a use is written at most once a minute', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner, 'Acme');
    const { key, token } = await u.apiKeys.create(owner, ws.id, { name: 'bot', scopes: ['audit:read'], expiresInDays: 1 });
    const start = u.clock.now();
    const lastUse = async () => (await u.apiKeys.list(owner, ws.id))[0]!.key.lastUsedAt;
    expect(await u.apiKeys.verify(token)).not.toBeNull();
    expect(await lastUse()).toBe(start);
    u.clock.advance(30_000);
    expect(await u.apiKeys.verify(token)).not.toBeNull();
    expect(await lastUse()).toBe(start);
    u.clock.advance(30_000);
    expect(await u.apiKeys.verify(token)).not.toBeNull();
    expect(await lastUse()).toBe(start + 60_000);

    await u.accounts.disable(owner.userId, OPERATOR);
    expect(await u.apiKeys.verify(token)).toBeNull();
    await u.accounts.enable(owner.userId, OPERATOR);
    expect(await u.apiKeys.verify(token)).not.toBeNull();

    u.clock.set(key.expiresAt);
    expect(await u.apiKeys.verify(token)).toBeNull();

    u.clock.set(start);
    const second = await u.apiKeys.create(owner, ws.id, { name: 'bot 2', scopes: ['audit:read'] });
    await u.apiKeys.revoke(owner, ws.id, second.key.id);
    expect(await u.apiKeys.verify(second.token)).toBeNull();
    expect(await code(u.apiKeys.revoke(owner, ws.id, second.key.id))).toBe('not_found');
    expect((await u.workspaces.audit(owner, ws.id, null, 1))[0]).toMatchObject({
      action: 'api_key.revoked',
      targetId: second.key.id,
      details: { name: 'bot 2' },
    });
  });

  it('are revoked when their creator is offboarded', async () => {
    const owner = await person();
    const ws = await u.workspaces.create(owner, 'Acme');
    const leaver = await join(owner, ws.id, 'owner');
    const mine = await u.apiKeys.create(owner, ws.id, { name: 'mine', scopes: ['audit:read'] });
    const theirs = [
      await u.apiKeys.create(leaver, ws.id, { name: 'a', scopes: ['audit:read'] }),
      await u.apiKeys.create(leaver, ws.id, { name: 'b', scopes: ['members:read'] }),
    ];
    const result = await u.workspaces.offboard(owner, ws.id, leaver.userId);
    expect(result).toMatchObject({ keysRevoked: 2, membershipDisabled: true });
    for (const k of theirs) expect(await u.apiKeys.verify(k.token)).toBeNull();
    expect(await u.apiKeys.verify(mine.token)).not.toBeNull();
  });
});
