/**
 * `sessiond workspaces|members|sessions …` from the built CLI, against the SQLite file a running
 * `sessiond serve` uses: the operator acts as a named account, the workspace's authorisation
 * applies to them, and a session they end is refused by the server on its very next request
 * (another process on the same file hears of it: the SQLite revocation bus).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/harness.js';
import {
  envWithoutSessiond,
  runCli,
  spawnSessiond,
  SPAWN_HOOK_TIMEOUT_MS,
  stopAllSpawned,
  type SessiondProcess,
} from '../support/serve-process.js';

describe('workspace administration from the CLI', () => {
  let dir: string;
  let db: string;
  let server: SessiondProcess;
  const as = (email: string, ...args: string[]) => runCli([...args, '--as', email, '--db', db]);
  const call = (method: string, url: string, token: string | null, body?: unknown) =>
    fetch(`${server.url}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json', origin: server.url }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const signIn = async (email: string) => {
    const res = await call('POST', '/v1/auth/sign-in', null, { email, password: PASSWORD, transport: 'bearer', client_id: 'cli' });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-ws-'));
    db = `sqlite:${path.join(dir, 'ws.db')}`;
    server = await spawnSessiond({
      args: ['--db', db, '--port', '0', '--log-level', 'warn', '--sign-up-mode', 'direct'],
      env: envWithoutSessiond(),
    });
    for (const email of ['owner@example.com', 'member@example.com', 'outsider@example.com'])
      expect((await call('POST', '/v1/auth/sign-up', null, { email, password: PASSWORD })).status).toBe(201);
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    try {
      await stopAllSpawned();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A dozen CLI runs, each a Node start and a database open: minutes on a busy machine.
  it(
    'creates a workspace, invites by mail, lists members, revokes and offboards; outsiders learn nothing',
    { timeout: SPAWN_HOOK_TIMEOUT_MS },
    async () => {
      const created = await as('owner@example.com', 'workspaces', 'create', '--name', 'Acme');
      expect(created.code, created.stderr).toBe(0);
      const id = /\(id ([A-Za-z0-9_-]{22})\)/.exec(created.stdout)?.[1];
      expect(id).toBeDefined();
      const listed = await as('owner@example.com', 'workspaces', 'list');
      expect(listed.stdout.trim()).toBe(`${id}\towner\tAcme`);

      const badRole = await as(
        'owner@example.com',
        'members',
        'invite',
        '--workspace',
        id!,
        '--email',
        'member@example.com',
        '--role',
        'boss',
      );
      expect(badRole.code).not.toBe(0);
      expect(badRole.stderr).toMatch(/Allowed choices are owner, security_admin, member/);
      // Without --smtp the invitation mail is written to the log (stderr): its link joins.
      const invited = await as('owner@example.com', 'members', 'invite', '--workspace', id!, '--email', 'member@example.com');
      expect(invited.code, invited.stderr).toBe(0);
      expect(invited.stdout).toMatch(/^invited member@example\.com as member; the mailed link works until 20/);
      const token = /workspaces\/join\?token=([A-Za-z0-9_.-]+)/.exec(invited.stderr)?.[1];
      expect(token).toBeDefined();
      const first = await signIn('member@example.com');
      const second = await signIn('member@example.com');
      const joined = await call('POST', '/v1/me/workspaces/join', first, { token });
      expect(joined.status).toBe(200);
      const members = await as('owner@example.com', 'members', 'list', '--workspace', id!);
      expect(members.code, members.stderr).toBe(0);
      expect(members.stdout).toMatch(/^member@example\.com\tmember\tactive\t2\t20\S+\toff\t0\t-$/m);

      // A member is not an admin; an outsider is told there is no such workspace.
      const asMember = await as('member@example.com', 'members', 'list', '--workspace', id!);
      expect(asMember.code).toBe(2);
      expect(asMember.stderr).toMatch(/Your role in this workspace does not allow this/);
      const asOutsider = await as('outsider@example.com', 'members', 'list', '--workspace', id!);
      expect(asOutsider.code).toBe(2);
      expect(asOutsider.stderr).toMatch(/No such workspace/);

      // The server has both sessions in its cache when the CLI, another process, ends them.
      const me = async (token: string) => (await call('GET', '/v1/me/session', token)).status;
      expect(await me(first)).toBe(200);
      expect(await me(second)).toBe(200);
      const sessions = await as('owner@example.com', 'sessions', 'list', '--workspace', id!, '--user', 'member@example.com');
      const firstId = first.split('.')[0]!;
      expect(sessions.stdout).toContain(firstId);
      const one = await as(
        'owner@example.com',
        'sessions',
        'revoke',
        '--workspace',
        id!,
        '--user',
        'member@example.com',
        '--session',
        firstId,
      );
      expect(one.code, one.stderr).toBe(0);
      expect(await me(first)).toBe(401);
      expect(await me(second)).toBe(200);

      const off = await as('owner@example.com', 'members', 'offboard', '--workspace', id!, '--user', 'member@example.com');
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toBe(
        'offboarded member@example.com: 1 session(s) ended, 0 device(s) untrusted, 0 API key(s) revoked, 0 connected app(s) and device sign-in(s) ended, 0 personal token(s) revoked, membership disabled\n',
      );
      expect(await me(second)).toBe(401);
      const after = await as('owner@example.com', 'members', 'list', '--workspace', id!);
      expect(after.stdout).toMatch(/^member@example\.com\tmember\tdisabled\t0\t-\toff\t0\t-$/m);
      // The audit trail, newest first, as the API exports it: every step above, by the owner.
      const jsonl = await as('owner@example.com', 'audit', 'export', '--workspace', id!);
      expect(jsonl.code, jsonl.stderr).toBe(0);
      const entries = jsonl.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { action: string; user_agent: string | null });
      expect(entries.map((e) => e.action)).toEqual([
        'member.offboarded',
        'session.revoked',
        'member.joined',
        'member.invited',
        'workspace.created',
      ]);
      expect(entries.filter((e) => e.action !== 'member.joined').every((e) => e.user_agent === 'sessiond-cli')).toBe(true);
      const csv = await as('owner@example.com', 'audit', 'export', '--workspace', id!, '--format', 'csv');
      expect(csv.stdout.split('\r\n')[0]).toMatch(/^id,at,actor_id,action,/);
      expect(csv.stdout.trim().split('\r\n')).toHaveLength(6);
      expect((await as('member@example.com', 'audit', 'export', '--workspace', id!)).code).toBe(2);

      const unknown = await as('nobody@example.com', 'workspaces', 'list');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/No account with the address nobody@example\.com/);
    },
  );

  it(
    'sets a session policy, asks for reviews and sees who has, and replaces a lost device',
    { timeout: SPAWN_HOOK_TIMEOUT_MS },
    async () => {
      const created = await as('owner@example.com', 'workspaces', 'create', '--name', 'Beta');
      const id = /\(id ([A-Za-z0-9_-]{22})\)/.exec(created.stdout)![1]!;
      const invited = await as('owner@example.com', 'members', 'invite', '--workspace', id, '--email', 'outsider@example.com');
      const token = /workspaces\/join\?token=([A-Za-z0-9_.-]+)/.exec(invited.stderr)![1]!;
      const older = await signIn('outsider@example.com');
      expect((await call('POST', '/v1/me/workspaces/join', older, { token })).status).toBe(200);
      const newer = await signIn('outsider@example.com');
      const me = async (t: string) => call('GET', '/v1/me/session', t);

      const shown = await as('owner@example.com', 'workspaces', 'policy', '--workspace', id);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toBe(
        'max lifetime\toff\nidle timeout\toff\nmax sessions\toff\nmfa required\toff\ntrusted device apps\tnone\nallowed countries\tany\n',
      );
      // A member may read the policy, not set it.
      const byMember = await as('outsider@example.com', 'workspaces', 'policy', '--workspace', id, '--max-sessions', '5');
      expect(byMember.code).toBe(2);
      expect(byMember.stderr).toMatch(/Your role in this workspace does not allow this/);
      const bad = await as('owner@example.com', 'workspaces', 'policy', '--workspace', id, '--idle', 'soon');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--idle takes a duration/);

      // One session at a time: the member's older one ends now, and the running server refuses it.
      const set = await as('owner@example.com', 'workspaces', 'policy', '--workspace', id, '--idle', '8h', '--max-sessions', '1');
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(
        /^policy saved; 1 session\(s\) that broke it ended\nmax lifetime\toff\nidle timeout\t8h\nmax sessions\t1\n/,
      );
      const refused = await me(older);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/limits how many sessions you may have/);
      expect((await me(newer)).status).toBe(200);

      const asked = await as('owner@example.com', 'reviews', 'request', '--workspace', id, '--user', 'outsider@example.com');
      expect(asked.code, asked.stderr).toBe(0);
      expect(asked.stdout).toBe('asked 1 member(s) to review their sessions\n');
      expect((await call('POST', '/v1/me/reviews/complete', newer, {})).status).toBe(200);
      const status = await as('owner@example.com', 'reviews', 'status', '--workspace', id);
      expect(status.stdout).toMatch(/^outsider@example\.com\t20\S+\t20\S+\t0$/m);
      const listed = await as('owner@example.com', 'members', 'list', '--workspace', id);
      expect(listed.stdout).toMatch(/^outsider@example\.com\tmember\tactive\t1\t20\S+\toff\t0\t20\S+$/m);
      expect(status.stdout).toMatch(/^owner@example\.com\t-\t-\t-$/m);

      const replaced = await as(
        'owner@example.com',
        'sessions',
        'replace-device',
        '--workspace',
        id,
        '--user',
        'outsider@example.com',
        '--session',
        newer.split('.')[0]!,
      );
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stdout).toBe(`replaced the device of session ${newer.split('.')[0]}: 1 session(s) ended, device was not trusted\n`);
      expect((await me(newer)).status).toBe(401);
    },
  );
});
