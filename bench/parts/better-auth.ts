/**
 * Better Auth, the comparison in several parts (bench/better-auth-server.ts on SQLite): seeding
 * its sessions, starting it in a variant, asking how many queries it made, and the revocation
 * probe of its cookie cache.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { BetterAuthProbe } from '../report-parts.js';
import type { TargetName } from '../report.js';
import { CACHE, HOST, get, runToEnd, sleep, startServer, stopServer, type Bench, type Server, type Target } from './shared.js';

/** Better Auth: one user with this many sessions, cookies rotating over all of them. */
export const BA_SESSIONS = 1_000;
export const BA_PATH = '/api/auth/get-session';
/** Must match bench/better-auth-server.ts (`session.cookieCache.maxAge`). */
export const COOKIE_CACHE_MAX_AGE_S = 300;
/** How long a revoked session is probed with Better Auth's cookie cache on. */
const BA_PROBE_S = 5;

/** Seeds Better Auth (one user, `count` sessions) into a fresh SQLite file; returns its file and Cookie headers. */
export async function seedBetterAuth(
  bench: Bench,
  count: number,
): Promise<{ db: string; json: string; cookiesTxt: string; cookies: string[] }> {
  const db = path.join(bench.tmp, `better-auth-${Date.now()}.db`);
  const json = path.join(bench.tmp, `better-auth-${Date.now()}.json`);
  await runToEnd(process.execPath, [path.join(CACHE, 'better-auth-server.mjs'), 'seed', db, json, String(count)]);
  const { cookies } = JSON.parse(readFileSync(json, 'utf8')) as { cookies: string[] };
  const cookiesTxt = path.join(bench.tmp, `better-auth-cookies-${Date.now()}.txt`);
  writeFileSync(cookiesTxt, `${cookies.join('\n')}\n`);
  return { db, json, cookiesTxt, cookies };
}

export function startBetterAuth(
  bench: Bench,
  name: TargetName,
  db: string,
  variant: 'default' | 'cookie-cache' | 'list',
  target: Target,
  extra: string[] = [],
): Promise<Server> {
  return startServer(bench.options, name, ['serve', db, variant, ...extra], { ...target, raw: true }, { script: 'better-auth-server' });
}

export async function betterAuthQueries(server: Server): Promise<number> {
  const reply = server.process.waitFor(/QUERIES (\d+)/);
  server.process.send('queries');
  return Number((await reply)[1]);
}

/** Better Auth with its cookie cache: a revoked session is still accepted while its session_data cookie lasts. */
export async function betterAuthRevocationProbe(bench: Bench): Promise<BetterAuthProbe> {
  const ba = await seedBetterAuth(bench, 2);
  const ccTxt = path.join(bench.tmp, 'better-auth-probe-cc.txt');
  const server = await startBetterAuth(bench, 'better-auth-cc', ba.db, 'cookie-cache', { path: BA_PATH, cookies: ccTxt }, [ba.json, ccTxt]);
  try {
    const cookie = readFileSync(ccTxt, 'utf8').split('\n')[0]!;
    const before = await get(server.port, cookie, BA_PATH);
    if (!before.body.startsWith('{"session":')) throw new Error(`Better Auth probe: session not valid before revocation: ${before.body}`);
    const signOut = await new Promise<number>((resolve, reject) => {
      const origin = `http://${HOST}:${server.port}`;
      const req = request(
        {
          host: HOST,
          port: server.port,
          path: '/api/auth/sign-out',
          method: 'POST',
          headers: { cookie, origin, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    const revokedAt = Date.now();
    // Without the session_data cookie Better Auth reads the database: the session is gone there.
    const dbAnswer = await get(server.port, cookie.split('; ')[0]!, BA_PATH);
    let accepted = 0;
    let probes = 0;
    let lastAcceptedS = 0;
    while (Date.now() - revokedAt < BA_PROBE_S * 1000) {
      probes++;
      const r = await get(server.port, cookie, BA_PATH);
      if (r.body.startsWith('{"session":')) {
        accepted++;
        lastAcceptedS = (Date.now() - revokedAt) / 1000;
      }
      await sleep(250);
    }
    return {
      signOutStatus: signOut,
      databaseSaysRevoked: dbAnswer.body === 'null',
      probes,
      accepted,
      lastAcceptedS,
      maxAgeS: COOKIE_CACHE_MAX_AGE_S,
    };
  } finally {
    await stopServer(server);
  }
}
