/**
 * The composition root: turns configuration into the adapters and use cases the HTTP layer and
 * the CLI use. Tests pass overrides for time, password-hashing cost and GeoIP; nothing else
 * is faked.
 */
import { availableParallelism } from 'node:os';
import { argon2PasswordHasher, type Argon2Params } from './adapters/password/argon2-password-hasher.js';
import { boundedPasswordHasher, defaultHashConcurrency, type BoundedPasswordHasher } from './adapters/password/hashing-queue.js';
import { nodeCrypto } from './adapters/crypto/node-crypto.js';
import { newKeyLine, openSecretBox, type SharedKeySource } from './adapters/crypto/secret-box.js';
import { maxmindGeo } from './adapters/geo/maxmind-geo.js';
import { connect, migrateToLatest, VALIDATION_TIMEOUT_MS, type Engine } from './adapters/kysely/connect.js';
import { deploymentName } from './adapters/kysely/deployment-name.js';
import { kyselyMfaStore } from './adapters/kysely/kysely-mfa-store.js';
import { storedSecretKey } from './adapters/kysely/kysely-secret-key.js';
import { kyselyStore } from './adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from './adapters/kysely/kysely-workspace-store.js';
import { kyselyReviewStore } from './adapters/kysely/kysely-review-store.js';
import { kyselyIncidentStore } from './adapters/kysely/kysely-incident-store.js';
import { kyselyApiKeyStore } from './adapters/kysely/kysely-api-key-store.js';
import { kyselyTelemetryStore } from './adapters/kysely/kysely-telemetry-store.js';
import { Overview } from './core/overview.js';
import { OAuthClients, oidcClientMetadata } from './core/oauth-clients.js';
import { kyselyOAuthClientStore } from './adapters/kysely/kysely-oauth-client-store.js';
import type { TelemetryStore } from './core/ports/telemetry-store.js';
import { ApiKeys } from './core/api-keys.js';
import { PersonalTokens } from './core/personal-tokens.js';
import { kyselyPersonalTokenStore } from './adapters/kysely/kysely-personal-token-store.js';
import { Incidents } from './core/incidents.js';
import { Policies } from './core/policies.js';
import { kyselyPolicyStore } from './adapters/kysely/kysely-policy-store.js';
import { Reviews } from './core/reviews.js';
import { Devices } from './core/devices.js';
import pino, { type DestinationStream, type Logger } from 'pino';
import { memoryRevocationBus, noRevocationBus } from './adapters/bus/memory-revocation-bus.js';
import { tableRevocationBus } from './adapters/bus/table-revocation-bus.js';
import { dualRevocationBus } from './adapters/bus/dual-revocation-bus.js';
import { republishingBus } from './adapters/bus/republishing-bus.js';
import { measuredBus } from './adapters/bus/measured-bus.js';
import { sqliteRevocationBus } from './adapters/bus/sqlite-revocation-bus.js';
import { memoryRateLimiter } from './adapters/rate-limit/memory-rate-limiter.js';
import { AdapterErrors } from './adapters/adapter-errors.js';
import { adapterMeasures, countingRateLimiter, measuredPasswordHasher } from './adapters/measured.js';
import { StatementCounter } from './adapters/kysely/statement-counter.js';
import { NodeTelemetry } from './telemetry/node-telemetry.js';
import { otpauthTotp } from './adapters/totp/otpauth-totp.js';
import { bowserUserAgentParser } from './adapters/user-agent/bowser-user-agent.js';
import { logMailer } from './adapters/mail/log-mailer.js';
import { retryingMailer } from './adapters/mail/retrying-mailer.js';
import { Background } from './core/background.js';
import type { Mailer } from './core/ports/mailer.js';
import { PasswordReset } from './core/password-reset.js';
import { SignUp } from './core/sign-up.js';
import { SecuritySignals } from './core/security-signals.js';
import { ConfigError, type Config } from './config.js';
import { Accounts } from './core/accounts.js';
import { Mfa } from './core/mfa.js';
import { Passkeys } from './core/passkeys.js';
import { kyselyPasskeyStore } from './adapters/kysely/kysely-passkey-store.js';
import type { Clock } from './core/ports/clock.js';
import type { Crypto } from './core/ports/crypto.js';
import type { SecretBox } from './core/ports/secret-box.js';
import type { Geo } from './core/ports/geo.js';
import type { RateLimiter } from './core/ports/rate-limiter.js';
import type { RevocationBus } from './core/ports/revocation-bus.js';
import type { Db } from './adapters/kysely/database.js';
import type { Store } from './core/ports/store.js';
import type { UserAgentParser } from './core/ports/user-agent.js';
import { DEFAULT_TOUCH_INTERVAL_MS, isActive } from './core/session.js';
import { DEFAULT_CACHE_LIMITS } from './core/session-cache.js';
import { Sessions } from './core/sessions.js';
import { ServiceKeys } from './core/service-keys.js';
import { Recorder } from './core/events.js';
import { Revocation } from './core/revocation.js';
import { SignIn } from './core/sign-in.js';
import { DEFAULT_INVITATION_TTL_MS, Workspaces } from './core/workspaces.js';
import { redisRevocationChannel } from './core/revocation-wire.js';
import { logEvent } from './adapters/log/log-events.js';
import { DEMO_EMAIL } from './cli/demo.js';
import { OAuth } from './oauth/oauth.js';
import { kyselyOidcStore } from './adapters/kysely/kysely-oidc-store.js';

export interface Registry {
  config: Readonly<Config>;
  engine: Engine;
  clock: Clock;
  crypto: Crypto;
  store: Store;
  geo: Geo;
  userAgents: UserAgentParser;
  /** argon2 behind its bounded queue (`stats()`: what runs, waits, was refused). */
  passwords: BoundedPasswordHasher;
  rateLimiter: RateLimiter;
  /** Connection errors the adapters recovered from by themselves, per component (logged; a metric). */
  adapterErrors: AdapterErrors;
  /** What this node measures below the HTTP layer (bus, database, mail); each app's /metrics shows it. */
  telemetry: NodeTelemetry;
  /** Counts the database statements each HTTP request issues (http/app.ts runs each request in it). */
  statements: StatementCounter;
  /** This deployment's Redis names (`--redis-prefix`, else named after the database); null without Redis. */
  redisPrefix: string | null;
  bus: RevocationBus;
  sessions: Sessions;
  /** Keys other services call introspection with: verified from this node's cache, revoked on every node at once. */
  serviceKeys: ServiceKeys;
  /** Every way in to ending sessions. */
  revocation: Revocation;
  /** Every way in to signing in. */
  signIn: SignIn;
  /** Where use cases record domain events; an HTTP app adds its metrics here. */
  recorder: Recorder;
  accounts: Accounts;
  mailer: Mailer;
  signals: SecuritySignals;
  passwordReset: PasswordReset;
  /** Sign-up from the API: rate limited; direct, or proven by a mailed link. */
  signUp: SignUp;
  mfa: Mfa;
  /** Passkeys: registered from the account's settings; sign-in, the second step and re-authentication use them through signIn and mfa. */
  passkeys: Passkeys;
  /** Workspaces, their members, admins' actions on members' sessions, and the audit log. */
  workspaces: Workspaces;
  /** Requests to review one's sessions, and their confirmation. */
  reviews: Reviews;
  /** Device replacement: end a device's sessions and its trust. */
  devices: Devices;
  /** Incident response: search a workspace's sessions, end those that match, four eyes above a threshold. */
  incidents: Incidents;
  /** Workspace session policies, enforced on every validation (Sessions' screen). */
  policies: Policies;
  /** Workspace API keys: made and revoked by owners, verified on the admin plane. */
  apiKeys: ApiKeys;
  /** Personal access tokens: made and revoked by their owner (/v1/me/tokens), answered by introspection. */
  personalTokens: PersonalTokens;
  /** The built-in telemetry history: each HTTP app rolls its measures into it (telemetry/history.ts). */
  telemetryHistory: TelemetryStore;
  /** The security overview of a workspace or the instance, read from that history. */
  overview: Overview;
  /** sessiond as an OAuth 2.1 / OpenID Connect provider, and the panel's view of what it issued. */
  oauth: OAuth;
  /** OAuth/OIDC clients registered by instance admins (CLI, admin API); oidc-provider reads their metadata here. */
  oauthClients: OAuthClients;
  close(): Promise<void>;
}

export interface RegistryOverrides {
  clock?: Clock;
  crypto?: Crypto;
  geo?: Geo;
  /** Tests lower argon2's cost; production uses OWASP's parameters. */
  argon2?: Argon2Params;
  /** Where background components (bus, mail, signals) log; tests capture it. Default: stdout. */
  logStream?: DestinationStream;
  /** Force a bus (tests): `none` disables every node's cache. */
  bus?: 'memory' | 'sqlite' | 'redis' | 'postgres' | 'redis+postgres' | 'table' | 'redis+table' | 'none';
  /** Skip running migrations (the CLI's `migrate` runs them itself). */
  migrate?: boolean;
  /** Tests shorten the mail retry backoff. */
  mailRetryDelayMs?: number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The secret box: from the key file, or (PostgreSQL without one) from the key kept in the
 * database. A missing or damaged key file is a configuration problem (exit 2, no stack); a
 * database that fails while its key is read is not.
 */
async function secretBoxFor(config: Readonly<Config>, engine: Engine, logger: Logger, sharedKey: SharedKeySource): Promise<SecretBox> {
  let databaseError: unknown = null;
  const fromDatabase: SharedKeySource = () =>
    sharedKey().catch((err: unknown) => {
      databaseError = err;
      throw err;
    });
  try {
    return await openSecretBox(
      { keyFile: config.secretKeyFile, databaseUrl: config.databaseUrl, engine, sharedKey: fromDatabase },
      (message) => logger.warn(message),
    );
  } catch (err) {
    if (err === databaseError) throw err;
    throw new ConfigError([(err as Error).message]);
  }
}

/** A cap before hashing: a 1 MB "password" must not cost a CPU-second of argon2. */
const MAX_PASSWORD_LENGTH = 1024;

/** One transaction a second for every last-activity write that fell due. */
const TOUCH_FLUSH_INTERVAL_MS = 1_000;

/**
 * The revocation bus. PostgreSQL with Redis: both (dual-revocation-bus.ts says why); PostgreSQL
 * alone: LISTEN/NOTIFY; MySQL with Redis: Redis and the polled `revocation_log` (table-revocation-bus.ts);
 * MySQL alone (the CLI; `serve` refuses it): the polled table; a SQLite file: its `revocation_log`, which every process on the file
 * (the server, the CLI) reads before trusting its cache; in-memory SQLite: in-process; SQLite with
 * Redis configured: Redis, so that SDK clients listening there hear revocations. Failed publishes are retried in the background.
 */
async function openBus(
  config: Readonly<Config>,
  db: Db,
  engine: Engine,
  choice: RegistryOverrides['bus'],
  clock: Clock,
  log: Logger,
  errors: AdapterErrors,
  redisPrefix: string | null,
  telemetry: NodeTelemetry,
): Promise<RevocationBus> {
  const onGap = (ms: number) => telemetry.busGap(ms);
  const sqliteFile = engine === 'sqlite' ? config.databaseUrl.slice('sqlite:'.length) : null;
  const kind =
    choice ??
    (config.redisUrl
      ? engine === 'postgres'
        ? 'redis+postgres'
        : engine === 'mysql'
          ? 'redis+table'
          : 'redis'
      : engine === 'postgres'
        ? 'postgres'
        : engine === 'mysql'
          ? 'table'
          : sqliteFile !== null && sqliteFile !== ':memory:'
            ? 'sqlite'
            : 'memory');
  // Imported when used, like the Redis limiter and SMTP: a node without them does not load their clients at start.
  const open = async (which: 'redis' | 'postgres'): Promise<RevocationBus> => {
    if (which === 'postgres')
      return (await import('./adapters/bus/postgres-revocation-bus.js')).postgresRevocationBus(config.databaseUrl, {
        onError: errors.reporter('postgres-bus'),
        onGap,
      });
    if (!config.redisUrl || redisPrefix === null) throw new Error('the redis bus needs --redis');
    const { redisRevocationBus } = await import('./adapters/bus/redis-revocation-bus.js');
    return redisRevocationBus(config.redisUrl, {
      onError: errors.reporter('redis-bus'),
      onGap,
      channel: redisRevocationChannel(redisPrefix),
    });
  };
  const table = () => tableRevocationBus(db, { onError: errors.reporter('table-bus'), onGap });
  const bus =
    kind === 'redis+postgres'
      ? dualRevocationBus(await open('redis'), await open('postgres'))
      : kind === 'redis+table'
        ? dualRevocationBus(await open('redis'), await table())
        : kind === 'table'
          ? await table()
          : kind === 'redis' || kind === 'postgres'
            ? await open(kind)
            : kind === 'none'
              ? noRevocationBus()
              : kind === 'sqlite' && sqliteFile !== null
                ? sqliteRevocationBus(sqliteFile, clock.now, { onGap })
                : memoryRevocationBus();
  // Outermost: every revocation leaves stamped with its commit time and is measured where heard.
  return measuredBus(republishingBus(bus, log, DEFAULT_CACHE_LIMITS.maxAgeMs), (event) => telemetry.revocationHeard(event));
}

export async function createRegistry(config: Readonly<Config>, overrides: RegistryOverrides = {}): Promise<Registry> {
  const clock = overrides.clock ?? systemClock;
  const crypto = overrides.crypto ?? nodeCrypto;
  // Background components log here; the HTTP layer has its own request-scoped logger.
  const logger = pino({ level: config.logLevel }, overrides.logStream);
  // Adapters report the errors they recover from here, from the first connection on.
  const adapterErrors = new AdapterErrors(logger);
  const telemetry = new NodeTelemetry();
  const pool = /^(mysql|mariadb):/.test(config.databaseUrl) ? 'mysql-pool' : 'postgres-pool';
  const connected = connect(config.databaseUrl, {
    onError: adapterErrors.reporter(pool),
    onQueryError: (kind) => telemetry.databaseError(kind),
  });
  const { engine } = connected;
  const statements = new StatementCounter();
  const db = connected.db.withPlugin(statements);
  // argon2's time and the rate limits' refusals, shown by every app's /metrics.
  const measures = adapterMeasures();
  telemetry.metrics.push(...measures.metrics);
  // PostgreSQL and MySQL: validation reads and the readiness ping fail closed within a second when
  // the database goes silent, and session lookups asked together count one statement for each
  // request; SQLite is in-process and needs no deadline.
  const store = kyselyStore(db, engine !== 'sqlite' ? { readTimeoutMs: VALIDATION_TIMEOUT_MS, statements } : {});
  // What is open so far, closed in reverse if a later step fails (GeoIP, the bus): a failed
  // start leaves no pool or Redis connection behind.
  const opened: (() => unknown)[] = [() => store.close()];
  try {
    // Migrations run once: before reading the key PostgreSQL keeps in the database when there is
    // no key file, otherwise after the key file is checked (a missing one fails before any write).
    let migrated: Promise<unknown> | null = null;
    const migrate = () => (migrated ??= overrides.migrate !== false ? migrateToLatest(db) : Promise.resolve());
    const secretBox = await secretBoxFor(config, engine, logger, async () => {
      await migrate();
      return storedSecretKey(db, newKeyLine, clock.now());
    });
    await migrate();
    const geo = overrides.geo ?? (await maxmindGeo());
    // At most so many argon2 calls at once, so a sign-in flood leaves the event loop a core.
    const passwords = boundedPasswordHasher(measuredPasswordHasher(argon2PasswordHasher(overrides.argon2), measures.passwordHash), {
      concurrency: config.passwordHashConcurrency ?? defaultHashConcurrency(availableParallelism()),
      maxWaitMs: config.passwordHashMaxWaitMs,
    });
    // Shared counters when nodes share Redis; otherwise this node's own.
    // This deployment's Redis names: deployments sharing one Redis share no counter and hear no
    // one else's revocations (pub/sub ignores the database number).
    const redisPrefix = config.redisUrl ? (config.redisPrefix ?? (await deploymentName(db, engine, config.databaseUrl))) : null;
    if (redisPrefix !== null)
      logger.info({ redis_prefix: redisPrefix, redis_channel: redisRevocationChannel(redisPrefix) }, 'redis keys and revocation channel');
    const redisLimiter =
      config.redisUrl && redisPrefix !== null
        ? (await import('./adapters/rate-limit/redis-rate-limiter.js')).redisRateLimiter(
            config.redisUrl,
            clock,
            adapterErrors.reporter('redis-limiter'),
            { prefix: redisPrefix },
          )
        : null;
    if (redisLimiter) opened.push(() => redisLimiter.close());
    const rateLimiter = countingRateLimiter(redisLimiter ?? memoryRateLimiter(clock), measures.rateLimited);
    const bus = await openBus(
      config,
      db,
      engine,
      overrides.bus,
      clock,
      logger.child({ component: 'revocation-bus' }),
      adapterErrors,
      redisPrefix,
      telemetry,
    );
    opened.push(() => bus.close());
    const passwordPolicy = { minLength: config.minPasswordLength, maxLength: MAX_PASSWORD_LENGTH };
    const signInLimits = { perIp: config.signInIpLimit, perAccount: config.signInAccountLimit };
    // Background work (recording failed sign-ins, mail) reports its failures here.
    const signalLog = logger.child({ component: 'security-signals' });
    const background = new Background((err, what) => signalLog.error({ err, what }, 'background security work failed'));
    // The one recorder: use cases record domain events; the timeline and mail (signals), the log,
    // and each HTTP app's metrics are its sinks.
    const recorder = new Recorder(background);
    const sessions = new Sessions({
      store,
      clock,
      crypto,
      bus,
      geo,
      policy: { idleTimeoutMs: config.idleTimeoutMs, maxAgeMs: config.maxAgeMs, touchIntervalMs: DEFAULT_TOUCH_INTERVAL_MS },
    });
    // `service-keys revoke` takes no --redis: a SQLite file with Redis carries revocations on
    // Redis only, which it does not reach, and MySQL's servers hear it only at their next poll of
    // the revocation log. There, keys are read from the database on every call, so a revoked key
    // is refused on the very next one.
    const busOnRedisOnly = engine === 'sqlite' && (overrides.bus ?? (config.redisUrl ? 'redis' : null)) === 'redis';
    const uncachedKeys = busOnRedisOnly || engine === 'mysql';
    const serviceKeys = new ServiceKeys({ store, clock, crypto, bus, ...(uncachedKeys ? { cache: false as const } : {}) });
    const revocation = new Revocation({ store, sessions, recorder, clock, crypto });
    const passkeys = new Passkeys({
      store: kyselyPasskeyStore(db),
      users: store,
      clock,
      crypto,
      rateLimiter,
      signInLimits,
      recorder,
      publicUrl: config.publicUrl,
      rpName: 'sessiond',
      maxPerAccount: config.maxPasskeys,
    });
    const mfa = new Mfa({
      store: kyselyMfaStore(db),
      users: store,
      clock,
      crypto,
      secretBox,
      totp: otpauthTotp(crypto),
      passwords,
      rateLimiter,
      signInLimits,
      policy: { reauthWindowMs: config.reauthWindowMs, trustedDeviceMs: config.trustedDeviceMs, issuer: 'sessiond' },
      recorder,
      sessions,
      passkeys,
    });
    const accounts = new Accounts({ store, clock, crypto, passwords, rateLimiter, passwordPolicy, signInLimits, sessions, recorder });
    // Security signals: mail is queued and retried in the background; nothing here blocks a response.
    const mailer = retryingMailer(
      config.smtpUrl
        ? (await import('./adapters/smtp/smtp-mailer.js')).smtpMailer(config.smtpUrl, config.mailFrom)
        : logMailer(signalLog.child({ component: 'mail' }), overrides.logStream ?? process.stderr),
      signalLog,
      { attempts: 5, baseDelayMs: overrides.mailRetryDelayMs ?? 1_000, maxQueued: 10_000 },
      (outcome, kind) => telemetry.mail(outcome, kind),
    );
    telemetry.mailQueue(() => mailer.queued);
    const links = { productName: 'sessiond', publicUrl: config.publicUrl, reportLinkTtlMs: config.reportLinkTtlMs };
    const signals = new SecuritySignals({
      store,
      clock,
      crypto,
      mailer,
      background,
      thresholds: { impossibleTravelKmh: config.impossibleTravelKmh, minTravelKm: 100, failureBurst: config.failureBurst },
      links,
      clients: config.clients,
    });
    recorder.add(signals.record);
    recorder.add(logEvent(logger.child({ component: 'events' })));
    const passwordReset = new PasswordReset({
      store,
      clock,
      crypto,
      passwords,
      passwordPolicy,
      rateLimiter,
      limits: { perIp: config.passwordResetIpLimit, perAccount: config.passwordResetAccountLimit },
      ipv6LimitPrefix: config.ipv6LimitPrefix,
      tokenTtlMs: config.passwordResetTtlMs,
      mailer,
      background,
      links,
      sessions,
      recorder,
    });
    const signUp = new SignUp({
      mode: config.signUpMode,
      accounts,
      store,
      clock,
      crypto,
      passwords,
      passwordPolicy,
      rateLimiter,
      limits: { perIp: config.signUpIpLimit, perAddress: config.signUpAddressLimit },
      ipv6LimitPrefix: config.ipv6LimitPrefix,
      tokenTtlMs: config.signUpLinkTtlMs,
      mailer,
      background,
      links,
      recorder,
    });
    const signIn = new SignIn({
      clients: config.clients,
      accounts,
      mfa,
      passkeys,
      signals,
      sessions,
      revocation,
      recorder,
      clock,
      ipv6LimitPrefix: config.ipv6LimitPrefix,
    });
    const reviewStore = kyselyReviewStore(db);
    const reviews = new Reviews({ store: reviewStore, clock, crypto, recorder });
    // A password reset and a suspicious sign-in ask the person to review their sessions.
    recorder.add(reviews.onEvent);
    const workspaceStore = kyselyWorkspaceStore(db);
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
      // Built below (they need the workspaces' neighbours); called only when an admin offboards.
      credentials: {
        endAll: async (userId, actor) => ({
          appsRemoved: await oauth.removeAllApps(userId, actor),
          tokensRevoked: await personalTokens.revokeAll(userId, actor),
        }),
      },
    });
    // Members' credential changes go to their workspaces' audit trails.
    recorder.add(workspaces.onEvent);
    const apiKeys = new ApiKeys({ store: apiKeyStore, workspaces, audit: workspaceStore, users: store, clock, crypto });
    const personalTokens = new PersonalTokens({
      store: kyselyPersonalTokenStore(db),
      users: store,
      clock,
      crypto,
      recorder,
      scopes: config.tokenScopes,
    });
    const telemetryHistory = kyselyTelemetryStore(db);
    // A demo (`npm start`) shows its account the instance's overview as well.
    const instanceAdmins = config.demo ? [...config.instanceAdmins, DEMO_EMAIL] : config.instanceAdmins;
    const overview = new Overview({ store: telemetryHistory, workspaces, clock, instanceAdmins });
    const policies = new Policies({
      // Validation reads members' policies: the same sub-second deadline as the session lookup.
      store: kyselyPolicyStore(db, engine !== 'sqlite' ? { readTimeoutMs: VALIDATION_TIMEOUT_MS } : {}),
      workspaces,
      audit: workspaceStore,
      revocation,
      sessions,
      bus,
      clock,
      crypto,
      clientIds: config.clients.map((c) => c.id),
    });
    // Every validation asks the member's workspace policies; a sign-in is held to the session limit.
    sessions.useScreen(policies.screen);
    recorder.add(policies.onEvent);
    const incidentLog = logger.child({ component: 'incidents' });
    const incidents = new Incidents({
      store: kyselyIncidentStore(db),
      audit: workspaceStore,
      workspaces,
      revocation,
      policy: () => sessions.policy,
      clock,
      crypto,
      background,
      onProgress: (incident, finished) =>
        incidentLog.info(
          {
            event: finished ? 'incident_finished' : 'incident_progress',
            incident: incident.id,
            workspace: incident.workspaceId,
            revoked: incident.revoked,
            batches: incident.batches,
          },
          finished ? 'incident operation finished' : 'incident operation batch committed',
        ),
    });
    // last_active_at writes fall due at most once a minute per session, and so do the addresses
    // sessions are seen from; both are batched here.
    const flushTouches = () =>
      Promise.all([
        sessions.flushTouches().catch((err: unknown) => logger.warn({ err }, 'last-activity writes failed; kept for the next flush')),
        sessions.flushAddresses().catch((err: unknown) => logger.warn({ err }, 'session address writes failed; kept for the next flush')),
      ]);
    const flushTimer = setInterval(() => void flushTouches(), TOUCH_FLUSH_INTERVAL_MS);
    flushTimer.unref();
    const oauthClients = new OAuthClients({ store: kyselyOAuthClientStore(db), secretBox, clock, crypto });
    // sessiond as an OAuth/OIDC provider (oauth/): the provider is built on first use.
    const oauth = new OAuth({
      issuer: `${config.publicUrl.replace(/\/$/, '')}/oidc`,
      secure: new URL(config.publicUrl).protocol === 'https:',
      store: kyselyOidcStore(db),
      clock,
      secretBox,
      geo,
      recorder,
      clients: {
        metadata: async (id) => (await oauthClients.metadata(id)) as Record<string, unknown> | null,
        view: async (id) => {
          const client = await oauthClients.find(id);
          return client && { id: client.id, name: client.name, logoUri: client.logoUri, firstParty: client.firstParty };
        },
      },
      accounts: {
        async claims(userId) {
          const user = await store.findUserById(userId);
          if (!user || (await store.isUserDisabled(userId))) return null;
          return { sub: user.id, email: user.email, email_verified: true, ...(user.name ? { name: user.name } : {}) };
        },
      },
      report: (err, what) => background.report(err, what),
      background,
      async sessionLive(sessionId) {
        const found = await store.findSession(sessionId);
        return found !== null && isActive(found.session, sessions.policy, clock.now());
      },
    });
    // A sessiond session that ends takes the app sign-ins made from it with it (back-channel logout).
    recorder.add(oauth.onEvent);
    // A removed client's grants and tokens end with it, whoever removed it (CLI or admin API).
    oauthClients.onRemoved(async (client) => {
      await oauth.removeClientGrants(client.id, { ...oidcClientMetadata(client, null) });
    });

    return {
      config,
      engine,
      clock,
      crypto,
      store,
      geo,
      userAgents: bowserUserAgentParser,
      passwords,
      rateLimiter,
      adapterErrors,
      telemetry,
      statements,
      redisPrefix,
      bus,
      sessions,
      serviceKeys,
      revocation,
      signIn,
      recorder,
      accounts,
      mfa,
      passkeys,
      mailer,
      signals,
      passwordReset,
      signUp,
      workspaces,
      reviews,
      devices,
      incidents,
      apiKeys,
      personalTokens,
      policies,
      telemetryHistory,
      overview,
      oauthClients,
      oauth,
      async close() {
        clearInterval(flushTimer);
        oauth.close();
        // A running incident operation stops after its current batch; the next start resumes it.
        incidents.stop();
        await flushTouches();
        // Recording in flight finishes; mail still retrying gets one last attempt.
        await background.idle();
        await mailer.close?.();
        redisLimiter?.close();
        await bus.close();
        await store.close();
      },
    };
  } catch (err) {
    for (const close of opened.reverse())
      await Promise.resolve()
        .then(close)
        .catch(() => undefined);
    throw err;
  }
}
