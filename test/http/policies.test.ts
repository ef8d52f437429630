/**
 * Workspace session policies over HTTP, on two nodes sharing PostgreSQL (LISTEN/NOTIFY carries
 * revocations and policy changes): an owner sets a policy through node A; a member's session,
 * warm in node B's cache, is held to it on its next request through node B, ends with reason
 * `policy`, and the 401 says which policy. Also: who may read and set a policy, recent
 * authentication, bad input, and the audit entry.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { POLICY_ENDED_MESSAGES } from '../../src/http/plugins/authenticate.js';
import { POLICY_SETUP_GRACE_MS } from '../../src/core/workspace-policy.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { harness, IP, ORIGIN, type Harness } from '../support/harness.js';

let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const MIN = 60;
const OFF = {
  max_lifetime_seconds: null,
  idle_timeout_seconds: null,
  max_sessions: null,
  mfa_required: false,
  trusted_device_apps: [],
  allowed_countries: null,
};

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: message ?? expect.any(String) } });
}

/** Polls `check` until it holds or the deadline passes: the other node hears the change over the bus. */
async function eventually(check: () => Promise<boolean>, deadlineMs = 2_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('workspace session policies over HTTP, on two nodes (postgres)', () => {
  let h: Harness;
  let nodeB: { registry: Registry; app: FastifyInstance };
  const mails: { to: string; text: string }[] = [];

  beforeAll(async () => {
    h = await harness('postgres', { publicUrl: ORIGIN, signInIpLimit: '100000/1m' });
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const registry = await createRegistry(h.registry.config, {
      clock: h.clock,
      argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      logStream: quiet,
      migrate: false,
    });
    const app = await buildApp(registry, { logStream: quiet });
    await app.ready();
    nodeB = { registry, app };
    const mailer = h.registry.mailer;
    const send = mailer.send.bind(mailer);
    vi.spyOn(mailer, 'send').mockImplementation(async (mail) => {
      mails.push({ to: mail.to, text: mail.text });
      await send(mail);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await nodeB?.app.close();
    await nodeB?.registry.close();
    await h?.registry.signals.idle();
    await h?.close();
  });

  const onA = (token: string | null, o: InjectOptions) =>
    h.request({ ...o, headers: { ...(token ? bearer(token) : {}), ...(o.headers ?? {}) } });
  const onB = (token: string, o: InjectOptions) => nodeB.app.inject({ ...o, headers: { ...bearer(token), ...(o.headers ?? {}) } });
  const meOnB = (token: string) => onB(token, { method: 'GET', url: '/v1/me/session' });

  async function person(tag: string, ip?: string) {
    const address = email(tag);
    expect((await h.signUp(address)).statusCode).toBe(201);
    const token = await h.bearerSignIn(address, ip ? { ip } : {});
    return { email: address, token };
  }

  /** A workspace with an owner and a member who joined through the invitation mail. */
  async function workspace() {
    const owner = await person('owner');
    const created = await onA(owner.token, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Acme' } });
    expect(created.statusCode, created.body).toBe(201);
    const ws = created.json().workspace.id as string;
    const member = await person('member');
    const invited = await onA(owner.token, {
      method: 'POST',
      url: `/v1/admin/workspaces/${ws}/invitations`,
      payload: { email: member.email, role: 'member' },
    });
    expect(invited.statusCode, invited.body).toBe(202);
    await h.registry.signals.idle();
    const mail = mails.findLast((m) => m.to === member.email)!;
    const token = decodeURIComponent(/\/workspaces\/join\?token=([A-Za-z0-9._%-]+)/.exec(mail.text)![1]!);
    const joined = await onA(member.token, { method: 'POST', url: '/v1/me/workspaces/join', payload: { token } });
    expect(joined.statusCode, joined.body).toBe(200);
    return { ws, owner, member };
  }

  const setPolicy = (token: string, ws: string, body: Record<string, unknown>) =>
    onA(token, { method: 'PUT', url: `/v1/admin/workspaces/${ws}/policy`, payload: { ...OFF, ...body } });

  /** The member's session is warm in node B's cache, and B has read their (empty) policies. */
  async function warmOnB(token: string) {
    for (let i = 0; i < 2; i++) expect((await meOnB(token)).statusCode).toBe(200);
  }

  async function refusedOnBFor(token: string, rule: keyof typeof POLICY_ENDED_MESSAGES) {
    let last: LightMyRequestResponse | null = null;
    const ok = await eventually(async () => {
      last = await meOnB(token);
      return last.statusCode === 401;
    });
    expect(ok, last ? (last as LightMyRequestResponse).body : 'no answer').toBe(true);
    expectError(last!, 401, 'unauthenticated', POLICY_ENDED_MESSAGES[rule]);
    // Node A, which never cached it, says the same.
    expectError(await onA(token, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated', POLICY_ENDED_MESSAGES[rule]);
  }

  it('shows every rule off until one is set; members may read it', async () => {
    const { ws, member } = await workspace();
    const res = await onA(member.token, { method: 'GET', url: `/v1/admin/workspaces/${ws}/policy` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...OFF, updated_at: null, updated_by: null });
  });

  it('allowed countries: a member session from elsewhere ends at its next request on the other node', async () => {
    const { ws, owner, member } = await workspace();
    await warmOnB(member.token);
    // Both signed in from Mountain View (US). An owner cannot allow only countries none of their
    // own sessions is in; signed in from London as well, they can.
    expectError(await setPolicy(owner.token, ws, { allowed_countries: ['GB'] }), 400, 'invalid_request');
    expect((await meOnB(member.token)).statusCode).toBe(200);
    const ownerInLondon = await h.bearerSignIn(owner.email, { ip: IP.london });
    const res = await setPolicy(ownerInLondon, ws, { allowed_countries: ['GB'] });
    expect(res.statusCode, res.body).toBe(200);
    // The member's session and the owner's own US one.
    expect(res.json().ended).toBe(2);
    expect(res.json().policy).toMatchObject({ allowed_countries: ['GB'], updated_at: expect.any(String) });
    await refusedOnBFor(member.token, 'allowed_countries');
    // A member signing in from London is fine.
    const london = await h.bearerSignIn(member.email, { ip: IP.london });
    expect((await meOnB(london)).statusCode).toBe(200);
  });

  it('idle timeout and lifetime: node B ends the session when the time comes', async () => {
    const { ws, owner, member } = await workspace();
    const owner2 = await h.bearerSignIn(owner.email);
    await warmOnB(member.token);
    expect((await setPolicy(owner2, ws, { idle_timeout_seconds: 30 * MIN, max_lifetime_seconds: 120 * MIN })).statusCode).toBe(200);
    h.clock.advance(29 * MIN * 1000);
    expect((await meOnB(member.token)).statusCode).toBe(200);
    h.clock.advance(31 * MIN * 1000);
    await refusedOnBFor(member.token, 'idle_timeout');
    // The member's timeline says a policy ended it, and which rule.
    const fresh0 = await h.bearerSignIn(member.email);
    await h.registry.signals.idle();
    const timeline = await onA(fresh0, { method: 'GET', url: '/v1/me/security-events' });
    const ended = timeline.json().events.find((e: { reason: string | null }) => e.reason === 'policy');
    expect(ended).toMatchObject({ session_id: member.token.split('.')[0], actor: { kind: 'policy', policy: 'idle_timeout' } });
    const fresh = await h.bearerSignIn(member.email);
    // In use every 25 minutes: never idle, but 120 minutes after sign-in it ends.
    for (let i = 0; i < 4; i++) {
      h.clock.advance(25 * MIN * 1000);
      expect((await meOnB(fresh)).statusCode).toBe(200);
    }
    h.clock.advance(20 * MIN * 1000);
    await refusedOnBFor(fresh, 'max_lifetime');
  });

  it('MFA required: a password-only session has the setup grace, then ends on the other node', async () => {
    const { ws, owner, member } = await workspace();
    await warmOnB(member.token);
    const res = await setPolicy(owner.token, ws, { mfa_required: true });
    expect(res.json().ended).toBe(0);
    expect((await meOnB(member.token)).statusCode).toBe(200);
    h.clock.advance(POLICY_SETUP_GRACE_MS);
    await refusedOnBFor(member.token, 'mfa_required');
  });

  it('trusted device for an app: only that app’s untrusted sessions end', async () => {
    const { ws, owner, member } = await workspace();
    const desktop = await h.bearerSignIn(member.email, { clientId: 'desktop' });
    await warmOnB(desktop);
    await warmOnB(member.token);
    expect((await setPolicy(owner.token, ws, { trusted_device_apps: ['desktop'] })).statusCode).toBe(200);
    h.clock.advance(POLICY_SETUP_GRACE_MS);
    await refusedOnBFor(desktop, 'trusted_device');
    expect((await meOnB(member.token)).statusCode).toBe(200);
  });

  it('session limit: a new sign-in ends the oldest, which node B then refuses', async () => {
    const { ws, owner, member } = await workspace();
    await warmOnB(member.token);
    expect((await setPolicy(owner.token, ws, { max_sessions: 1 })).statusCode).toBe(200);
    h.clock.advance(1000);
    const second = await h.bearerSignIn(member.email);
    await refusedOnBFor(member.token, 'max_sessions');
    expect((await meOnB(second)).statusCode).toBe(200);
  });

  it('is set by admins only, with a recent authentication, and audited', async () => {
    const { ws, owner, member } = await workspace();
    expectError(await setPolicy(member.token, ws, { max_sessions: 5 }), 403, 'forbidden');
    const outsider = await person('outsider');
    expectError(await setPolicy(outsider.token, ws, { max_sessions: 5 }), 404, 'not_found');
    expectError(await onA(outsider.token, { method: 'GET', url: `/v1/admin/workspaces/${ws}/policy` }), 404, 'not_found');
    expectError(await setPolicy('', ws, {}), 401, 'unauthenticated');
    h.clock.advance(11 * MIN * 1000);
    expectError(await setPolicy(owner.token, ws, { max_sessions: 5 }), 403, 'reauth_required');
    const fresh = await h.bearerSignIn(owner.email);
    expect((await setPolicy(fresh, ws, { max_sessions: 5 })).statusCode).toBe(200);
    const audit = await onA(fresh, { method: 'GET', url: `/v1/admin/workspaces/${ws}/audit` });
    const entry = audit.json().entries.find((e: { action: string }) => e.action === 'policy.changed');
    expect(entry).toMatchObject({ action: 'policy.changed', details: { max_sessions: 5, changed: 'max_sessions' } });
  });

  it('answers bad policies with 400 in the error envelope and keeps the old one', async () => {
    const { ws, owner } = await workspace();
    expect((await setPolicy(owner.token, ws, { max_sessions: 3 })).statusCode).toBe(200);
    for (const bad of [
      { idle_timeout_seconds: 10 },
      { max_lifetime_seconds: 400 * 86_400 },
      { max_sessions: 0 },
      { trusted_device_apps: ['toaster'] },
      { allowed_countries: [] },
      { allowed_countries: ['gb'] },
      { mfa_required: 'yes' },
      { surprise: true },
    ])
      expectError(await setPolicy(owner.token, ws, bad), 400, 'invalid_request');
    expectError(await onA(owner.token, { method: 'PUT', url: `/v1/admin/workspaces/${ws}/policy`, payload: {} }), 400, 'invalid_request');
    const res = await onA(owner.token, { method: 'GET', url: `/v1/admin/workspaces/${ws}/policy` });
    expect(res.json().max_sessions).toBe(3);
  });
});
