/**
 * Better Auth, for comparison: run by `bench/run.ts` with plain `node` (this file is only
 * type-stripped), on a SQLite file through better-sqlite3, the engine of sessiond's SQLite runs.
 * Email and password enabled, everything else at its defaults; served through Node's `http` with
 * `toNodeHandler` from `better-auth/node`.
 *
 *   node better-auth-server.mjs seed  <db-file> <out-json> <sessions>   migrates, creates a user and its sessions
 *   node better-auth-server.mjs serve <db-file> default|cookie-cache|list [<cookies-json> <cc-cookies-out>]
 *
 * `seed` signs in through `auth.api.signInEmail` (a real scrypt verify) a few times, and creates the
 * rest of the sessions with Better Auth's own `internalAdapter.createSession` (what sign-in calls
 * after the password check), signing their cookies as Better Auth does (HMAC-SHA256 of the token
 * with the secret). The first signed-in cookie is checked against that signing.
 *
 * `list` is the defaults but for `advanced.database.defaultFindManyLimit: 1000`: by default its
 * adapter caps every `findMany` at 100 rows, so `list-sessions` silently returns only 100 of a
 * user's 1,000 sessions, and the comparison is of the same list.
 *
 * `serve` listens on 127.0.0.1 with an ephemeral port and prints `READY <port>`. With
 * `cookie-cache` (`session.cookieCache: { enabled: true, maxAge: 300 }`) and a cookies file, it
 * first asks itself `get-session` once per session and writes the `Cookie` headers a browser would
 * then send (`better-auth.session_token` and `better-auth.session_data`) to `<cc-cookies-out>`.
 * Stdin takes `queries` (prints `QUERIES <n>`: SQLite statements run since start, so the runner
 * can tell whether the cookie cache answered without the database). SIGTERM exits.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';

const HOST = '127.0.0.1';
export const BA_SECRET = 'sessiond-bench-better-auth-secret-0123456789abcdef';
export const BA_EMAIL = 'bench@better-auth.test';
const PASSWORD = 'bench password 0123456789';
/** Sessions created through the real sign-in endpoint (each one a scrypt verify, ~0.1 s). */
const SIGNED_IN = 3;
export const COOKIE_CACHE_MAX_AGE_S = 300;

const [mode, dbFile, arg1, arg2, arg3] = process.argv.slice(2);

/** Counts the SQLite statements Better Auth prepares (Kysely's SQLite dialect prepares every query). */
let queries = 0;
function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    queries++;
    return prepare(sql);
  }) as typeof db.prepare;
  return db;
}

export const LIST_LIMIT = 1_000;

function options(db: Database.Database, variant: string, baseURL: string) {
  return {
    database: db,
    secret: BA_SECRET,
    baseURL,
    emailAndPassword: { enabled: true },
    ...(variant === 'cookie-cache' ? { session: { cookieCache: { enabled: true, maxAge: COOKIE_CACHE_MAX_AGE_S } } } : {}),
    ...(variant === 'list' ? { advanced: { database: { defaultFindManyLimit: LIST_LIMIT } } } : {}),
    logger: { level: 'error' as const },
  };
}

/** `better-auth.session_token=<token>.<HMAC>` as Better Auth's `setSignedCookie` writes it. */
function sessionCookie(token: string): string {
  const signature = createHmac('sha256', BA_SECRET).update(token).digest('base64');
  return `better-auth.session_token=${encodeURIComponent(`${token}.${signature}`)}`;
}

function cookiePairs(setCookies: string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const c of setCookies) {
    const pair = c.split(';')[0]!;
    const eq = pair.indexOf('=');
    pairs.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return pairs;
}

async function seed(file: string, out: string, sessions: number): Promise<void> {
  const db = openDatabase(file);
  const opts = options(db, 'default', 'http://127.0.0.1:3000');
  const { runMigrations } = await getMigrations(opts);
  await runMigrations();
  const auth = betterAuth(opts);
  const { user } = await auth.api.signUpEmail({ body: { email: BA_EMAIL, password: PASSWORD, name: 'Bench' } });
  const cookies: string[] = [];
  for (let i = 0; i < SIGNED_IN; i++) {
    const { headers, response } = await auth.api.signInEmail({
      body: { email: BA_EMAIL, password: PASSWORD },
      headers: new Headers({ 'user-agent': `bench-agent/${i}` }),
      returnHeaders: true,
    });
    const cookie = `better-auth.session_token=${cookiePairs(headers.getSetCookie()).get('better-auth.session_token')}`;
    if (cookie !== sessionCookie(response.token)) throw new Error(`cookie signing differs from Better Auth's: ${cookie}`);
    cookies.push(cookie);
  }
  const ctx = await auth.$context;
  for (let i = SIGNED_IN; i < sessions; i++) {
    const session = await ctx.internalAdapter.createSession(user.id, false, {
      ipAddress: '81.2.69.160',
      userAgent: `bench-agent/${i}`,
    });
    cookies.push(sessionCookie(session.token));
  }
  writeFileSync(out, JSON.stringify({ userId: user.id, cookies }));
  db.close();
}

async function serve(file: string, variant: string, cookiesFile?: string, ccOut?: string): Promise<void> {
  const db = openDatabase(file);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  const baseURL = `http://${HOST}:${address.port}`;
  const auth = betterAuth(options(db, variant, baseURL));
  server.on('request', toNodeHandler(auth));

  if (variant === 'cookie-cache' && cookiesFile && ccOut) {
    const { cookies } = JSON.parse(readFileSync(cookiesFile, 'utf8')) as { cookies: string[] };
    const lines: string[] = [];
    for (const cookie of cookies) {
      const res = await auth.handler(new Request(`${baseURL}/api/auth/get-session`, { headers: { cookie } }));
      const data = cookiePairs(res.headers.getSetCookie()).get('better-auth.session_data');
      if (res.status !== 200 || !data) throw new Error(`no session_data cookie for a session (${res.status})`);
      lines.push(`${cookie}; better-auth.session_data=${data}`);
    }
    writeFileSync(ccOut, `${lines.join('\n')}\n`);
  }

  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'queries') console.log(`QUERIES ${queries}`);
  });
  console.log(`READY ${address.port}`);
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    db.close();
    process.exit(0);
  });
}

async function main(): Promise<void> {
  if (mode === 'seed' && dbFile && arg1) await seed(dbFile, arg1, Number(arg2 ?? 1_000));
  else if (mode === 'serve' && dbFile && arg1) await serve(dbFile, arg1, arg2, arg3);
  else
    throw new Error(
      'usage: better-auth-server.mjs seed <db> <out-json> <sessions> | serve <db> default|cookie-cache [<cookies-json> <cc-out>]',
    );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
