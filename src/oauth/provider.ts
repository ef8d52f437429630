/**
 * sessiond as an OAuth 2.1 / OpenID Connect provider, on `oidc-provider` (certified; the protocol
 * is never written here). This module only configures it: storage (a Kysely store behind the
 * OidcStore port), signing keys (signing-keys.ts), accounts (sessiond's users), the pages it
 * renders itself (device code entry, errors), and where login and consent happen (sessiond's own
 * sign-in, MFA and recent authentication: routes.ts).
 *
 * Choices, each a default of OAuth 2.1 or of sessiond's security stance:
 * - authorization code only (no implicit or hybrid), PKCE on every code flow;
 * - opaque access tokens, kept in the store: a removed grant or revoked token is refused by every
 *   node at its next lookup, with nothing to wait out;
 * - refresh tokens rotate on every use; a used one presented again ends the whole grant;
 * - the provider's own session ends with sessiond's: an authorization request from a browser whose
 *   sessiond session has ended asks it to sign in again (the `sessiond_session` login check).
 */
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC, interactionPolicy as InteractionPolicy } from 'oidc-provider';
import type { IncomingMessage } from 'node:http';
import type { OidcStore } from '../core/ports/oidc-store.js';
import type { SecretBox } from '../core/ports/secret-box.js';
import type { Clock } from '../core/ports/clock.js';
import { oidcAdapterFactory } from './provider-adapter.js';
import { devicePage, errorPage, escapeHtml } from './pages.js';

/** The sessiond session the mount found on the request, for the login check (routes.ts sets it). */
export const SESSIOND_USER = Symbol('sessiond user');
/** The id of that session: an authorization made from it is linked to it (oauth.ts `link`). */
export const SESSIOND_SESSION = Symbol('sessiond session');
export type RequestWithUser = IncomingMessage & { [SESSIOND_USER]?: string | null; [SESSIOND_SESSION]?: string | null };

export interface ProviderDeps {
  issuer: string;
  /** Whether the public URL is https (cookies are Secure and `__Host-`/`__Secure-` prefixed then). */
  secure: boolean;
  store: OidcStore;
  clock: Clock;
  secretBox: SecretBox;
  clients: { metadata(id: string): Promise<Record<string, unknown> | null> };
  accounts: {
    /** The account's claims, or null when it does not exist or is disabled (its tokens then stop working). */
    claims(userId: string): Promise<{ sub: string; email: string; email_verified: boolean; name?: string } | null>;
  };
  jwks: { keys: Record<string, unknown>[] };
  /** Where the provider reports what it could not do (a back-channel logout that failed, a server error). */
  report(err: unknown, what: string): void;
  /** A token endpoint call succeeded for a grant: its "last used". */
  onGrantUsed(grantId: string, ip: string): void;
  /** A browser signed in to an app: the provider's session and the sessiond session it came from. */
  onAuthorized(link: { providerSessionId: string; sessionId: string; userId: string; expiresAt: number | null }): void;
}

/** Lifetimes in seconds. Access tokens are short: the panel's "Remove access" also deletes them, but a copy a resource server cached lives this long at most. */
export const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  DeviceCode: 10 * 60,
  Interaction: 60 * 60,
  /** The provider's own browser session; sessiond's session bounds it anyway. */
  Session: 14 * 24 * 3600,
  RefreshToken: 30 * 24 * 3600,
  Grant: 365 * 24 * 3600,
} as const;

export const SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

function loginCheck(interactionPolicy: typeof InteractionPolicy) {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(
    new interactionPolicy.Check('sessiond_session', 'The browser is not signed in to sessiond as this account', (ctx) => {
      const user = (ctx.req as RequestWithUser)[SESSIOND_USER];
      const session = ctx.oidc.session;
      if (!user || !session?.accountId || session.accountId !== user) return interactionPolicy.Check.REQUEST_PROMPT;
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

/**
 * oidc-provider is imported by the first OAuth request, not at every start (~0.3 s of imports;
 * it also warns on Node 20, which it does not list as supported: every flow here is tested on it).
 */
export async function createProvider(deps: ProviderDeps): Promise<Provider> {
  const { default: Provider, interactionPolicy } = await import('oidc-provider');
  const { secretBox } = deps;
  const cookieNames = deps.secure
    ? { session: '__Host-sessiond-oidc', interaction: '__Secure-sessiond-oidc-interaction', resume: '__Secure-sessiond-oidc-resume' }
    : { session: 'sessiond-oidc', interaction: 'sessiond-oidc-interaction', resume: 'sessiond-oidc-resume' };
  const configuration: Configuration = {
    adapter: oidcAdapterFactory(deps.store, deps.clock, deps.clients),
    clients: [],
    jwks: deps.jwks as Configuration['jwks'],
    async findAccount(_ctx, sub) {
      const claims = await deps.accounts.claims(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => claims };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: [...SCOPES],
    responseTypes: ['code'],
    pkce: { required: () => true },
    rotateRefreshToken: true,
    // A refresh token for offline access, and for device sign-ins (a CLI keeps working between runs).
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || client.grantTypeAllowed('urn:ietf:params:oauth:grant-type:device_code')),
    ttl: { ...TTL },
    cookies: {
      names: cookieNames,
      // Keyed under the secret box's keys: they rotate with it, the current first.
      keys: secretBox.macs('oidc-provider cookie keys'),
      long: { httpOnly: true, sameSite: 'lax', secure: deps.secure },
      short: { httpOnly: true, sameSite: 'lax', secure: deps.secure },
    },
    interactions: {
      url: (_ctx, interaction) => `/oauth/interaction/${interaction.uid}`,
      policy: loginCheck(interactionPolicy),
    },
    // A grant the user already gave this app is reused: consent is asked for what it lacks only.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      // Confidential clients (resource servers among them) may introspect; a client revokes only its own tokens.
      introspection: { enabled: true, allowedPolicy: async (_ctx, client) => client.clientAuthMethod !== 'none' },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = devicePage(
            'Sign out',
            `<p>Sign out of the app you came from?</p>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = devicePage('Signed out', '<p>You are signed out of the app. You can close this page.</p>');
        },
      },
      deviceFlow: {
        enabled: true,
        // Eight letters without vowels or look-alikes, shown as XXXX-XXXX (RFC 8628 §6.1).
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: async (ctx, form, _out, err) => {
          const message = err
            ? (err as { userCode?: string }).userCode || (err as Error).name === 'NoCodeError'
              ? '<p role="alert" class="error">That code is not right, or it has expired. Check the code on your device and try again.</p>'
              : '<p role="alert" class="error">This sign-in request was interrupted. Start it again on your device.</p>'
            : '<p>Enter the code your device or command line shows.</p>';
          // The label names the visible code field (the form's first input is its hidden xsrf token).
          const labelled = form.replace(/<input(?=[^>]*name="user_code")/, '<input id="user_code" autocomplete="one-time-code" ');
          ctx.body = devicePage(
            'Sign in a device',
            `${message}<label for="user_code">Code</label>${labelled}<button type="submit" form="op.deviceInputForm">Continue</button>`,
          );
        },
        userCodeConfirmSource: async (ctx, form, client, deviceInfo, userCode) => {
          const name = escapeHtml(client.clientName ?? client.clientId);
          const device = deviceInfo as { ip?: string; ua?: string } | undefined;
          const from = device?.ip ? ` from <strong>${escapeHtml(device.ip)}</strong>` : '';
          ctx.body = devicePage(
            'Confirm the sign-in',
            `<p><strong>${name}</strong> is asking to sign in${from}.</p>
<p>Check that your device shows this code: <code>${escapeHtml(userCode)}</code></p>
<p>If you did not start this, or the code differs, cancel.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort" class="secondary">Cancel</button>`,
          );
        },
        successSource: async (ctx) => {
          const name = escapeHtml(ctx.oidc.client?.clientName ?? 'The device');
          ctx.body = devicePage(
            'Device signed in',
            `<p role="status">${name} is signed in. You can close this page and go back to it.</p>`,
          );
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out as { error: string; error_description?: string });
    },
    // oidc-provider refuses to call special-use addresses (SSRF). Clients are registered by an
    // operator here (no dynamic registration), so a back-channel URI an operator wrote as a
    // loopback address (an app on the same host) is called; a name that resolves to a private
    // address still is not.
    fetch: (url, options) => {
      const host = new URL(url instanceof Request ? url.url : url).hostname;
      if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') delete (options as { dispatcher?: unknown }).dispatcher;
      return globalThis.fetch(url, options);
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => safeOrigin(uri) === origin) ?? false,
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => deps.report(err, 'oidc-provider'));
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc.session;
    const sessionId = (ctx.req as RequestWithUser)[SESSIOND_SESSION];
    if (session?.jti && session.accountId && sessionId)
      deps.onAuthorized({
        providerSessionId: session.jti,
        sessionId,
        userId: session.accountId,
        expiresAt: typeof session.exp === 'number' ? session.exp * 1000 : null,
      });
  });
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantId = ctx.oidc.entities.Grant?.jti ?? ctx.oidc.entities.RefreshToken?.grantId ?? ctx.oidc.entities.DeviceCode?.grantId;
    if (grantId) deps.onGrantUsed(grantId, ctx.ip);
  });
  return provider;
}

function safeOrigin(uri: string): string | null {
  try {
    return new URL(uri).origin;
  } catch {
    return null;
  }
}
