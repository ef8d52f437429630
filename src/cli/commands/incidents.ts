/**
 * Incident response from the shell, acting `--as` a person (the same authorisation and audit
 * trail as the admin API): the workspace-wide session search behind `sessiond sessions list
 * --workspace W --filter …`, `sessiond sessions revoke --workspace W --filter … [--dry-run]`, and
 * `sessiond incidents list|show|approve|refuse|resume`. The filter is `--filter key=value`,
 * repeated (every condition must hold; lists comma-separated): app, country, trusted, mfa,
 * method, signed_in_before, signed_in_after, last_active_before, ip (CIDR), member (an email).
 */
import { Command, Option } from 'commander';
import { SessiondError } from '../../core/errors.js';
import type { IncidentRecord } from '../../core/incidents.js';
import { formatSessionFilter, parseSessionFilter, type SessionFilter } from '../../core/session-filter.js';
import type { SessionRecord } from '../../core/session.js';
import type { WorkspaceCaller } from '../../core/workspaces.js';
import type { Registry } from '../../registry.js';

export const FILTER_HELP =
  'A condition, key=value; repeat for more (all must hold). Keys: app, country, trusted, mfa, method, signed_in_before, ' +
  'signed_in_after, last_active_before, ip (CIDR, IPv4 or IPv6), member (an email); lists are comma-separated.';

export const filterOption = () =>
  new Option('--filter <key=value>', FILTER_HELP).argParser((v: string, prev: string[] = []) => [...prev, v]);

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** `key=value` flags -> the filter; members by email. */
export async function filterFrom(registry: Registry, texts: readonly string[]): Promise<SessionFilter> {
  const params: Record<string, string[]> = {};
  for (const text of texts) {
    const at = text.indexOf('=');
    if (at <= 0) throw new SessiondError('invalid_request', `--filter ${text}: write key=value.`);
    const key = text.slice(0, at).trim();
    (params[key] ??= []).push(text.slice(at + 1));
  }
  if (params.member) {
    const ids: string[] = [];
    for (const email of params.member.flatMap((v) => v.split(',')).map((v) => v.trim())) {
      const user = await registry.store.findUserByEmailKey(email.toLowerCase());
      if (!user) throw new SessiondError('not_found', `No account with the address ${email}.`);
      ids.push(user.id);
    }
    params.member = [ids.join(',')];
  }
  return parseSessionFilter(params);
}

/** Prints a table of sessions, with each member's email. */
async function printSessions(registry: Registry, sessions: readonly SessionRecord[], header = true): Promise<void> {
  const emails = new Map<string, string>();
  if (header) console.log(['id', 'member', 'app', 'ip', 'country', 'auth', 'signed in', 'last active'].join('\t'));
  for (const s of sessions) {
    if (!emails.has(s.userId)) emails.set(s.userId, (await registry.store.findUserById(s.userId))?.email ?? s.userId);
    console.log(
      [s.id, emails.get(s.userId), s.clientId, s.ip, s.location.country ?? '-', s.authMethod, iso(s.signedInAt), iso(s.lastActiveAt)].join(
        '\t',
      ),
    );
  }
}

/** Every matching session, page by page. */
export async function listMatching(registry: Registry, caller: WorkspaceCaller, workspaceId: string, filter: SessionFilter): Promise<void> {
  let after: string | null = null;
  let first = true;
  do {
    const page = await registry.incidents.search(caller, workspaceId, filter, after, 200);
    await printSessions(registry, page.sessions, first);
    first = false;
    after = page.nextCursor;
  } while (after !== null);
}

function describe(i: IncidentRecord): string {
  const filter = Object.entries(formatSessionFilter(i.filter))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${i.id}\t${i.status}\t${i.revoked}/${i.matched} ended\t${iso(i.createdAt)}\t${filter || '(every session)'}`;
}

/** Progress of a run in this process until it finishes: a bar on a terminal, plain lines otherwise. */
async function follow(registry: Registry, incident: IncidentRecord): Promise<void> {
  const tty = process.stdout.isTTY === true;
  const total = Math.max(incident.matched, 1);
  const unwatch = registry.incidents.watch((i, finished) => {
    if (i.id !== incident.id) return;
    if (tty) {
      const width = 30;
      const filled = Math.min(width, Math.round((i.revoked / total) * width));
      process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${i.revoked}/${incident.matched} session(s) ended`);
      if (finished) process.stdout.write('\n');
    } else if (!finished) console.log(`batch ${i.batches}: ${i.revoked} of ${incident.matched} session(s) ended`);
    if (finished) console.log(`done: ${i.revoked} session(s) ended in ${i.batches} batch(es)`);
  });
  try {
    await registry.incidents.idle();
  } finally {
    unwatch();
  }
}

/** `sessions revoke --workspace W --filter … [--dry-run]`. */
export async function revokeMatching(
  registry: Registry,
  caller: WorkspaceCaller,
  workspaceId: string,
  filter: SessionFilter,
  dryRun: boolean,
): Promise<void> {
  const { count, sample } = await registry.incidents.dryRun(caller, workspaceId, filter);
  console.log(`${count} session(s) match`);
  if (dryRun) {
    if (sample.length > 0) await printSessions(registry, sample);
    if (count > sample.length) console.log(`… and ${count - sample.length} more`);
    return;
  }
  const incident = await registry.incidents.request(caller, workspaceId, filter, count);
  if (incident.status === 'pending_approval') {
    console.log(
      `operation ${incident.id} waits for approval: ${count} session(s) is above this workspace's threshold of ${incident.threshold}. ` +
        `A second owner or security admin approves it with: sessiond incidents approve --workspace ${workspaceId} --id ${incident.id} --as <their email>`,
    );
    return;
  }
  console.log(`operation ${incident.id} started`);
  await follow(registry, incident);
}

type Admin = <O extends { as: string }>(
  name: string,
  description: string,
  build: (c: Command) => Command,
  run: (registry: Registry, caller: WorkspaceCaller, options: O) => Promise<void>,
) => Command;

export function incidentsCommand(adminCommand: Admin): Command {
  const incidents = new Command('incidents').description("A workspace's incident operations: list, show, approve, refuse, resume.");
  const workspaceOption = () => new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory();
  const idOption = () => new Option('--id <id>', 'The operation id.').makeOptionMandatory();
  incidents.addCommand(
    adminCommand<{ as: string; workspace: string }>(
      'list',
      'The latest operations, newest first.',
      (c) => c.addOption(workspaceOption()),
      async (registry, caller, options) => {
        for (const i of await registry.incidents.list(caller, options.workspace, 100)) console.log(describe(i));
      },
    ),
  );
  incidents.addCommand(
    adminCommand<{ as: string; workspace: string; id: string }>(
      'show',
      'One operation: status and progress.',
      (c) => c.addOption(workspaceOption()).addOption(idOption()),
      async (registry, caller, options) => {
        console.log(describe(await registry.incidents.get(caller, options.workspace, options.id)));
      },
    ),
  );
  for (const [name, description] of [
    ['approve', 'Approve a waiting operation (a second owner or security admin, never the requester) and run it here.'],
    ['refuse', 'Refuse a waiting operation; it never runs.'],
    ['resume', 'Go on with a running operation whose process stopped, and run it here.'],
  ] as const)
    incidents.addCommand(
      adminCommand<{ as: string; workspace: string; id: string }>(
        name,
        description,
        (c) => c.addOption(workspaceOption()).addOption(idOption()),
        async (registry, caller, options) => {
          const incident = await registry.incidents[name](caller, options.workspace, options.id);
          console.log(describe(incident));
          if (incident.status === 'running') await follow(registry, incident);
        },
      ),
    );
  return incidents;
}
