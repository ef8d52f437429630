/**
 * `POST /v1/admin/workspaces/:ws/incidents/:id/resume` on PostgreSQL: an operation left `running`
 * by a process that ended (written here straight through the store, as such a process leaves it)
 * is finished by the resume route from its recorded progress; resuming a finished one changes nothing.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/adapters/kysely/connect.js';
import { kyselyIncidentStore } from '../../src/adapters/kysely/kysely-incident-store.js';
import type { Db } from '../../src/adapters/kysely/database.js';
import { harness, ORIGIN, type Harness } from '../support/harness.js';

let n = 0;

interface Person {
  email: string;
  id: string;
  token: string;
}

describe('resuming an incident operation over HTTP (postgres)', () => {
  let h: Harness;
  let db: Db;
  const mails: { to: string; text: string }[] = [];

  beforeAll(async () => {
    h = await harness('postgres', { publicUrl: ORIGIN, signInIpLimit: '100000/1m' });
    ({ db } = connect(h.database.url));
    const send = h.registry.mailer.send.bind(h.registry.mailer);
    vi.spyOn(h.registry.mailer, 'send').mockImplementation(async (mail) => {
      mails.push({ to: mail.to, text: mail.text });
      await send(mail);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await db?.destroy();
    await h?.registry.incidents.idle();
    await h?.registry.signals.idle();
    await h?.close();
  });

  const as = (p: Person, o: InjectOptions) => h.request({ ...o, headers: { authorization: `Bearer ${p.token}`, ...(o.headers ?? {}) } });

  async function person(ip = '198.51.100.1'): Promise<Person> {
    const email = `resume-${++n}@example.com`;
    expect((await h.signUp(email)).statusCode).toBe(201);
    const token = await h.bearerSignIn(email, { ip });
    return { email, id: (await h.registry.store.findUserByEmailKey(email))!.id, token };
  }

  it('finishes a running operation from its recorded progress, and leaves a finished one alone', async () => {
    const owner = await person();
    const ws = (await as(owner, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Acme' } })).json().workspace.id as string;
    const member = await person();
    const invited = await as(owner, {
      method: 'POST',
      url: `/v1/admin/workspaces/${ws}/invitations`,
      payload: { email: member.email, role: 'member' },
    });
    expect(invited.statusCode).toBe(202);
    await h.registry.signals.idle();
    const token = decodeURIComponent(
      /\/workspaces\/join\?token=([A-Za-z0-9._%-]+)/.exec(mails.findLast((m) => m.to === member.email)!.text)![1]!,
    );
    expect((await as(member, { method: 'POST', url: '/v1/me/workspaces/join', payload: { token } })).statusCode).toBe(200);
    const suspect = [];
    for (let i = 0; i < 3; i++) suspect.push(await h.bearerSignIn(member.email, { ip: `203.0.113.${i + 1}` }));

    const id = 'left-running-incident1';
    const now = h.clock.now();
    await kyselyIncidentStore(db).insertIncident({
      id,
      workspaceId: ws,
      filter: { ipRanges: ['203.0.113.0/24'], memberIds: [member.id] },
      matched: 3,
      threshold: 100,
      status: 'running',
      requestedBy: owner.id,
      requestedIp: null,
      createdAt: now,
      decidedBy: null,
      decidedAt: null,
      startedAt: now,
      finishedAt: null,
      revoked: 0,
      batches: 0,
      cursor: null,
    });
    const url = `/v1/admin/workspaces/${ws}/incidents/${id}`;
    expect((await as(owner, { method: 'GET', url })).json().incident).toMatchObject({ status: 'running', revoked: 0 });

    const resumed = await as(owner, { method: 'POST', url: `${url}/resume` });
    expect(resumed.statusCode, resumed.body).toBe(202);
    await h.registry.incidents.idle();
    expect((await as(owner, { method: 'GET', url })).json().incident).toMatchObject({ status: 'done', revoked: 3, batches: 1 });
    for (const t of suspect)
      expect((await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${t}` } })).statusCode).toBe(401);
    expect(
      (await h.request({ method: 'GET', url: '/v1/me/session', headers: { authorization: `Bearer ${member.token}` } })).statusCode,
    ).toBe(200);

    const again = await as(owner, { method: 'POST', url: `${url}/resume` });
    expect(again.json().incident).toMatchObject({ status: 'done', revoked: 3, batches: 1 });
    await h.registry.incidents.idle();
    expect((await as(owner, { method: 'GET', url })).json().incident).toMatchObject({ status: 'done', revoked: 3, batches: 1 });
  });
});
