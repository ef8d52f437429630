/**
 * Workspace administration from the server's shell: `sessiond workspaces …` (with `policy`),
 * `sessiond members …`, `sessiond sessions …` (with `replace-device`), `sessiond reviews …` and
 * `sessiond audit export|retention|purge`. The operator acts as a named person (`--as <email>`): the same
 * authorisation as the web console and the admin API applies, and the audit log names that
 * person (user agent `sessiond-cli`, no address). Every command goes through the Workspaces use
 * cases; none writes to the database itself.
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config.js';
import { SessiondError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { emailKey } from '../../core/user.js';
import { WORKSPACE_ROLES, type WorkspaceCaller, type WorkspaceRole } from '../../core/workspaces.js';
import { createRegistry, type Registry } from '../../registry.js';
import { addConfigOptions, flagsOf } from '../options.js';
import { auditCsvRow, auditEntryView, CSV_COLUMNS, csvRow, wholeTrail } from '../../http/admin/views.js';
import { filterFrom, filterOption, incidentsCommand, listMatching, revokeMatching } from './incidents.js';

const CONFIG_KEYS = ['databaseUrl', 'secretKeyFile', 'redisUrl', 'redisPrefix', 'smtpUrl', 'mailFrom', 'publicUrl'] as const;

/** A subcommand with the database flags and `--as`; its action gets a registry that is closed after. */
function adminCommand<O extends { as: string }>(
  name: string,
  description: string,
  build: (c: Command) => Command,
  run: (registry: Registry, caller: WorkspaceCaller, options: O) => Promise<void>,
): Command {
  const command = build(
    new Command(name)
      .description(description)
      .addOption(
        new Option('--as <email>', 'The account you act as; its role in the workspace decides what you may do.').makeOptionMandatory(),
      ),
  );
  addConfigOptions(command, CONFIG_KEYS);
  command.action(async (options: O) => {
    const registry = await createRegistry(loadConfig(flagsOf(command)), { logStream: process.stderr });
    try {
      await run(registry, await callerFor(registry, options.as), options);
      // Invitation mail goes out in the background: wait for it before closing.
      await registry.mailer.flush?.();
    } finally {
      await registry.close();
    }
  });
  return command;
}

async function userIdFor(registry: Registry, email: string): Promise<string> {
  const user = await registry.store.findUserByEmailKey(emailKey(email));
  if (!user) throw new SessiondError('not_found', `No account with the address ${email}.`);
  return user.id;
}

async function callerFor(registry: Registry, email: string): Promise<WorkspaceCaller> {
  return { userId: await userIdFor(registry, email), ip: null, userAgent: 'sessiond-cli', requestId: `cli-${randomUUID()}` };
}

const roleOption = () =>
  new Option('--role <role>', 'The role the invitation gives.').choices(WORKSPACE_ROLES as readonly string[]).default('member');

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function workspacesCommand(): Command {
  const workspaces = new Command('workspaces').description('Create and list workspaces.');
  workspaces.addCommand(
    adminCommand<{ as: string; name: string }>(
      'create',
      'Create a workspace; the --as account becomes its owner and security owner.',
      (c) => c.addOption(new Option('--name <name>', 'The workspace name.').makeOptionMandatory()),
      async (registry, caller, options) => {
        const ws = await registry.workspaces.create(caller, options.name);
        console.log(`created workspace ${ws.name} (id ${ws.id})`);
      },
    ),
  );
  workspaces.addCommand(
    adminCommand<{ as: string }>(
      'list',
      'The workspaces the --as account is an active member of, with its role.',
      (c) => c,
      async (registry, caller) => {
        for (const { workspace, role } of await registry.workspaces.listMine(caller.userId))
          console.log(`${workspace.id}\t${role}\t${workspace.name}`);
      },
    ),
  );
  workspaces.addCommand(policyCommand());
  return workspaces;
}

interface PolicyFlags {
  as: string;
  workspace: string;
  lifetime?: string;
  idle?: string;
  maxSessions?: string;
  mfaRequired?: 'on' | 'off';
  trustedDeviceApps?: string;
  allowedCountries?: string;
}

/**
 * `sessiond workspaces policy`: shows the workspace's session policy, or changes the rules given
 * as flags (the others stay as they are). Setting goes through the same use case as the admin API:
 * security admins and owners, audited, and member sessions that break the new policy end at once.
 */
function policyCommand(): Command {
  const off = (text: string) => text.trim().toLowerCase() === 'off';
  const duration = (flag: string, text: string): number | null => {
    if (off(text)) return null;
    const ms = parseDuration(text);
    if (ms === null) throw new SessiondError('invalid_request', `${flag} takes a duration such as 30m, 8h or 7d, or "off".`);
    return ms;
  };
  const list = (text: string, none: string): string[] | null =>
    text.trim().toLowerCase() === none
      ? null
      : text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  return adminCommand<PolicyFlags>(
    'policy',
    "Show the workspace's session policy, or change the rules given (security admins and owners; member sessions that break it end at once).",
    (c) =>
      c
        .addOption(new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory())
        .addOption(new Option('--lifetime <duration>', 'Sessions end this long after sign-in (30m, 8h, 7d), or "off".'))
        .addOption(new Option('--idle <duration>', 'Sessions unused this long end (the policy\'s idle timeout), or "off".'))
        .addOption(new Option('--max-sessions <n>', 'Sessions a member may hold at once (a sign-in beyond it ends the oldest), or "off".'))
        .addOption(new Option('--mfa-required <on|off>', 'Require two-step verification or a trusted device.').choices(['on', 'off']))
        .addOption(new Option('--trusted-device-apps <ids>', 'Comma-separated app ids that need a trusted device, or "none".'))
        .addOption(new Option('--allowed-countries <codes>', 'Comma-separated ISO country codes sessions may come from, or "any".')),
    async (registry, caller, o) => {
      const current = (await registry.policies.get(caller, o.workspace)).policy;
      const changing = [o.lifetime, o.idle, o.maxSessions, o.mfaRequired, o.trustedDeviceApps, o.allowedCountries].some(
        (v) => v !== undefined,
      );
      let shown = current;
      if (changing) {
        let sessions = current.maxSessions;
        if (o.maxSessions !== undefined) {
          if (off(o.maxSessions)) sessions = null;
          else if (/^[0-9]{1,4}$/.test(o.maxSessions.trim())) sessions = Number(o.maxSessions);
          else throw new SessiondError('invalid_request', '--max-sessions takes a whole number, or "off".');
        }
        const next = {
          maxLifetimeMs: o.lifetime === undefined ? current.maxLifetimeMs : duration('--lifetime', o.lifetime),
          idleTimeoutMs: o.idle === undefined ? current.idleTimeoutMs : duration('--idle', o.idle),
          maxSessions: sessions,
          mfaRequired: o.mfaRequired === undefined ? current.mfaRequired : o.mfaRequired === 'on',
          trustedDeviceApps: o.trustedDeviceApps === undefined ? current.trustedDeviceApps : (list(o.trustedDeviceApps, 'none') ?? []),
          allowedCountries: o.allowedCountries === undefined ? current.allowedCountries : list(o.allowedCountries.toUpperCase(), 'any'),
        };
        const { policy, ended } = await registry.policies.set(caller, o.workspace, next);
        shown = policy.policy;
        console.log(`policy saved; ${ended} session(s) that broke it ended`);
      }
      const time = (ms: number | null) => (ms === null ? 'off' : formatDuration(ms));
      console.log(`max lifetime\t${time(shown.maxLifetimeMs)}`);
      console.log(`idle timeout\t${time(shown.idleTimeoutMs)}`);
      console.log(`max sessions\t${shown.maxSessions ?? 'off'}`);
      console.log(`mfa required\t${shown.mfaRequired ? 'on' : 'off'}`);
      console.log(`trusted device apps\t${shown.trustedDeviceApps.join(',') || 'none'}`);
      console.log(`allowed countries\t${shown.allowedCountries?.join(',') ?? 'any'}`);
    },
  );
}

/** The largest whole unit: 90m → "90m", 480m → "8h", 7 days → "7d". */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}

export function membersCommand(): Command {
  const members = new Command('members').description("Invite, list and offboard a workspace's members.");
  const workspaceOption = () => new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory();
  members.addCommand(
    adminCommand<{ as: string; workspace: string }>(
      'list',
      'Members with their role, status, active sessions, last activity, MFA, trusted devices and last review.',
      (c) => c.addOption(workspaceOption()),
      async (registry, caller, options) => {
        console.log(['email', 'role', 'status', 'sessions', 'last active', 'mfa', 'trusted devices', 'last review'].join('\t'));
        for (const m of await registry.workspaces.members(caller, options.workspace))
          console.log(
            [
              m.user.email,
              m.membership.role,
              m.membership.status,
              m.activeSessions,
              iso(m.lastActiveAt),
              m.mfaEnabled ? 'on' : 'off',
              m.trustedDevices,
              iso(m.lastReviewedAt),
            ].join('\t'),
          );
      },
    ),
  );
  members.addCommand(
    adminCommand<{ as: string; workspace: string; email: string; role: WorkspaceRole }>(
      'invite',
      'Mail an invitation link (single use, for that address only).',
      (c) =>
        c
          .addOption(workspaceOption())
          .addOption(new Option('--email <email>', 'The address to invite.').makeOptionMandatory())
          .addOption(roleOption()),
      async (registry, caller, options) => {
        const { expiresAt } = await registry.workspaces.invite(caller, options.workspace, options.email, options.role);
        console.log(`invited ${options.email} as ${options.role}; the mailed link works until ${iso(expiresAt)}`);
      },
    ),
  );
  members.addCommand(
    adminCommand<{ as: string; workspace: string; user: string }>(
      'offboard',
      'End every session of the member, untrust their devices, revoke their API keys, end their connected apps and personal tokens, and disable their membership.',
      (c) => c.addOption(workspaceOption()).addOption(new Option('--user <email>', 'The member to offboard.').makeOptionMandatory()),
      async (registry, caller, options) => {
        const result = await registry.workspaces.offboard(caller, options.workspace, await userIdFor(registry, options.user));
        console.log(
          `offboarded ${options.user}: ${result.sessionsEnded} session(s) ended, ${result.devicesUntrusted} device(s) untrusted, ` +
            `${result.keysRevoked} API key(s) revoked, ${result.appsRemoved} connected app(s) and device sign-in(s) ended, ` +
            `${result.tokensRevoked} personal token(s) revoked, ` +
            (result.membershipDisabled ? 'membership disabled' : 'membership was already disabled'),
        );
      },
    ),
  );
  return members;
}

export function sessionsCommand(): Command {
  const sessions = new Command('sessions').description("A workspace's sessions: one member's, or every member's that match a filter.");
  const common = (c: Command) =>
    c
      .addOption(new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory())
      .addOption(new Option('--user <email>', 'The member (without --filter).'))
      .addOption(filterOption());
  sessions.addCommand(
    adminCommand<{ as: string; workspace: string; user?: string; filter?: string[] }>(
      'list',
      "The member's active sessions (--user), or every member's that match the filters (--filter).",
      common,
      async (registry, caller, options) => {
        if (options.filter || !options.user) {
          const texts = [...(options.filter ?? []), ...(options.user ? [`member=${options.user}`] : [])];
          await listMatching(registry, caller, options.workspace, await filterFrom(registry, texts));
          return;
        }
        const list = await registry.workspaces.memberSessions(caller, options.workspace, await userIdFor(registry, options.user));
        console.log(['id', 'app', 'device', 'ip', 'signed in', 'last active'].join('\t'));
        for (const s of list)
          console.log([s.id, s.clientId, `${s.device.name} (${s.device.os})`, s.ip, iso(s.signedInAt), iso(s.lastActiveAt)].join('\t'));
      },
    ),
  );
  sessions.addCommand(
    adminCommand<{ as: string; workspace: string; user?: string; session?: string; filter?: string[]; dryRun?: boolean }>(
      'revoke',
      "End one of the member's sessions (--user --session) or all of them (--user); or, with --filter, every member's session " +
        'that matches (an incident operation: --dry-run shows the count and a sample; otherwise it confirms that count, and ' +
        "waits for a second admin above the workspace's threshold).",
      (c) =>
        common(c)
          .addOption(new Option('--session <id>', 'Only this session (with --user).'))
          .addOption(new Option('--dry-run', 'With --filter: show how many match and a sample; end nothing.')),
      async (registry, caller, options) => {
        if (options.filter || options.dryRun) {
          if (options.session) throw new SessiondError('invalid_request', '--session does not go with --filter.');
          const texts = [...(options.filter ?? []), ...(options.user ? [`member=${options.user}`] : [])];
          if (texts.length === 0)
            throw new SessiondError('invalid_request', 'Name the sessions with --filter (ip=0.0.0.0/0,::/0 for all).');
          await revokeMatching(registry, caller, options.workspace, await filterFrom(registry, texts), options.dryRun === true);
          return;
        }
        if (!options.user) throw new SessiondError('invalid_request', 'Name the member (--user) or the sessions (--filter).');
        const memberId = await userIdFor(registry, options.user);
        if (options.session) {
          await registry.workspaces.endMemberSession(caller, options.workspace, memberId, options.session);
          console.log(`ended session ${options.session}`);
        } else {
          const count = await registry.workspaces.endMemberSessions(caller, options.workspace, memberId);
          console.log(`ended ${count} session(s) of ${options.user}`);
        }
      },
    ),
  );
  sessions.addCommand(
    adminCommand<{ as: string; workspace: string; user: string; session: string }>(
      'replace-device',
      "A member's lost or replaced device: end every session of theirs on the device --session ran on, and untrust it.",
      (c) =>
        c
          .addOption(new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory())
          .addOption(new Option('--user <email>', 'The member.').makeOptionMandatory())
          .addOption(new Option('--session <id>', 'A session of theirs on that device.').makeOptionMandatory()),
      async (registry, caller, options) => {
        const memberId = await userIdFor(registry, options.user);
        const replaced = await registry.workspaces.replaceMemberDevice(caller, options.workspace, memberId, options.session);
        console.log(
          `replaced the device of session ${options.session}: ${replaced.revoked} session(s) ended, ` +
            (replaced.untrusted ? 'device untrusted' : 'device was not trusted'),
        );
      },
    ),
  );
  return sessions;
}

/** `sessiond reviews request|status`: ask members to review their Active sessions, and see who has. */
export function reviewsCommand(): Command {
  const reviews = new Command('reviews').description('Ask members to review their Active sessions, and see who has.');
  const workspaceOption = () => new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory();
  reviews.addCommand(
    adminCommand<{ as: string; workspace: string; user?: string[] }>(
      'request',
      'Ask every active member (or those named with --user) to review their sessions; they see a banner until they confirm.',
      (c) => c.addOption(workspaceOption()).addOption(new Option('--user <email...>', 'Only these members.')),
      async (registry, caller, options) => {
        const ids = options.user ? await Promise.all(options.user.map((e) => userIdFor(registry, e))) : null;
        const { asked } = await registry.workspaces.requestReview(caller, options.workspace, ids);
        console.log(`asked ${asked} member(s) to review their sessions`);
      },
    ),
  );
  reviews.addCommand(
    adminCommand<{ as: string; workspace: string }>(
      'status',
      'Each active member with their latest review this workspace asked for: when asked, when done, and their sign-outs.',
      (c) => c.addOption(workspaceOption()),
      async (registry, caller, options) => {
        console.log(['email', 'asked', 'reviewed', 'sign-outs'].join('\t'));
        for (const r of await registry.workspaces.reviewStatus(caller, options.workspace))
          console.log([r.user.email, iso(r.requestedAt), iso(r.completedAt), r.signOuts ?? '-'].join('\t'));
      },
    ),
  );
  return reviews;
}

/** `sessiond incidents …`: operations to list, show, approve, refuse or resume. */
export function incidentsCliCommand(): Command {
  return incidentsCommand(adminCommand);
}

/** Entries read from the store at a time by an export. */
const EXPORT_PAGE = 500;

export function auditCommand(): Command {
  const audit = new Command('audit').description("A workspace's audit trail.");
  audit.addCommand(
    adminCommand<{ as: string; workspace: string; format: 'jsonl' | 'csv' }>(
      'export',
      'Write the whole trail, newest first, to stdout: JSON Lines or CSV, the same as the admin API export.',
      (c) =>
        c
          .addOption(new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory())
          .addOption(new Option('--format <format>', 'jsonl or csv.').choices(['jsonl', 'csv']).default('jsonl')),
      async (registry, caller, options) => {
        const page = (after: { seq: number } | null) => registry.workspaces.audit(caller, options.workspace, after, EXPORT_PAGE);
        const entries = wholeTrail(await page(null), EXPORT_PAGE, page);
        if (options.format === 'csv') process.stdout.write(csvRow(CSV_COLUMNS));
        for await (const e of entries)
          process.stdout.write(options.format === 'csv' ? auditCsvRow(auditEntryView(e)) : `${JSON.stringify(auditEntryView(e))}\n`);
      },
    ),
  );
  audit.addCommand(
    adminCommand<{ as: string; workspace: string; days: string }>(
      'retention',
      'Set how many days the workspace keeps its audit entries (owners only; 30 to 3650). The change is audited.',
      (c) =>
        c
          .addOption(new Option('--workspace <id>', 'The workspace id.').makeOptionMandatory())
          .addOption(new Option('--days <days>', 'Keep entries this many days; older ones go at the next purge.').makeOptionMandatory()),
      async (registry, caller, options) => {
        const days = /^[0-9]{1,5}$/.test(options.days) ? Number(options.days) : Number.NaN;
        await registry.workspaces.setAuditRetention(caller, options.workspace, days);
        console.log(`workspace ${options.workspace} keeps its audit entries for ${days} days`);
      },
    ),
  );
  audit.addCommand(auditPurgeCommand());
  return audit;
}

/**
 * `sessiond audit purge`: deletes every workspace's audit entries older than its retention, the
 * same purge `serve` runs every few minutes, and the only delete the database allows on the log.
 * Maintenance, like `migrate`: no `--as`, since what goes is what each workspace's owners set.
 */
function auditPurgeCommand(): Command {
  const command = new Command('purge').description(
    "Delete the audit entries older than their workspace's retention (serve also does this every 10 minutes).",
  );
  addConfigOptions(command, CONFIG_KEYS);
  return command.action(async () => {
    const registry = await createRegistry(loadConfig(flagsOf(command)), { logStream: process.stderr });
    try {
      const n = await registry.workspaces.purgeExpiredAudit();
      console.log(`purged ${n} audit ${n === 1 ? 'entry' : 'entries'} older than their workspace's retention`);
    } finally {
      await registry.close();
    }
  });
}
