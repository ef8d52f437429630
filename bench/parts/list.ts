/**
 * Part `list` (item 4): `GET /v1/me/sessions` for a user with 1,000 sessions, whole and one page
 * at a time, against Better Auth's list-sessions; 10 connections.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderList } from '../report-parts.js';
import type { RunResult } from '../report.js';
import { seedBetterAuth, startBetterAuth } from './better-auth.js';
import { WARMUP_S, alternate, get, load, log, seedSessiond, startServer, stopServer, type Bench, type Server } from './shared.js';

/** Listing: one user with this many sessions, all in one response (the API does not page). */
const LIST_SESSIONS = 1_000;
const LIST_PATH = '/v1/me/sessions';
/** sessiond pages (an extension): the first page of 100; `walkPages` times fetching all ten. */
const LIST_PAGE_SIZE = 50;
const LIST_PAGED_PATH = `${LIST_PATH}?limit=${LIST_PAGE_SIZE}`;
const BA_LIST_PATH = '/api/auth/list-sessions';
const LIST_CONNECTIONS = 10;

export async function listPart(bench: Bench): Promise<void> {
  const { options, tmp, machine, sections } = bench;
  const partStarted = Date.now();
  const servers: Server[] = [];
  try {
    const dbFile = path.join(tmp, 'sessiond-list.db');
    log(`list: seeding one user with ${LIST_SESSIONS.toLocaleString('en-US')} sessiond sessions, and the same in Better Auth`);
    const tokens = await seedSessiond(bench, dbFile, LIST_SESSIONS);
    const tokensTxt = path.join(tmp, 'list-tokens.txt');
    writeFileSync(tokensTxt, `${tokens.join('\n')}\n`);
    const ba = await seedBetterAuth(bench, LIST_SESSIONS);
    const session = await startServer(options, 'list', ['session', options.dist, dbFile], { path: LIST_PATH, cookies: tokensTxt });
    servers.push(session);
    const baList = await startBetterAuth(bench, 'better-auth-list', ba.db, 'list', { path: BA_LIST_PATH, cookies: ba.cookiesTxt });
    servers.push(baList);

    const mine = await get(session.port, `__Host-sessiond=${tokens[0]!}`, LIST_PATH);
    const mineCount = mine.status === 200 ? (JSON.parse(mine.body) as { sessions: unknown[] }).sessions.length : -1;
    const theirs = await get(baList.port, ba.cookies[0]!, BA_LIST_PATH);
    const theirCount = theirs.status === 200 ? (JSON.parse(theirs.body) as unknown[]).length : -1;
    if (mineCount !== LIST_SESSIONS || theirCount !== LIST_SESSIONS)
      throw new Error(
        `list sanity check failed: sessiond ${mine.status} ${mineCount} sessions, Better Auth ${theirs.status} ${theirCount}`,
      );
    log(`list: sanity ok (${mineCount} sessions in one response each, ${mine.body.length} and ${theirs.body.length} bytes)`);

    // The same server, asked for one page at a time.
    const paged: Server = { ...session, name: 'list-paged', path: LIST_PAGED_PATH };
    log(`list: warm-up ${WARMUP_S} s each (${LIST_CONNECTIONS} connections)`);
    await load(options, session, WARMUP_S, LIST_CONNECTIONS);
    await load(options, paged, WARMUP_S, LIST_CONNECTIONS);
    await load(options, baList, WARMUP_S, LIST_CONNECTIONS);
    const runs: RunResult[] = [];
    await alternate(options, [session, paged, baList], runs, LIST_CONNECTIONS);
    const walk = await walkPages(session.port, `__Host-sessiond=${tokens[0]!}`, LIST_SESSIONS);
    log(
      `list: walking all ${LIST_SESSIONS} sessions page by page: p50 ${walk.p50Ms.toFixed(1)} ms, p99 ${walk.p99Ms.toFixed(1)} ms (${walk.pages} pages)`,
    );
    sections.push(
      renderList({
        machine,
        loader: options.loader,
        connections: LIST_CONNECTIONS,
        sessions: LIST_SESSIONS,
        bytes: { sessiond: mine.body.length, betterAuth: theirs.body.length },
        pageSize: LIST_PAGE_SIZE,
        walk,
        durationSeconds: options.durationS,
        runs,
        benchSeconds: (Date.now() - partStarted) / 1000,
      }),
    );
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

/**
 * One client fetching every page of the list in turn (no other load), repeated: how long a
 * complete list takes when the API pages. Checks that every session comes back exactly once.
 */
async function walkPages(port: number, cookie: string, expected: number): Promise<{ p50Ms: number; p99Ms: number; pages: number }> {
  const times: number[] = [];
  let pages = 0;
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    const seen = new Set<string>();
    let cursor: string | null = null;
    pages = 0;
    do {
      const url: string = `${LIST_PAGED_PATH}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await get(port, cookie, url);
      if (res.status !== 200) throw new Error(`paged list answered ${res.status}: ${res.body}`);
      const body = JSON.parse(res.body) as { sessions: { id: string }[]; next_cursor: string | null };
      for (const s of body.sessions) seen.add(s.id);
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null);
    if (seen.size !== expected) throw new Error(`paged list returned ${seen.size} of ${expected} sessions`);
    if (i >= 10) times.push(performance.now() - started); // the first ten warm up
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), pages };
}
