/**
 * Workspace session policies on real parts (in-memory SQLite, the real use cases): a member's
 * session that breaks a policy ends at its next validation with reason `policy` and the rule;
 * setting a policy ends what breaks it at once, is for admins only and is audited; the session
 * limit ends the oldest sign-ins; a policy change reaches a second node's cache through the bus.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessiondError } from './errors.js';
import { Policies } from './policies.js';
import { NO_POLICY, POLICY_SETUP_GRACE_MS, type WorkspacePolicy } from './workspace-policy.js';
import type { WorkspaceCaller, WorkspaceRole } from './workspaces.js';
import { CLIENTS, context, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;
const MIN = 60_000;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

interface Person {
  id: string;
  email: string;
  caller: WorkspaceCaller & { email: string };
}

async function person(): Promise<Person> {
  const email = `policy-${++n}@example.com`;
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  return { id: user.id, email, caller: { userId: user.id, email, ip: '198.51.100.7', userAgent: 'curl/8', requestId: `req-${n}` } };
}

async function signIn(p: Person, clientId = 'web', device = `device-cookie-${String(n).padStart(10, '0')}`) {
  const issued = await u.signIn.withPassword(
    { email: p.email, password: PASSWORD, clientId, transport: 'cookie', device: null },
    context({ deviceId: device }),
  );
  if (issued.kind !== 'session') throw new Error('no session');
  return issued;
}

async function join(owner: Person, workspaceId: string, role: WorkspaceRole = 'member'): Promise<Person> {
  const p = await person();
  await u.workspaces.invite(owner.caller, workspaceId, p.email, role);
  await u.idle();
  const mail = u.mail.filter((m) => m.to === p.email).at(-1);
  const token = decodeURIComponent(/workspaces\/join\?token=([^\s&"]+)/.exec(mail!.text)![1]!);
  await u.workspaces.accept(p.caller, token);
  return p;
}

async function setup() {
  const owner = await person();
  const workspace = await u.workspaces.create(owner.caller, 'Acme');
  const member = await join(owner, workspace.id);
  return { owner, ws: workspace.id, member };
}

const policy = (p: Partial<WorkspacePolicy>): WorkspacePolicy => ({ ...NO_POLICY, ...p });

async function ended(sessionId: string) {
  const found = await u.store.findSession(sessionId);
  return found && { reason: found.session.revokeReason, detail: found.session.revokeDetail ?? null };
}

describe('enforcement at validation', () => {
  it('ends an idle member session on its next request with reason `policy`, and says which rule', async () => {
    const { owner, ws, member } = await setup();
    const { token, session } = await signIn(member);
    await u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 30 * MIN }));
    u.clock.advance(29 * MIN);
    expect(await u.sessions.validateSessionToken(token)).not.toBeNull();
    u.clock.advance(30 * MIN);
    expect(await u.sessions.validateSessionToken(token)).toBeNull();
    expect(await ended(session.id)).toEqual({ reason: 'policy', detail: 'idle_timeout' });
    expect(await u.sessions.revokedReason(token)).toEqual({ reason: 'policy', detail: 'idle_timeout' });
    const record = u.events.find((e) => e.type === 'session_ended' && e.session.id === session.id);
    expect(record).toMatchObject({ reason: 'policy', actor: { kind: 'policy', policy: 'idle_timeout' } });
  });

  it('ends a session at the workspace’s lifetime though it is in use', async () => {
    const { owner, ws, member } = await setup();
    const { token } = await signIn(member);
    await u.policies.set(owner.caller, ws, policy({ maxLifetimeMs: 60 * MIN }));
    for (let i = 0; i < 5; i++) {
      u.clock.advance(11 * MIN);
      expect(await u.sessions.validateSessionToken(token)).not.toBeNull();
    }
    u.clock.advance(6 * MIN);
    expect(await u.sessions.validateSessionToken(token)).toBeNull();
    expect(await u.sessions.revokedReason(token)).toEqual({ reason: 'policy', detail: 'max_lifetime' });
  });

  it('gives a session without a second factor the setup grace when MFA is required, then ends it', async () => {
    const { owner, ws, member } = await setup();
    const { token } = await signIn(member);
    await u.policies.set(owner.caller, ws, policy({ mfaRequired: true }));
    expect(await u.sessions.validateSessionToken(token)).not.toBeNull();
    u.clock.advance(POLICY_SETUP_GRACE_MS);
    expect(await u.sessions.validateSessionToken(token)).toBeNull();
    expect(await u.sessions.revokedReason(token)).toEqual({ reason: 'policy', detail: 'mfa_required' });
  });

  it('requires a trusted device for the chosen app only', async () => {
    const { owner, ws, member } = await setup();
    const desktop = await signIn(member, 'desktop');
    const web = await signIn(member, 'web', 'device-cookie-other00001');
    await u.policies.set(owner.caller, ws, policy({ trustedDeviceApps: ['desktop'] }));
    u.clock.advance(POLICY_SETUP_GRACE_MS);
    expect(await u.sessions.validateSessionToken(web.token)).not.toBeNull();
    expect(await u.sessions.validateSessionToken(desktop.token)).toBeNull();
    expect(await u.sessions.revokedReason(desktop.token)).toEqual({ reason: 'policy', detail: 'trusted_device' });
  });

  it('leaves people outside the workspace, and members of none, alone', async () => {
    const { owner, ws } = await setup();
    const outsider = await person();
    const { token } = await signIn(outsider);
    await u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 30 * MIN }));
    u.clock.advance(31 * MIN);
    expect(await u.sessions.validateSessionToken(token)).not.toBeNull();
  });

  it('stops applying to an offboarded member, and starts applying to one who joins', async () => {
    const { owner, ws } = await setup();
    await u.policies.set(owner.caller, ws, policy({ allowedCountries: ['US'] }));
    const newcomer = await person();
    const { token } = await signIn(newcomer);
    expect(await u.sessions.validateSessionToken(token)).not.toBeNull();
    await u.workspaces.invite(owner.caller, ws, newcomer.email, 'member');
    await u.idle();
    const mail = u.mail.filter((m) => m.to === newcomer.email).at(-1)!;
    await u.workspaces.accept(newcomer.caller, decodeURIComponent(/token=([^\s&"]+)/.exec(mail.text)![1]!));
    // Signed in from London; the workspace allows only the US: the next request ends it.
    expect(await u.sessions.validateSessionToken(token)).toBeNull();
    expect(await u.sessions.revokedReason(token)).toEqual({ reason: 'policy', detail: 'allowed_countries' });
  });
});

describe('setting a policy', () => {
  it('ends at once every member session that breaks it, and counts them', async () => {
    const { owner, ws, member } = await setup();
    const a = await signIn(member);
    const other = await join(owner, ws);
    const b = await signIn(other);
    // Both members signed in from London; the owner acts without a session (as the CLI does).
    const result = await u.policies.set(owner.caller, ws, policy({ allowedCountries: ['US'] }));
    expect(result.ended).toBe(2);
    expect(await ended(a.session.id)).toEqual({ reason: 'policy', detail: 'allowed_countries' });
    expect(await ended(b.session.id)).toEqual({ reason: 'policy', detail: 'allowed_countries' });
  });

  it('will not shut out the admin who sets it: a country list none of their sessions is in is refused', async () => {
    const { owner, ws, member } = await setup();
    await signIn(owner);
    const theirs = await signIn(member);
    await expect(u.policies.set(owner.caller, ws, policy({ allowedCountries: ['US'] }))).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/would sign you out/),
    });
    expect(await u.policyStore.findPolicy(ws)).toBeNull();
    expect(await ended(theirs.session.id)).toEqual({ reason: null, detail: null });
    expect((await u.policies.set(owner.caller, ws, policy({ allowedCountries: ['GB', 'US'] }))).ended).toBe(0);
  });

  it('is for security admins and owners; members read it, outsiders learn nothing', async () => {
    const { owner, ws, member } = await setup();
    const admin = await join(owner, ws, 'security_admin');
    const outsider = await person();
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof SessiondError ? e.code : 'threw'),
      );
    expect(await code(u.policies.set(member.caller, ws, policy({ maxSessions: 3 })))).toBe('forbidden');
    expect(await code(u.policies.set(outsider.caller, ws, policy({ maxSessions: 3 })))).toBe('not_found');
    expect(await code(u.policies.get(outsider.caller, ws))).toBe('not_found');
    expect(await code(u.policies.set(admin.caller, ws, policy({ maxSessions: 3 })))).toBe('ok');
    expect((await u.policies.get(member.caller, ws)).policy.maxSessions).toBe(3);
  });

  it('is audited with who set it, what it now says and which rules changed', async () => {
    const { owner, ws } = await setup();
    await u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 30 * MIN }));
    await u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 30 * MIN, mfaRequired: true }));
    const entries = (await u.workspaces.audit(owner.caller, ws, null, 10)).filter((e) => e.action === 'policy.changed');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      actorId: owner.id,
      targetId: ws,
      ip: '198.51.100.7',
      details: { idle_timeout_ms: 30 * MIN, mfa_required: true, changed: 'mfa_required' },
    });
    expect(entries[1]!.details.changed).toBe('idle_timeout_ms');
  });

  it('refuses a policy out of bounds and changes nothing', async () => {
    const { owner, ws } = await setup();
    await expect(u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 1000 }))).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await u.policyStore.findPolicy(ws)).toBeNull();
  });
});

describe('the session limit', () => {
  it('ends the oldest sign-ins beyond it, when set and at each new sign-in', async () => {
    const { owner, ws, member } = await setup();
    const first = await signIn(member, 'web', 'device-cookie-limit00001');
    u.clock.advance(MIN);
    const second = await signIn(member, 'web', 'device-cookie-limit00002');
    u.clock.advance(MIN);
    const third = await signIn(member, 'web', 'device-cookie-limit00003');
    await u.policies.set(owner.caller, ws, policy({ maxSessions: 2 }));
    expect(await ended(first.session.id)).toEqual({ reason: 'policy', detail: 'max_sessions' });
    expect(await ended(second.session.id)).toEqual({ reason: null, detail: null });
    u.clock.advance(MIN);
    const fourth = await signIn(member, 'web', 'device-cookie-limit00004');
    expect(await ended(second.session.id)).toEqual({ reason: 'policy', detail: 'max_sessions' });
    expect(await u.sessions.validateSessionToken(third.token)).not.toBeNull();
    expect(await u.sessions.validateSessionToken(fourth.token)).not.toBeNull();
    expect(await u.sessions.revokedReason(second.token)).toEqual({ reason: 'policy', detail: 'max_sessions' });
  });
});

describe('another node', () => {
  it('drops the policies it cached when a policy changes elsewhere, whatever its cache age', async () => {
    const { owner, ws, member } = await setup();
    const { token } = await signIn(member);
    // A second node on the same database and bus, with a cache that would otherwise hold for an hour.
    const nodeB = new Policies({
      store: u.policyStore,
      workspaces: u.workspaces,
      audit: u.workspaceStore,
      revocation: u.revocation,
      sessions: u.sessions,
      bus: u.bus,
      clock: u.clock,
      crypto: (await import('../adapters/crypto/node-crypto.js')).nodeCrypto,
      clientIds: CLIENTS.map((c) => c.id),
      cache: { maxEntries: 100, maxAgeMs: 3_600_000 },
    });
    const found = (await u.sessions.validateSessionToken(token))!;
    expect(await nodeB.screen(found, u.clock.now(), u.clock.now(), true)).toBe(true);
    await u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 30 * MIN }));
    u.clock.advance(31 * MIN);
    expect(await nodeB.screen(found, found.session.lastActiveAt, u.clock.now(), true)).toBe(false);
  });

  it('reads the database on every check while its bus is not live, so a change it never heard of still applies', async () => {
    const { owner, ws, member } = await setup();
    const { token } = await signIn(member);
    // A node whose bus delivers nothing: it must not trust anything it could have cached.
    const deaf = new Policies({
      store: u.policyStore,
      workspaces: u.workspaces,
      audit: u.workspaceStore,
      revocation: u.revocation,
      sessions: u.sessions,
      bus: { subscribe() {} },
      clock: u.clock,
      crypto: (await import('../adapters/crypto/node-crypto.js')).nodeCrypto,
      clientIds: CLIENTS.map((c) => c.id),
      cache: { maxEntries: 100, maxAgeMs: 3_600_000 },
    });
    const found = (await u.sessions.validateSessionToken(token))!;
    expect(await deaf.screen(found, u.clock.now(), u.clock.now(), false)).toBe(true);
    await u.policies.set(owner.caller, ws, policy({ idleTimeoutMs: 30 * MIN }));
    u.clock.advance(31 * MIN);
    expect(await deaf.screen(found, found.session.lastActiveAt, u.clock.now(), false)).toBe(false);
  });
});
