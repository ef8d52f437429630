/**
 * The security overview over HTTP (src/http/admin/overview-routes.ts, core/overview.ts) on
 * history seeded with chosen values (test/support/telemetry-seed.ts): every figure, breakdown and
 * chart point as seeded, beside the same period a week before; who may read a workspace's and the
 * instance's; bad input. The app's own roller is stopped first, so the history holds exactly what
 * the test wrote (test/integration/telemetry-history.test.ts proves the roller).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type Connection } from '../../src/adapters/kysely/connect.js';
import { SERIES } from '../../src/core/ports/telemetry-store.js';
import type { WorkspaceRole } from '../../src/core/workspaces.js';
import { historyOf } from '../../src/telemetry/history.js';
import { ENGINES } from '../support/databases.js';
import { harness, ORIGIN, type Harness } from '../support/harness.js';
import { seedTelemetry, type SeedValue } from '../support/telemetry-seed.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const OPS = 'ops@example.com';
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

interface Person {
  email: string;
  id: string;
  token: string;
}

interface Answer {
  scope: string;
  range: string;
  from: number;
  to: number;
  previous_from: number;
  previous_to: number;
  step_ms: number;
  figures: { id: string; current: number | null; previous: number | null }[];
  failures_by_reason: { key: string; current: number; previous: number }[];
  revocations_by_actor: { key: string; current: number; previous: number }[];
  series: { id: string; t: number[]; current: (number | null)[]; previous: (number | null)[] }[];
}

const figuresOf = (a: Answer) => Object.fromEntries(a.figures.map((f) => [f.id, [f.current, f.previous]]));
const seriesOf = (a: Answer, id: string) => a.series.find((s) => s.id === id)!;
const sum = (values: (number | null)[]) => values.reduce<number>((t, v) => t + (v ?? 0), 0);

for (const engine of ENGINES.filter((e) => e !== 'mysql')) {
  describe(`the security overview over HTTP (${engine})`, () => {
    let h: Harness;
    let dir: string;
    let observer: Connection;
    const mails: { to: string; text: string }[] = [];
    let now: number;
    let owner: Person;
    let member: Person;
    let outsider: Person;
    let ops: Person;
    let ws: string;

    const as = (credential: string | null, o: InjectOptions) =>
      h.request({ ...o, headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...(o.headers ?? {}) } });
    const overview = (credential: string, workspace: string, query = '') =>
      as(credential, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/overview${query}` });

    async function person(address: string): Promise<Person> {
      expect((await h.signUp(address)).statusCode).toBe(201);
      const token = await h.bearerSignIn(address);
      const user = await h.registry.store.findUserByEmailKey(address);
      return { email: address, id: user!.id, token };
    }

    async function join(workspace: string, role: WorkspaceRole): Promise<Person> {
      const p = await person(email(role));
      const invited = await as(owner.token, {
        method: 'POST',
        url: `/v1/admin/workspaces/${workspace}/invitations`,
        payload: { email: p.email, role },
      });
      expect(invited.statusCode, invited.body).toBe(202);
      await h.registry.signals.idle();
      const match = /\/workspaces\/join\?token=([A-Za-z0-9._%-]+)/.exec(mails.findLast((m) => m.to === p.email)!.text)!;
      const joined = await as(p.token, {
        method: 'POST',
        url: '/v1/me/workspaces/join',
        payload: { token: decodeURIComponent(match[1]!) },
      });
      expect(joined.statusCode, joined.body).toBe(200);
      return p;
    }

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'sessiond-overview-'));
      h = await harness(engine, { publicUrl: ORIGIN, signInIpLimit: '100000/1m', instanceAdmins: OPS }, path.join(dir, 'db.sqlite'));
      // The history holds what this test writes, and nothing the app would have counted.
      await historyOf(h.app)!.stop();
      observer = connect(h.database.url);
      const mailer = h.registry.mailer;
      const send = mailer.send.bind(mailer);
      vi.spyOn(mailer, 'send').mockImplementation(async (mail) => {
        mails.push({ to: mail.to, text: mail.text });
        await send(mail);
      });
      now = h.clock.now(); // 2026-03-01T09:00Z
      owner = await person(email('owner'));
      const created = await as(owner.token, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Acme' } });
      expect(created.statusCode, created.body).toBe(201);
      ws = created.json().workspace.id as string;
      member = await join(ws, 'member');
      outsider = await person(email('outsider'));
      ops = await person(OPS);

      const scoped = (values: SeedValue[]) => values.map((v) => ({ ...v, scope: ws }));
      await seedTelemetry(
        h.registry.telemetryHistory,
        [
          // The workspace: this period...
          ...scoped([
            { at: now - HOUR, series: SERIES.signIns, label: { outcome: 'success' }, value: 8 },
            { at: now - 2 * HOUR, series: SERIES.signIns, label: { outcome: 'invalid_credentials' }, value: 2 },
            { at: now - 23 * HOUR, series: SERIES.signIns, label: { outcome: 'rate_limited' }, value: 1 },
            { at: now - 2 * HOUR, series: SERIES.mfaChallenges, label: { outcome: 'failed' }, value: 2 },
            { at: now - 2 * HOUR, series: SERIES.mfaChallenges, label: { outcome: 'passed' }, value: 6 },
            { at: now - 3 * HOUR, series: SERIES.suspiciousSignIns, value: 2 },
            { at: now - 4 * HOUR, series: SERIES.revocations, label: { actor: 'admin' }, value: 3 },
            // ...a day and an hour ago: in neither 24-hour period, in this 7-day one...
            { at: now - 25 * HOUR, series: SERIES.signIns, label: { outcome: 'success' }, value: 100 },
            // ...the same day a week before.
            { at: now - WEEK - HOUR, series: SERIES.signIns, label: { outcome: 'success' }, value: 5 },
            { at: now - WEEK - 3 * HOUR, series: SERIES.signIns, label: { outcome: 'invalid_credentials' }, value: 5 },
            { at: now - WEEK - 3 * HOUR, series: SERIES.revocations, label: { actor: 'user' }, value: 1 },
          ]),
          // Another workspace's and the instance's own events are not the workspace's.
          { at: now - HOUR, series: SERIES.signIns, label: { outcome: 'success' }, value: 20 },
          { at: now - HOUR, series: SERIES.signIns, label: { outcome: 'success' }, value: 40, scope: 'another-workspace' },
          // The nodes: validation latency (cumulative buckets), mail, database, cost.
          ...(
            [
              ['0.001', 50, 0],
              ['0.005', 90, 100],
              ['0.01', 100, 100],
              ['+Inf', 100, 100],
            ] as const
          ).flatMap(([le, current, previous]) => [
            { at: now - 30 * MIN, series: SERIES.validationDuration, label: { operation: 'validation', le }, value: current },
            { at: now - WEEK - 30 * MIN, series: SERIES.validationDuration, label: { operation: 'validation', le }, value: previous },
            // Another operation's latency is not validation's.
            { at: now - 30 * MIN, series: SERIES.validationDuration, label: { operation: 'sign_in', le }, value: le === '+Inf' ? 7 : 0 },
          ]),
          { at: now - HOUR, series: SERIES.revocationLag, label: { le: '0.05' }, value: 99 },
          { at: now - HOUR, series: SERIES.revocationLag, label: { le: '0.1' }, value: 100 },
          { at: now - HOUR, series: SERIES.revocationLag, label: { le: '+Inf' }, value: 100 },
          { at: now - HOUR, series: SERIES.mails, label: { kind: 'suspicious_sign_in', outcome: 'sent' }, value: 4 },
          { at: now - HOUR, series: SERIES.mails, label: { kind: 'new_device', outcome: 'failed' }, value: 1 },
          { at: now - HOUR, series: SERIES.mails, label: { kind: 'password_reset', outcome: 'sent' }, value: 7 },
          { at: now - WEEK, series: SERIES.mails, label: { kind: 'new_device', outcome: 'sent' }, value: 2 },
          { at: now - HOUR, series: SERIES.databaseErrors, label: { kind: 'timeout' }, value: 1 },
          { at: now - HOUR, series: SERIES.unavailable, label: { reason: 'database' }, value: 2 },
          { at: now - HOUR, series: SERIES.rateLimited, label: { limit: 'sign_in_ip' }, value: 3 },
          { at: now - HOUR, series: SERIES.databaseStatements, value: 30 },
          { at: now - HOUR, series: SERIES.requests, value: 10 },
          { at: now - HOUR, series: SERIES.cacheLookups, label: { result: 'hit' }, value: 9 },
          { at: now - HOUR, series: SERIES.cacheLookups, label: { result: 'miss' }, value: 1 },
        ],
        { now },
      );
      // The timeline: the member confirms a suspicious sign-in an hour later, the owner reports one after 30 minutes.
      const events: [string, string, number][] = [
        [member.id, 'suspicious_sign_in', now - 5 * HOUR],
        [member.id, 'sessions_reviewed', now - 4 * HOUR],
        [owner.id, 'suspicious_sign_in', now - 3 * HOUR],
        [owner.id, 'session_reported', now - 150 * MIN],
        // The outsider's answer is no answer of the workspace's.
        [outsider.id, 'suspicious_sign_in', now - 3 * HOUR],
      ];
      for (const [i, [user, kind, at]] of events.entries())
        await sql`insert into security_events (id, user_id, kind, at, data) values (${`ov-${i}`}, ${user}, ${kind}, ${at}, '{}')`.execute(
          observer.db,
        );
    });
    afterAll(async () => {
      vi.restoreAllMocks();
      await observer?.db.destroy();
      await h?.registry.signals.idle();
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers the last 24 hours as seeded, each figure beside the same day a week before', async () => {
      const res = await overview(owner.token, ws, '?range=24h');
      expect(res.statusCode, res.body).toBe(200);
      const a = res.json() as Answer;
      const to = Date.parse('2026-03-01T10:00:00Z');
      expect(a).toMatchObject({
        scope: 'workspace',
        range: '24h',
        from: to - DAY,
        to,
        previous_from: to - DAY - WEEK,
        previous_to: to - WEEK,
      });
      expect(a.step_ms).toBe(15 * MIN);
      expect(a.figures.map((f) => f.id)).toEqual([
        'sign_ins',
        'sign_in_success_rate',
        'sign_in_failures',
        'mfa_failures',
        'suspicious_sign_ins',
        'suspicious_confirmed',
        'suspicious_reported',
        'median_alert_to_review_ms',
        'revocations',
        'validation_p50_seconds',
        'validation_p99_seconds',
        'revocation_lag_p99_seconds',
        'alert_mails_sent',
        'alert_mails_failed',
        'database_errors',
        'unavailable_answers',
        'rate_limited',
        'db_statements_per_request',
        'cpu_seconds_per_1000_validations',
        'cache_hit_ratio',
      ]);
      const f = figuresOf(a);
      expect(f.sign_ins).toEqual([11, 10]);
      expect(f.sign_in_success_rate![0]).toBeCloseTo(8 / 11, 10);
      expect(f.sign_in_success_rate![1]).toBeCloseTo(0.5, 10);
      expect(f.sign_in_failures).toEqual([3, 5]);
      expect(f.mfa_failures).toEqual([2, 0]);
      expect(f.suspicious_sign_ins).toEqual([2, 0]);
      expect(f.suspicious_confirmed).toEqual([1, 0]);
      expect(f.suspicious_reported).toEqual([1, 0]);
      expect(f.median_alert_to_review_ms).toEqual([(HOUR + 30 * MIN) / 2, null]);
      expect(f.revocations).toEqual([3, 1]);
      // Half the validations took at most 1 ms; the 99th of 100 is nine tenths into (5 ms, 10 ms].
      expect(f.validation_p50_seconds![0]).toBeCloseTo(0.001, 10);
      expect(f.validation_p50_seconds![1]).toBeCloseTo(0.003, 10);
      expect(f.validation_p99_seconds![0]).toBeCloseTo(0.0095, 10);
      expect(f.revocation_lag_p99_seconds![0]).toBeCloseTo(0.05, 10);
      expect(f.revocation_lag_p99_seconds![1]).toBeNull();
      expect(f.alert_mails_sent).toEqual([4, 2]);
      expect(f.alert_mails_failed).toEqual([1, 0]);
      expect(f.database_errors).toEqual([1, 0]);
      expect(f.unavailable_answers).toEqual([2, 0]);
      expect(f.rate_limited).toEqual([3, 0]);
      expect(f.db_statements_per_request).toEqual([3, null]);
      expect(f.cache_hit_ratio).toEqual([0.9, null]);

      expect(a.failures_by_reason).toEqual([
        { key: 'invalid_credentials', current: 2, previous: 5 },
        { key: 'rate_limited', current: 1, previous: 0 },
      ]);
      expect(a.revocations_by_actor).toEqual([
        { key: 'admin', current: 3, previous: 0 },
        { key: 'user', current: 0, previous: 1 },
      ]);

      // One point per 15 minutes; the sign-ins at 08:00 are in the step that starts then.
      const signIns = seriesOf(a, 'sign_ins');
      expect(signIns.t).toHaveLength(96);
      expect(signIns.t[0]).toBe(a.from);
      const at = (t: number) => signIns.t.indexOf(t);
      expect(signIns.current[at(now - HOUR)]).toBe(8);
      expect(sum(signIns.current)).toBe(11);
      // A week ago is kept per hour: the hour's 5 sign-ins are shared among its four steps.
      expect(signIns.previous.slice(at(now - HOUR), at(now - HOUR) + 4)).toEqual([1.25, 1.25, 1.25, 1.25]);
      expect(sum(signIns.previous)).toBe(10);
      const rate = seriesOf(a, 'sign_in_success_rate');
      expect(rate.current[at(now - HOUR)]).toBe(1);
      expect(rate.current[at(now - 2 * HOUR)]).toBe(0);
      expect(rate.current[0]).toBe(0); // the rate-limited attempt, 23 hours ago
      expect(rate.current[1]).toBeNull();
      // The steps after now have no value yet; last week's go on to the end.
      expect(signIns.current.slice(-3)).toEqual([null, null, null]);
      expect(signIns.previous.slice(-3)).toEqual([0, 0, 0]);
      expect(seriesOf(a, 'validation_p99_seconds').current[at(now - 30 * MIN)]).toBeCloseTo(0.0095, 10);
      expect(a.series.map((s) => s.id)).toEqual([
        'sign_ins',
        'sign_in_failures',
        'sign_in_success_rate',
        'validation_p50_seconds',
        'validation_p99_seconds',
        'revocation_lag_p99_seconds',
        'revocations',
        'suspicious_sign_ins',
        'alert_mails_sent',
        'alert_mails_failed',
      ]);
    });

    it('answers the last 7 days per hour against the week before; 24 hours without a range', async () => {
      const week = (await overview(owner.token, ws, '?range=7d')).json() as Answer;
      expect(week.step_ms).toBe(HOUR);
      expect(week.to).toBe(Date.parse('2026-03-01T10:00:00Z'));
      expect(week.series[0]!.t).toHaveLength(168);
      expect(figuresOf(week).sign_ins).toEqual([111, 10]);
      const plain = (await overview(owner.token, ws)).json() as Answer;
      expect(plain.range).toBe('24h');
    });

    it('is for the workspace’s owners and security admins, and its API keys that read the audit log', async () => {
      const admin = await join(ws, 'security_admin');
      expect((await overview(admin.token, ws)).statusCode).toBe(200);
      expectError(await overview(member.token, ws), 403, 'forbidden');
      expectError(await overview(outsider.token, ws), 404, 'not_found');
      expectError(await overview(owner.token, 'A'.repeat(22)), 404, 'not_found');
      const key = async (scopes: string[]) => {
        const res = await as(owner.token, { method: 'POST', url: `/v1/admin/workspaces/${ws}/keys`, payload: { name: 'bot', scopes } });
        expect(res.statusCode, res.body).toBe(201);
        return res.json().token as string;
      };
      const auditor = await key(['audit:read']);
      expect((await overview(auditor, ws)).statusCode).toBe(200);
      expectError(await overview(await key(['members:read']), ws), 403, 'forbidden');
      // A key never reads the instance's.
      expectError(await as(auditor, { method: 'GET', url: '/v1/admin/overview' }), 401, 'unauthenticated');
    });

    it('refuses a range it does not know, and other query parameters', async () => {
      expectError(await overview(owner.token, ws, '?range=30d'), 400, 'invalid_request');
      expectError(await overview(owner.token, ws, '?range=24h&scope=instance'), 400, 'invalid_request');
      expectError(await as(ops.token, { method: 'GET', url: '/v1/admin/overview?range=1y' }), 400, 'invalid_request');
    });

    it('shows the instance’s overview to the instance’s admins only: every account, every workspace', async () => {
      expectError(await as(owner.token, { method: 'GET', url: '/v1/admin/overview' }), 403, 'forbidden');
      expectError(await as(null, { method: 'GET', url: '/v1/admin/overview' }), 401, 'unauthenticated');
      const res = await as(ops.token, { method: 'GET', url: '/v1/admin/overview?range=24h' });
      expect(res.statusCode, res.body).toBe(200);
      const a = res.json() as Answer;
      expect(a.scope).toBe('instance');
      const f = figuresOf(a);
      expect(f.sign_ins).toEqual([20, 0]);
      // Every account's answers to suspicious sign-ins; the outsider's is still open.
      expect(f.suspicious_confirmed).toEqual([1, 0]);
      expect(f.suspicious_reported).toEqual([1, 0]);
      expect(f.alert_mails_sent).toEqual([4, 2]);
      // The owner of a workspace is not an instance admin: no tab for them.
      expect((await as(owner.token, { method: 'GET', url: '/v1/admin/overview' })).statusCode).toBe(403);
    });
  });
}
