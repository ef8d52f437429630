/**
 * Three `sessiond serve` processes behind one public URL (one OpenID issuer, as behind a load
 * balancer) on one PostgreSQL, or one MySQL/MariaDB with Redis: an app's access removed through
 * one node, or a personal access token revoked there, is refused by the other two at their next
 * call, even right after they answered for it. The provider's tokens, grants and sessions live in
 * the database with no per-node cache, so nothing has to be told; this suite holds that.
 * Correctness with a deadline only; bench/parts/oauth-revocation.ts measures the delay.
 *
 * The browser (sign-in, the device page, consent) and openid-client talk to node 1, whose address
 * is the public URL; nodes 2 and 3 are called at their own addresses, as a load balancer would
 * send a resource server's or a CLI's next request anywhere.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/serve-process.js';
import { testKeyFile } from '../support/secret-key.js';
import { CookieJar, formAction, hiddenInputs } from '../support/oauth-browser.js';
import { freePort } from '../support/free-port.js';
import {
  call,
  client,
  PASSWORD,
  REDIS_URL,
  signIn,
  signUp,
  SPAWN_HOOK_TIMEOUT_MS,
  startNode,
  stopAll,
  until,
  type SessiondNode,
} from './cluster.js';

/** As for sessions (propagation.test.ts): removed through one node, refused by every other within 1 s. */
const PROPAGATION_DEADLINE_MS = 1_000;
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

const CLUSTERS = [
  { name: 'PostgreSQL', engine: 'postgres', redis: false },
  { name: 'MySQL with Redis', engine: 'mysql', redis: true },
] as const;

/** A browser over fetch, through the load balancer (node 1): keeps cookies, follows nothing by itself. */

/** `sessiond oauth-clients add … --json` on the cluster's database: the client's id and its secret, if any. */
async function addClient(db: string, args: string[]): Promise<{ id: string; secret?: string }> {
  const res = await runCli(['oauth-clients', 'add', ...args, '--json', '--db', db], { SESSIOND_SECRET_KEY_FILE: testKeyFile() });
  if (res.code !== 0) throw new Error(`oauth-clients add: ${res.code} ${res.stderr}`);
  const made = JSON.parse(res.stdout) as { client: { id: string }; client_secret?: string };
  return { id: made.client.id, ...(made.client_secret ? { secret: made.client_secret } : {}) };
}

interface Grant {
  access: string;
  refresh: string;
  sub: string;
}

describe.each(CLUSTERS.filter((c) => SHARED_ENGINES.includes(c.engine)))(
  'three nodes as one OpenID provider, on $name',
  ({ engine, redis }) => {
    let database: TestDatabase;
    let nodes: [SessiondNode, SessiondNode, SessiondNode];
    let publicUrl: string;
    let issuer: string;
    let device: { id: string };
    let web: { id: string; secret: string };
    let serviceKey: string;

    beforeAll(async () => {
      database = await freshDatabase(engine);
      const port = await freePort();
      publicUrl = `http://127.0.0.1:${port}`;
      issuer = `${publicUrl}/oidc`;
      const options = { db: database.url, publicUrl, ...(redis ? { redis: REDIS_URL } : {}) };
      // The first node migrates the fresh schema; the other two find it up to date.
      const first = await startNode({ ...options, name: 'node-1', port });
      const [second, third] = await Promise.all([startNode({ ...options, name: 'node-2' }), startNode({ ...options, name: 'node-3' })]);
      nodes = [first, second, third];
      // Registered by an operator on the shared database, while the nodes run.
      device = await addClient(database.url, ['--name', 'Build CLI', '--kind', 'device']);
      const made = await addClient(database.url, ['--name', 'Notes Cloud', '--kind', 'web', '--redirect-uri', REDIRECT_URI]);
      web = { id: made.id, secret: made.secret! };
      const key = await runCli(['service-keys', 'create', '--name', 'billing-api', '--db', database.url], {
        SESSIOND_SECRET_KEY_FILE: testKeyFile(),
      });
      if (key.code !== 0) throw new Error(`service-keys create: ${key.code} ${key.stderr}`);
      serviceKey = key.stdout.trim();
    }, SPAWN_HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await stopAll();
      await database?.drop();
    });

    const basic = () => `Basic ${Buffer.from(`${encodeURIComponent(web.id)}:${encodeURIComponent(web.secret)}`).toString('base64')}`;

    /** A form POST to a node's provider endpoint; the status and JSON answer. */
    async function form(node: SessiondNode, path: string, body: Record<string, string>, authorization?: string) {
      const res = await fetch(`${node.url}/oidc${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
        body: new URLSearchParams(body).toString(),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    /** What a resource server learns from node N's RFC 7662 introspection (Notes Cloud's credentials). */
    const introspect = async (node: SessiondNode, token: string) =>
      (await form(node, '/token/introspection', { token }, basic())).body as { active: boolean; sub?: string; client_id?: string };

    /** Node N's userinfo with the access token: its status. */
    const userinfo = async (node: SessiondNode, token: string) =>
      (
        await fetch(`${node.url}/oidc/me`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(10_000),
        })
      ).status;

    /** A refresh at node N (the CLI is a public client; the web app authenticates). */
    const refresh = (node: SessiondNode, clientId: string, token: string) =>
      form(
        node,
        '/token',
        { grant_type: 'refresh_token', refresh_token: token, client_id: clientId },
        clientId === web.id ? basic() : undefined,
      );

    async function signedInBrowser(who: { email: string; ip: string }): Promise<CookieJar> {
      const jar = new CookieJar(publicUrl, { ip: who.ip, timeoutMs: 10_000 });
      const res = await jar.fetch('/v1/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: who.email, password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      return jar;
    }

    /** The consent page's Allow, as the page does it; the address the browser goes on to. */
    async function approve(jar: CookieJar, uid: string): Promise<string> {
      const answer = await jar.json<{ redirect_to: string }>(`/v1/oauth/interactions/${uid}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      expect(answer.status).toBe(200);
      return answer.body.redirect_to;
    }

    /** RFC 8628 through node 1: the CLI starts and polls; the browser enters the code and allows it. */
    async function deviceSignIn(jar: CookieJar): Promise<Grant> {
      const config = await oidc.discovery(new URL(issuer), device.id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid offline_access' });
      const polling = oidc.pollDeviceAuthorizationGrant(config, started);
      const entry = await jar.follow('/device', () => false);
      const entryHtml = await entry.res.text();
      const confirm = await jar.fetch(formAction(entryHtml, 'op.deviceInputForm'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...hiddenInputs(entryHtml), user_code: started.user_code }).toString(),
      });
      const confirmHtml = await confirm.text();
      expect(confirmHtml).toContain('Build CLI');
      const next = await jar.fetch(formAction(confirmHtml, 'op.deviceConfirmForm'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(hiddenInputs(confirmHtml)).toString(),
      });
      const consent = await jar.follow(new URL(next.headers.get('location')!, publicUrl).href, (u) => u.pathname === '/oauth/consent');
      const done = await jar.follow(await approve(jar, consent.url.searchParams.get('uid')!), () => false);
      expect(await done.res.text()).toContain('is signed in');
      const tokens = await polling;
      return { access: tokens.access_token, refresh: tokens.refresh_token!, sub: tokens.claims()!.sub };
    }

    /** Authorization code + PKCE through node 1, for the web app. */
    async function codeSignIn(jar: CookieJar): Promise<Grant> {
      const config = await oidc.discovery(new URL(issuer), web.id, web.secret, undefined, { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        prompt: 'consent',
      });
      const consent = await jar.follow(url.href, (u) => u.pathname === '/oauth/consent');
      const back = await jar.follow(await approve(jar, consent.url.searchParams.get('uid')!), (u) => u.href.startsWith(REDIRECT_URI));
      const tokens = await oidc.authorizationCodeGrant(config, back.url, { pkceCodeVerifier: verifier, expectedState: state });
      return { access: tokens.access_token, refresh: tokens.refresh_token!, sub: tokens.claims()!.sub };
    }

    /** Removes the one app of `via` from the panel, through node 1 (the Remove access button). */
    async function removeThroughNodeOne(jar: CookieJar, via: 'device_code' | 'authorization_code'): Promise<void> {
      const listed = await jar.json<{ apps: { id: string; via: string }[] }>('/v1/me/connected-apps');
      const app = listed.body.apps.find((a) => a.via === via)!;
      expect(app).toBeDefined();
      expect((await jar.fetch(`/v1/me/connected-apps/${app.id}`, { method: 'DELETE' })).status).toBe(204);
    }

    /** Waits (bounded by the deadline) until nodes 2 and 3 both refuse the access token on userinfo and introspection. */
    async function untilRefusedOnTwoAndThree(access: string[]): Promise<number[]> {
      const [, two, three] = nodes;
      return Promise.all(
        [two, three].map((node) =>
          until(
            async () => {
              for (const token of access) {
                if ((await userinfo(node, token)) !== 401) return false;
                if ((await introspect(node, token)).active !== false) return false;
              }
              return true;
            },
            PROPAGATION_DEADLINE_MS,
            `${node.name} refusing the removed grant's access tokens`,
          ),
        ),
      );
    }

    it('a CLI signed in with the device grant through node 1, used on nodes 2 and 3, removed through node 1: nodes 2 and 3 refuse its tokens at once', async () => {
      const [one, two, three] = nodes;
      const who = client();
      await signUp(one, who);
      const jar = await signedInBrowser(who);
      const grant = await deviceSignIn(jar);

      // Every node answers for it: userinfo, and a resource server's introspection.
      for (const node of nodes) {
        expect(await userinfo(node, grant.access)).toBe(200);
        expect(await introspect(node, grant.access)).toMatchObject({ active: true, sub: grant.sub, client_id: device.id });
      }
      // The CLI's next run lands on node 2: its refresh token rotates there, and node 3 takes the new access token.
      const rotated = await refresh(two, device.id, grant.refresh);
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      const access2 = String(rotated.body.access_token);
      const refresh2 = String(rotated.body.refresh_token);
      expect(refresh2).not.toBe(grant.refresh);
      expect(await userinfo(three, access2)).toBe(200);
      expect((await introspect(three, access2)).active).toBe(true);

      await removeThroughNodeOne(jar, 'device_code');
      const delays = await untilRefusedOnTwoAndThree([grant.access, access2]);
      // The refresh token is dead on every node too: the CLI must sign in again.
      for (const node of [two, three]) {
        const res = await refresh(node, device.id, refresh2);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_grant');
      }
      // Once refused, refused for good.
      for (const node of nodes) for (const token of [grant.access, access2]) expect(await userinfo(node, token)).toBe(401);
      console.info(`device grant removal refused on node 2 after ${delays[0]!.toFixed(1)} ms, node 3 after ${delays[1]!.toFixed(1)} ms`);
    });

    it('a web app connected through node 1 and introspected on nodes 2 and 3: Remove access on node 1 ends it there at once, and only it', async () => {
      const [one, two, three] = nodes;
      const who = client();
      await signUp(one, who);
      const jar = await signedInBrowser(who);
      const removed = await codeSignIn(jar);
      const kept = await deviceSignIn(jar);
      for (const node of [two, three]) {
        expect(await introspect(node, removed.access)).toMatchObject({ active: true, sub: removed.sub, client_id: web.id });
        expect(await userinfo(node, removed.access)).toBe(200);
      }

      await removeThroughNodeOne(jar, 'authorization_code');
      await untilRefusedOnTwoAndThree([removed.access]);
      for (const node of [two, three]) {
        const res = await refresh(node, web.id, removed.refresh);
        expect(res.body.error).toBe('invalid_grant');
      }
      // The user's other grant (the CLI) goes on working everywhere.
      for (const node of nodes) {
        expect(await userinfo(node, kept.access)).toBe(200);
        expect((await introspect(node, kept.access)).active).toBe(true);
      }
    });

    it('a personal access token revoked through node 1 is inactive on /v1/introspect at nodes 2 and 3 at once', async () => {
      const [one, two, three] = nodes;
      const who = client();
      await signUp(one, who);
      const { token: session } = await signIn(one, who);
      const made = await call(one, 'POST', '/v1/me/tokens', {
        token: session,
        ip: who.ip,
        body: { name: 'deploy script', scopes: ['api:read'], expires_in_days: 30 },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const secret = made.body.secret as string;
      const other = await call(one, 'POST', '/v1/me/tokens', {
        token: session,
        ip: who.ip,
        body: { name: 'backup job', scopes: ['api:read'], expires_in_days: null },
      });
      expect(other.status).toBe(201);
      const introspectPat = async (node: SessiondNode, token: string) =>
        (await call(node, 'POST', '/v1/introspect', { token: serviceKey, body: { token } })).body as { active: boolean; token_id?: string };
      for (const node of nodes) expect(await introspectPat(node, secret)).toMatchObject({ active: true, token_id: made.body.token.id });

      expect((await call(one, 'DELETE', `/v1/me/tokens/${made.body.token.id}`, { token: session, ip: who.ip })).status).toBe(204);
      await Promise.all(
        [two, three].map((node) =>
          until(
            async () => (await introspectPat(node, secret)).active === false,
            PROPAGATION_DEADLINE_MS,
            `${node.name} refusing the token`,
          ),
        ),
      );
      for (const node of nodes) {
        expect(await introspectPat(node, secret)).toEqual({ active: false });
        expect((await introspectPat(node, other.body.secret as string)).active).toBe(true);
      }
    });

    it('signing out everywhere else through node 2, apps and tokens included, ends the CLI sign-in and the token on nodes 1 and 3', async () => {
      const [one, two, three] = nodes;
      const who = client();
      await signUp(one, who);
      const cli = await deviceSignIn(await signedInBrowser(who));
      const { token: session } = await signIn(two, who);
      const made = await call(two, 'POST', '/v1/me/tokens', {
        token: session,
        ip: who.ip,
        body: { name: 'deploy script', scopes: ['api:read'], expires_in_days: 30 },
      });
      expect(made.status).toBe(201);
      const secret = made.body.secret as string;
      const introspectPat = async (node: SessiondNode) =>
        ((await call(node, 'POST', '/v1/introspect', { token: serviceKey, body: { token: secret } })).body as { active: boolean }).active;
      for (const node of [one, three]) {
        expect(await userinfo(node, cli.access)).toBe(200);
        expect(await introspectPat(node)).toBe(true);
      }

      const res = await call(two, 'POST', '/v1/me/sessions/revoke-others', {
        token: session,
        ip: who.ip,
        body: { include: ['connected_apps', 'tokens'] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ revoked: 1, apps_removed: 1, tokens_revoked: 1 });
      await Promise.all(
        [one, three].map((node) =>
          until(
            async () => (await userinfo(node, cli.access)) === 401 && (await introspectPat(node)) === false,
            PROPAGATION_DEADLINE_MS,
            `${node.name} refusing the CLI's access token and the personal token`,
          ),
        ),
      );
      for (const node of [one, three]) expect((await refresh(node, device.id, cli.refresh)).body.error).toBe('invalid_grant');
    });
  },
);
