/**
 * `serve --demo`'s line about the demo account (src/cli/demo.ts): the password it prints must be
 * one that signs in. After the demo password was changed, a restart (which finds the account and
 * seeds nothing) says so, and where a forgotten one is reset, instead of printing a dead password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_PASSWORD, demoAccountLine, seedDemo } from '../../src/cli/demo.js';
import { harness, type Harness } from '../support/harness.js';
import { SPAWN_HOOK_TIMEOUT_MS, spawnSessiond } from '../support/serve-process.js';

describe('the demo account line of serve --demo', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('sqlite');
  });
  afterAll(async () => h?.close());

  const signIn = (password: string) =>
    h.request({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: DEMO_EMAIL, password, transport: 'bearer', client_id: 'cli' } });

  it('prints the demo password while it works, and after it was changed says so instead', async () => {
    expect(await seedDemo(h.registry)).toBe(true);
    expect(await demoAccountLine(h.registry, true)).toBe(`demo account created: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
    // A restart: the account exists, nothing is seeded, and the printed password still signs in.
    expect(await seedDemo(h.registry)).toBe(false);
    expect(await demoAccountLine(h.registry, false)).toBe(`demo account: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
    const signedIn = await signIn(DEMO_PASSWORD);
    expect(signedIn.statusCode).toBe(200);

    const changed = await h.request({
      method: 'POST',
      url: '/v1/me/password',
      headers: { authorization: `Bearer ${signedIn.json().token}` },
      payload: { current_password: DEMO_PASSWORD, new_password: 'a brand new demo passphrase' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await signIn(DEMO_PASSWORD)).statusCode).toBe(401);

    expect(await seedDemo(h.registry)).toBe(false);
    const line = await demoAccountLine(h.registry, false);
    expect(line).not.toContain(`${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
    expect(line).toMatch(/its password was changed .* and is kept/);
    expect(line).toMatch(/Forgot password\?/);
  });

  it('the demo account owns a demo workspace and reads its Security overview and the instance’s', async () => {
    const demo = await harness('sqlite', { demo: true });
    try {
      expect(await seedDemo(demo.registry)).toBe(true);
      const signedIn = await demo.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: DEMO_EMAIL, password: DEMO_PASSWORD, transport: 'bearer', client_id: 'cli' },
      });
      const headers = { authorization: `Bearer ${signedIn.json().token}` };
      const mine = await demo.request({ method: 'GET', url: '/v1/me/workspaces', headers });
      expect(mine.json().workspaces).toMatchObject([{ name: 'Demo workspace', role: 'owner' }]);
      const ws = mine.json().workspaces[0].id as string;
      const workspace = await demo.request({ method: 'GET', url: `/v1/admin/workspaces/${ws}/overview?range=7d`, headers });
      expect(workspace.statusCode, workspace.body).toBe(200);
      const instance = await demo.request({ method: 'GET', url: '/v1/admin/overview', headers });
      expect(instance.statusCode, instance.body).toBe(200);
      // Every section of the Active sessions page has something: a command line's device sign-in,
      // a connected app, a personal token (security-signals.test.ts: the seed mails nobody).
      const apps = (await demo.request({ method: 'GET', url: '/v1/me/connected-apps', headers })).json().apps as Record<string, unknown>[];
      expect(apps).toMatchObject([
        { client: { name: 'Command line' }, via: 'device_code', device_name: 'build-server', last_used_location: { country: 'DE' } },
        { client: { name: 'Notes Cloud' }, via: 'authorization_code' },
      ]);
      const tokens = (await demo.request({ method: 'GET', url: '/v1/me/tokens', headers })).json().tokens as Record<string, unknown>[];
      expect(tokens).toMatchObject([{ name: 'ci-deploy' }]);
    } finally {
      await demo.close();
    }
    // Only in a demo: without --demo the instance's overview is for --instance-admins alone.
    const plain = await harness('sqlite');
    try {
      await seedDemo(plain.registry);
      const signedIn = await plain.request({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { email: DEMO_EMAIL, password: DEMO_PASSWORD, transport: 'bearer', client_id: 'cli' },
      });
      const refused = await plain.request({
        method: 'GET',
        url: '/v1/admin/overview',
        headers: { authorization: `Bearer ${signedIn.json().token}` },
      });
      expect(refused.statusCode).toBe(403);
    } finally {
      await plain.close();
    }
  });

  it(
    'tells people to open the public URL (npm start uses http://localhost:7400, where passkeys work), not the bound address',
    async () => {
      const server = await spawnSessiond({
        args: ['--demo', '--db', 'sqlite::memory:', '--host', '127.0.0.1', '--port', '0', '--public-url', 'http://localhost:7999'],
      });
      try {
        await server.waitFor(/^open http:\/\/localhost:7999\/settings\/security\/sessions and sign in as /, { printed: true });
        expect(server.output()).not.toMatch(/^open http:\/\/127\.0\.0\.1/m);
      } finally {
        await server.stop();
      }
    },
    SPAWN_HOOK_TIMEOUT_MS,
  );
});
