/**
 * Every setting, declared once: its flag, environment variable, default and documentation.
 * This is the only module that reads `process.env`. `loadConfig` validates everything at once,
 * reports every problem together, and returns a frozen object that is passed down explicitly.
 * `docs/config.md` is generated from SETTINGS (`npm run docs:config`); a test keeps it in step.
 */
import { BlockList, isIP } from 'node:net';
import type { Limit } from './core/accounts.js';
import { DEFAULT_CLIENTS } from './core/clients.js';
import { parseDuration } from './core/duration.js';
import { redactUrl } from './core/redact.js';
import type { Client, ClientKind } from './core/session.js';
import type { SignUpMode } from './core/sign-up.js';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  redisUrl: string | null;
  /** Null: named after the database when Redis is used (registry.ts). */
  redisPrefix: string | null;
  trustProxy: readonly string[];
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnectionsPerIp: number;
  smtpUrl: string | null;
  publicUrl: string;
  idleTimeoutMs: number;
  maxAgeMs: number;
  sessionRetentionMs: number;
  signUp: boolean;
  /** `email`: sign-up answers 202 and mails a link; `direct`: 201 at once (resolved from `auto`). */
  signUpMode: SignUpMode;
  signUpIpLimit: Limit;
  signUpAddressLimit: Limit;
  signUpLinkTtlMs: number;
  demo: boolean;
  logLevel: string;
  clients: readonly Client[];
  minPasswordLength: number;
  signInIpLimit: Limit;
  ipv6LimitPrefix: number;
  signInAccountLimit: Limit;
  /** argon2 calls run at once; null: every core but one (adapters/password/hashing-queue.ts). */
  passwordHashConcurrency: number | null;
  /** A password check that would wait longer than this for argon2 is refused with 503 at once. */
  passwordHashMaxWaitMs: number;
  mailFrom: string;
  passwordResetTtlMs: number;
  passwordResetIpLimit: Limit;
  passwordResetAccountLimit: Limit;
  reportLinkTtlMs: number;
  impossibleTravelKmh: number;
  failureBurst: Limit;
  sessionsPageCovers: string;
  sessionsPageExcludes: string;
  reauthWindowMs: number;
  trustedDeviceMs: number;
  /** How many passkeys one account may register. */
  maxPasskeys: number;
  secretKeyFile: string | null;
  /** `host:port` of a second listener that serves only `/metrics`; null: `/metrics` on the main port. */
  metricsListen: { host: string; port: number } | null;
  /** Bearer token `/metrics` asks for on the main port; null: open there (unless metricsListen). */
  metricsToken: string | null;
  /** Lower-cased addresses of the accounts that read the instance-wide security overview. */
  instanceAdmins: readonly string[];
  /** How long the per-minute and per-hour telemetry history is kept in the database. */
  telemetryRetentionMs: number;
  /** OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`); null: no tracing. */
  otlpTracesUrl: string | null;
  /** The scopes a personal access token may be given (core/personal-tokens.ts), in this order. */
  tokenScopes: readonly string[];
}

type Raw = string | boolean | undefined;

interface Setting<K extends keyof Config> {
  key: K;
  flag: string;
  env: string;
  /** The default as a user would type it; `null` means unset. */
  default: string | boolean | null;
  doc: string;
  parse(value: string | boolean | null, partial: Partial<Config>): Parsed<Config[K]>;
}

/** A parsed value, or the problem with it in words a user can act on. */
type Parsed<T> = { value: T } | { problem: string };
const ok = <T>(value: T): Parsed<T> => ({ value });
const fail = (problem: string): { problem: string } => ({ problem });

type AnySetting = { [K in keyof Config]: Setting<K> }[keyof Config];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function duration(name: string) {
  return (value: string | boolean | null): Parsed<number> => {
    const ms = typeof value === 'string' ? parseDuration(value) : null;
    return ms === null ? fail(`${name} must be a duration like 30m, 12h or 14d (got ${JSON.stringify(value)})`) : ok(ms);
  };
}

function limit(name: string) {
  return (value: string | boolean | null): Parsed<Limit> => {
    // Exactly `<count>/<window>`: Number() alone would take "0x10", "1e1" or "3/15m/typo".
    const match = typeof value === 'string' ? /^([1-9][0-9]{0,8})\/([^\s/]+)$/.exec(value.trim()) : null;
    const n = Number(match?.[1]);
    const windowMs = match?.[2] ? parseDuration(match[2]) : null;
    if (!match || windowMs === null) return fail(`${name} must look like 10/15m (attempts per window), got ${JSON.stringify(value)}`);
    return ok({ limit: n, windowMs });
  };
}

/** An optional URL whose scheme must match `pattern`. */
function optionalUrl(name: string, pattern: RegExp, example: string) {
  return (value: string | boolean | null): Parsed<string | null> => {
    if (value === null || value === '' || typeof value === 'boolean') return ok(null);
    return pattern.test(value) ? ok(value) : fail(`${name} must be a ${example} URL (got ${JSON.stringify(redactUrl(value))})`);
  };
}

/** Text settings: trimmed, not empty. */
function text(name: string) {
  return (value: string | boolean | null): Parsed<string> =>
    typeof value === 'string' && value.trim() ? ok(value.trim()) : fail(`${name} must not be empty`);
}

const CLIENT_KINDS: ClientKind[] = ['browser', 'desktop', 'mobile', 'cli', 'service'];

export const SETTINGS: readonly AnySetting[] = [
  {
    key: 'host',
    flag: 'host',
    env: 'SESSIOND_HOST',
    default: '127.0.0.1',
    doc: 'Address to listen on.',
    parse: text('host'),
  },
  {
    key: 'port',
    flag: 'port',
    env: 'SESSIOND_PORT',
    default: '7400',
    doc: 'TCP port to listen on (0 picks a free one).',
    parse: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? ok(n) : fail(`port must be an integer 0-65535 (got ${JSON.stringify(v)})`);
    },
  },
  {
    key: 'databaseUrl',
    flag: 'db',
    env: 'SESSIOND_DATABASE_URL',
    default: 'sqlite:./data/sessiond.db',
    doc: 'Database: `sqlite:<path>`, `sqlite::memory:`, `postgres://user@host:port/db`, or `mysql://user@host:port/db` (also `mariadb://`; needs `--redis`).',
    parse: (v) =>
      typeof v === 'string' && /^(sqlite:.+|postgres(ql)?:\/\/.+|(mysql|mariadb):\/\/.+)$/.test(v)
        ? ok(v)
        : fail(`db must be sqlite:<path>, sqlite::memory:, postgres://… or mysql://… (got ${JSON.stringify(redactUrl(String(v)))})`),
  },
  {
    key: 'redisUrl',
    flag: 'redis',
    env: 'SESSIOND_REDIS_URL',
    default: null,
    doc: 'Redis for many nodes (`redis://host:port`). Unset: a single node.',
    parse: optionalUrl('redis', /^rediss?:\/\/./, 'redis://'),
  },
  {
    key: 'redisPrefix',
    flag: 'redis-prefix',
    env: 'SESSIOND_REDIS_PREFIX',
    default: null,
    doc: "What this deployment's Redis names start with: rate-limit counters `<prefix>:rl:…` and the revocation channel `<prefix>:revocations` (give the SDK the same value as `redisPrefix`). Deployments sharing one Redis must differ: pub/sub ignores the database number. Default, named after the database: `sessiond:<database>:<schema>` for PostgreSQL, `sessiond:<file name>` for SQLite (`sessiond:memory-<random>` in memory); set it when two deployments' databases have the same name. Logged at start.",
    parse: (v) => {
      if (v === null || v === '' || typeof v === 'boolean') return ok(null);
      return /^[\x21-\x7e]{1,100}$/.test(v)
        ? ok(v)
        : fail(`redis-prefix must be 1-100 printable ASCII characters without spaces (got ${JSON.stringify(v)})`);
    },
  },
  {
    key: 'trustProxy',
    flag: 'trust-proxy',
    env: 'SESSIOND_TRUST_PROXY',
    default: null,
    doc: 'Comma list of CIDRs (or addresses) of reverse proxies whose `X-Forwarded-For` is believed. Unset: the socket address is the client. A forwarded client address that is not an IPv4 or IPv6 address is refused with 400 `invalid_request`.',
    parse: (v) => {
      if (v === null || v === '' || typeof v === 'boolean') return ok([]);
      const entries = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = entries.filter((e) => !isCidr(e));
      return bad.length ? fail(`trust-proxy has entries that are not CIDRs or IP addresses: ${bad.join(', ')}`) : ok(entries);
    },
  },
  {
    key: 'requestTimeoutMs',
    flag: 'request-timeout',
    env: 'SESSIOND_REQUEST_TIMEOUT',
    default: '30s',
    doc: 'A whole request, headers and body, must arrive within this time, or the server answers 408 and closes the connection (a body trickled a byte at a time, a chunked body that never comes).',
    parse: duration('request-timeout'),
  },
  {
    key: 'headersTimeoutMs',
    flag: 'headers-timeout',
    env: 'SESSIOND_HEADERS_TIMEOUT',
    default: '10s',
    doc: "A request's headers must arrive within this time, or 408 and the connection is closed (slowloris); it also closes a new connection that sends nothing. At most the request timeout.",
    parse: duration('headers-timeout'),
  },
  {
    key: 'keepAliveTimeoutMs',
    flag: 'keep-alive-timeout',
    env: 'SESSIOND_KEEP_ALIVE_TIMEOUT',
    default: '72s',
    doc: "A kept-alive connection idle this long after an answer is closed. Behind a load balancer keep it above the balancer's own idle timeout (60 s on many), so the balancer never reuses a connection the node is closing.",
    parse: duration('keep-alive-timeout'),
  },
  {
    key: 'maxConnectionsPerIp',
    flag: 'max-connections-per-ip',
    env: 'SESSIOND_MAX_CONNECTIONS_PER_IP',
    default: '256',
    doc: 'Open connections one client address may hold (IPv6 counted by its --ipv6-limit-prefix network); more are closed at once. Connections from --trust-proxy peers are not counted: they carry many clients. 0: no limit.',
    parse: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 0 && n <= 1_000_000
        ? ok(n)
        : fail(`max-connections-per-ip must be an integer 0-1000000, 0 for no limit (got ${JSON.stringify(v)})`);
    },
  },
  {
    key: 'smtpUrl',
    flag: 'smtp',
    env: 'SESSIOND_SMTP_URL',
    default: null,
    doc: 'SMTP server for mail (`smtp://host:port`). Unset: each mail is printed on stderr as plain text (To, Subject, body with its links), for development.',
    parse: optionalUrl('smtp', /^smtps?:\/\/./, 'smtp://'),
  },
  {
    key: 'publicUrl',
    flag: 'public-url',
    env: 'SESSIOND_PUBLIC_URL',
    default: null,
    doc: 'The URL users reach (links in mail, the Origin check for CSRF). Default: `http://<host>:<port>`.',
    parse: (v, partial) => {
      const value = typeof v === 'string' && v !== '' ? v : `http://${displayHost(partial.host ?? '127.0.0.1')}:${partial.port ?? 7400}`;
      try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('public-url must be an http:// or https:// URL');
        return ok(url.origin);
      } catch {
        return fail(`public-url is not a URL (got ${JSON.stringify(v)})`);
      }
    },
  },
  {
    key: 'idleTimeoutMs',
    flag: 'idle-timeout',
    env: 'SESSIOND_IDLE_TIMEOUT',
    default: '14d',
    doc: 'A session unused this long ends (units s, m, h, d).',
    parse: duration('idle-timeout'),
  },
  {
    key: 'maxAgeMs',
    flag: 'max-age',
    env: 'SESSIOND_MAX_AGE',
    default: '30d',
    doc: 'Absolute lifetime of a session from sign-in (units s, m, h, d).',
    parse: duration('max-age'),
  },
  {
    key: 'sessionRetentionMs',
    flag: 'session-retention',
    env: 'SESSIOND_SESSION_RETENTION',
    default: '30d',
    doc: 'How long an ended (revoked or expired) session is kept as a record before it is deleted.',
    parse: duration('session-retention'),
  },
  {
    key: 'signUp',
    flag: 'sign-up',
    env: 'SESSIOND_SIGN_UP',
    default: true,
    doc: 'Whether anyone may create an account with `POST /v1/auth/sign-up` (`--no-sign-up` turns it off).',
    parse: (v) => parseBoolean('sign-up', v),
  },
  {
    key: 'signUpMode',
    flag: 'sign-up-mode',
    env: 'SESSIOND_SIGN_UP_MODE',
    default: 'auto',
    doc: 'How `POST /v1/auth/sign-up` proves the address. `email`: the answer is 202 for every address (no account enumeration) and a single-use link mailed to the address creates the account; the owner of a taken address is mailed that someone tried. `direct`: the account is created at once (201; a taken address is 409 `email_taken`). `auto`: `email` when `--smtp` is set, else `direct`.',
    parse: (v, partial) => {
      if (v === 'email' || v === 'direct') return ok(v);
      if (v === null || v === 'auto') return ok(partial.smtpUrl ? 'email' : 'direct');
      return fail(`sign-up-mode must be auto, email or direct (got ${JSON.stringify(v)})`);
    },
  },
  {
    key: 'signUpIpLimit',
    flag: 'sign-up-ip-limit',
    env: 'SESSIOND_SIGN_UP_IP_LIMIT',
    default: '20/1h',
    doc: 'Sign-up requests and confirmations allowed from one IP per window; beyond it 429 with Retry-After, before any password is hashed.',
    parse: limit('sign-up-ip-limit'),
  },
  {
    key: 'signUpAddressLimit',
    flag: 'sign-up-address-limit',
    env: 'SESSIOND_SIGN_UP_ADDRESS_LIMIT',
    default: '3/1h',
    doc: 'Sign-up mails (link or "someone tried") sent to one address per window; beyond it the request still answers 202 but sends nothing.',
    parse: limit('sign-up-address-limit'),
  },
  {
    key: 'signUpLinkTtlMs',
    flag: 'sign-up-link-ttl',
    env: 'SESSIOND_SIGN_UP_LINK_TTL',
    default: '24h',
    doc: 'How long the link in a sign-up mail works (it works once).',
    parse: duration('sign-up-link-ttl'),
  },
  {
    key: 'demo',
    flag: 'demo',
    env: 'SESSIOND_DEMO',
    default: false,
    doc: 'Create a demo account (printed at start) with sessions from several devices, apps and places, and a workspace it owns; it also reads the instance’s Security overview. `npm start` sets it.',
    parse: (v) => parseBoolean('demo', v),
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'SESSIOND_LOG_LEVEL',
    default: 'info',
    doc: `Log level: ${LEVELS.join(', ')}.`,
    parse: (v) => (typeof v === 'string' && LEVELS.includes(v) ? ok(v) : fail(`log-level must be one of ${LEVELS.join(', ')}`)),
  },
  {
    key: 'clients',
    flag: 'clients',
    env: 'SESSIOND_CLIENTS',
    default: null,
    doc: 'First-party apps as JSON `[{"id","name","kind"}]`; kind is browser, desktop, mobile, cli or service. Default: web, desktop, mobile, platform, cli.',
    parse: (v) => {
      if (v === null || v === '' || typeof v === 'boolean') return ok(DEFAULT_CLIENTS);
      try {
        const list: unknown = JSON.parse(v);
        const valid =
          Array.isArray(list) &&
          list.length > 0 &&
          list.every(
            (c: unknown) =>
              typeof c === 'object' &&
              c !== null &&
              typeof (c as Client).id === 'string' &&
              /^[a-z0-9][a-z0-9_-]{0,31}$/.test((c as Client).id) &&
              typeof (c as Client).name === 'string' &&
              (c as Client).name.length > 0 &&
              CLIENT_KINDS.includes((c as Client).kind),
          );
        return valid
          ? ok((list as Client[]).map((c) => Object.freeze({ id: c.id, name: c.name, kind: c.kind })))
          : fail('clients must be a JSON list of {id, name, kind}');
      } catch {
        return fail('clients is not valid JSON');
      }
    },
  },
  {
    key: 'minPasswordLength',
    flag: 'min-password-length',
    env: 'SESSIOND_MIN_PASSWORD_LENGTH',
    default: '15',
    doc: 'Shortest password accepted. NIST SP 800-63B rev 4 asks 15 for passwords used as the only factor.',
    parse: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 8 && n <= 64 ? ok(n) : fail('min-password-length must be an integer 8-64');
    },
  },
  {
    key: 'signInIpLimit',
    flag: 'sign-in-ip-limit',
    env: 'SESSIOND_SIGN_IN_IP_LIMIT',
    default: '100/15m',
    doc: 'Sign-in attempts allowed from one IP per window; beyond it 429 with Retry-After.',
    parse: limit('sign-in-ip-limit'),
  },
  {
    key: 'ipv6LimitPrefix',
    flag: 'ipv6-limit-prefix',
    env: 'SESSIOND_IPV6_LIMIT_PREFIX',
    default: '64',
    doc: 'Per-IP limits (sign-in, password reset) count an IPv6 client by its network of this many leading bits: one subscriber commonly holds a whole /64 (or a /56, /48) and can rotate through its addresses. IPv4 is counted per address; an IPv4-mapped IPv6 address is its IPv4 address.',
    parse: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 32 && n <= 128
        ? ok(n)
        : fail(
            `ipv6-limit-prefix must be an integer 32-128, the leading bits of an IPv6 address that name one client (got ${JSON.stringify(v)})`,
          );
    },
  },
  {
    key: 'signInAccountLimit',
    flag: 'sign-in-account-limit',
    env: 'SESSIOND_SIGN_IN_ACCOUNT_LIMIT',
    default: '10/15m',
    doc: 'Failed sign-ins allowed against one account per window; a good sign-in clears the count.',
    parse: limit('sign-in-account-limit'),
  },
  {
    key: 'passwordHashConcurrency',
    flag: 'password-hash-concurrency',
    env: 'SESSIOND_PASSWORD_HASH_CONCURRENCY',
    default: null,
    doc: 'Password hashes (argon2: sign-in, sign-up, password changes) run at once. Default: every core but one, at least one, so the event loop keeps a core during a sign-in flood and sessions still validate in milliseconds.',
    parse: (v) => {
      if (v === null) return ok(null);
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= 256
        ? ok(n)
        : fail(`password-hash-concurrency must be an integer 1-256 (got ${JSON.stringify(v)})`);
    },
  },
  {
    key: 'passwordHashMaxWaitMs',
    flag: 'password-hash-max-wait',
    env: 'SESSIOND_PASSWORD_HASH_MAX_WAIT',
    default: '2s',
    doc: 'A password check that would wait longer than this for a free hashing slot (judged by how long recent hashes took) is refused at once with 503 `unavailable` and Retry-After, before any hashing, alike for known and unknown addresses.',
    parse: duration('password-hash-max-wait'),
  },
  {
    key: 'mailFrom',
    flag: 'mail-from',
    env: 'SESSIOND_MAIL_FROM',
    default: null,
    doc: 'Sender of alert and password mail. Default: `sessiond <no-reply@HOST>` with the host of the public URL.',
    parse: (v, partial) => {
      if (typeof v === 'string' && v.trim()) return /[\r\n]/.test(v) ? fail('mail-from must be one line') : ok(v.trim());
      const host = new URL(partial.publicUrl ?? 'http://localhost').hostname.replace(/^\[|\]$/g, '');
      return ok(`sessiond <no-reply@${host}>`);
    },
  },
  {
    key: 'passwordResetTtlMs',
    flag: 'password-reset-ttl',
    env: 'SESSIOND_PASSWORD_RESET_TTL',
    default: '30m',
    doc: 'How long a password-reset link works (it works once).',
    parse: duration('password-reset-ttl'),
  },
  {
    key: 'passwordResetIpLimit',
    flag: 'password-reset-ip-limit',
    env: 'SESSIOND_PASSWORD_RESET_IP_LIMIT',
    default: '20/1h',
    doc: 'Password-reset requests and confirmations allowed from one IP per window; beyond it 429 with Retry-After.',
    parse: limit('password-reset-ip-limit'),
  },
  {
    key: 'passwordResetAccountLimit',
    flag: 'password-reset-account-limit',
    env: 'SESSIOND_PASSWORD_RESET_ACCOUNT_LIMIT',
    default: '3/1h',
    doc: 'Reset mails sent to one address per window; beyond it the request still answers 202 but sends nothing.',
    parse: limit('password-reset-account-limit'),
  },
  {
    key: 'reportLinkTtlMs',
    flag: 'report-link-ttl',
    env: 'SESSIOND_REPORT_LINK_TTL',
    default: '7d',
    doc: 'How long the "This wasn\'t me" link in a sign-in alert works (it works once).',
    parse: duration('report-link-ttl'),
  },
  {
    key: 'impossibleTravelKmh',
    flag: 'impossible-travel-kmh',
    env: 'SESSIOND_IMPOSSIBLE_TRAVEL_KMH',
    default: '900',
    doc: "Speed (km/h) between two sign-ins' approximate locations above which the sign-in is flagged as impossible travel.",
    parse: (v) => {
      const n = Number(v);
      return Number.isFinite(n) && n > 0 && n <= 100_000 ? ok(n) : fail('impossible-travel-kmh must be a number of km/h above 0');
    },
  },
  {
    key: 'failureBurst',
    flag: 'failure-burst',
    env: 'SESSIOND_FAILURE_BURST',
    default: '5/15m',
    doc: 'Failed sign-ins within the window that make the next successful sign-in suspicious.',
    parse: limit('failure-burst'),
  },
  {
    key: 'sessionsPageCovers',
    flag: 'sessions-page-covers',
    env: 'SESSIOND_SESSIONS_PAGE_COVERS',
    default:
      'Every sign-in to our own apps (the web app, the desktop and mobile apps, the platform console and the command line, device sign-ins included) and, below the list, the apps you connected, the apps you signed in to with this account, and your personal access tokens.',
    doc: 'Text on the Active sessions page saying what the list covers.',
    parse: text('sessions-page-covers'),
  },
  {
    key: 'sessionsPageExcludes',
    flag: 'sessions-page-excludes',
    env: 'SESSIOND_SESSIONS_PAGE_EXCLUDES',
    default:
      'What other services keep on their own side: signing out of an app below tells it to end your session there, but an app that does not support that may keep you signed in until its own session ends.',
    doc: 'Text on the Active sessions page saying what the list does not cover.',
    parse: text('sessions-page-excludes'),
  },
  {
    key: 'reauthWindowMs',
    flag: 'reauth-window',
    env: 'SESSIOND_REAUTH_WINDOW',
    default: '10m',
    doc: 'Sensitive actions (ending other sessions, password and MFA changes, trusting a device) need a sign-in or re-authentication at most this old; otherwise 403 `reauth_required`.',
    parse: duration('reauth-window'),
  },
  {
    key: 'trustedDeviceMs',
    flag: 'trusted-device-duration',
    env: 'SESSIOND_TRUSTED_DEVICE_DURATION',
    default: '30d',
    doc: 'How long "Trust this device" lasts: sign-ins from a trusted device skip the two-step verification code.',
    parse: duration('trusted-device-duration'),
  },
  {
    key: 'maxPasskeys',
    flag: 'max-passkeys',
    env: 'SESSIOND_MAX_PASSKEYS',
    default: '10',
    doc: 'How many passkeys one account may register (1-100). Passkeys work when the --public-url host is a domain name (`localhost` included), not an IP address: its host is the WebAuthn RP ID.',
    parse: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= 100 ? ok(n) : fail(`max-passkeys must be an integer 1-100 (got ${JSON.stringify(v)})`);
    },
  },
  {
    key: 'secretKeyFile',
    flag: 'secret-key-file',
    env: 'SESSIOND_SECRET_KEY_FILE',
    default: null,
    doc: 'Key file that seals TOTP secrets (AES-256-GCM) and keys recovery-code hashes: one base64 key a line, the first seals, all open (`sessiond keys rotate` adds one). Unset: on a SQLite file, `sessiond.key` next to the database (created on first start, with a warning); on PostgreSQL a key kept in the database (table `secret_keys`: the first node generates it, every node reads it; a warning at start, since a database dump then exposes the TOTP secrets); `sqlite::memory:` uses a key that lives as long as the process.',
    parse: (value) => (typeof value === 'string' && value.trim() ? ok(value.trim()) : ok(null)),
  },
  {
    key: 'metricsListen',
    flag: 'metrics-listen',
    env: 'SESSIOND_METRICS_LISTEN',
    default: null,
    doc: 'Serve `/metrics` on its own listener, `host:port` (e.g. `127.0.0.1:9464`), reachable only where Prometheus runs; the main port then answers 404 there. Unset: `/metrics` is on the main port (open, or behind `--metrics-token`).',
    parse: (v) => {
      if (v === null || v === '' || typeof v === 'boolean') return ok(null);
      const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):([0-9]{1,5})$/.exec(v.trim());
      const port = Number(match?.[2]);
      if (!match || !(port >= 0 && port <= 65535))
        return fail(`metrics-listen must be host:port, e.g. 127.0.0.1:9464 (got ${JSON.stringify(v)})`);
      return ok({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
    },
  },
  {
    key: 'metricsToken',
    flag: 'metrics-token',
    env: 'SESSIOND_METRICS_TOKEN',
    default: null,
    doc: 'Bearer token that `/metrics` on the main port asks for (`Authorization: Bearer <token>`; at least 32 characters, compared in constant time); give Prometheus the same in `authorization.credentials`. Unset: `/metrics` on the main port is open; it shows counts (sessions, sign-ins by outcome), no account data.',
    parse: (v) => {
      if (v === null || v === '' || typeof v === 'boolean') return ok(null);
      return /^[\x21-\x7e]{32,512}$/.test(v)
        ? ok(v)
        : fail('metrics-token must be 32 to 512 printable ASCII characters without spaces (e.g. `openssl rand -hex 32`)');
    },
  },
  {
    key: 'instanceAdmins',
    flag: 'instance-admins',
    env: 'SESSIOND_INSTANCE_ADMINS',
    default: null,
    doc: "Comma list of account addresses that may read the instance-wide security overview (`GET /v1/admin/overview`, the page Settings › Instance overview): every workspace's figures summed, and the node figures. Unset: no one; workspace owners and admins still read their workspace's.",
    parse: (v) => {
      if (v === null || v === '' || typeof v === 'boolean') return ok([]);
      const entries = v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const bad = entries.filter((e) => !/^[^\s@]+@[^\s@]+$/.test(e));
      return bad.length ? fail(`instance-admins has entries that are not addresses: ${bad.join(', ')}`) : ok(entries);
    },
  },
  {
    key: 'telemetryRetentionMs',
    flag: 'telemetry-retention',
    env: 'SESSIOND_TELEMETRY_RETENTION',
    default: '30d',
    doc: "How long each node's per-minute and per-hour telemetry (the security overview's history) is kept in the database. At least 14d: the overview compares this week with the last.",
    parse: (v) => {
      const parsed = duration('telemetry-retention')(v);
      if ('problem' in parsed) return parsed;
      return parsed.value >= 14 * 86_400_000
        ? parsed
        : fail('telemetry-retention must be at least 14d: the overview compares this week with the last');
    },
  },
  {
    key: 'otlpTracesUrl',
    flag: 'otlp-traces-url',
    env: 'SESSIOND_OTLP_TRACES_URL',
    default: null,
    doc: 'Send an OpenTelemetry trace of every request (OTLP over HTTP, e.g. `http://127.0.0.1:4318/v1/traces`). Unset: no tracing (the default).',
    parse: optionalUrl('otlp-traces-url', /^https?:\/\/./, 'http(s)://'),
  },
  {
    key: 'tokenScopes',
    flag: 'token-scopes',
    env: 'SESSIOND_TOKEN_SCOPES',
    default: 'api:read,api:write',
    doc: 'Comma list of the scopes a personal access token may be given (Settings › Security; `POST /v1/me/tokens`), in the order they are shown. Introspection (`POST /v1/introspect`) answers a token’s scopes space-separated, for the services that check them. Each is an OAuth scope name (RFC 6749 §3.3: printable ASCII without spaces, quotes or backslashes), at most 64 characters, no commas.',
    parse: (v) => {
      const entries = typeof v === 'string' ? [...new Set(v.split(',').map((s) => s.trim()))].filter(Boolean) : [];
      // RFC 6749's scope-token, less the comma this list is separated by.
      const bad = entries.filter((e) => e.length > 64 || !/^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/.test(e));
      if (entries.length === 0) return fail('token-scopes must name at least one scope');
      if (entries.length > 32) return fail('token-scopes may name at most 32 scopes');
      return bad.length
        ? fail(`token-scopes has entries that are not scope names: ${bad.map((e) => JSON.stringify(e)).join(', ')}`)
        : ok(entries);
    },
  },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Flags win over environment variables, which win over defaults. Flag values are keyed by the
 * setting's key (as commander produces them). Throws ConfigError listing every problem.
 */
export function loadConfig(
  flags: Partial<Record<keyof Config, Raw>> = {},
  env: Record<string, string | undefined> = process.env,
): Readonly<Config> {
  const problems: string[] = [];
  const partial: Partial<Config> = {};
  for (const setting of SETTINGS) {
    const raw = flags[setting.key] ?? env[setting.env] ?? setting.default;
    const parsed = setting.parse(raw === undefined ? null : raw, partial);
    if ('problem' in parsed) problems.push(parsed.problem);
    else (partial as Record<string, unknown>)[setting.key] = parsed.value;
  }
  if (partial.idleTimeoutMs !== undefined && partial.maxAgeMs !== undefined && partial.idleTimeoutMs > partial.maxAgeMs) {
    problems.push('idle-timeout must not be longer than max-age');
  }
  if (
    partial.headersTimeoutMs !== undefined &&
    partial.requestTimeoutMs !== undefined &&
    partial.headersTimeoutMs > partial.requestTimeoutMs
  ) {
    problems.push('headers-timeout must not be longer than request-timeout');
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(partial as Config);
}

/** `users create --password` may come from here instead, to keep it out of shell history. */
export const PASSWORD_ENV = 'SESSIOND_PASSWORD';

/**
 * The password `users create` takes from the environment when `--password` is not given. A
 * secret for one command, not a setting: it never enters Config (which is passed everywhere).
 */
export function passwordFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  return env[PASSWORD_ENV] || null;
}

function parseBoolean(name: string, v: string | boolean | null): Parsed<boolean> {
  if (typeof v === 'boolean') return ok(v);
  if (v === 'true' || v === '1' || v === 'yes') return ok(true);
  if (v === 'false' || v === '0' || v === 'no') return ok(false);
  return fail(`${name} must be true or false (got ${JSON.stringify(v)})`);
}

function isCidr(entry: string): boolean {
  const [address, bits] = entry.split('/');
  const family = address ? isIP(address) : 0;
  if (!family) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** A BlockList of the trusted proxies, for `request-context`. */
export function trustedProxies(config: Pick<Config, 'trustProxy'>): BlockList {
  const list = new BlockList();
  for (const entry of config.trustProxy) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** For docs and `--help`: the default as a user would write it. */
export function describeDefault(setting: AnySetting): string {
  if (setting.default === null) return 'unset';
  if (typeof setting.default === 'boolean') return String(setting.default);
  return setting.default;
}
