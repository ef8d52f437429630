/**
 * Workspace API keys over HTTP (src/http/admin/key-routes.ts, plugins/workspace-key.ts), as an
 * owner and a script holding a key see them: the token shown once and stored hashed, the key
 * working on its workspace's admin routes within its scopes and nowhere else, refused on the very
 * next request once revoked, expired, or its creator offboarded or demoted, its last use shown,
 * and its actions in the audit trail under its creator's name with the key named.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type Connection } from '../../src/adapters/kysely/connect.js';
import type { WorkspaceRole } from '../../src/core/workspaces.js';
import { ENGINES } from '../support/databases.js';
import { harness, ORIGIN, type Harness } from '../support/harness.js';

const DAY = 86_400_000;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

interface Person {
  email: string;
  id: string;
  token: string;
}

for (const engine of ENGINES) {
  describe(`workspace API keys over HTTP (${engine})`, () => {
    let h: Harness;
    let dir: string;
    let observer: Connection;
    const mails: { to: string; text: string }[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'sessiond-api-keys-'));
      h = await harness(engine, { publicUrl: ORIGIN, signInIpLimit: '100000/1m' }, path.join(dir, 'db.sqlite'));
      // A second connection, to read what the database holds as the app wrote it.
      observer = connect(h.database.url);
      const mailer = h.registry.mailer;
      const send = mailer.send.bind(mailer);
      vi.spyOn(mailer, 'send').mockImplementation(async (mail) => {
        mails.push({ to: mail.to, text: mail.text });
        await send(mail);
      });
    });
    afterAll(async () => {
      vi.restoreAllMocks();
      await observer?.db.destroy();
      await h?.registry.signals.idle();
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const as = (credential: string | null, o: InjectOptions) =>
      h.request({ ...o, headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...(o.headers ?? {}) } });

    async function signIn(address: string): Promise<Person> {
      const token = await h.bearerSignIn(address);
      const user = await h.registry.store.findUserByEmailKey(address);
      return { email: address, id: user!.id, token };
    }

    async function person(tag: string): Promise<Person> {
      const address = email(tag);
      expect((await h.signUp(address)).statusCode).toBe(201);
      return signIn(address);
    }

    async function createWorkspace(owner: Person): Promise<string> {
      const res = await as(owner.token, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Acme' } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().workspace.id as string;
    }

    async function join(owner: Person, workspace: string, role: WorkspaceRole): Promise<Person> {
      const p = await person(role);
      const invited = await as(owner.token, {
        method: 'POST',
        url: `/v1/admin/workspaces/${workspace}/invitations`,
        payload: { email: p.email, role },
      });
      expect(invited.statusCode, invited.body).toBe(202);
      await h.registry.signals.idle();
      const match = /\/workspaces\/join\?token=([A-Za-z0-9._%-]+)/.exec(mails.findLast((m) => m.to === p.email)!.text)!;
      const joined = await as(p.token, {
        method: 'POST',
        url: '/v1/me/workspaces/join',
        payload: { token: decodeURIComponent(match[1]!) },
      });
      expect(joined.statusCode, joined.body).toBe(200);
      return p;
    }

    async function makeKey(owner: Person, workspace: string, body: Record<string, unknown>) {
      const res = await as(owner.token, { method: 'POST', url: `/v1/admin/workspaces/${workspace}/keys`, payload: body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { key: Record<string, unknown> & { id: string }; token: string };
    }

    const listKeys = async (owner: Person, workspace: string) => {
      const res = await as(owner.token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/keys` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().keys as Record<string, unknown>[];
    };

    it('shows the token once, keeps only a hash of its secret, and lists the key without it', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner);
      const made = await makeKey(owner, workspace, { name: 'Deploy bot', scopes: ['audit:read', 'members:read'] });
      expect(made.token).toMatch(/^swk_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      const [id, secret] = made.token.slice(4).split('.') as [string, string];
      expect(made.key).toEqual({
        id,
        name: 'Deploy bot',
        scopes: ['members:read', 'audit:read'],
        created_at: new Date(h.clock.now()).toISOString(),
        created_by: owner.id,
        created_by_email: owner.email,
        expires_at: new Date(h.clock.now() + 90 * DAY).toISOString(),
        last_used_at: null,
        revoked_at: null,
      });
      const listed = await listKeys(owner, workspace);
      expect(listed).toEqual([made.key]);
      expect(JSON.stringify(listed)).not.toContain(secret);

      const { rows } = await sql<Record<string, unknown>>`select * from workspace_api_keys where id = ${id}`.execute(observer.db);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.secret_hash).toBe(createHash('sha256').update(secret).digest('base64url'));
      expect(JSON.stringify(rows[0])).not.toContain(secret);

      // The audit trail says who made it, with its scopes, and never its secret.
      const audit = await as(owner.token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit?limit=1` });
      expect(audit.json().entries[0]).toMatchObject({
        action: 'api_key.created',
        actor_id: owner.id,
        target_kind: 'api_key',
        target_id: id,
        details: { name: 'Deploy bot', scopes: 'members:read audit:read', expires_in_days: 90 },
      });
      expect(audit.body).not.toContain(secret);
    });

    it('works on its workspace’s admin routes within its scopes, records its actions under its creator with the key named', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner);
      const plain = await join(owner, workspace, 'member');
      const other = await createWorkspace(owner);
      const { key, token } = await makeKey(owner, workspace, { name: 'Offboarder', scopes: ['members:read', 'members:write'] });

      expect((await as(token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members` })).statusCode).toBe(200);
      // No CSRF proof, and no recent authentication: a key is a bearer credential with no session.
      h.clock.advance(11 * 60_000);
      const done = await as(token, { method: 'POST', url: `/v1/admin/workspaces/${workspace}/members/${plain.id}/offboard` });
      expect(done.statusCode, done.body).toBe(200);
      expectError(await as(plain.token, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      const audit = await as(token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit` });
      expectError(audit, 403, 'forbidden'); // no audit:read
      const trail = await as((await signIn(owner.email)).token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit?limit=1` });
      expect(trail.json().entries[0]).toMatchObject({
        action: 'member.offboarded',
        actor_id: owner.id,
        target_id: plain.id,
        details: { key: key.id },
      });

      // Nowhere else: another workspace of its creator, the creator's own pages, a new workspace, key management.
      expectError(await as(token, { method: 'GET', url: `/v1/admin/workspaces/${other}/members` }), 404, 'not_found');
      expectError(await as(token, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await as(token, { method: 'GET', url: '/v1/me/workspaces' }), 401, 'unauthenticated');
      expectError(await as(token, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'By key' } }), 401, 'unauthenticated');
      expectError(await as(token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/keys` }), 403, 'forbidden');
      expectError(
        await as(token, { method: 'POST', url: `/v1/admin/workspaces/${workspace}/keys`, payload: { name: 'x', scopes: ['audit:read'] } }),
        403,
        'forbidden',
      );
      // With a cookie beside it, the request is ambiguous, as a cookie beside any other bearer token is.
      const browser = await h.browserSignIn(owner.email);
      expectError(
        await as(token, {
          method: 'GET',
          url: `/v1/admin/workspaces/${workspace}/members`,
          headers: { cookie: `__Host-sessiond=${browser.cookie}` },
        }),
        400,
        'ambiguous_credentials',
      );
    });

    it('is refused on the very next request once revoked, and once expired', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner);
      const members = (token: string) => as(token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members` });
      const { key, token } = await makeKey(owner, workspace, { name: 'Short', scopes: ['members:read'], expires_in_days: 1 });
      expect((await members(token)).statusCode).toBe(200);
      const revoke = () => as(owner.token, { method: 'DELETE', url: `/v1/admin/workspaces/${workspace}/keys/${key.id}` });
      expect((await revoke()).statusCode).toBe(204);
      expectError(await members(token), 401, 'unauthenticated');
      expectError(await revoke(), 404, 'not_found');
      expect((await listKeys(owner, workspace))[0]).toMatchObject({ id: key.id, revoked_at: expect.any(String) });

      const other = await makeKey(owner, workspace, { name: 'Day', scopes: ['members:read'], expires_in_days: 1 });
      h.clock.advance(DAY - 1000);
      expect((await members(other.token)).statusCode).toBe(200);
      h.clock.advance(1000);
      expectError(await members(other.token), 401, 'unauthenticated');
      // A key that never was, and a session token's shape with the prefix: the same 401.
      expectError(await members(`swk_${'A'.repeat(22)}.${'B'.repeat(43)}`), 401, 'unauthenticated');
      expectError(await members(`swk_${owner.token}`), 401, 'unauthenticated');
    });

    it('shows its last use, written at most once a minute', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner);
      const { key, token } = await makeKey(owner, workspace, { name: 'Reader', scopes: ['members:read'] });
      const lastUse = async () => (await listKeys(owner, workspace)).find((k) => k.id === key.id)!.last_used_at;
      const use = () => as(token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}` });
      expect(await lastUse()).toBeNull();
      const first = h.clock.now();
      expect((await use()).statusCode).toBe(200);
      expect(await lastUse()).toBe(new Date(first).toISOString());
      h.clock.advance(59_000);
      expect((await use()).statusCode).toBe(200);
      expect(await lastUse()).toBe(new Date(first).toISOString());
      h.clock.advance(1_000);
      expect((await use()).statusCode).toBe(200);
      expect(await lastUse()).toBe(new Date(first + 60_000).toISOString());
    });

    it('acts with at most its creator’s rights: refused when they are demoted, revoked when they are offboarded', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner);
      const second = await join(owner, workspace, 'owner');
      const { token } = await makeKey(second, workspace, { name: 'Theirs', scopes: ['members:read', 'sessions:write'] });
      const members = () => as(token, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members` });
      const role = (value: WorkspaceRole) =>
        as(owner.token, { method: 'PUT', url: `/v1/admin/workspaces/${workspace}/members/${second.id}/role`, payload: { role: value } });
      expect((await members()).statusCode).toBe(200);
      expect((await role('member')).statusCode).toBe(204);
      expectError(await members(), 403, 'forbidden');
      expect((await role('security_admin')).statusCode).toBe(204);
      expect((await members()).statusCode).toBe(200);

      const off = await as(owner.token, { method: 'POST', url: `/v1/admin/workspaces/${workspace}/members/${second.id}/offboard` });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json()).toMatchObject({ keys_revoked: 1, membership_disabled: true });
      expectError(await members(), 401, 'unauthenticated');
      expect((await listKeys(owner, workspace))[0]).toMatchObject({ name: 'Theirs', revoked_at: expect.any(String) });
    });

    it('is documented as a credential of exactly the workspace routes that take it', () => {
      const document = h.app.swagger() as { paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>> };
      const takesKey = Object.entries(document.paths).flatMap(([route, item]) =>
        Object.entries(item).map(([method, op]) => [`${method} ${route}`, (op.security ?? []).some((r) => 'workspaceKey' in r)] as const),
      );
      const workspaceRoutes = takesKey.filter(([name]) => /^\w+ \/v1\/admin\/workspaces\/\{ws\}/.test(name));
      expect(workspaceRoutes.length).toBeGreaterThan(20);
      expect(takesKey.filter(([, yes]) => yes)).toEqual(workspaceRoutes.map(([name]) => [name, true]));
    });

    it('is made by owners only, with a recent authentication, and refuses bad input', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner);
      const admin = await join(owner, workspace, 'security_admin');
      const url = `/v1/admin/workspaces/${workspace}/keys`;
      expectError(await as(admin.token, { method: 'POST', url, payload: { name: 'x', scopes: ['audit:read'] } }), 403, 'forbidden');
      expectError(await as(admin.token, { method: 'GET', url }), 403, 'forbidden');
      for (const payload of [
        { name: 'x', scopes: [] },
        { name: 'x', scopes: ['everything'] },
        { name: 'x', scopes: ['audit:read', 'audit:read'] },
        { name: '', scopes: ['audit:read'] },
        { name: '   ', scopes: ['audit:read'] },
        { name: 'x', scopes: ['audit:read'], expires_in_days: 0 },
        { name: 'x', scopes: ['audit:read'], expires_in_days: 366 },
        { name: 'x', scopes: ['audit:read'], expires_in_days: null },
        { name: 'x', scopes: ['audit:read'], admin: true },
      ])
        expectError(await as(owner.token, { method: 'POST', url, payload }), 400, 'invalid_request');
      expectError(await as(owner.token, { method: 'DELETE', url: `${url}/not-an-id` }), 400, 'invalid_request');
      expect(await listKeys(owner, workspace)).toEqual([]);
      expect((await makeKey(owner, workspace, { name: 'Year', scopes: ['audit:read'], expires_in_days: 365 })).key.expires_at).toBe(
        new Date(h.clock.now() + 365 * DAY).toISOString(),
      );
      h.clock.advance(11 * 60_000);
      expectError(
        await as(owner.token, { method: 'POST', url, payload: { name: 'Late', scopes: ['audit:read'] } }),
        403,
        'reauth_required',
      );
    });
  });
}
