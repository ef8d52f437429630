/**
 * The operator's commands as real processes (`node bin/sessiond.js …`) against a running
 * `sessiond serve` on the same database, SQLite file and PostgreSQL: service keys listed and
 * revoked (refused at once by introspection and the revocation stream), any account's sessions
 * listed and ended, the sign-in lockout cleared (Redis), two-step verification reset, and the
 * password of `users create` read from stdin or a terminal prompt instead of the command line.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { emailKey } from '../../src/core/user.js';
import { createRegistry } from '../../src/registry.js';
import { ENGINES, freshDatabase } from '../support/databases.js';
import { PASSWORD } from '../support/harness.js';
import { testKeyFile } from '../support/secret-key.js';
import {
  BIN,
  envWithoutSessiond,
  ROOT,
  runCli,
  spawnSessiond,
  SPAWN_HOOK_TIMEOUT_MS,
  stopAllSpawned,
  type SessiondProcess,
} from '../support/serve-process.js';

const REDIS_URL = process.env.SESSIOND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LONG = 300_000;

/** `node bin/sessiond.js …` with `input` on its stdin (a pipe, not a terminal). */
function runCliWithInput(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: envWithoutSessiond({ SESSIOND_SECRET_KEY_FILE: testKeyFile() }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe.each(ENGINES)('operator commands from the CLI (%s)', (engine) => {
  let dir: string;
  let db: string;
  let server: SessiondProcess;
  const prefix = `sessiond-test-${randomBytes(4).toString('hex')}`;
  const keyEnv = () => ({ SESSIOND_SECRET_KEY_FILE: testKeyFile() });
  /** Commands that take only the database. */
  const cli = (...args: string[]) => runCli([...args, '--db', db], keyEnv());
  /** Commands that also reach the servers' Redis (revocations, sign-in counts). */
  const cliR = (...args: string[]) => runCli([...args, '--db', db, '--redis', REDIS_URL, '--redis-prefix', prefix], keyEnv());
  const call = (method: string, url: string, token: string | null, body?: unknown) =>
    fetch(`${server.url}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json', origin: server.url }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const signIn = (email: string, password = PASSWORD) =>
    call('POST', '/v1/auth/sign-in', null, { email, password, transport: 'bearer', client_id: 'cli' });
  const token = async (email: string) => {
    const res = await signIn(email);
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const me = async (t: string) => (await call('GET', '/v1/me/session', t)).status;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-op-'));
    db = engine === 'sqlite' ? `sqlite:${path.join(dir, 'op.db')}` : (await freshDatabase(engine)).url;
    server = await spawnSessiond({
      args: ['--db', db, '--port', '0', '--log-level', 'warn', '--sign-up-mode', 'direct', '--sign-in-account-limit', '3/15m'],
      env: envWithoutSessiond({ SESSIOND_REDIS_URL: REDIS_URL, SESSIOND_REDIS_PREFIX: prefix }),
    });
  }, SPAWN_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    try {
      await stopAllSpawned();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'service-keys list shows each key; revoke refuses it at once on /v1/introspect and ends its revocation stream',
    { timeout: LONG },
    async () => {
      const made = await Promise.all([
        cli('service-keys', 'create', '--name', 'billing-api'),
        cli('service-keys', 'create', '--name', 'search'),
      ]);
      for (const m of made) expect(m.code, m.stderr).toBe(0);
      const [billing, search] = made.map((m) => m.stdout.trim()) as [string, string];
      const billingId = billing.split('.')[0]!;
      expect((await call('POST', '/v1/auth/sign-up', null, { email: 'svc@example.com', password: PASSWORD })).status).toBe(201);
      const session = await token('svc@example.com');
      const introspect = (key: string) =>
        fetch(`${server.url}/v1/introspect`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ token: session }),
        });
      expect((await introspect(billing)).status).toBe(200);

      const listed = await cli('service-keys', 'list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.split('\n')[0]).toBe('id\tname\tcreated\trevoked');
      expect(listed.stdout).toMatch(new RegExp(`^${billingId}\\tbilling-api\\t20\\S+Z\\t-$`, 'm'));
      expect(listed.stdout).toMatch(/\tsearch\t20\S+Z\t-$/m);
      expect(listed.stdout).not.toContain(billing.split('.')[1]);

      // An open stream with the key that is about to be revoked.
      const stream = await fetch(`${server.url}/v1/revocations/stream`, { headers: { authorization: `Bearer ${billing}` } });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^event: (ready|stale)/);

      const revoked = await cli('service-keys', 'revoke', '--id', billingId);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toBe(`revoked service key ${billingId} (billing-api)\n`);
      expect((await introspect(billing)).status).toBe(401);
      expect((await fetch(`${server.url}/v1/revocations/stream`, { headers: { authorization: `Bearer ${billing}` } })).status).toBe(401);
      // The open stream ends (within a heartbeat): read until the server closes it.
      for (;;) if ((await reader.read()).done) break;
      expect((await introspect(search)).status).toBe(200);

      expect((await cli('service-keys', 'list')).stdout).toMatch(new RegExp(`^${billingId}\\tbilling-api\\t20\\S+Z\\t20\\S+Z$`, 'm'));
      const again = await cli('service-keys', 'revoke', '--id', billingId);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/was already revoked at 20/);
      const unknown = await cli('service-keys', 'revoke', '--id', 'AAAAAAAAAAAAAAAAAAAAAA');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('sessiond: No service key with the id AAAAAAAAAAAAAAAAAAAAAA.\n');
    },
  );

  it(
    "users sessions lists any account's sessions; users revoke-sessions ends one, then the rest, refused by the server at once",
    { timeout: LONG },
    async () => {
      // The password from stdin (a pipe): nothing on the command line.
      const created = await runCliWithInput(['users', 'create', '--email', 'bo@example.com', '--db', db], `${PASSWORD}\n`);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/^created account bo@example\.com \(id \S+\)\n$/);
      const [first, second] = [await token('bo@example.com'), await token('bo@example.com')];
      const listed = await cliR('users', 'sessions', '--email', 'BO@example.com');
      expect(listed.code, listed.stderr).toBe(0);
      const rows = listed.stdout.trim().split('\n');
      expect(rows[0]).toBe('id\tapp\tdevice\tip\tsigned in\tlast active');
      expect(
        rows
          .slice(1)
          .map((r) => r.split('\t')[0])
          .sort(),
      ).toEqual([first.split('.')[0], second.split('.')[0]].sort());

      const one = await cliR('users', 'revoke-sessions', '--email', 'bo@example.com', '--session', first.split('.')[0]!);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toBe(`ended session ${first.split('.')[0]} of bo@example.com\n`);
      expect(await me(first)).toBe(401);
      expect(await me(second)).toBe(200);
      const gone = await cliR('users', 'revoke-sessions', '--email', 'bo@example.com', '--session', first.split('.')[0]!);
      expect(gone.code).toBe(2);
      expect(gone.stderr).toMatch(/^sessiond: bo@example\.com has no active session /m);
      const all = await cliR('users', 'revoke-sessions', '--email', 'bo@example.com');
      expect(all.stdout).toBe('ended 1 session(s) of bo@example.com\n');
      expect(await me(second)).toBe(401);
      const nobody = await cliR('users', 'sessions', '--email', 'nobody@example.com');
      expect(nobody.code).toBe(2);
      expect(nobody.stderr).toMatch(/^sessiond: No account with the address nobody@example\.com\.$/m);
    },
  );

  it(
    'users unlock clears the failed sign-in count the servers share in Redis; without --redis it says why it cannot',
    { timeout: LONG },
    async () => {
      expect((await call('POST', '/v1/auth/sign-up', null, { email: 'locked@example.com', password: PASSWORD })).status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await signIn('locked@example.com', 'not the password at all')).status).toBe(401);
      expect((await signIn('locked@example.com')).status).toBe(429);
      const unlocked = await cliR('users', 'unlock', '--email', 'locked@example.com');
      expect(unlocked.code, unlocked.stderr).toBe(0);
      expect(unlocked.stdout).toBe('locked@example.com: failed sign-in count cleared; the next sign-in is checked\n');
      expect((await signIn('locked@example.com')).status).toBe(200);
      const noRedis = await cli('users', 'unlock', '--email', 'locked@example.com');
      expect(noRedis.code).toBe(2);
      expect(noRedis.stderr).toMatch(
        /^sessiond: users unlock needs --redis .* they clear 15 minutes after they began, or when it restarts\.\n$/,
      );
      expect(noRedis.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    },
  );

  it(
    "users reset-mfa turns two-step verification off, records it as an admin's on the timeline and mails the owner",
    { timeout: LONG },
    async () => {
      expect((await call('POST', '/v1/auth/sign-up', null, { email: 'lost@example.com', password: PASSWORD })).status).toBe(201);
      const session = await token('lost@example.com');
      const registry = await createRegistry(loadConfig({ databaseUrl: db, secretKeyFile: testKeyFile(), logLevel: 'silent' }, {}));
      try {
        const user = (await registry.store.findUserByEmailKey(emailKey('lost@example.com')))!;
        const { secret } = await registry.mfa.startTotpEnrolment(user);
        const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
        await registry.mfa.confirmTotpEnrolment(user.id, code, { kind: 'system' });
        expect(await registry.mfa.isEnabled(user.id)).toBe(true);

        const reset = await cliR('users', 'reset-mfa', '--email', 'lost@example.com');
        expect(reset.code, reset.stderr).toBe(0);
        expect(reset.stdout).toBe(
          'lost@example.com: two-step verification turned off, recovery codes and device trust removed; the owner is mailed\n',
        );
        // Without --smtp the owner's mail is printed as text on stderr.
        expect(reset.stderr).toMatch(/^To: lost@example\.com$/m);
        expect(reset.stderr).toMatch(/^Subject: .*two-step/im);
        expect(await registry.mfa.isEnabled(user.id)).toBe(false);
        const { events } = await registry.store.listSecurityEvents(user.id, null, 20);
        expect(events.find((e) => e.kind === 'mfa_disabled')?.actor).toEqual({ kind: 'admin', adminId: null, ip: null });
        // Sessions stay unless --end-sessions.
        expect(await me(session)).toBe(200);
        const again = await cliR('users', 'reset-mfa', '--email', 'lost@example.com', '--end-sessions');
        expect(again.stdout).toBe('lost@example.com: two-step verification was not on; 1 session(s) ended\n');
        expect(await me(session)).toBe(401);
      } finally {
        await registry.close();
      }
    },
  );
});

describe('users create without --password', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-pw-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('warns that --password lands in shell history; refuses an empty stdin with exit 2', { timeout: LONG }, async () => {
    const db = `sqlite:${path.join(dir, 'pw.db')}`;
    const flag = await runCli(['users', 'create', '--email', 'flag@example.com', '--password', PASSWORD, '--db', db]);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr).toMatch(/warning: --password lands in your shell history/);
    const empty = await runCliWithInput(['users', 'create', '--email', 'empty@example.com', '--db', db], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^sessiond: No password on stdin/);
  });

  it('on a terminal asks twice with echo off, and refuses two different passwords', { timeout: LONG }, async () => {
    const db = `sqlite:${path.join(dir, 'tty.db')}`;
    /** `script` gives the command a pseudo-terminal; what it echoes comes back on stdout. */
    const typeAt = (email: string, answers: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const command = [process.execPath, BIN, 'users', 'create', '--email', email, '--db', db].map((a) => `'${a}'`).join(' ');
        const child = spawn('script', ['-qec', command, '/dev/null'], {
          cwd: ROOT,
          env: envWithoutSessiond({ SESSIOND_SECRET_KEY_FILE: testKeyFile() }),
        });
        let output = '';
        let asked = 0;
        child.stdout.on('data', (d: Buffer) => {
          output += String(d);
          // Each answer once its prompt is shown, when the terminal's echo is already off.
          const prompts = output.match(/Password( again)?: /g)?.length ?? 0;
          while (asked < prompts && asked < answers.length) child.stdin.write(`${answers[asked++]}\r`);
        });
        child.on('close', (code) => resolve({ code, output }));
      });
    const ok = await typeAt('tty@example.com', [PASSWORD, PASSWORD]);
    expect(ok.output).toMatch(/created account tty@example\.com/);
    expect(ok.output).not.toContain(PASSWORD);
    expect(ok.code).toBe(0);
    const differ = await typeAt('differ@example.com', [PASSWORD, `${PASSWORD}x`]);
    expect(differ.output).toMatch(/sessiond: The two passwords differ; nothing was created\./);
    expect(differ.code).toBe(2);
  });
});
