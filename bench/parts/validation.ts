/**
 * Part `validation` (items 1 and 2; issue 13's same-bytes ceiling): `GET /v1/me/session` with
 * valid cookies (10,000 sessions in a SQLite file) and `POST /v1/introspect` with a service key
 * for the same sessions, each against its same-bytes ceiling (a bare Fastify route answering
 * exactly the bytes sessiond answered that request with, captured from the real server at start:
 * bench/server.ts `replay`), a bare Fastify route returning a constant, and Better Auth's
 * `GET /api/auth/get-session` on SQLite too, with its defaults and with its cookie cache on, and
 * the same validation from a second sessiond process on PostgreSQL (1,000 sessions, a fresh
 * schema) against the same ceiling. All alternate in the same runs. With --profile: one run per target under the V8 CPU profiler
 * instead, summary printed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { formatProfile, summariseProfile } from '../profile.js';
import { renderBetterAuth, renderIntrospection } from '../report-parts.js';
import { renderSessionVsBare, type Ceiling, type RunResult, type SessionVsBare } from '../report.js';
import { BA_PATH, BA_SESSIONS, COOKIE_CACHE_MAX_AGE_S, betterAuthQueries, seedBetterAuth, startBetterAuth } from './better-auth.js';
import {
  CACHE,
  CONNECTIONS,
  PATH,
  ROOT,
  WARMUP_S,
  alternate,
  assertSameBytes,
  benchSchema,
  captureResponse,
  fmtRun,
  get,
  load,
  log,
  runToEnd,
  seedSessiond,
  startServer,
  stopServer,
  untilBusLive,
  type Bench,
  type Server,
} from './shared.js';

const SESSIONS = 10_000;
const ROTATED = 1_000;
/**
 * Seconds of load before each measured run, reported apart: a round of seven targets takes over a
 * minute, so sessiond's cache entries (30 s) have expired and its sessions are due a touch when
 * its turn comes again; the run proper measures it warm (issue 13's target), the lead-in that start.
 */
const LEAD_IN_S = 1;
const INTROSPECT_PATH = '/v1/introspect';

/**
 * Captures sessiond's answer to one request (after one identical request first, so that the
 * session's touch is behind it), starts the replay server on it, and checks that the replay
 * answers the same request with the same bytes.
 */
async function sameBytesCeiling(
  bench: Bench,
  name: 'ceiling' | 'introspect-ceiling',
  session: Server,
  request: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
  target: Omit<Server, 'name' | 'process' | 'port'>,
): Promise<{ server: Server; ceiling: Ceiling }> {
  const { method, path: at, headers, body } = request;
  await captureResponse(session.port, method, at, headers, body);
  const { captured, raw } = await captureResponse(session.port, method, at, headers, body);
  if (captured.status !== 200) throw new Error(`${name}: sessiond answered ${captured.status}: ${raw.toString('latin1')}`);
  const file = path.join(bench.tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(captured));
  const server = await startServer(bench.options, name, ['replay', bench.options.dist, file], target);
  const replayed = await captureResponse(server.port, method, at, headers, body);
  assertSameBytes(raw, replayed.raw, captured.regenerate);
  const bodyBytes = Buffer.from(captured.body, 'base64').length;
  const ceiling: Ceiling = {
    status: captured.status,
    headers: captured.headers.map(([n]) => n),
    headBytes: raw.length - bodyBytes,
    bodyBytes,
    regenerated: captured.headers.map(([n]) => n).filter((n) => captured.regenerate.includes(n.toLowerCase())),
  };
  log(
    `${name}: replaying sessiond's ${method} ${at} answer, ${ceiling.headers.length} headers (${ceiling.headBytes} B with the status line) ` +
      `and a ${bodyBytes} B body; same bytes checked (regenerated per response: ${ceiling.regenerated.join(', ') || 'none'})`,
  );
  return { server, ceiling };
}

const introspectHeaders = (key: string) => ({ Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' });
const tokenBody = (token: string) => JSON.stringify({ token });
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** sessiond's count of validations that found no session (from its /metrics). */
async function invalidValidations(port: number): Promise<number> {
  const m = /^sessiond_session_validations_total\{outcome="invalid"\} (\d+)$/m.exec((await get(port, '', '/metrics')).body);
  return Number(m?.[1] ?? 0);
}

/** One measured run under the CPU profiler; returns the run and the profile's file. */
async function profiledRun(bench: Bench, server: Server, file: string): Promise<RunResult> {
  const profiling = server.process.waitFor(/PROFILING/);
  server.process.send('start');
  await profiling;
  const result = await load(bench.options, server, bench.options.durationS);
  const profiled = server.process.waitFor(/PROFILED/);
  server.process.send(`stop ${file}`);
  await profiled;
  return result;
}

export async function validationPart(bench: Bench): Promise<void> {
  const { options, tmp, machine, sections } = bench;
  const partStarted = Date.now();
  const servers: Server[] = [];
  // Issue 13's target 2 is for SQLite and PostgreSQL: the same route from a PostgreSQL node too.
  const postgres = options.profile ? null : await benchSchema();
  try {
    const dbFile = path.join(tmp, 'sessiond.db');
    log(`seeding ${SESSIONS.toLocaleString('en-US')} sessiond sessions into ${dbFile}`);
    const all = await seedSessiond(bench, dbFile, SESSIONS);
    // Every 10th session: the rotation touches rows all over the table, not one hot corner.
    const rotated = all.filter((_, i) => i % Math.floor(SESSIONS / ROTATED) === 0).slice(0, ROTATED);
    const tokensTxt = path.join(tmp, 'tokens.txt');
    writeFileSync(tokensTxt, `${rotated.join('\n')}\n`);
    log(`seeding Better Auth: one user, ${BA_SESSIONS.toLocaleString('en-US')} sessions`);
    const ba = await seedBetterAuth(bench, BA_SESSIONS);
    const ccCookiesTxt = path.join(tmp, 'better-auth-cc-cookies.txt');

    const serviceKey = (await runToEnd(process.execPath, [path.join(CACHE, 'server.mjs'), 'service-key', options.dist, dbFile]))
      .trim()
      .split('\n')
      .pop()!;

    const session = await startServer(options, 'session', ['session', options.dist, dbFile], { path: PATH, cookies: tokensTxt });
    servers.push(session);
    let sessionPg: Server | null = null;
    if (postgres) {
      log(`seeding ${ROTATED.toLocaleString('en-US')} sessiond sessions into PostgreSQL schema ${postgres.schema}`);
      const pgTokens = await seedSessiond(bench, postgres.url, ROTATED);
      const pgTokensTxt = path.join(tmp, 'tokens-pg.txt');
      writeFileSync(pgTokensTxt, `${pgTokens.join('\n')}\n`);
      sessionPg = await startServer(options, 'session-pg', ['session', options.dist, postgres.url], { path: PATH, cookies: pgTokensTxt });
      servers.push(sessionPg);
      // Its cache is trusted only while its bus (LISTEN) is live.
      await untilBusLive(sessionPg.port);
      const pgOk = await get(sessionPg.port, `__Host-sessiond=${pgTokens[0]!}`);
      const pgBad = await get(sessionPg.port, `__Host-sessiond=${pgTokens[0]!.slice(0, -1)}${pgTokens[0]!.endsWith('A') ? 'B' : 'A'}`);
      if (pgOk.status !== 200 || !pgOk.body.includes('"current":true') || pgBad.status !== 401)
        throw new Error(`PostgreSQL session route sanity check failed: ${pgOk.status} ${pgOk.body} / ${pgBad.status}`);
    }
    // The same process, called as another service would: introspection of the same sessions.
    const introspect: Server = { ...session, name: 'introspect', path: INTROSPECT_PATH, serviceKey };
    const bare = await startServer(options, 'bare', ['bare', options.dist], { path: PATH, cookies: tokensTxt });
    servers.push(bare);
    // The ceilings replay the answer for a session like the rotated ones (same origin) but outside
    // the rotation, so capturing it does not touch a rotated session before the warm-up.
    const sample = all[Math.floor(SESSIONS / ROTATED) / 2]!;
    const validationCeiling = await sameBytesCeiling(
      bench,
      'ceiling',
      session,
      { method: 'GET', path: PATH, headers: { Cookie: `__Host-sessiond=${sample}` } },
      { path: PATH, cookies: tokensTxt },
    );
    servers.push(validationCeiling.server);
    const introspectCeiling = await sameBytesCeiling(
      bench,
      'introspect-ceiling',
      session,
      {
        method: 'POST',
        path: INTROSPECT_PATH,
        headers: introspectHeaders(serviceKey),
        body: tokenBody(sample),
      },
      { path: INTROSPECT_PATH, cookies: tokensTxt, serviceKey },
    );
    servers.push(introspectCeiling.server);
    const baDefault = await startBetterAuth(bench, 'better-auth', ba.db, 'default', { path: BA_PATH, cookies: ba.cookiesTxt });
    servers.push(baDefault);
    // Started last: its session_data cookies (made at start-up) are valid for 300 s.
    const baCache = await startBetterAuth(bench, 'better-auth-cc', ba.db, 'cookie-cache', { path: BA_PATH, cookies: ccCookiesTxt }, [
      ba.json,
      ccCookiesTxt,
    ]);
    servers.push(baCache);

    // The session route must really validate: a valid cookie is 200 for its own session, a bad one
    // 401. With a session outside the rotation, whose touch now would fall due again mid-run.
    const probe = all[1]!;
    const ok = await get(session.port, `__Host-sessiond=${probe}`);
    const bad = await get(session.port, `__Host-sessiond=${probe.slice(0, -1)}${probe.endsWith('A') ? 'B' : 'A'}`);
    if (ok.status !== 200 || !ok.body.includes('"current":true') || bad.status !== 401)
      throw new Error(`session route sanity check failed: ${ok.status} ${ok.body} / ${bad.status}`);
    if ((await get(bare.port, `__Host-sessiond=${probe}`)).status !== 200) throw new Error('bare route sanity check failed');
    // Introspection must really check the service key and the token.
    const introspectOk = await captureResponse(session.port, 'POST', INTROSPECT_PATH, introspectHeaders(serviceKey), tokenBody(probe));
    const introspectBad = await captureResponse(
      session.port,
      'POST',
      INTROSPECT_PATH,
      introspectHeaders(serviceKey),
      tokenBody(`${probe}x`),
    );
    const introspectNoKey = await captureResponse(
      session.port,
      'POST',
      INTROSPECT_PATH,
      introspectHeaders(`${serviceKey}x`),
      tokenBody(probe),
    );
    const bodyOf = (r: { captured: { body: string } }) => Buffer.from(r.captured.body, 'base64').toString('utf8');
    if (
      !bodyOf(introspectOk).includes('"active":true') ||
      bodyOf(introspectBad) !== '{"active":false}' ||
      introspectNoKey.captured.status !== 401
    )
      throw new Error(
        `introspection sanity check failed: ${bodyOf(introspectOk)} / ${bodyOf(introspectBad)} / ${introspectNoKey.captured.status}`,
      );
    // Better Auth answers 200 with `null` for no session: check the body, for every cookie.
    const ccCookies = readFileSync(ccCookiesTxt, 'utf8').split('\n').filter(Boolean);
    for (const [server, cookies] of [
      [baDefault, ba.cookies],
      [baCache, ccCookies],
    ] as const) {
      for (const cookie of cookies) {
        const r = await get(server.port, cookie, BA_PATH);
        if (r.status !== 200 || !r.body.startsWith('{"session":'))
          throw new Error(`${server.name} sanity check failed: ${r.status} ${r.body}`);
      }
      const tampered = await get(server.port, cookies[0]!.replace(/session_token=./, 'session_token=X'), BA_PATH);
      if (server === baDefault && tampered.body !== 'null') throw new Error(`${server.name} accepted a tampered cookie: ${tampered.body}`);
    }

    log(`warm-up ${WARMUP_S} s each (${options.loader}, ${CONNECTIONS} connections)`);
    await load(options, bare, WARMUP_S);
    // The seeded sessions are a minute old: the warm-up writes each one's last_active_at once (a
    // synchronous commit each). On a busy machine 5 s may not reach them all: warm up until it has.
    const warmFrom = Date.now();
    const ids = JSON.stringify(rotated.map((t) => t.slice(0, 22)));
    for (let round = 1; ; round++) {
      await load(options, session, WARMUP_S);
      const db = new Database(dbFile, { readonly: true });
      const { n } = db
        .prepare('SELECT count(*) AS n FROM sessions WHERE id IN (SELECT value FROM json_each(?)) AND last_active_at >= ?')
        .get(ids, warmFrom) as { n: number };
      db.close();
      if (n >= rotated.length) break;
      if (round === 6) {
        log(
          `warm-up reached only ${n} of ${rotated.length} sessions in ${round * WARMUP_S} s; measuring anyway (reported as writes during runs)`,
        );
        break;
      }
      log(`warm-up reached ${n} of ${rotated.length} sessions; warming up again`);
    }
    // The PostgreSQL sessions are a minute old too: their warm-up writes each one's activity.
    if (sessionPg) for (let i = 0; i < 2; i++) await load(options, sessionPg, WARMUP_S);
    await load(options, validationCeiling.server, WARMUP_S);
    await load(options, introspect, WARMUP_S);
    await load(options, introspectCeiling.server, WARMUP_S);
    await load(options, baDefault, WARMUP_S);
    await load(options, baCache, WARMUP_S);
    // How the replayed answer compares with what the rotated cookies get (same shape, own ids).
    const rotatedBodyBytes = Buffer.byteLength((await get(session.port, `__Host-sessiond=${rotated[0]!}`)).body);
    const pgBodyBytes = sessionPg
      ? Buffer.byteLength((await get(sessionPg.port, `__Host-sessiond=${readFileSync(sessionPg.cookies, 'utf8').split('\n')[0]!}`)).body)
      : 0;
    const measuredFrom = Date.now();

    if (options.profile) {
      // One measured run per target under the profiler; nothing is written to the docs.
      for (const server of [session, validationCeiling.server, bare]) {
        const file = path.join(CACHE, `${server.name}.cpuprofile`);
        const result = await profiledRun(bench, server, file);
        log(`profiled  ${fmtRun(result)}`);
        console.log(`\n${server.name}: ${formatProfile(summariseProfile(file, server.name === 'session' ? 40 : 15))}\n`);
        log(`profile kept at ${path.relative(ROOT, file)} (open it in Chrome DevTools)`);
      }
      return;
    }

    const runs: RunResult[] = [];
    const queries0 = await betterAuthQueries(baCache);
    const invalid0 = await invalidValidations(session.port);
    const invalidPg0 = sessionPg ? await invalidValidations(sessionPg.port) : 0;
    // The sanity checks above were refused: a count of 0 means the metric was not read.
    if (!(invalid0 > 0)) throw new Error('sessiond_session_validations_total{outcome="invalid"} not found in /metrics');
    const loadAverageBefore = loadAverage();
    const leadIns: RunResult[] = [];
    await alternate(
      options,
      [
        session,
        validationCeiling.server,
        ...(sessionPg ? [sessionPg] : []),
        bare,
        introspect,
        introspectCeiling.server,
        baDefault,
        baCache,
      ],
      runs,
      CONNECTIONS,
      {
        seconds: LEAD_IN_S,
        runs: leadIns,
      },
    );
    const loadAverageAfter = loadAverage();
    // Every measured request, cookie or introspection, must have been a valid session: an
    // introspection answer `{"active":false}` is a 200 too, so count sessiond's own outcomes.
    const invalidDuringRuns =
      (await invalidValidations(session.port)) - invalid0 + (sessionPg ? (await invalidValidations(sessionPg.port)) - invalidPg0 : 0);
    if (invalidDuringRuns > 0) throw new Error(`${invalidDuringRuns} validations during the runs found no session: results discarded`);
    const cacheQueries = (await betterAuthQueries(baCache)) - queries0;
    const ccAgeS = (Date.now() - measuredFrom) / 1000;

    await Promise.all(servers.splice(0).map(stopServer));
    // Read-only steady state: no session should have been written after the warm-up.
    const db = new Database(dbFile, { readonly: true });
    const { n: touches } = db.prepare('SELECT count(*) AS n FROM sessions WHERE last_active_at >= ?').get(measuredFrom) as { n: number };
    db.close();

    const result: SessionVsBare = {
      machine,
      loader: options.loader,
      pinned: options.taskset,
      connections: CONNECTIONS,
      sessions: SESSIONS,
      rotated: ROTATED,
      warmupSeconds: WARMUP_S,
      durationSeconds: options.durationS,
      runs,
      leadIn: { seconds: LEAD_IN_S, runs: leadIns },
      touchesDuringRuns: touches,
      benchSeconds: (Date.now() - partStarted) / 1000,
      ceiling: { ...validationCeiling.ceiling, rotatedBodyBytes },
      introspectionCeiling: introspectCeiling.ceiling,
      loadAverageRuns: [loadAverageBefore, loadAverageAfter],
      ...(sessionPg ? { postgres: { sessions: ROTATED, bodyBytes: pgBodyBytes } } : {}),
    };
    sections.push(renderSessionVsBare(result));
    sections.push(renderIntrospection(result));
    sections.push(
      renderBetterAuth({
        ...result,
        betterAuthSessions: BA_SESSIONS,
        cookieCacheMaxAgeS: COOKIE_CACHE_MAX_AGE_S,
        cookieCacheQueries: cacheQueries,
        cookieCacheWithinMaxAge: ccAgeS < COOKIE_CACHE_MAX_AGE_S,
      }),
    );
  } finally {
    await Promise.all(servers.map(stopServer));
    await postgres?.drop();
  }
}
