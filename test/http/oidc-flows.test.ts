/**
 * sessiond as an OpenID provider, driven by a client no one here wrote (`openid-client`) over real
 * HTTP: authorization code + PKCE with sessiond's own sign-in and consent, refresh rotation (a
 * reused refresh token ends the whole grant), revocation (RFC 7009), introspection (RFC 7662),
 * the device grant (RFC 8628), the panel's "Remove access", and back-channel logout received by a
 * test relying party that verifies the logout token with `jose`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, PASSWORD, type Harness } from '../support/harness.js';
import { CookieJar, formAction, hiddenInputs } from '../support/oauth-browser.js';
import { freePort } from '../support/free-port.js';
import type { Engine } from '../../src/adapters/kysely/connect.js';

/** A browser over fetch: keeps cookies per name, follows nothing by itself. */

/** A relying party's back-channel logout endpoint: records each verified logout token. */
async function logoutReceiver(issuer: string, clientId: () => string) {
  const received: JWTPayload[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token') ?? '';
      jwtVerify(token, jwks, { issuer, audience: clientId(), typ: 'logout+jwt' })
        .then(({ payload }) => {
          received.push(payload);
          res.writeHead(200).end();
        })
        .catch((err: unknown) => {
          errors.push(err);
          res.writeHead(400).end();
        })
        .finally(() => waiters.splice(0).forEach((w) => w()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`,
    received,
    errors,
    async next(count: number): Promise<void> {
      while (received.length + errors.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

for (const engine of ['sqlite', 'postgres'] as Engine[]) {
  describe(`OpenID provider, driven by openid-client (${engine})`, () => {
    let h: Harness;
    let base: string;
    let issuer: string;
    let rp: Awaited<ReturnType<typeof logoutReceiver>>;
    let webClientId = '';
    let webSecret = '';
    let deviceClientId = '';
    const redirectUri = 'http://127.0.0.1:9/callback';

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      issuer = `${base}/oidc`;
      h = await harness(engine, { publicUrl: base });
      await h.app.listen({ port, host: '127.0.0.1' });
      rp = await logoutReceiver(issuer, () => webClientId);
      const web = await h.registry.oauthClients.register({
        name: 'Notes Cloud',
        kind: 'web',
        redirectUris: [redirectUri],
        backchannelLogoutUri: rp.url,
      });
      webClientId = web.client.id;
      webSecret = web.secret!;
      const cli = await h.registry.oauthClients.register({ name: 'Build CLI', kind: 'device' });
      deviceClientId = cli.client.id;
      expect((await h.signUp('ada@example.com')).statusCode).toBe(201);
    });

    afterAll(async () => {
      await rp?.close();
      await h?.close();
    });

    /** Signs a fresh browser in to sessiond through its API, as the sign-in page does. */
    async function signedInBrowser(): Promise<CookieJar> {
      const jar = new CookieJar(base);
      const res = await jar.fetch('/v1/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com', password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      return jar;
    }

    async function codeFlow(jar: CookieJar, config: oidc.Configuration, scope: string) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        prompt: 'consent',
      });
      // Sign-in is already done; the browser lands on the consent page for this third-party app.
      const consent = await jar.follow(url.href, (u) => u.pathname === '/oauth/consent');
      expect(consent.url.pathname).toBe('/oauth/consent');
      const uid = consent.url.searchParams.get('uid')!;
      const shown = await jar.fetch(`/v1/oauth/interactions/${uid}`);
      expect(shown.status).toBe(200);
      const view = (await shown.json()) as { client: { name: string }; scopes: string[] };
      expect(view.client.name).toBe('Notes Cloud');
      expect(view.scopes).toEqual(scope.split(' '));
      const answer = await jar.fetch(`/v1/oauth/interactions/${uid}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      expect(answer.status).toBe(200);
      const { redirect_to } = (await answer.json()) as { redirect_to: string };
      const back = await jar.follow(redirect_to, (u) => u.href.startsWith(redirectUri));
      expect(back.url.href.startsWith(redirectUri)).toBe(true);
      return oidc.authorizationCodeGrant(config, back.url, { pkceCodeVerifier: verifier, expectedState: state });
    }

    it('code + PKCE through sessiond’s sign-in and consent; userinfo; the app listed; refresh rotates and a reused refresh token ends the grant', async () => {
      const config = await oidc.discovery(new URL(issuer), webClientId, webSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const jar = await signedInBrowser();
      const tokens = await codeFlow(jar, config, 'openid email offline_access');
      const claims = tokens.claims()!;
      // The ID token is signed by a published key; the JWKS carries no private part.
      const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Record<string, unknown>[] };
      const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { kid: string; alg: string };
      expect(header.alg).toBe('RS256');
      expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
      for (const key of jwks.keys) expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['d']));
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(userinfo.email).toBe('ada@example.com');

      const apps = await jar.fetch('/v1/me/connected-apps');
      const listed = ((await apps.json()) as { apps: { client: { name: string }; scopes: string[]; via: string }[] }).apps;
      expect(listed).toMatchObject([{ client: { name: 'Notes Cloud' }, via: 'authorization_code' }]);
      expect(listed[0]!.scopes).toEqual(expect.arrayContaining(['openid', 'email', 'offline_access']));

      const first = tokens.refresh_token!;
      const rotated = await oidc.refreshTokenGrant(config, first);
      expect(rotated.refresh_token).toBeDefined();
      expect(rotated.refresh_token).not.toBe(first);
      // The old one again: refused, and the whole grant ends — the rotated token and every access token too.
      await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      const inspected = await oidc.tokenIntrospection(config, rotated.access_token);
      expect(inspected.active).toBe(false);
    });

    it('prompt=login: a session authenticated within the re-authentication window goes on; an older one is sent back login_required', async () => {
      const config = await oidc.discovery(new URL(issuer), webClientId, webSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const ask = async (jar: CookieJar) => {
        const url = oidc.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid',
          code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          state: oidc.randomState(),
          prompt: 'login',
        });
        return (await jar.follow(url.href, (u) => u.href.startsWith(redirectUri) || u.pathname === '/oauth/consent')).url;
      };
      const jar = await signedInBrowser();
      expect((await ask(jar)).pathname).toBe('/oauth/consent');
      h.clock.advance(11 * 60 * 1000);
      const stale = await ask(jar);
      expect(stale.href.startsWith(redirectUri)).toBe(true);
      expect(stale.searchParams.get('error')).toBe('login_required');
    });

    it('revocation (RFC 7009) and introspection (RFC 7662)', async () => {
      const config = await oidc.discovery(new URL(issuer), webClientId, webSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const jar = await signedInBrowser();
      const tokens = await codeFlow(jar, config, 'openid offline_access');
      expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
      await oidc.tokenRevocation(config, tokens.access_token);
      expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    });

    it('"Remove access" ends the grant and its tokens at once and the app gets a verified back-channel logout token', async () => {
      const config = await oidc.discovery(new URL(issuer), webClientId, webSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const jar = await signedInBrowser();
      const tokens = await codeFlow(jar, config, 'openid offline_access');
      const sid = tokens.claims()!.sid as string;
      expect(sid).toBeTruthy();
      const rpSessions = (await (await jar.fetch('/v1/me/relying-party-sessions')).json()) as { sessions: { id: string }[] };
      expect(rpSessions.sessions.map((s) => s.id)).toContain(sid);

      // Every app this account connected in this suite is removed; each one's sign-in hears of it.
      const apps = ((await (await jar.fetch('/v1/me/connected-apps')).json()) as { apps: { id: string }[] }).apps;
      expect(apps.length).toBeGreaterThan(0);
      const seen = rp.received.length + rp.errors.length;
      for (const app of apps) expect((await jar.fetch(`/v1/me/connected-apps/${app.id}`, { method: 'DELETE' })).status).toBe(204);
      await rp.next(seen + 1);
      expect(rp.errors).toEqual([]);
      expect(rp.received.find((t) => t.sid === sid)).toMatchObject({
        sid,
        sub: tokens.claims()!.sub,
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      });
      expect(
        ((await (await jar.fetch('/v1/me/relying-party-sessions')).json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id),
      ).not.toContain(sid);

      expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toBeDefined();
      expect(((await (await jar.fetch('/v1/me/connected-apps')).json()) as { apps: unknown[] }).apps).toEqual([]);
      const timeline = await (await jar.fetch('/v1/me/security-events')).text();
      expect(timeline).toContain('app_removed');
      expect(timeline).toContain('app_connected');
    });

    it('signing out of sessiond signs the browser out of the apps it signed in to (back-channel); re-authenticating, or another session ending, does not', async () => {
      const config = await oidc.discovery(new URL(issuer), webClientId, webSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const jar = await signedInBrowser();
      const tokens = await codeFlow(jar, config, 'openid');
      const sid = tokens.claims()!.sid as string;
      const logoutsFor = () => rp.received.filter((t) => t.sid === sid).length;
      // "Confirm it's you" gives the session a new token (and id): its apps stay signed in.
      const reauth = await jar.fetch('/v1/me/reauthenticate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: PASSWORD }),
      });
      expect(reauth.status).toBe(200);
      // Another session of the account ends: nothing to do with this browser's apps.
      const other = await signedInBrowser();
      expect((await other.fetch('/v1/auth/sign-out', { method: 'POST' })).status).toBe(204);
      // The apps are told in the background (a slow app never holds up a sign-out): wait for it.
      await h.registry.signals.idle();
      expect(logoutsFor()).toBe(0);
      const listed = (await (await jar.fetch('/v1/me/relying-party-sessions')).json()) as { sessions: { id: string }[] };
      expect(listed.sessions.map((x) => x.id)).toContain(sid);

      const seen = rp.received.length + rp.errors.length;
      expect((await jar.fetch('/v1/auth/sign-out', { method: 'POST' })).status).toBe(204);
      await rp.next(seen + 1);
      expect(rp.errors).toEqual([]);
      expect(logoutsFor()).toBe(1);
      // Its access token lived only as long as the sign-in.
      expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    });

    it('removing a client (CLI, admin API) ends every grant it held: gone from the panel, its sign-ins told', async () => {
      const config = await oidc.discovery(new URL(issuer), webClientId, webSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const jar = await signedInBrowser();
      const tokens = await codeFlow(jar, config, 'openid offline_access');
      const sid = tokens.claims()!.sid as string;
      const seen = rp.received.length + rp.errors.length;
      expect(await h.registry.oauthClients.remove(webClientId)).toBe(true);
      await rp.next(seen + 1);
      expect(rp.received.find((t) => t.sid === sid)).toBeDefined();
      const apps = ((await (await jar.fetch('/v1/me/connected-apps')).json()) as { apps: { client: { id: string } }[] }).apps;
      expect(apps.filter((a) => a.client.id === webClientId)).toEqual([]);
      // Registered again for the tests that follow.
      const web = await h.registry.oauthClients.register({
        name: 'Notes Cloud',
        kind: 'web',
        redirectUris: [redirectUri],
        backchannelLogoutUri: rp.url,
      });
      webClientId = web.client.id;
      webSecret = web.secret!;
    });

    it('device grant (RFC 8628): the CLI polls while the browser enters the code, approves, and the sign-in shows as the CLI', async () => {
      const config = await oidc.discovery(new URL(issuer), deviceClientId, undefined, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid offline_access' });
      expect(started.verification_uri).toBe(`${issuer}/device`);
      const polling = oidc.pollDeviceAuthorizationGrant(config, started);

      const jar = await signedInBrowser();
      // The short address redirects to the provider's page.
      const entry = await jar.follow('/device', () => false);
      expect(entry.res.status).toBe(200);
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
      const consent = await jar.follow(new URL(next.headers.get('location')!, base).href, (u) => u.pathname === '/oauth/consent');
      const uid = consent.url.searchParams.get('uid')!;
      const view = (await (await jar.fetch(`/v1/oauth/interactions/${uid}`)).json()) as { device: { ip: string } | null };
      expect(view.device?.ip).toBe('127.0.0.1');
      const answer = await jar.fetch(`/v1/oauth/interactions/${uid}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      const { redirect_to } = (await answer.json()) as { redirect_to: string };
      const done = await jar.follow(redirect_to, () => false);
      expect(await done.res.text()).toContain('is signed in');

      const tokens = await polling;
      expect(tokens.refresh_token).toBeDefined();
      // A device sign-in is a signed-in session on the page, not an app signed in to.
      const rpSessions = (await (await jar.fetch('/v1/me/relying-party-sessions')).json()) as { sessions: { client: { id: string } }[] };
      expect(rpSessions.sessions.map((x) => x.client.id)).not.toContain(deviceClientId);
      // A service checks the CLI's access token where it checks sessions: POST /v1/introspect.
      const serviceKey = (await h.registry.serviceKeys.create(`rs-${engine}`)).key;
      const introspect = async () =>
        (await (
          await fetch(`${base}/v1/introspect`, {
            method: 'POST',
            headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token: tokens.access_token }).toString(),
          })
        ).json()) as Record<string, unknown>;
      expect(await introspect()).toMatchObject({
        active: true,
        client_id: deviceClientId,
        token_type: 'access_token',
        scope: 'openid offline_access',
      });
      const apps = (
        (await (await jar.fetch('/v1/me/connected-apps')).json()) as { apps: { id: string; via: string; client: { name: string } }[] }
      ).apps;
      const device = apps.find((a) => a.via === 'device_code')!;
      expect(device.client.name).toBe('Build CLI');
      // Signing it out from the panel: the CLI's next call fails.
      expect((await jar.fetch(`/v1/me/connected-apps/${device.id}`, { method: 'DELETE' })).status).toBe(204);
      expect(await introspect()).toEqual({ active: false });
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });
}
