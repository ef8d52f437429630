/**
 * Incident response over HTTP (src/http/admin/incident-routes.ts): the workspace-wide search by
 * query string and cursor, a dry run whose count is what the operation then ends, the confirmed
 * count, and four eyes above the threshold. Who may call which route is the authorisation
 * matrix's (test/http/admin.test.ts); the decisions are core's (src/core/incidents.test.ts).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkspaceRole } from '../../src/core/workspaces.js';
import { harness, ORIGIN, type Harness } from '../support/harness.js';

let n = 0;
const SUSPECT = '203.0.113.';
const OFFICE = '198.51.100.';

interface Person {
  email: string;
  id: string;
  token: string;
}

describe('incident response over HTTP (sqlite)', () => {
  let h: Harness;
  const mails: { to: string; text: string }[] = [];
  let owner: Person;
  let admin: Person;
  let ws: string;

  const as = (p: Person, o: InjectOptions) => h.request({ ...o, headers: { authorization: `Bearer ${p.token}`, ...(o.headers ?? {}) } });

  async function person(ip = `${OFFICE}1`): Promise<Person> {
    const email = `ir-${++n}@example.com`;
    expect((await h.signUp(email)).statusCode).toBe(201);
    const token = await h.bearerSignIn(email, { ip });
    const user = await h.registry.store.findUserByEmailKey(email);
    return { email, id: user!.id, token };
  }

  async function join(role: WorkspaceRole): Promise<Person> {
    const p = await person();
    const res = await as(owner, { method: 'POST', url: `/v1/admin/workspaces/${ws}/invitations`, payload: { email: p.email, role } });
    expect(res.statusCode, res.body).toBe(202);
    await h.registry.signals.idle();
    const mail = mails.findLast((m) => m.to === p.email);
    const token = decodeURIComponent(/\/workspaces\/join\?token=([A-Za-z0-9._%-]+)/.exec(mail!.text)![1]!);
    expect((await as(p, { method: 'POST', url: '/v1/me/workspaces/join', payload: { token } })).statusCode).toBe(200);
    return p;
  }

  beforeAll(async () => {
    h = await harness('sqlite', { publicUrl: ORIGIN, signInIpLimit: '100000/1m' });
    const send = h.registry.mailer.send.bind(h.registry.mailer);
    vi.spyOn(h.registry.mailer, 'send').mockImplementation(async (mail) => {
      mails.push({ to: mail.to, text: mail.text });
      await send(mail);
    });
    owner = await person();
    const res = await as(owner, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Acme' } });
    ws = res.json().workspace.id;
    admin = await join('security_admin');
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await h?.registry.incidents.idle();
    await h?.registry.signals.idle();
    await h?.close();
  });

  /** `count` new sessions of the member from the suspect range, and as many from the office. */
  async function signIns(p: Person, count: number): Promise<string[]> {
    const suspect: string[] = [];
    for (let i = 0; i < count; i++) {
      suspect.push(await h.bearerSignIn(p.email, { ip: `${SUSPECT}${10 + i}` }));
      await h.bearerSignIn(p.email, { ip: `${OFFICE}${10 + i}` });
    }
    return suspect;
  }

  const alive = async (token: string) =>
    (await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${token}` } })).statusCode === 200;

  it('searches by query string and pages by cursor; a malformed filter is a 400', async () => {
    const m = await join('member');
    await signIns(m, 3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/admin/workspaces/${ws}/sessions?member=${m.id}&ip=${SUSPECT}0/24,2001:db8::/32&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await as(admin, { method: 'GET', url });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      for (const s of body.sessions) {
        expect(s).toMatchObject({ user_id: m.id, ip: expect.stringMatching(/^203\.0\.113\./), current: false, trusted: false });
        seen.push(s.id);
      }
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    for (const bad of ['ip=10.0.0.0/33', 'method=magic', 'colour=red', 'trusted=maybe'])
      expect((await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${ws}/sessions?${bad}` })).statusCode, bad).toBe(400);
  });

  it('ends exactly the sessions the dry run counted, and refuses a count that no longer matches', async () => {
    const m1 = await join('member');
    const m2 = await join('member');
    const suspect = [...(await signIns(m1, 2)), ...(await signIns(m2, 3))];
    const filter = { ip: [`${SUSPECT}0/24`], member: [m1.id, m2.id] };
    const dry = await as(admin, { method: 'POST', url: `/v1/admin/workspaces/${ws}/incidents/dry-run`, payload: { filter } });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().count).toBe(5);
    expect(dry.json().sample).toHaveLength(5);

    const stale = await as(admin, { method: 'POST', url: `/v1/admin/workspaces/${ws}/incidents`, payload: { filter, confirm_count: 4 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('count_mismatch');

    const created = await as(admin, { method: 'POST', url: `/v1/admin/workspaces/${ws}/incidents`, payload: { filter, confirm_count: 5 } });
    expect(created.statusCode, created.body).toBe(202);
    const { incident } = created.json();
    expect(incident).toMatchObject({
      status: 'running',
      matched: 5,
      threshold: 100,
      requested_by: admin.id,
      filter: { ip: `${SUSPECT}0/24` },
    });
    await h.registry.incidents.idle();
    const read = await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${ws}/incidents/${incident.id}` });
    expect(read.json().incident).toMatchObject({ status: 'done', revoked: dry.json().count, finished_at: expect.any(String) });
    for (const token of suspect) expect(await alive(token)).toBe(false);
    // The office sessions and the members' first sign-ins were not in the range.
    const left = await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${ws}/sessions?member=${m1.id},${m2.id}` });
    expect(left.json().sessions).toHaveLength(2 * 1 + 5);
    const list = await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${ws}/incidents` });
    expect(list.json().incidents.map((i: { id: string }) => i.id)).toContain(incident.id);
  });

  it('waits above the threshold for a second admin: never the requester; once approved it runs', async () => {
    const setTo = (value: number) =>
      as(owner, { method: 'PUT', url: `/v1/admin/workspaces/${ws}/incident-settings`, payload: { approval_threshold: value } });
    expect((await setTo(1)).statusCode).toBe(204);
    expect((await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${ws}/incident-settings` })).json()).toEqual({
      approval_threshold: 1,
    });
    try {
      const m = await join('member');
      const suspect = await signIns(m, 2);
      const filter = { ip: [`${SUSPECT}0/24`], member: [m.id] };
      const created = await as(admin, {
        method: 'POST',
        url: `/v1/admin/workspaces/${ws}/incidents`,
        payload: { filter, confirm_count: 2 },
      });
      expect(created.statusCode, created.body).toBe(202);
      const { incident } = created.json();
      expect(incident.status).toBe('pending_approval');
      const url = `/v1/admin/workspaces/${ws}/incidents/${incident.id}`;
      const own = await as(admin, { method: 'POST', url: `${url}/approve` });
      expect(own.statusCode).toBe(403);
      for (const token of suspect) expect(await alive(token)).toBe(true);
      const approved = await as(owner, { method: 'POST', url: `${url}/approve` });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json().incident).toMatchObject({ status: 'running', decided_by: owner.id });
      expect((await as(owner, { method: 'POST', url: `${url}/refuse` })).json().error.code).toBe('not_pending');
      await h.registry.incidents.idle();
      expect((await as(admin, { method: 'GET', url })).json().incident).toMatchObject({ status: 'done', revoked: 2 });
      for (const token of suspect) expect(await alive(token)).toBe(false);
      const audit = await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${ws}/audit?limit=20` });
      const actions = (audit.json().entries as { action: string; target_id: string }[])
        .filter((e) => e.target_id === incident.id)
        .map((e) => e.action);
      expect(actions.reverse()).toEqual([
        'incident.requested',
        'incident.approved',
        'incident.started',
        'incident.progress',
        'incident.finished',
      ]);
    } finally {
      await setTo(100);
    }
  });
});
