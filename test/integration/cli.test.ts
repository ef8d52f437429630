/** The built CLI, as a user runs it: `node bin/sessiond.js …` (npm test builds dist/ first). */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, PASSWORD } from '../support/harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/sessiond.js');
const run = promisify(execFile);

/** The environment without any SESSIOND_* setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SESSIOND_')));
  return { ...env, ...extra };
}

async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(extraEnv), timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('sessiond CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('`npx sessiond serve --db sqlite::memory: --port 0` prints where it listens and answers /healthz there', async () => {
    // Exactly as the contract says a user starts it; its own process group, so npx's child dies too.
    const child = spawn('npx', ['--no-install', 'sessiond', 'serve', '--db', 'sqlite::memory:', '--port', '0', '--log-level', 'warn'], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line within 20s; stdout: ${stdout} stderr: ${stderr}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /^sessiond listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      expect(Number(new URL(url).port)).toBeGreaterThan(0);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) signal('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      signal('SIGKILL');
    }
  });

  it('serve --port 0 builds its public URL (mail links) from the port it really listens on', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--db', 'sqlite::memory:', '--port', '0', '--log-level', 'info'], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const waitFor = (pattern: RegExp) =>
        new Promise<RegExpExecArray>((resolve, reject) => {
          const deadline = setTimeout(() => reject(new Error(`not seen: ${pattern}; output: ${out.slice(-2000)}`)), 20_000);
          const check = () => {
            const match = pattern.exec(out);
            if (match) {
              clearTimeout(deadline);
              child.stdout.off('data', check);
              resolve(match);
            }
          };
          child.stdout.on('data', check);
          check();
        });
      const url = (await waitFor(/^sessiond listening on (http:\/\/127\.0\.0\.1:\d+)$/m))[1]!;
      const headers = { 'content-type': 'application/json', origin: url };
      const up = await fetch(`${url}/v1/auth/sign-up`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: 'port0@example.com', password: PASSWORD }),
      });
      expect(up.status).toBe(201);
      const reset = await fetch(`${url}/v1/auth/password-reset`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: 'port0@example.com' }),
      });
      expect(reset.status).toBe(202);
      // Without --smtp the mail is written to the log; its link must point at this server.
      const link = (await waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/reset-password\/confirm/))[1];
      expect(link).toBe(url);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--help lists the commands', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'users', 'service-keys']) expect(stdout).toContain(command);
  });

  it('serve --help lists every flag of the contract with its environment variable and default', async () => {
    const { code, stdout } = await cli(['serve', '--help']);
    expect(code).toBe(0);
    const flags: [string, string, string][] = [
      ['--host', 'SESSIOND_HOST', '127.0.0.1'],
      ['--port', 'SESSIOND_PORT', '7400'],
      ['--db', 'SESSIOND_DATABASE_URL', 'sqlite:./data/sessiond.db'],
      ['--redis', 'SESSIOND_REDIS_URL', 'unset'],
      ['--trust-proxy', 'SESSIOND_TRUST_PROXY', 'unset'],
      ['--smtp', 'SESSIOND_SMTP_URL', 'unset'],
      ['--public-url', 'SESSIOND_PUBLIC_URL', 'unset'],
      ['--idle-timeout', 'SESSIOND_IDLE_TIMEOUT', '14d'],
      ['--max-age', 'SESSIOND_MAX_AGE', '30d'],
    ];
    const text = stdout.replace(/\s+/g, ' ');
    for (const [flag, env, def] of flags) {
      expect(text, flag).toContain(flag);
      expect(text, env).toContain(env);
      expect(text, `${flag} default`).toMatch(new RegExp(`${env}; default ${def.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    }
    expect(text).toContain('--no-sign-up');
  });

  it('migrate brings a new database up to date, then says it is up to date', async () => {
    const db = `sqlite:${path.join(dir, 'migrate.db')}`;
    const first = await cli(['migrate', '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied 0001-initial/);
    const second = await cli(['migrate', '--db', db]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('users create makes an account that signs in against the same database; a duplicate fails', async () => {
    const file = path.join(dir, 'users.db');
    const created = await cli(['users', 'create', '--email', 'ops@example.com', '--password', PASSWORD, '--db', `sqlite:${file}`]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('ops@example.com');
    expect(created.stdout).not.toContain(PASSWORD);
    const again = await cli(['users', 'create', '--email', 'OPS@example.com', '--db', `sqlite:${file}`], { SESSIOND_PASSWORD: PASSWORD });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    const h = await harness('sqlite', {}, file);
    try {
      const res = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: 'ops@example.com', password: PASSWORD, transport: 'bearer' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const wrong = await h.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: 'ops@example.com', password: 'not the password' },
      });
      expect(wrong.statusCode).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('users create refuses a weak password and creates nothing', async () => {
    const file = path.join(dir, 'weak.db');
    const res = await cli(['users', 'create', '--email', 'weak@example.com', '--password', 'short', '--db', `sqlite:${file}`]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/at least \d+ characters/);
    const h = await harness('sqlite', {}, file);
    try {
      expect(await h.registry.store.findUserByEmailKey('weak@example.com')).toBeNull();
    } finally {
      await h.close();
    }
  });

  it('service-keys create prints a key that works on /v1/introspect', async () => {
    const file = path.join(dir, 'keys.db');
    const res = await cli(['service-keys', 'create', '--name', 'billing-api', '--db', `sqlite:${file}`]);
    expect(res.code, res.stderr).toBe(0);
    const key = res.stdout.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toContain('billing-api');
    const h = await harness('sqlite', {}, file);
    try {
      await h.signUp('svc@example.com');
      const token = await h.bearerSignIn('svc@example.com');
      const ok = await h.request({
        method: 'POST',
        url: '/v1/introspect',
        headers: { authorization: `Bearer ${key}` },
        payload: { token },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ active: true, sid: token.split('.')[0] });
      const forged = `${key.slice(0, -2)}${key.endsWith('AA') ? 'BB' : 'AA'}`;
      const refused = await h.request({
        method: 'POST',
        url: '/v1/introspect',
        headers: { authorization: `Bearer ${forged}` },
        payload: { token },
      });
      expect(refused.statusCode).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('a bad flag exits non-zero and names the problem (every problem at once)', async () => {
    const bad = await cli(['serve', '--db', 'sqlite::memory:', '--idle-timeout', 'nonsense']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).not.toContain('listening');
    expect(bad.stderr).toMatch(/idle-timeout must be a duration/);
    expect(bad.stderr).toContain('"nonsense"');
    expect(bad.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    const two = await cli(['serve', '--db', 'sqlite::memory:', '--idle-timeout', 'soon', '--port', 'http']);
    expect(two.code).not.toBe(0);
    expect(two.stderr).toMatch(/idle-timeout/);
    expect(two.stderr).toMatch(/port must be/);
    const unknown = await cli(['serve', '--no-such-flag']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option/i);
  });
});
