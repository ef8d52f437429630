/**
 * `sessiond sessions list|revoke --workspace W --filter …` and `sessiond incidents …` on a SQLite
 * file: the filter from flags (members by email), a dry run's count and sample, an operation that
 * runs to the end with plain progress lines (not a terminal), and one above the threshold that
 * says it needs a second admin, who approves it from the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../../adapters/kysely/connect.js';
import { kyselyStore } from '../../adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../adapters/kysely/kysely-workspace-store.js';
import { sessionRecord } from '../../core/testing/store.contract.js';
import { program } from '../main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sessiond-incidents-'));
const db = ['--db', `sqlite:${path.join(dir, 'db.sqlite')}`, '--secret-key-file', path.join(dir, 'keys')];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  // Test files share their worker (vitest.config.ts: isolate false): leave the environment as found.
  vi.unstubAllEnvs();
});

/** Runs one command; what it printed. */
async function cli(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await program().parseAsync(['node', 'sessiond', ...args, ...db]);
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  return lines.join('\n');
}

let ws: string;
let member: string;

beforeAll(async () => {
  vi.stubEnv('SESSIOND_PASSWORD', 'correct horse battery staple');
  await program().parseAsync(['node', 'sessiond', 'keys', 'rotate', '--secret-key-file', db[3]!]);
  for (const who of ['owner', 'admin', 'member']) await cli('users', 'create', '--email', `${who}@example.com`);
  ws = /\(id ([A-Za-z0-9_-]{22})\)/.exec(await cli('workspaces', 'create', '--name', 'Acme', '--as', 'owner@example.com'))![1]!;
  // The memberships and sessions go straight through the store (no mail, no sign-in).
  const { db: kysely } = connect(`sqlite:${path.join(dir, 'db.sqlite')}`);
  const store = kyselyStore(kysely);
  const workspaces = kyselyWorkspaceStore(kysely);
  const now = Date.now();
  for (const [who, role] of [
    ['admin', 'security_admin'],
    ['member', 'member'],
  ] as const) {
    const user = await store.findUserByEmailKey(`${who}@example.com`);
    const id = `invitation-for-${who}`.padEnd(22, 'x');
    await workspaces.insertInvitation({
      id,
      workspaceId: ws,
      email: `${who}@example.com`,
      emailKey: `${who}@example.com`,
      role,
      secretHash: 'h',
      invitedBy: 'x',
      createdAt: now,
      expiresAt: now + 60_000,
      usedAt: null,
    });
    await workspaces.acceptInvitation(id, user!.id, now);
    if (who === 'member') member = user!.id;
  }
  const live = { signedInAt: now - 1000, lastActiveAt: now - 1000, expiresAt: now + 86_400_000 };
  await store.insertSessions([
    ...Array.from({ length: 12 }, () => sessionRecord(member, { ...live, ip: '203.0.113.7' })),
    ...Array.from({ length: 3 }, () => sessionRecord(member, { ...live, ip: '2001:db8::9' })),
  ]);
  await store.close();
}, 60_000);

describe('sessiond sessions … --filter', () => {
  it('lists every member’s matching sessions, members named by email', async () => {
    const out = await cli(
      'sessions',
      'list',
      '--workspace',
      ws,
      '--as',
      'admin@example.com',
      '--filter',
      'ip=2001:db8::/32',
      '--filter',
      'member=member@example.com',
    );
    const rows = out.split('\n').filter((l) => l.includes('2001:db8::9'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('member@example.com');
  });

  it('dry-runs, ends below the threshold with progress lines, and says when a second admin must approve', async () => {
    const dry = await cli(
      'sessions',
      'revoke',
      '--workspace',
      ws,
      '--as',
      'admin@example.com',
      '--filter',
      'ip=2001:db8::/32',
      '--dry-run',
    );
    expect(dry).toContain('3 session(s) match');
    expect(dry.split('\n').filter((l) => l.includes('2001:db8::9'))).toHaveLength(3);

    const run = await cli('sessions', 'revoke', '--workspace', ws, '--as', 'admin@example.com', '--filter', 'ip=2001:db8::/32');
    expect(run).toMatch(/batch 1: 3 of 3 session\(s\) ended/);
    expect(run).toContain('done: 3 session(s) ended');

    expect(await cli('incidents', 'list', '--workspace', ws, '--as', 'owner@example.com')).toContain('done\t3/3 ended');
    const threshold = '10';
    // Above 10 sessions: waits for a second admin (the threshold set by the owner through the use case).
    const { createRegistry } = await import('../../registry.js');
    const { loadConfig } = await import('../../config.js');
    const registry = await createRegistry(loadConfig({ databaseUrl: db[1]!, secretKeyFile: db[3]! }), { logStream: { write: () => true } });
    try {
      const owner = await registry.store.findUserByEmailKey('owner@example.com');
      await registry.incidents.setThreshold({ userId: owner!.id, ip: null, userAgent: null, requestId: null }, ws, Number(threshold));
    } finally {
      await registry.close();
    }
    const waiting = await cli('sessions', 'revoke', '--workspace', ws, '--as', 'admin@example.com', '--filter', 'ip=203.0.113.0/24');
    expect(waiting).toContain('12 session(s) match');
    const id = /operation ([A-Za-z0-9_-]{22}) waits for approval/.exec(waiting)?.[1];
    expect(id, waiting).toBeDefined();
    await expect(cli('incidents', 'approve', '--workspace', ws, '--id', id!, '--as', 'admin@example.com')).rejects.toThrow(/Four eyes/);
    const approved = await cli('incidents', 'approve', '--workspace', ws, '--id', id!, '--as', 'owner@example.com');
    expect(approved).toContain('done: 12 session(s) ended');
    expect(await cli('incidents', 'show', '--workspace', ws, '--id', id!, '--as', 'owner@example.com')).toContain('done\t12/12 ended');
  });
});
