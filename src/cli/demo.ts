/**
 * `npm start` seeds a demo account whose sessions come from several devices, apps and places,
 * so a first look at the Active sessions page shows what the product does, and a workspace it
 * owns; with `--demo` it also reads the instance's Security overview (registry.ts). Idempotent: an
 * existing demo account is left as it is.
 */
import { emailKey } from '../core/user.js';
import type { AuthMethod, DeviceInfo } from '../core/session.js';
import { Sessions } from '../core/sessions.js';
import { newId } from '../core/token.js';
import type { Registry } from '../registry.js';

export const DEMO_EMAIL = 'demo@sessiond.local';
export const DEMO_PASSWORD = 'demo password 1234';
export const DEMO_WORKSPACE = 'Demo workspace';

interface DemoSession {
  clientId: string;
  ip: string;
  device: DeviceInfo;
  userAgent: string | null;
  /** How long ago it signed in, and was last active. */
  signedInAgoMs: number;
  activeAgoMs: number;
  authMethod?: AuthMethod;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const DEMO_SESSIONS: DemoSession[] = [
  {
    clientId: 'desktop',
    ip: '212.58.244.20',
    device: { name: 'MacBook Pro', os: 'macOS 15', browser: null, type: 'desktop' },
    userAgent: 'sessiond-desktop/2.4.1 (Macintosh; macOS 15.1)',
    signedInAgoMs: 6 * DAY,
    activeAgoMs: 2 * HOUR,
  },
  {
    clientId: 'mobile',
    ip: '91.198.174.192',
    device: { name: 'Pixel 8', os: 'Android 15', browser: null, type: 'mobile' },
    userAgent: 'sessiond-mobile/5.2.0 (Android 15; Pixel 8)',
    signedInAgoMs: 3 * DAY,
    activeAgoMs: 40 * 60_000,
  },
  {
    clientId: 'web',
    ip: '151.101.1.69',
    device: { name: 'iPad', os: 'iPadOS 18', browser: 'Safari 18', type: 'tablet' },
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    signedInAgoMs: 9 * DAY,
    activeAgoMs: 1 * DAY,
  },
  {
    clientId: 'cli',
    ip: '5.9.0.1',
    device: { name: 'build-server-02', os: 'Linux', browser: null, type: 'desktop' },
    userAgent: 'sessiond-cli/1.8.0 (linux; x64)',
    signedInAgoMs: 12 * DAY,
    activeAgoMs: 5 * HOUR,
  },
  {
    clientId: 'platform',
    ip: '133.242.0.1',
    device: { name: 'Windows PC', os: 'Windows 11', browser: 'Edge 131', type: 'desktop' },
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    signedInAgoMs: 2 * DAY,
    activeAgoMs: 20 * HOUR,
  },
];

/**
 * The line `serve --demo` prints about the demo account: its password only while it is still the
 * demo one. A changed password is the user's own and is kept; the line then says so, and where
 * a forgotten one is reset (without `--smtp` the reset mail is printed on stderr).
 */
export async function demoAccountLine(registry: Registry, created: boolean): Promise<string> {
  if (created) return `demo account created: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`;
  const user = await registry.store.findUserByEmailKey(emailKey(DEMO_EMAIL));
  if (user && (await registry.passwords.verify(user.passwordHash, DEMO_PASSWORD))) return `demo account: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`;
  return (
    `demo account: ${DEMO_EMAIL}; its password was changed from "${DEMO_PASSWORD}" and is kept: sign in with the new one, ` +
    `or use "Forgot password?" on the sign-in page (${registry.config.smtpUrl ? 'the link is mailed' : 'without --smtp the mail with the link is printed on stderr'})`
  );
}

/** Creates the demo account and its sessions unless it exists; returns whether it created it. */
export async function seedDemo(registry: Registry): Promise<boolean> {
  if (await registry.store.findUserByEmailKey(emailKey(DEMO_EMAIL))) return false;
  const user = await registry.accounts.signUp({ email: DEMO_EMAIL, password: DEMO_PASSWORD, name: 'Demo User' });
  const now = registry.clock.now();
  for (const demo of DEMO_SESSIONS) {
    // Sessions that began in the past: a use case over the same store, with a clock set back.
    let at = now - demo.signedInAgoMs;
    const sessions = new Sessions({
      store: registry.store,
      crypto: registry.crypto,
      policy: registry.sessions.policy,
      bus: registry.bus,
      cache: false,
      clock: { now: () => at },
    });
    const { session, token } = await sessions.createSession(user.id, demo.clientId, demo.authMethod ?? 'password', {
      ip: demo.ip,
      userAgent: demo.userAgent,
      device: demo.device,
      location: registry.geo.locate(demo.ip),
      deviceId: newId(registry.crypto),
    });
    at = now - demo.activeAgoMs;
    await registry.store.touchSessions([{ id: session.id, lastActiveAt: at }]);
    void token; // nobody holds these tokens: the sessions exist to be seen and revoked
  }
  // A workspace it owns, so the admin pages (members, audit, policy, Security overview) open too.
  await registry.workspaces.create({ userId: user.id, ip: null, userAgent: 'sessiond-demo', requestId: null }, DEMO_WORKSPACE);
  await seedCredentials(registry, user.id, now);
  return true;
}

/**
 * What acts for the demo account past its sessions, so the page's other sections are not empty: a
 * command line signed in with the device grant from a build server in Germany, a third-party app
 * it connected, and a personal access token. Made through the same provider and use cases as the
 * real thing; nobody holds these tokens.
 */
async function seedCredentials(registry: Registry, userId: string, now: number): Promise<void> {
  const system = { kind: 'system' } as const;
  const cli = await registry.oauthClients.register({ name: 'Command line', kind: 'device', firstParty: true });
  const notes = await registry.oauthClients.register({
    name: 'Notes Cloud',
    kind: 'web',
    redirectUris: ['https://notes.example/callback'],
  });
  const provider = await registry.oauth.provider();
  const grants = [
    {
      clientId: cli.client.id,
      scope: 'openid offline_access',
      via: 'device_code' as const,
      device: 'build-server',
      ip: '5.9.0.1',
      ago: 3 * DAY,
    },
    {
      clientId: notes.client.id,
      scope: 'openid email profile',
      via: 'authorization_code' as const,
      device: null,
      ip: '81.2.69.160',
      ago: 20 * DAY,
    },
  ];
  for (const g of grants) {
    const grant = new provider.Grant({ accountId: userId, clientId: g.clientId });
    grant.addOIDCScope(g.scope);
    const grantId = await grant.save();
    await registry.oauth.noteGrant(
      {
        grantId,
        userId,
        clientId: g.clientId,
        via: g.via,
        deviceName: g.device,
        createdAt: now - g.ago,
        createdIp: g.ip,
        lastUsedAt: now - HOUR,
        lastUsedIp: g.ip,
      },
      g.via === 'device_code' ? 'Command line' : 'Notes Cloud',
      { ip: g.ip, location: registry.geo.locate(g.ip) },
      system,
    );
  }
  await registry.personalTokens.create(userId, { name: 'ci-deploy', scopes: ['api:read'], expiresInDays: 30 }, system, null);
}
