/**
 * `sessiond oauth-clients add|list|remove` from the built CLI (`node bin/sessiond.js …`) on a
 * SQLite file: a web client's secret is printed once, labelled, and is the one the server hands
 * oidc-provider (read back through a registry on the same file and key); list shows what was
 * registered (a table, or the admin API's JSON); bad input exits 2 naming the field and stores
 * nothing; remove deletes, and an unknown id exits 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRegistry } from '../../src/registry.js';
import { runCli, SPAWN_HOOK_TIMEOUT_MS } from '../support/serve-process.js';

describe('OAuth clients from the CLI', () => {
  let dir: string;
  let db: string;
  const cli = (...args: string[]) => runCli([...args, '--db', db]);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sessiond-cli-oauth-'));
    db = `sqlite:${path.join(dir, 'oauth.db')}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Several CLI runs, each a Node start and a database open: minutes on a busy machine.
  it(
    'adds web, native and device clients, lists them, refuses bad input, and removes one',
    { timeout: SPAWN_HOOK_TIMEOUT_MS },
    async () => {
      const web = await cli(
        'oauth-clients',
        'add',
        '--name',
        'Wiki',
        '--kind',
        'web',
        '--redirect-uri',
        'https://wiki.example.com/oidc/callback',
        '--redirect-uri',
        'http://localhost:3000/cb',
        '--post-logout-redirect-uri',
        'https://wiki.example.com/',
        '--logo-uri',
        'https://wiki.example.com/logo.png',
        '--backchannel-logout-uri',
        'https://wiki.example.com/oidc/backchannel',
        '--first-party',
      );
      expect(web.code, web.stderr).toBe(0);
      const webId = /^client_id: (oc_[A-Za-z0-9_-]{22})$/m.exec(web.stdout)?.[1];
      const secret = /^client_secret: ([A-Za-z0-9_-]{43})$/m.exec(web.stdout)?.[1];
      expect(webId).toBeDefined();
      expect(secret).toBeDefined();
      expect(web.stderr).toMatch(/shown this once/);

      const native = await cli(
        'oauth-clients',
        'add',
        '--name',
        'Desktop',
        '--kind',
        'native',
        '--redirect-uri',
        'com.example.desktop:/cb',
      );
      expect(native.code, native.stderr).toBe(0);
      expect(native.stdout).not.toMatch(/client_secret/);
      const nativeId = /^client_id: (oc_\S+)$/m.exec(native.stdout)![1]!;

      const device = await cli('oauth-clients', 'add', '--name', 'Command line', '--kind', 'device', '--json');
      expect(device.code, device.stderr).toBe(0);
      const made = JSON.parse(device.stdout) as { client: { id: string; kind: string; confidential: boolean }; client_secret?: string };
      expect(made.client).toMatchObject({ kind: 'device', confidential: false, redirect_uris: [] });
      expect(made).not.toHaveProperty('client_secret');

      // Refused, naming the field; nothing stored.
      const bad = await cli('oauth-clients', 'add', '--name', 'Bad', '--kind', 'web', '--redirect-uri', 'http://wiki.example.com/cb');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/redirect_uris\[0\] "http:\/\/wiki\.example\.com\/cb".*loopback/);
      const noRedirect = await cli('oauth-clients', 'add', '--name', 'Bad', '--kind', 'native');
      expect(noRedirect.code).toBe(2);
      expect(noRedirect.stderr).toMatch(/redirect_uris needs at least one/);

      const table = await cli('oauth-clients', 'list');
      expect(table.code, table.stderr).toBe(0);
      const rows = table.stdout.trim().split('\n');
      expect(rows[0]).toBe(['id', 'kind', 'first_party', 'name', 'redirect_uris', 'created'].join('\t'));
      expect(rows).toHaveLength(4);
      expect(
        rows
          .find((r) => r.startsWith(webId!))!
          .split('\t')
          .slice(0, 5),
      ).toEqual([webId, 'web', 'yes', 'Wiki', 'https://wiki.example.com/oidc/callback http://localhost:3000/cb']);
      expect(table.stdout).not.toContain(secret);

      const json = await cli('oauth-clients', 'list', '--json');
      expect(json.code, json.stderr).toBe(0);
      const { clients } = JSON.parse(json.stdout) as { clients: Record<string, unknown>[] };
      expect(clients.map((c) => c.id).sort()).toEqual([webId, nativeId, made.client.id].sort());
      expect(clients.find((c) => c.id === webId)).toMatchObject({
        name: 'Wiki',
        kind: 'web',
        first_party: true,
        confidential: true,
        logo_uri: 'https://wiki.example.com/logo.png',
        post_logout_redirect_uris: ['https://wiki.example.com/'],
        backchannel_logout_uri: 'https://wiki.example.com/oidc/backchannel',
      });

      // What the server reads from the same file and key: the secret printed once, in clear for oidc-provider only.
      const registry = await createRegistry(loadConfig({ databaseUrl: db, logLevel: 'warn' }, {}), { logStream: process.stderr });
      try {
        expect(await registry.oauthClients.metadata(webId!)).toMatchObject({
          client_secret: secret,
          token_endpoint_auth_method: 'client_secret_basic',
        });
      } finally {
        await registry.close();
      }

      const removed = await cli('oauth-clients', 'remove', nativeId);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toMatch(new RegExp(`removed OAuth client ${nativeId} \\(Desktop\\)`));
      const again = await cli('oauth-clients', 'remove', nativeId);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/No OAuth client with the id/);
      const after = JSON.parse((await cli('oauth-clients', 'list', '--json')).stdout) as { clients: { id: string }[] };
      expect(after.clients.map((c) => c.id).sort()).toEqual([webId, made.client.id].sort());
    },
  );
});
