/**
 * Workspaces over HTTP (src/http/admin/routes.ts): who may call which route, offboarding as the
 * member experiences it, the audit trail's pages and exports, and bad input. The decisions are
 * core's (src/core/workspaces.ts, tested there); this proves the entry points reach them and
 * answer in the contract's shape.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../src/core/api-keys.js';
import type { WorkspaceRole } from '../../src/core/workspaces.js';
import { harness, ORIGIN, type Harness } from '../support/harness.js';

let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const WELL_FORMED_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

interface Person {
  email: string;
  id: string;
  token: string;
  /** The id of the session `token` belongs to. */
  sessionId: string;
}

/** Who calls, in the authorisation matrix. */
const ACTORS = [
  'owner',
  'security_admin',
  'member',
  'other_admin',
  'disabled',
  'signed_out',
  'key_with_scope',
  'key_without_scope',
] as const;
type ActorName = (typeof ACTORS)[number];

/** A fresh member of the workspace for each cell, so that a cell that succeeds changes nothing another one sees. */
interface Target {
  ws: string;
  member: Person;
}

interface Row {
  /** As the OpenAPI document names it: `METHOD /path/{param}`. */
  route: string;
  /** The target's role when it matters (naming a security owner needs an admin). */
  targetRole?: WorkspaceRole;
  request: (t: Target) => InjectOptions;
  /**
   * The API key scope the route needs; null when no scope lets a key use it. `key_with_scope` holds
   * every scope; `key_without_scope` every scope but this one (both the owner's, of this workspace).
   */
  scope: ApiKeyScope | null;
  expected: Record<Exclude<ActorName, 'signed_out'>, number>;
}

const ws = (t: Target) => `/v1/admin/workspaces/${t.ws}`;
const member = (t: Target) => `${ws(t)}/members/${t.member.id}`;

/** Admins may; members may not (403); outsiders and disabled members learn nothing (404). */
const ADMINS_ONLY = { owner: 200, security_admin: 200, member: 403, other_admin: 404, disabled: 404 };

/** A key with the route's scope gets `status` (its creator is the owner); without the scope, 403. */
const byKey = (status: number) => ({ key_with_scope: status, key_without_scope: 403 });
/** No scope covers the action (roles, thresholds, approvals, retention, policies, keys): 403 for every key. */
const KEY_NEVER = { key_with_scope: 403, key_without_scope: 403 };
/** Outside a workspace's admin routes a key is no credential at all: 401, as signed out. */
const NOT_A_KEY_ROUTE = { key_with_scope: 401, key_without_scope: 401 };

/** Every route of the plane, with what each caller gets. Signed out is always 401. */
const MATRIX: Row[] = [
  {
    route: 'GET /v1/me/workspaces',
    request: () => ({ method: 'GET', url: '/v1/me/workspaces' }),
    scope: null,
    expected: { owner: 200, security_admin: 200, member: 200, other_admin: 200, disabled: 200, ...NOT_A_KEY_ROUTE },
  },
  {
    route: 'POST /v1/me/workspaces/join',
    // Nobody holds this link: every signed-in caller gets the same 400.
    request: () => ({ method: 'POST', url: '/v1/me/workspaces/join', payload: { token: `${WELL_FORMED_ID}.${'B'.repeat(43)}` } }),
    scope: null,
    expected: { owner: 400, security_admin: 400, member: 400, other_admin: 400, disabled: 400, ...NOT_A_KEY_ROUTE },
  },
  {
    route: 'POST /v1/admin/workspaces',
    request: () => ({ method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Another' } }),
    scope: null,
    expected: { owner: 201, security_admin: 201, member: 201, other_admin: 201, disabled: 201, ...NOT_A_KEY_ROUTE },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}',
    request: (t) => ({ method: 'GET', url: ws(t) }),
    scope: 'members:read',
    expected: { owner: 200, security_admin: 200, member: 200, other_admin: 404, disabled: 404, ...byKey(200) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/members',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/members` }),
    scope: 'members:read',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/invitations',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/invitations`, payload: { email: email('invitee'), role: 'member' } }),
    scope: 'members:write',
    expected: { ...ADMINS_ONLY, owner: 202, security_admin: 202, ...byKey(202) },
  },
  {
    route: 'PUT /v1/admin/workspaces/{ws}/security-owner',
    targetRole: 'security_admin',
    request: (t) => ({ method: 'PUT', url: `${ws(t)}/security-owner`, payload: { user_id: t.member.id } }),
    scope: null,
    // Naming the security owner is the owner's alone.
    expected: { ...ADMINS_ONLY, owner: 204, security_admin: 403, ...KEY_NEVER },
  },
  {
    route: 'PUT /v1/admin/workspaces/{ws}/members/{userId}/role',
    request: (t) => ({ method: 'PUT', url: `${member(t)}/role`, payload: { role: 'security_admin' } }),
    scope: null,
    // Roles are the owner's alone.
    expected: { ...ADMINS_ONLY, owner: 204, security_admin: 403, ...KEY_NEVER },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/members/{userId}/sessions',
    request: (t) => ({ method: 'GET', url: `${member(t)}/sessions` }),
    scope: 'members:read',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'DELETE /v1/admin/workspaces/{ws}/members/{userId}/sessions/{id}',
    request: (t) => ({ method: 'DELETE', url: `${member(t)}/sessions/${t.member.sessionId}` }),
    scope: 'sessions:write',
    expected: { ...ADMINS_ONLY, owner: 204, security_admin: 204, ...byKey(204) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/members/{userId}/sessions/{id}/replace-device',
    request: (t) => ({ method: 'POST', url: `${member(t)}/sessions/${t.member.sessionId}/replace-device` }),
    scope: 'sessions:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'DELETE /v1/admin/workspaces/{ws}/members/{userId}/sessions',
    request: (t) => ({ method: 'DELETE', url: `${member(t)}/sessions` }),
    scope: 'sessions:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/members/{userId}/offboard',
    request: (t) => ({ method: 'POST', url: `${member(t)}/offboard` }),
    scope: 'members:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/reviews',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/reviews`, payload: { user_ids: [t.member.id] } }),
    scope: 'sessions:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/reviews',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/reviews` }),
    scope: 'members:read',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/audit',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/audit` }),
    scope: 'audit:read',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/overview',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/overview?range=7d` }),
    scope: 'audit:read',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    // The instance's: only --instance-admins (none here), whatever their role in a workspace.
    route: 'GET /v1/admin/overview',
    request: () => ({ method: 'GET', url: '/v1/admin/overview' }),
    scope: null,
    expected: { owner: 403, security_admin: 403, member: 403, other_admin: 403, disabled: 403, ...NOT_A_KEY_ROUTE },
  },
  // OAuth clients (issue 11): the instance's, like its overview; none of these actors is an instance admin.
  ...(
    [
      ['GET /v1/admin/oauth-clients', () => ({ method: 'GET', url: '/v1/admin/oauth-clients' })],
      [
        'POST /v1/admin/oauth-clients',
        () => ({
          method: 'POST',
          url: '/v1/admin/oauth-clients',
          payload: { name: 'App', kind: 'web', redirect_uris: ['https://app.example/cb'] },
        }),
      ],
      ['DELETE /v1/admin/oauth-clients/{id}', () => ({ method: 'DELETE', url: '/v1/admin/oauth-clients/oc_AAAAAAAAAAAAAAAAAAAAAA' })],
    ] as const
  ).map(([route, request]): Row => ({
    route,
    request,
    scope: null,
    expected: { owner: 403, security_admin: 403, member: 403, other_admin: 403, disabled: 403, ...NOT_A_KEY_ROUTE },
  })),
  {
    route: 'PUT /v1/admin/workspaces/{ws}/audit/retention',
    request: (t) => ({ method: 'PUT', url: `${ws(t)}/audit/retention`, payload: { days: 400 } }),
    scope: null,
    // How long the trail is kept is the owner's alone.
    expected: { ...ADMINS_ONLY, owner: 204, security_admin: 403, ...KEY_NEVER },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/sessions',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/sessions?member=${t.member.id}&ip=0.0.0.0/0,::/0` }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/incidents/dry-run',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/incidents/dry-run`, payload: { filter: { member: [t.member.id] } } }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/incidents',
    // The fresh member's one session: below the threshold, it runs at once.
    request: (t) => ({ method: 'POST', url: `${ws(t)}/incidents`, payload: { filter: { member: [t.member.id] }, confirm_count: 1 } }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, owner: 202, security_admin: 202, ...byKey(202) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/incidents',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/incidents` }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/incidents/{id}',
    // No such operation: admins learn that (404), as do outsiders (who learn nothing else).
    request: (t) => ({ method: 'GET', url: `${ws(t)}/incidents/${WELL_FORMED_ID}` }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, owner: 404, security_admin: 404, ...byKey(404) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/incidents/{id}/approve',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/incidents/${WELL_FORMED_ID}/approve` }),
    scope: null,
    expected: { ...ADMINS_ONLY, owner: 404, security_admin: 404, ...KEY_NEVER },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/incidents/{id}/refuse',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/incidents/${WELL_FORMED_ID}/refuse` }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, owner: 404, security_admin: 404, ...byKey(404) },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/incidents/{id}/resume',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/incidents/${WELL_FORMED_ID}/resume` }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, owner: 404, security_admin: 404, ...byKey(404) },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/incident-settings',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/incident-settings` }),
    scope: 'incidents:write',
    expected: { ...ADMINS_ONLY, ...byKey(200) },
  },
  {
    route: 'PUT /v1/admin/workspaces/{ws}/incident-settings',
    request: (t) => ({ method: 'PUT', url: `${ws(t)}/incident-settings`, payload: { approval_threshold: 100 } }),
    scope: null,
    // The threshold is the owner's alone.
    expected: { ...ADMINS_ONLY, owner: 204, security_admin: 403, ...KEY_NEVER },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/policy',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/policy` }),
    scope: 'members:read',
    // Members read the policy they are held to.
    expected: { ...ADMINS_ONLY, member: 200, ...byKey(200) },
  },
  {
    route: 'PUT /v1/admin/workspaces/{ws}/policy',
    // Every rule off: a cell that succeeds ends no session another cell needs.
    request: (t) => ({
      method: 'PUT',
      url: `${ws(t)}/policy`,
      payload: {
        max_lifetime_seconds: null,
        idle_timeout_seconds: null,
        max_sessions: null,
        mfa_required: false,
        trusted_device_apps: [],
        allowed_countries: null,
      },
    }),
    scope: null,
    expected: { ...ADMINS_ONLY, ...KEY_NEVER },
  },
  {
    route: 'POST /v1/admin/workspaces/{ws}/keys',
    request: (t) => ({ method: 'POST', url: `${ws(t)}/keys`, payload: { name: 'Bot', scopes: ['audit:read'] } }),
    // Keys are the owner's alone, and never a key's.
    scope: null,
    expected: { ...ADMINS_ONLY, owner: 201, security_admin: 403, ...KEY_NEVER },
  },
  {
    route: 'GET /v1/admin/workspaces/{ws}/keys',
    request: (t) => ({ method: 'GET', url: `${ws(t)}/keys` }),
    scope: null,
    expected: { ...ADMINS_ONLY, security_admin: 403, ...KEY_NEVER },
  },
  {
    route: 'DELETE /v1/admin/workspaces/{ws}/keys/{id}',
    // No such key: the owner learns that (404).
    request: (t) => ({ method: 'DELETE', url: `${ws(t)}/keys/${WELL_FORMED_ID}` }),
    scope: null,
    expected: { ...ADMINS_ONLY, owner: 404, security_admin: 403, ...KEY_NEVER },
  },
];

const ERROR_CODES: Record<number, string> = { 400: 'invalid_token', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };

/** RFC 4180, as much as the export needs: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the CSV ends with a line break').toBe('');
  return rows;
}

/** What a spreadsheet would run as a formula, and the `'` the export puts before it. */
const unneutralise = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell);

describe('workspaces over HTTP (sqlite)', () => {
  let h: Harness;
  const mails: { to: string; text: string }[] = [];

  beforeAll(async () => {
    // Every matrix cell signs a new member in from the same address.
    h = await harness('sqlite', { publicUrl: ORIGIN, signInIpLimit: '100000/1m' });
    const mailer = h.registry.mailer;
    const send = mailer.send.bind(mailer);
    vi.spyOn(mailer, 'send').mockImplementation(async (mail) => {
      mails.push({ to: mail.to, text: mail.text });
      await send(mail);
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await h?.registry.signals.idle();
    await h?.close();
  });

  const as = (p: Person | null, o: InjectOptions) => h.request({ ...o, headers: { ...(p ? bearer(p.token) : {}), ...(o.headers ?? {}) } });

  async function signIn(address: string): Promise<Person> {
    const token = await h.bearerSignIn(address);
    const user = await h.registry.store.findUserByEmailKey(address);
    return { email: address, id: user!.id, token, sessionId: token.split('.')[0]! };
  }

  async function person(tag: string): Promise<Person> {
    const address = email(tag);
    expect((await h.signUp(address)).statusCode).toBe(201);
    return signIn(address);
  }

  async function createWorkspace(owner: Person, name: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await as(owner, { method: 'POST', url: '/v1/admin/workspaces', payload: { name }, headers });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().workspace.id as string;
  }

  /** The join link of the latest invitation mailed to `address`. */
  async function invitationToken(address: string): Promise<string> {
    await h.registry.signals.idle();
    const mail = mails.findLast((m) => m.to === address);
    const match = mail && /\/workspaces\/join\?token=([A-Za-z0-9._%-]+)/.exec(mail.text);
    if (!match) throw new Error(`no invitation mailed to ${address}`);
    return decodeURIComponent(match[1]!);
  }

  async function invite(admin: Person, workspace: string, address: string, role: WorkspaceRole, headers: Record<string, string> = {}) {
    const res = await as(admin, {
      method: 'POST',
      url: `/v1/admin/workspaces/${workspace}/invitations`,
      payload: { email: address, role },
      headers,
    });
    expect(res.statusCode, res.body).toBe(202);
    return invitationToken(address);
  }

  /** A new person, invited by `admin` and joined through the API. */
  async function join(admin: Person, workspace: string, role: WorkspaceRole): Promise<Person> {
    const p = await person(role);
    const token = await invite(admin, workspace, p.email, role);
    const res = await as(p, { method: 'POST', url: '/v1/me/workspaces/join', payload: { token } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().workspace.id).toBe(workspace);
    return p;
  }

  async function offboard(admin: Person, workspace: string, target: Person) {
    const res = await as(admin, { method: 'POST', url: `/v1/admin/workspaces/${workspace}/members/${target.id}/offboard` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  describe('the authorisation matrix', () => {
    let workspace: string;
    let actors: Record<Exclude<ActorName, 'key_without_scope'>, Person | null>;
    /** The owner's keys for the workspace, each with every scope but one. */
    const keyWithout = new Map<ApiKeyScope, Person>();

    beforeAll(async () => {
      const owner = await person('owner');
      workspace = await createWorkspace(owner, 'Acme');
      const securityAdmin = await join(owner, workspace, 'security_admin');
      const plain = await join(owner, workspace, 'member');
      const otherAdmin = await person('other-owner');
      await createWorkspace(otherAdmin, 'Elsewhere');
      const leaver = await join(owner, workspace, 'member');
      await offboard(owner, workspace, leaver);
      // Offboarding ended every session; the account itself still signs in.
      const disabled = await signIn(leaver.email);
      const key = async (scopes: ApiKeyScope[]): Promise<Person> => {
        const res = await as(owner, { method: 'POST', url: `/v1/admin/workspaces/${workspace}/keys`, payload: { name: 'matrix', scopes } });
        expect(res.statusCode, res.body).toBe(201);
        return { ...owner, token: res.json().token as string };
      };
      for (const scope of API_KEY_SCOPES) keyWithout.set(scope, await key(API_KEY_SCOPES.filter((s) => s !== scope)));
      actors = {
        owner,
        security_admin: securityAdmin,
        member: plain,
        other_admin: otherAdmin,
        disabled,
        signed_out: null,
        key_with_scope: await key([...API_KEY_SCOPES]),
      };
    });

    it('has a row for every route of the plane, and no row for a route that does not exist', async () => {
      const document = h.app.swagger() as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(document.paths)
        .filter(([path]) => path.startsWith('/v1/admin/') || path.startsWith('/v1/me/workspaces'))
        .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
      expect(routes.length).toBeGreaterThan(0);
      expect(MATRIX.map((r) => r.route).sort()).toEqual([...routes].sort());
    });

    it.each(MATRIX)('$route', async (row) => {
      const owner = actors.owner!;
      const answers: Record<string, number> = {};
      const wanted: Record<string, number> = {};
      for (const actor of ACTORS) {
        const target: Target = { ws: workspace, member: await join(owner, workspace, row.targetRole ?? 'member') };
        const caller = actor !== 'key_without_scope' ? actors[actor] : row.scope ? keyWithout.get(row.scope)! : actors.key_with_scope;
        const res = await as(caller, row.request(target));
        answers[actor] = res.statusCode;
        wanted[actor] = actor === 'signed_out' ? 401 : row.expected[actor];
        if (res.statusCode >= 400) expectError(res, res.statusCode, ERROR_CODES[res.statusCode]!);
      }
      expect(answers).toEqual(wanted);
    });
  });

  describe('the use cases, end to end', () => {
    it('lists the caller’s workspaces and role, shows a workspace to its members, and admins its members', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, '  Acme Ltd  ');
      const plain = await join(owner, workspace, 'member');

      const mine = await as(plain, { method: 'GET', url: '/v1/me/workspaces' });
      expect(mine.json()).toEqual({
        workspaces: [{ id: workspace, name: 'Acme Ltd', role: 'member', security_owner_id: owner.id, created_at: expect.any(String) }],
      });
      const shown = await as(plain, { method: 'GET', url: `/v1/admin/workspaces/${workspace}` });
      expect(shown.json()).toEqual({
        workspace: {
          id: workspace,
          name: 'Acme Ltd',
          security_owner_id: owner.id,
          // A plain member learns whom to contact by address, not only by an id they cannot look up.
          security_owner: { id: owner.id, email: owner.email, name: null },
          created_at: expect.any(String),
          audit_retention_days: 365,
        },
        role: 'member',
      });

      const members = await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members` });
      expect(members.statusCode).toBe(200);
      const row = (members.json().members as Record<string, unknown>[]).find((m) => m.user_id === plain.id);
      expect(row).toEqual({
        user_id: plain.id,
        email: plain.email,
        name: null,
        role: 'member',
        status: 'active',
        joined_at: expect.any(String),
        disabled_at: null,
        active_sessions: 1,
        last_active_at: expect.any(String),
        mfa_enabled: false,
        trusted_devices: 0,
        last_reviewed_at: null,
      });

      const sessions = await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members/${plain.id}/sessions` });
      expect(sessions.json().sessions).toEqual([
        expect.objectContaining({ id: plain.sessionId, current: false, client: expect.any(Object) }),
      ]);
      // The member sees the same session the same way (but as their current one).
      const own = await as(plain, { method: 'GET', url: '/v1/me/sessions' });
      expect({ ...own.json().sessions[0], current: false }).toEqual(sessions.json().sessions[0]);
    });

    it('joins only with a link for the signed-in address, once', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Acme');
      const invited = await person('invited');
      const someoneElse = await person('forwarded-to');
      const token = await invite(owner, workspace, invited.email, 'member');
      const joinWith = (p: Person, t: string) => as(p, { method: 'POST', url: '/v1/me/workspaces/join', payload: { token: t } });
      expectError(await joinWith(someoneElse, token), 400, 'invalid_token');
      expectError(await joinWith(invited, `${token.slice(0, -2)}xx`), 400, 'invalid_token');
      expectError(await joinWith(invited, 'not-a-token'), 400, 'invalid_token');
      expect((await joinWith(invited, token)).statusCode).toBe(200);
      expectError(await joinWith(invited, token), 400, 'invalid_token');
      // Expired: a fresh invitation, a week and a second later.
      const late = await person('late');
      const lateToken = await invite(owner, workspace, late.email, 'member');
      h.clock.advance(7 * 86_400_000 + 1000);
      const lateAgain = await signIn(late.email);
      expectError(await joinWith(lateAgain, lateToken), 400, 'invalid_token');
    });

    it('names a security owner among the admins only', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Acme');
      const admin = await join(owner, workspace, 'security_admin');
      const plain = await join(owner, workspace, 'member');
      const name = (user_id: string) =>
        as(owner, { method: 'PUT', url: `/v1/admin/workspaces/${workspace}/security-owner`, payload: { user_id } });
      expectError(await name(plain.id), 400, 'invalid_request');
      expectError(await name(WELL_FORMED_ID), 404, 'not_found');
      expect((await name(admin.id)).statusCode).toBe(204);
      const shown = await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}` });
      expect(shown.json().workspace.security_owner_id).toBe(admin.id);
    });

    it('refuses a cookie-authenticated change that did not come from our pages, and takes one that did', async () => {
      const owner = await person('cookie');
      const b = await h.browserSignIn(owner.email);
      const create = (headers: Record<string, string>) =>
        h.request({
          method: 'POST',
          url: '/v1/admin/workspaces',
          payload: { name: 'By cookie' },
          headers: { cookie: `__Host-sessiond=${b.cookie}`, ...headers },
        });
      expectError(await create({}), 403, 'csrf_failed');
      expectError(await create({ origin: 'https://evil.example' }), 403, 'csrf_failed');
      expect((await b.request({ method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'By cookie' } })).statusCode).toBe(201);
      // Reading needs no proof of origin.
      const read = await h.request({ method: 'GET', url: '/v1/me/workspaces', headers: { cookie: `__Host-sessiond=${b.cookie}` } });
      expect(read.statusCode).toBe(200);
    });
    it('holds a session that reported another as not the user’s to the password change: it may read, not act', async () => {
      const owner = await person('held');
      const workspace = await createWorkspace(owner, 'Acme');
      const stranger = await signIn(owner.email);
      const report = await as(owner, { method: 'POST', url: `/v1/me/sessions/${stranger.sessionId}/report` });
      expect(report.statusCode, report.body).toBe(204);
      expectError(
        await as(owner, { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'More' } }),
        403,
        'password_change_required',
      );
      expectError(
        await as(owner, {
          method: 'POST',
          url: `/v1/admin/workspaces/${workspace}/invitations`,
          payload: { email: email('x'), role: 'member' },
        }),
        403,
        'password_change_required',
      );
      expect((await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit` })).statusCode).toBe(200);
    });

    it('shows an admin which of a member’s sessions share a device, by the same device_group the member sees', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Devices');
      const plain = await join(owner, workspace, 'member');
      const machine = { id: 'member-laptop-machine-id-01', name: 'ThinkPad' };
      const desktop = await h.bearerSignIn(plain.email, { clientId: 'desktop', device: machine });
      const cli = await h.bearerSignIn(plain.email, { clientId: 'cli', device: machine });
      type Listed = { id: string; device_group: string | null };
      const groups = (res: LightMyRequestResponse) =>
        new Map((res.json().sessions as Listed[]).map((x) => [x.id, x.device_group] as const));

      const seen = groups(await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members/${plain.id}/sessions` }));
      const own = groups(await as(plain, { method: 'GET', url: '/v1/me/sessions' }));
      const [d, c] = [desktop.split('.')[0]!, cli.split('.')[0]!];
      expect(seen.get(d)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(seen.get(c)).toBe(seen.get(d));
      expect(seen.get(plain.sessionId)).toBeNull();
      expect(seen).toEqual(own);
    });
  });

  describe('roles', () => {
    it('a role change applies to the member’s very next request with the same token (ASVS 8.3.2)', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Roles');
      const admin = await join(owner, workspace, 'security_admin');
      const members = (p: Person) => as(p, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members` });
      const role = (p: Person, target: Person, value: WorkspaceRole) =>
        as(p, { method: 'PUT', url: `/v1/admin/workspaces/${workspace}/members/${target.id}/role`, payload: { role: value } });
      expect((await members(admin)).statusCode).toBe(200);
      expect((await role(owner, admin, 'member')).statusCode).toBe(204);
      expect((await members(admin)).statusCode).toBe(403);
      expect((await role(owner, admin, 'security_admin')).statusCode).toBe(204);
      expect((await members(admin)).statusCode).toBe(200);
      // The last owner stays an owner; the security owner stays an admin; audited with from and to.
      const last = await role(owner, owner, 'security_admin');
      expect(last.statusCode).toBe(400);
      expect(last.json().error.message).toMatch(/at least one owner/);
      expect((await role(owner, admin, 'owner')).statusCode).toBe(204);
      const demoteSecurityOwner = await role(admin, owner, 'member');
      expect(demoteSecurityOwner.statusCode).toBe(400);
      expect(demoteSecurityOwner.json().error.message).toMatch(/another security owner/);
      expect((await role(admin, owner, 'security_admin')).statusCode).toBe(204);
      const audit = await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit` });
      expect(audit.json().entries[0]).toMatchObject({
        action: 'member.role_changed',
        actor_id: admin.id,
        target_id: owner.id,
        details: { from: 'owner', to: 'security_admin' },
      });
    });
  });

  describe('offboarding through HTTP', () => {
    it('ends what acts for the member past the session list: their connected apps and personal tokens', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Acme');
      const leaver = await join(owner, workspace, 'member');
      const made = await as(leaver, {
        method: 'POST',
        url: '/v1/me/tokens',
        payload: { name: 'ci', scopes: ['api:read'], expires_in_days: 30 },
      });
      expect(made.statusCode).toBe(201);
      const { client } = await h.registry.oauthClients.register({ name: 'Notes', kind: 'device' });
      const provider = await h.registry.oauth.provider();
      const grant = new provider.Grant({ accountId: leaver.id, clientId: client.id });
      grant.addOIDCScope('openid offline_access');
      await grant.save();

      // The workspace's trail shows what can act for its member.
      const trail = (await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit` })).json().entries as Record<
        string,
        unknown
      >[];
      expect(trail[0]).toMatchObject({
        action: 'credential.token_created',
        actor_id: leaver.id,
        target_id: leaver.id,
        details: { name: 'ci' },
      });

      const done = await offboard(owner, workspace, leaver);
      expect(done).toMatchObject({ apps_removed: 1, tokens_revoked: 1 });
      expect(await h.registry.oauth.connectedApps(leaver.id)).toEqual([]);
      expect(await h.registry.personalTokens.verify(made.json().secret as string, null)).toBeNull();
    });

    it('refuses the member’s token on their very next request, and their timeline says an admin ended it', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Acme');
      const admin = await join(owner, workspace, 'security_admin');
      const leaver = await join(owner, workspace, 'member');
      const second = await signIn(leaver.email);
      expect((await as(leaver, { method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);

      const done = await offboard(admin, workspace, leaver);
      expect(done).toEqual({
        sessions_ended: 2,
        devices_untrusted: 0,
        keys_revoked: 0,
        apps_removed: 0,
        tokens_revoked: 0,
        membership_disabled: true,
      });

      expectError(await as(leaver, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await as(second, { method: 'GET', url: '/v1/me/sessions' }), 401, 'unauthenticated');
      // Their workspace is gone from their list, and from their reach.
      const back = await signIn(leaver.email);
      expect((await as(back, { method: 'GET', url: '/v1/me/workspaces' })).json()).toEqual({ workspaces: [] });
      expectError(await as(back, { method: 'GET', url: `/v1/admin/workspaces/${workspace}` }), 404, 'not_found');

      await h.registry.signals.idle();
      const timeline = await as(back, { method: 'GET', url: '/v1/me/security-events?limit=50' });
      expect(timeline.statusCode, timeline.body).toBe(200);
      const ended = (
        timeline.json().events as { kind: string; actor: { kind: string } | null; session_id: string | null; count: number | null }[]
      ).filter((e) => e.kind === 'session_revoked' || e.kind === 'sessions_revoked');
      expect(ended.length).toBeGreaterThan(0);
      expect(ended.every((e) => e.actor?.kind === 'admin')).toBe(true);

      // The admin's list shows the membership disabled, with no session left.
      const members = await as(admin, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members` });
      expect((members.json().members as Record<string, unknown>[]).find((m) => m.user_id === leaver.id)).toMatchObject({
        status: 'disabled',
        disabled_at: expect.any(String),
      });
      // A second run finishes what a first began, and says the membership was already disabled.
      expect(await offboard(admin, workspace, leaver)).toEqual({
        sessions_ended: 1,
        devices_untrusted: 0,
        keys_revoked: 0,
        apps_removed: 0,
        tokens_revoked: 0,
        membership_disabled: false,
      });
    });

    it('ends one session, or all of them, of a member, as the audit trail records', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Acme');
      const plain = await join(owner, workspace, 'member');
      const other = await signIn(plain.email);
      const third = await signIn(plain.email);
      const base = `/v1/admin/workspaces/${workspace}/members/${plain.id}/sessions`;
      expect((await as(owner, { method: 'DELETE', url: `${base}/${plain.sessionId}` })).statusCode).toBe(204);
      expectError(await as(plain, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await as(owner, { method: 'DELETE', url: `${base}/${plain.sessionId}` }), 404, 'not_found');
      // Someone else's session, named under this member: not theirs.
      expectError(await as(owner, { method: 'DELETE', url: `${base}/${owner.sessionId}` }), 404, 'not_found');
      const all = await as(owner, { method: 'DELETE', url: base });
      expect(all.json()).toEqual({ revoked: 2 });
      expectError(await as(other, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      expectError(await as(third, { method: 'GET', url: '/v1/me/session' }), 401, 'unauthenticated');
      const audit = await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit?limit=2` });
      expect(audit.json().entries).toMatchObject([
        { action: 'sessions.revoked', target_kind: 'member', target_id: plain.id, actor_id: owner.id, details: { count: 2 } },
        { action: 'session.revoked', target_kind: 'session', target_id: plain.sessionId, details: { member: plain.id } },
      ]);
    });
  });

  describe('the audit trail', () => {
    let owner: Person;
    let workspace: string;
    const NAME = '=HYPERLINK("https://evil.example","click")';
    const UA_FORMULA = '@SUM(1+1)*cmd|"/C calc"!A0';

    beforeAll(async () => {
      owner = await person('auditor');
      workspace = await createWorkspace(owner, NAME, { 'user-agent': UA_FORMULA });
      // Enough entries for several pages: invitations, one from a formula-looking address.
      await invite(owner, workspace, `=1+1@example.com`, 'member');
      for (let i = 0; i < 6; i++) await invite(owner, workspace, email('audit'), i % 2 ? 'member' : 'security_admin');
      await join(owner, workspace, 'member');
    });

    const audit = (query: string) => as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit${query}` });

    async function allPages(limit: number) {
      const entries: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await audit(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { entries: Record<string, unknown>[]; next_cursor: string | null };
        expect(body.entries.length).toBeLessThanOrEqual(limit);
        entries.push(...body.entries);
        cursor = body.next_cursor;
        pages++;
      } while (cursor !== null);
      return { entries, pages };
    }

    it('pages newest first, and the JSON pages are the JSON Lines export', async () => {
      const { entries, pages } = await allPages(3);
      expect(entries.length).toBe(10); // created, 7 invitations, invited + joined
      expect(pages).toBe(4);
      expect(entries.at(-1)).toMatchObject({
        action: 'workspace.created',
        actor_id: owner.id,
        user_agent: UA_FORMULA,
        details: { name: NAME },
      });
      expect(entries[0]).toMatchObject({ action: 'member.joined' });
      expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
      // One page of everything is the same as many small ones.
      expect((await allPages(200)).entries).toEqual(entries);

      const jsonl = await audit('?format=jsonl');
      expect(jsonl.statusCode).toBe(200);
      expect(jsonl.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(jsonl.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="audit-${workspace}-\\d{4}-\\d{2}-\\d{2}\\.jsonl"$`),
      );
      expect(jsonl.headers['cache-control']).toBe('no-store');
      expect(jsonl.body.endsWith('\n')).toBe(true);
      const lines = jsonl.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
      expect(lines).toEqual(entries);
    });

    it('exports CSV that parses back to the same entries, with formula cells neutralised', async () => {
      const { entries } = await allPages(200);
      const csv = await audit('?format=csv');
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-[A-Za-z0-9_-]{22}-\d{4}-\d{2}-\d{2}\.csv"$/);
      const [header, ...rows] = parseCsv(csv.body);
      expect(header).toEqual(['id', 'at', 'actor_id', 'action', 'target_kind', 'target_id', 'ip', 'user_agent', 'request_id', 'details']);
      // No cell reaches a spreadsheet as a formula.
      for (const row of rows) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
      const created = rows.find((r) => r[3] === 'workspace.created')!;
      expect(created[7]).toBe(`'${UA_FORMULA}`);
      const back = rows.map((row) => {
        const cells = Object.fromEntries(header!.map((column, i) => [column, unneutralise(row[i]!)]));
        const nullable = (v: string | undefined) => (v === '' ? null : v);
        return {
          ...cells,
          ip: nullable(cells.ip),
          user_agent: nullable(cells.user_agent),
          request_id: nullable(cells.request_id),
          details: JSON.parse(cells.details!),
        };
      });
      expect(back).toEqual(entries);
      // The formula-looking name and address are there, as text inside the details cell.
      expect(created[9]).toBe(JSON.stringify({ name: NAME }));
      expect(rows.some((r) => r[9]!.includes('"email":"=1+1@example.com"'))).toBe(true);
    });

    it('refuses a cursor it did not issue, and a limit or cursor on an export', async () => {
      const { entries } = await allPages(200);
      expect(entries.length).toBeGreaterThan(0);
      for (const cursor of [
        'garbage!',
        'AAAA',
        Buffer.from('0').toString('base64url'),
        Buffer.from('12a').toString('base64url'),
        Buffer.from('99999999999999999').toString('base64url'),
      ])
        expectError(await audit(`?limit=2&cursor=${encodeURIComponent(cursor)}`), 400, 'invalid_request');
      expectError(await audit('?limit=0'), 400, 'invalid_request');
      expectError(await audit('?limit=201'), 400, 'invalid_request');
      expectError(await audit('?limit=ten'), 400, 'invalid_request');
      expectError(await audit('?format=xml'), 400, 'invalid_request');
      expectError(await audit('?format=csv&limit=2'), 400, 'invalid_request');
      expectError(await audit('?since=yesterday'), 400, 'invalid_request');
    });

    it('refuses an export to a member without the right before any byte of it', async () => {
      const plain = await join(owner, workspace, 'member');
      const res = await as(plain, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit?format=csv` });
      expectError(res, 403, 'forbidden');
      expect(res.headers['content-disposition']).toBeUndefined();
    });
  });

  describe('bad input', () => {
    let owner: Person;
    let workspace: string;
    let plain: Person;

    beforeAll(async () => {
      owner = await person('owner');
      workspace = await createWorkspace(owner, 'Acme');
      plain = await join(owner, workspace, 'member');
    });

    it('answers malformed ids, unknown fields, bad roles and bad bodies with 400 in the error envelope', async () => {
      const bad: InjectOptions[] = [
        { method: 'GET', url: '/v1/admin/workspaces/not-an-id' },
        { method: 'GET', url: `/v1/admin/workspaces/${WELL_FORMED_ID}x/members` },
        { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members/short/sessions` },
        { method: 'DELETE', url: `/v1/admin/workspaces/${workspace}/members/${plain.id}/sessions/${'!'.repeat(22)}` },
        { method: 'POST', url: `/v1/admin/workspaces/${workspace}/members/${plain.id}/offboard`, payload: { now: true } },
        { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'Acme', owner: 'me' } },
        { method: 'POST', url: '/v1/admin/workspaces', payload: { name: '' } },
        { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 'x'.repeat(101) } },
        { method: 'POST', url: '/v1/admin/workspaces', payload: { name: '   ' } },
        { method: 'POST', url: '/v1/admin/workspaces', payload: { name: 42 } },
        { method: 'POST', url: '/v1/admin/workspaces', payload: {} },
        { method: 'POST', url: `/v1/admin/workspaces/${workspace}/invitations`, payload: { email: 'a@example.com', role: 'god' } },
        {
          method: 'POST',
          url: `/v1/admin/workspaces/${workspace}/invitations`,
          payload: { email: 'a@example.com', role: 'member', note: 'hi' },
        },
        { method: 'POST', url: `/v1/admin/workspaces/${workspace}/invitations`, payload: { email: 'not an address', role: 'member' } },
        { method: 'POST', url: `/v1/admin/workspaces/${workspace}/invitations`, payload: { email: 'a@example.com' } },
        { method: 'PUT', url: `/v1/admin/workspaces/${workspace}/security-owner`, payload: { user_id: 'nope' } },
        { method: 'PUT', url: `/v1/admin/workspaces/${workspace}/security-owner`, payload: { user_id: plain.id, also: 1 } },
        { method: 'POST', url: '/v1/me/workspaces/join', payload: { token: '' } },
        { method: 'POST', url: '/v1/me/workspaces/join', payload: { token: 't', workspace } },
        { method: 'GET', url: '/v1/me/workspaces?all=1' },
        { method: 'POST', url: '/v1/admin/workspaces', payload: '{"name": ', headers: { 'content-type': 'application/json' } },
      ];
      for (const o of bad) {
        const res = await as(owner, o);
        expectError(res, 400, 'invalid_request');
      }
      // Nothing was written by any of them: the audit has the creation and the member's arrival only.
      const audit = await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit` });
      expect((audit.json().entries as { action: string }[]).map((e) => e.action)).toEqual([
        'member.joined',
        'member.invited',
        'workspace.created',
      ]);
    });

    it('answers a well-formed id of nothing with 404, the same as someone else’s', async () => {
      expectError(await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${WELL_FORMED_ID}` }), 404, 'not_found');
      expectError(
        await as(owner, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/members/${WELL_FORMED_ID}/sessions` }),
        404,
        'not_found',
      );
      expectError(
        await as(owner, { method: 'DELETE', url: `/v1/admin/workspaces/${workspace}/members/${plain.id}/sessions/${WELL_FORMED_ID}` }),
        404,
        'not_found',
      );
    });
  });

  // Near last: it moves the clock a month on.
  describe('audit retention', () => {
    it('keeps entries for the days an owner sets, and the purge removes exactly those older than that', async () => {
      const owner = await person('retention');
      const workspace = await createWorkspace(owner, 'Retention');
      const base = `/v1/admin/workspaces/${workspace}`;
      const retention = (days: unknown) => as(owner, { method: 'PUT', url: `${base}/audit/retention`, payload: { days } });
      for (const days of [29, 3651, 90.5, '90', null]) expectError(await retention(days), 400, 'invalid_request');
      expectError(
        await as(owner, { method: 'PUT', url: `${base}/audit/retention`, payload: { days: 90, also: 1 } }),
        400,
        'invalid_request',
      );
      expectError(await as(owner, { method: 'PUT', url: `${base}/audit/retention`, payload: {} }), 400, 'invalid_request');
      expect((await as(owner, { method: 'GET', url: base })).json().workspace.audit_retention_days).toBe(365);
      expect((await retention(30)).statusCode).toBe(204);
      expect((await as(owner, { method: 'GET', url: base })).json().workspace.audit_retention_days).toBe(30);
      expect(await trailOf(owner, workspace)).toEqual(['audit.retention_changed', 'workspace.created']);
      expect((await as(owner, { method: 'GET', url: `${base}/audit?limit=1` })).json().entries[0]).toMatchObject({
        action: 'audit.retention_changed',
        actor_id: owner.id,
        target_kind: 'workspace',
        target_id: workspace,
        details: { previous: 365, days: 30 },
      });

      // 30 days on, nothing is older than the retention; a moment later the first two are.
      h.clock.advance(30 * 86_400_000);
      const fresh = await signIn(owner.email);
      await invite(fresh, workspace, email('later'), 'member');
      expect(await h.registry.workspaces.purgeExpiredAudit()).toBe(0);
      expect(await trailOf(fresh, workspace)).toEqual(['member.invited', 'audit.retention_changed', 'workspace.created']);
      h.clock.advance(1);
      expect(await h.registry.workspaces.purgeExpiredAudit()).toBe(2);
      expect(await trailOf(fresh, workspace)).toEqual(['member.invited']);
    });

    const trailOf = async (p: Person, workspace: string) =>
      ((await as(p, { method: 'GET', url: `/v1/admin/workspaces/${workspace}/audit` })).json().entries as { action: string }[]).map(
        (e) => e.action,
      );
  });

  // Last: it moves the clock past every session's recent authentication.
  describe('recent authentication', () => {
    it('is needed to act on a member, invite or name the security owner; reading is not', async () => {
      const owner = await person('owner');
      const workspace = await createWorkspace(owner, 'Acme');
      const admin = await join(owner, workspace, 'security_admin');
      const plain = await join(owner, workspace, 'member');
      h.clock.advance(11 * 60_000);
      const base = `/v1/admin/workspaces/${workspace}`;
      const sensitive: InjectOptions[] = [
        { method: 'POST', url: `${base}/invitations`, payload: { email: email('late'), role: 'member' } },
        { method: 'PUT', url: `${base}/security-owner`, payload: { user_id: admin.id } },
        { method: 'DELETE', url: `${base}/members/${plain.id}/sessions/${plain.sessionId}` },
        { method: 'DELETE', url: `${base}/members/${plain.id}/sessions` },
        { method: 'POST', url: `${base}/members/${plain.id}/offboard` },
        { method: 'PUT', url: `${base}/audit/retention`, payload: { days: 30 } },
      ];
      for (const o of sensitive) expectError(await as(owner, o), 403, 'reauth_required');
      expect((await as(plain, { method: 'GET', url: '/v1/me/session' })).statusCode).toBe(200);
      for (const url of [base, `${base}/members`, `${base}/members/${plain.id}/sessions`, `${base}/audit`])
        expect((await as(owner, { method: 'GET', url })).statusCode).toBe(200);
      // A fresh sign-in is a recent authentication.
      const fresh = await signIn(owner.email);
      expect((await as(fresh, { method: 'DELETE', url: `${base}/members/${plain.id}/sessions` })).json()).toEqual({ revoked: 1 });
    });
  });
});
