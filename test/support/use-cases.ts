/**
 * The core use cases wired over real parts for unit tests: an in-memory SQLite store (the Kysely
 * adapter), the in-process bus, the memory rate limiter, argon2 at a test cost and otpauth TOTP.
 * Only time is faked. Every recorded domain event is kept in `events`, in order.
 */
import { memoryRevocationBus } from '../../src/adapters/bus/memory-revocation-bus.js';
import { nodeCrypto } from '../../src/adapters/crypto/node-crypto.js';
import { aesGcmSecretBox } from '../../src/adapters/crypto/secret-box.js';
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyMfaStore } from '../../src/adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import { kyselyReviewStore } from '../../src/adapters/kysely/kysely-review-store.js';
import { Reviews } from '../../src/core/reviews.js';
import { Devices } from '../../src/core/devices.js';
import { argon2PasswordHasher } from '../../src/adapters/password/argon2-password-hasher.js';
import { memoryRateLimiter } from '../../src/adapters/rate-limit/memory-rate-limiter.js';
import { otpauthTotp } from '../../src/adapters/totp/otpauth-totp.js';
import { Accounts } from '../../src/core/accounts.js';
import { Background } from '../../src/core/background.js';
import { Recorder, type DomainEvent, type RequestPlace } from '../../src/core/events.js';
import type { Mail, Mailer } from '../../src/core/ports/mailer.js';
import { Mfa } from '../../src/core/mfa.js';
import { PasswordReset } from '../../src/core/password-reset.js';
import type { Store } from '../../src/core/ports/store.js';
import { Revocation } from '../../src/core/revocation.js';
import { SecuritySignals } from '../../src/core/security-signals.js';
import type { Client, NativeDevice, SessionOrigin } from '../../src/core/session.js';
import { Sessions } from '../../src/core/sessions.js';
import { SignIn, type SignInContext } from '../../src/core/sign-in.js';
import { fixedClock, type TestClock } from '../../src/core/testing/fakes.js';
import type { WorkspaceStore } from '../../src/core/ports/workspace-store.js';
import type { MfaStore } from '../../src/core/ports/mfa-store.js';
import { DEFAULT_INVITATION_TTL_MS, Workspaces } from '../../src/core/workspaces.js';
import { kyselyIncidentStore } from '../../src/adapters/kysely/kysely-incident-store.js';
import { kyselyPolicyStore } from '../../src/adapters/kysely/kysely-policy-store.js';
import { Policies } from '../../src/core/policies.js';
import type { PolicyStore } from '../../src/core/ports/policy-store.js';
import type { RevocationBus } from '../../src/core/ports/revocation-bus.js';
import { kyselyApiKeyStore } from '../../src/adapters/kysely/kysely-api-key-store.js';
import { ApiKeys } from '../../src/core/api-keys.js';
import { Incidents } from '../../src/core/incidents.js';
import type { IncidentStore } from '../../src/core/ports/incident-store.js';

export const PASSWORD = 'correct horse battery staple';
export const CLIENTS: Client[] = [
  { id: 'web', name: 'Web', kind: 'browser' },
  { id: 'desktop', name: 'Desktop app', kind: 'desktop' },
  { id: 'cli', name: 'CLI', kind: 'cli' },
];
export const LONDON: RequestPlace = {
  ip: '81.2.69.160',
  location: { city: 'London', region: null, country: 'GB', latitude: 51.5, longitude: -0.12 },
};

export interface UseCases {
  clock: TestClock;
  store: Store;
  sessions: Sessions;
  revocation: Revocation;
  signIn: SignIn;
  accounts: Accounts;
  mfa: Mfa;
  signals: SecuritySignals;
  passwordReset: PasswordReset;
  workspaces: Workspaces;
  workspaceStore: WorkspaceStore;
  devices: Devices;
  incidents: Incidents;
  incidentStore: IncidentStore;
  apiKeys: ApiKeys;
  policies: Policies;
  policyStore: PolicyStore;
  bus: RevocationBus;
  reviews: Reviews;
  mfaStore: MfaStore;
  recorder: Recorder;
  /** Every domain event recorded, in order. */
  events: DomainEvent[];
  /** Mail handed to the mailer (delivered in the background). */
  mail: Mail[];
  /** Errors the background reported (a failed sink, a failed mail). */
  reported: unknown[];
  /** Waits for background work (failed-sign-in lookups, mail). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function useCases(): Promise<UseCases> {
  const clock = fixedClock('2026-04-01T09:00:00Z');
  const crypto = nodeCrypto;
  const { db } = connect('sqlite::memory:');
  await migrateToLatest(db);
  const store = kyselyStore(db);
  const reported: unknown[] = [];
  const background = new Background((err) => reported.push(err));
  const recorder = new Recorder(background);
  const events: DomainEvent[] = [];
  recorder.add((e) => {
    events.push(e);
  });
  const mail: Mail[] = [];
  const mailer: Mailer = {
    send: async (m) => {
      mail.push(m);
    },
  };
  const bus = memoryRevocationBus();
  const rateLimiter = memoryRateLimiter(clock);
  const passwords = argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const signInLimits = { perIp: { limit: 1_000, windowMs: 60_000 }, perAccount: { limit: 5, windowMs: 15 * 60_000 } };
  const passwordPolicy = { minLength: 15, maxLength: 1024 };
  const sessions = new Sessions({
    store,
    clock,
    crypto,
    bus,
    policy: { idleTimeoutMs: 86_400_000, maxAgeMs: 30 * 86_400_000, touchIntervalMs: 60_000 },
  });
  const revocation = new Revocation({ store, sessions, recorder, clock, crypto });
  const mfaStore = kyselyMfaStore(db);
  const secretBox = aesGcmSecretBox([crypto.randomBytes(32)]);
  const mfa = new Mfa({
    store: mfaStore,
    users: store,
    clock,
    crypto,
    secretBox,
    totp: otpauthTotp(crypto),
    passwords,
    rateLimiter,
    signInLimits,
    policy: { reauthWindowMs: 10 * 60_000, trustedDeviceMs: 30 * 86_400_000, issuer: 'sessiond' },
    recorder,
    sessions,
  });
  const accounts = new Accounts({ store, clock, crypto, passwords, rateLimiter, passwordPolicy, signInLimits, sessions, recorder });
  const links = { productName: 'sessiond', publicUrl: 'https://sessiond.test', reportLinkTtlMs: 7 * 86_400_000 };
  const signals = new SecuritySignals({
    store,
    clock,
    crypto,
    mailer,
    background,
    thresholds: { impossibleTravelKmh: 1_000, minTravelKm: 100, failureBurst: { limit: 5, windowMs: 15 * 60_000 } },
    links,
    clients: CLIENTS,
  });
  recorder.add(signals.record);
  const passwordReset = new PasswordReset({
    store,
    clock,
    crypto,
    passwords,
    passwordPolicy,
    rateLimiter,
    limits: { perIp: { limit: 100, windowMs: 60_000 }, perAccount: { limit: 3, windowMs: 3_600_000 } },
    ipv6LimitPrefix: 64,
    tokenTtlMs: 30 * 60_000,
    mailer,
    background,
    links,
    sessions,
    recorder,
  });
  const signIn = new SignIn({ clients: CLIENTS, accounts, mfa, signals, sessions, revocation, recorder, clock, ipv6LimitPrefix: 64 });
  const workspaceStore = kyselyWorkspaceStore(db);
  const reviewStore = kyselyReviewStore(db);
  const reviews = new Reviews({ store: reviewStore, clock, crypto, recorder });
  recorder.add(reviews.onEvent);
  const devices = new Devices({ store, revocation, mfa, crypto, secretBox });
  const apiKeyStore = kyselyApiKeyStore(db);
  const workspaces = new Workspaces({
    apiKeys: apiKeyStore,
    devices,
    reviews,
    reviewStore,
    store: workspaceStore,
    users: store,
    sessions,
    revocation,
    mfa,
    clock,
    crypto,
    mailer,
    background,
    links,
    invitationTtlMs: DEFAULT_INVITATION_TTL_MS,
  });
  const apiKeys = new ApiKeys({ store: apiKeyStore, workspaces, audit: workspaceStore, users: store, clock, crypto });
  const policyStore = kyselyPolicyStore(db);
  const policies = new Policies({
    store: policyStore,
    workspaces,
    audit: workspaceStore,
    revocation,
    sessions,
    bus,
    clock,
    crypto,
    clientIds: CLIENTS.map((c) => c.id),
  });
  sessions.useScreen(policies.screen);
  recorder.add(policies.onEvent);
  const incidentStore = kyselyIncidentStore(db);
  const incidents = new Incidents({
    store: incidentStore,
    audit: workspaceStore,
    workspaces,
    revocation,
    policy: () => sessions.policy,
    clock,
    crypto,
    background,
    batchSize: 4,
  });
  return {
    clock,
    store,
    incidents,
    incidentStore,
    apiKeys,
    policies,
    policyStore,
    bus,
    sessions,
    revocation,
    signIn,
    accounts,
    mfa,
    signals,
    passwordReset,
    workspaces,
    workspaceStore,
    devices,
    reviews,
    mfaStore,
    recorder,
    events,
    mail,
    reported,
    idle: () => background.idle(),
    async close() {
      await incidents.idle();
      await background.idle();
      await bus.close();
      await store.close();
    },
  };
}

/** A request as the HTTP layer would describe it: a browser with a device cookie, or a native app. */
export function context(
  options: { deviceId?: string | null; place?: RequestPlace; replaces?: SignInContext['replaces'] } = {},
): SignInContext & {
  origins: number;
} {
  const place = options.place ?? LONDON;
  const deviceId = options.deviceId === undefined ? 'device-cookie-0000000001' : options.deviceId;
  const ctx = {
    origins: 0,
    place,
    replaces: options.replaces ?? null,
    knownDeviceId: (client: Client, native: NativeDevice | null) => (client.kind === 'browser' ? deviceId : (native?.id ?? null)),
    origin(client: Client, native: NativeDevice | null): SessionOrigin {
      ctx.origins++;
      return {
        ip: place.ip,
        userAgent: 'Mozilla/5.0',
        device: { name: native?.name ?? 'Mac', os: 'macOS', browser: client.kind === 'browser' ? 'Chrome' : null, type: 'desktop' },
        location: place.location,
        deviceId: client.kind === 'browser' ? deviceId : (native?.id ?? null),
      };
    },
  };
  return ctx;
}
