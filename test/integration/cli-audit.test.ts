/**
 * `sessiond audit retention|purge` from the built CLI on a SQLite file: an owner sets how long the
 * workspace keeps its audit entries (audited, and refused outside 30..3650), and the purge deletes
 * exactly the entries past it, through the one delete the database allows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import { userRecord } from '../../src/core/testing/store.contract.js';
import type { NewAuditEntry } from '../../src/core/workspaces.js';
import { runCli, SPAWN_HOOK_TIMEOUT_MS } from '../support/serve-process.js';

const DAY = 86_400_000;

describe('audit retention from the CLI', () => {
  let dir: string;
  let db: string;
  const owner = userRecord();
  const admin = userRecord();
  const ws = 'workspace-cli-audit-0001';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-audit-'));
    db = `sqlite:${path.join(dir, 'audit.db')}`;
    const { db: kysely } = connect(db);
    try {
      await migrateToLatest(kysely);
      const store = kyselyStore(kysely);
      await store.insertUser(owner);
      await store.insertUser(admin);
      const workspaces = kyselyWorkspaceStore(kysely);
      const member = (userId: string, role: 'owner' | 'security_admin') => ({
        workspaceId: ws,
        userId,
        role,
        status: 'active' as const,
        joinedAt: 1,
        disabledAt: null,
        disabledBy: null,
      });
      await workspaces.insertWorkspace({ id: ws, name: 'Acme', securityOwnerId: owner.id, createdAt: 1 }, member(owner.id, 'owner'));
      await workspaces.insertInvitation({
        id: 'invitation-cli-audit-01',
        workspaceId: ws,
        email: admin.email,
        emailKey: admin.emailKey,
        role: 'security_admin',
        secretHash: 'x',
        invitedBy: owner.id,
        createdAt: 1,
        expiresAt: Date.now() + DAY,
        usedAt: null,
      });
      expect(await workspaces.acceptInvitation('invitation-cli-audit-01', admin.id, Date.now())).toBe(true);
      const entry = (id: string, at: number): NewAuditEntry => ({
        id,
        workspaceId: ws,
        at,
        actorId: owner.id,
        action: 'member.invited',
        targetKind: 'invitation',
        targetId: id,
        ip: null,
        userAgent: null,
        requestId: null,
        details: {},
      });
      await workspaces.appendAudit(entry('forty-days-old', Date.now() - 40 * DAY));
      await workspaces.appendAudit(entry('twenty-days-old', Date.now() - 20 * DAY));
    } finally {
      await kysely.destroy();
    }
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function trail(): Promise<string[]> {
    const { db: kysely } = connect(db);
    try {
      return (await kyselyWorkspaceStore(kysely).listAudit(ws, null, 100)).map((e) => `${e.action}:${e.targetId}`);
    } finally {
      await kysely.destroy();
    }
  }

  it('sets the retention as an owner only, and purges exactly the entries older than it', { timeout: SPAWN_HOOK_TIMEOUT_MS }, async () => {
    const retention = (as: string, days: string) =>
      runCli(['audit', 'retention', '--workspace', ws, '--days', days, '--as', as, '--db', db]);
    const purge = () => runCli(['audit', 'purge', '--db', db]);

    // A year by default: nothing here is that old.
    const none = await purge();
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe("purged 0 audit entries older than their workspace's retention\n");

    const tooShort = await retention(owner.email, '29');
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(/from 30 to 3650/);
    expect((await retention(owner.email, 'thirty')).code).toBe(2);
    const notOwner = await retention(admin.email, '30');
    expect(notOwner.code).toBe(2);
    expect(notOwner.stderr).toMatch(/role/);

    const set = await retention(owner.email, '30');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(`workspace ${ws} keeps its audit entries for 30 days\n`);

    const purged = await purge();
    expect(purged.code, purged.stderr).toBe(0);
    expect(purged.stdout).toBe("purged 1 audit entry older than their workspace's retention\n");
    expect(await trail()).toEqual(['audit.retention_changed:' + ws, 'member.invited:twenty-days-old']);
  });
});
