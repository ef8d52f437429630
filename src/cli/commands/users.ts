/**
 * `sessiond users …`: an operator at the server's shell acting on any account, in a workspace or
 * not. The operator has no account here: every change is recorded on the account's timeline with
 * an `admin` actor (no admin id, no address), and the owner is mailed where the product mails for
 * the same change made by themselves. Workspace-scoped administration (`sessions`, `members`)
 * acts as a named member instead (`--as`).
 */
import { Command, Option } from 'commander';
import { loadConfig, PASSWORD_ENV, passwordFromEnv, type Config } from '../../config.js';
import { signInAccountKey } from '../../core/accounts.js';
import { SessiondError } from '../../core/errors.js';
import { emailKey, type UserRecord } from '../../core/user.js';
import { createRegistry, type Registry } from '../../registry.js';
import { addConfigOptions, flagsOf } from '../options.js';
import { readNewPassword } from '../password-prompt.js';

/** The operator at the server's shell: an admin with no account of their own here. */
const OPERATOR = { kind: 'admin', adminId: null, ip: null } as const;

const STORAGE = ['databaseUrl', 'secretKeyFile', 'redisUrl', 'redisPrefix', 'smtpUrl', 'mailFrom', 'publicUrl'] as const;

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

const emailOption = () => new Option('--email <email>', 'The account.').makeOptionMandatory();

/** A subcommand on one account (`--email`); its action gets a registry that is closed after (mail and recording finish first). */
function accountCommand<O extends { email: string }>(
  name: string,
  description: string,
  build: (c: Command) => Command,
  run: (registry: Registry, user: UserRecord, options: O, config: Readonly<Config>) => Promise<void>,
): Command {
  const command = build(new Command(name).description(description).addOption(emailOption()));
  addConfigOptions(command, STORAGE);
  command.action(async (options: O) => {
    const config = loadConfig(flagsOf(command));
    const registry = await createRegistry(config, { logStream: process.stderr });
    try {
      const user = await registry.store.findUserByEmailKey(emailKey(options.email));
      if (!user) throw new SessiondError('not_found', `No account with the address ${options.email}.`);
      await run(registry, user, options, config);
    } finally {
      await registry.close();
    }
  });
  return command;
}

export function usersCommand(): Command {
  const users = new Command('users').description('Manage any account, in a workspace or not (as the operator).');
  users.addCommand(createCommand());
  for (const [name, disable] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users.addCommand(
      accountCommand(
        name,
        disable
          ? 'Disable an account: end every session of it at once, on every node, and refuse its sign-in until enabled.'
          : 'Enable a disabled account; its ended sessions stay ended.',
        (c) => c,
        async (registry, user) => {
          const changed = disable ? await registry.accounts.disable(user.id, OPERATOR) : await registry.accounts.enable(user.id, OPERATOR);
          console.log(
            `${user.email} ${changed ? (disable ? 'disabled; its sessions ended' : 'enabled') : disable ? 'was already disabled' : 'was not disabled'}`,
          );
        },
      ),
    );
  }
  users.addCommand(
    accountCommand(
      'sessions',
      "The account's active sessions, most recently active first: id, app, device, address, signed in, last active.",
      (c) => c,
      async (registry, user) => {
        console.log(['id', 'app', 'device', 'ip', 'signed in', 'last active'].join('\t'));
        for (const s of await registry.sessions.listUserSessions(user.id, null))
          console.log([s.id, s.clientId, `${s.device.name} (${s.device.os})`, s.ip, iso(s.signedInAt), iso(s.lastActiveAt)].join('\t'));
      },
    ),
  );
  users.addCommand(
    accountCommand<{ email: string; session?: string }>(
      'revoke-sessions',
      'End every session of the account (or only --session) at once, on every node; its timeline says an admin did it.',
      (c) => c.addOption(new Option('--session <id>', 'Only this session (`users sessions` lists them).')),
      async (registry, user, options) => {
        if (options.session) {
          const ended = await registry.revocation.endSession(user.id, options.session, OPERATOR);
          if (!ended) throw new SessiondError('not_found', `${user.email} has no active session ${options.session}.`);
          console.log(`ended session ${options.session} of ${user.email}`);
          return;
        }
        const count = await registry.revocation.endMatching({ userId: user.id }, OPERATOR, 'admin');
        console.log(`ended ${count} session(s) of ${user.email}`);
      },
    ),
  );
  users.addCommand(
    accountCommand(
      'unlock',
      'Clear the account\'s failed sign-in count, so a sign-in refused as "too many attempts" is checked again at once. Needs --redis: ' +
        'without it each server counts in its own memory (the count clears when its window ends, or at a restart).',
      (c) => c,
      async (registry, user, _options, config) => {
        if (config.redisUrl === null)
          throw new SessiondError(
            'invalid_request',
            'users unlock needs --redis (or SESSIOND_REDIS_URL), where the servers share their sign-in counts. Without Redis each ' +
              `server counts failures in its own memory: they clear ${Math.round(config.signInAccountLimit.windowMs / 60_000)} minutes after they began, or when it restarts.`,
          );
        await registry.rateLimiter.reset(signInAccountKey(user.emailKey));
        console.log(`${user.email}: failed sign-in count cleared; the next sign-in is checked`);
      },
    ),
  );
  users.addCommand(
    accountCommand<{ email: string; endSessions?: boolean }>(
      'reset-mfa',
      'Turn two-step verification off for an owner who lost their authenticator and recovery codes: the factor, every ' +
        'recovery code and every device trust go; recorded on their timeline as done by an admin, and the owner is mailed. ' +
        'Their sessions stay, unless --end-sessions.',
      (c) => c.addOption(new Option('--end-sessions', 'Also end every session of the account (they sign in again with the password).')),
      async (registry, user, options) => {
        const wasOn = await registry.mfa.isEnabled(user.id);
        if (wasOn) await registry.mfa.disable(user.id, OPERATOR);
        const ended = options.endSessions ? await registry.revocation.endMatching({ userId: user.id }, OPERATOR, 'admin') : null;
        console.log(
          `${user.email}: ${wasOn ? 'two-step verification turned off, recovery codes and device trust removed; the owner is mailed' : 'two-step verification was not on'}` +
            (ended === null ? '' : `; ${ended} session(s) ended`),
        );
      },
    ),
  );
  return users;
}

function createCommand(): Command {
  const create = new Command('create')
    .description(
      `Create an account. Without --password or ${PASSWORD_ENV}, the password is asked twice with echo off on a terminal, or read as the first line of stdin.`,
    )
    .addOption(new Option('--email <email>', 'The email address to sign in with.').makeOptionMandatory())
    .addOption(
      new Option('--password <password>', 'The password. Avoid: it lands in shell history; leave it out to be asked, or pipe it on stdin.'),
    )
    .option('--name <name>', 'Display name.')
    .option(
      '--admin',
      'Mark the account as an operator (stored as is_admin). Nothing reads the mark today: it grants no permission; workspace rights come from workspace roles.',
      false,
    );
  addConfigOptions(create, ['databaseUrl', 'secretKeyFile', 'minPasswordLength']);
  create.action(async (options: { email: string; password?: string; name?: string; admin: boolean }) => {
    const config = loadConfig(flagsOf(create));
    if (options.password !== undefined)
      console.error(`sessiond: warning: --password lands in your shell history; leave it out to be asked, or set ${PASSWORD_ENV}.`);
    const password = options.password ?? passwordFromEnv() ?? (await readNewPassword());
    const registry = await createRegistry(config);
    try {
      const user = await registry.accounts.signUp({ email: options.email, password, name: options.name ?? null, isAdmin: options.admin });
      console.log(`created ${user.isAdmin ? 'admin ' : ''}account ${user.email} (id ${user.id})`);
    } finally {
      await registry.close();
    }
  });
  return create;
}
