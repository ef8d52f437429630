/**
 * `sessiond oauth-clients add|list|remove`: the apps that sign in with sessiond over OAuth 2.1 /
 * OpenID Connect, registered from the server's shell (the operator has the database, so no
 * `--as`; the admin API asks for an instance admin instead). Every command goes through the
 * OAuthClients use case (core/oauth-clients.ts), which checks what is registered exactly as the
 * API does. A web client's secret is printed once, by `add`.
 */
import { Command, Option } from 'commander';
import { loadConfig } from '../../config.js';
import { SessiondError } from '../../core/errors.js';
import { OAUTH_CLIENT_KINDS } from '../../core/oauth-clients.js';
import { oauthClientView } from '../../http/admin/oauth-client-schemas.js';
import { createRegistry, type Registry } from '../../registry.js';
import { addConfigOptions, flagsOf } from '../options.js';

const CONFIG_KEYS = ['databaseUrl', 'secretKeyFile'] as const;

/** A repeatable option's values, in the order given. */
const collect = (value: string, previous: string[]) => [...previous, value];

/** Runs `run` on a registry that is closed after; background logs go to stderr, so stdout stays the answer. */
function withRegistry<A extends unknown[]>(command: Command, run: (registry: Registry, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const registry = await createRegistry(loadConfig(flagsOf(command)), { logStream: process.stderr });
    try {
      await run(registry, ...args);
    } finally {
      await registry.close();
    }
  };
}

interface AddOptions {
  name: string;
  kind: string;
  redirectUri: string[];
  postLogoutRedirectUri: string[];
  logoUri?: string;
  backchannelLogoutUri?: string;
  firstParty?: boolean;
  json?: boolean;
}

export function oauthClientsCommand(): Command {
  const clients = new Command('oauth-clients').description(
    'The apps that sign in with sessiond over OAuth 2.1 / OpenID Connect (web apps, native apps, command lines and devices).',
  );

  const add = new Command('add')
    .description('Register a client and print its client_id (and, for a web client, its secret: shown once, kept sealed).')
    .addOption(
      new Option('--name <name>', 'Shown on the consent screen and in Settings › Security (1 to 80 characters).').makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--kind <kind>',
        'web: a server-side app with a secret; native: an installed app (PKCE, loopback or com.example.app:/ redirects); device: signs in with a code on another screen.',
      )
        .choices([...OAUTH_CLIENT_KINDS])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--redirect-uri <url>', 'Where the app receives the authorization code; repeat for several (web and native: 1 to 10).')
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option('--post-logout-redirect-uri <url>', 'Where the app may send the browser after signing out; repeatable.')
        .argParser(collect)
        .default([]),
    )
    .addOption(new Option('--logo-uri <url>', 'An https URL of the app’s logo.'))
    .addOption(
      new Option(
        '--backchannel-logout-uri <url>',
        'Where sessiond tells the app that a session ended (https, or http on a loopback host).',
      ),
    )
    .addOption(new Option('--first-party', 'The app is your own: it skips the consent screen.'))
    .addOption(new Option('--json', 'Print {client, client_secret?} as JSON, as the admin API answers.'));
  addConfigOptions(add, CONFIG_KEYS);
  add.action(
    withRegistry(add, async (registry, options: AddOptions) => {
      const { client, secret } = await registry.oauthClients.register({
        name: options.name,
        kind: options.kind,
        firstParty: options.firstParty === true,
        redirectUris: options.redirectUri,
        postLogoutRedirectUris: options.postLogoutRedirectUri,
        logoUri: options.logoUri ?? null,
        backchannelLogoutUri: options.backchannelLogoutUri ?? null,
      });
      if (options.json) {
        console.log(JSON.stringify({ client: oauthClientView(client), ...(secret !== null ? { client_secret: secret } : {}) }));
      } else {
        console.log(`client_id: ${client.id}`);
        if (secret !== null) console.log(`client_secret: ${secret}`);
      }
      console.error(
        `registered ${client.kind} client ${client.id} (${client.name})` +
          (secret !== null
            ? '; its client_secret is shown this once: store it now, it cannot be shown again.'
            : '; it is public: no secret.'),
      );
    }),
  );
  clients.addCommand(add);

  const list = new Command('list')
    .description('Every registered client, newest first: id, kind, first party, name, redirect URIs, created.')
    .addOption(new Option('--json', 'Print {clients: […]} as JSON, as the admin API answers.'));
  addConfigOptions(list, CONFIG_KEYS);
  list.action(
    withRegistry(list, async (registry, options: { json?: boolean }) => {
      const all = (await registry.oauthClients.list()).map(oauthClientView);
      if (options.json) {
        console.log(JSON.stringify({ clients: all }));
        return;
      }
      console.log(['id', 'kind', 'first_party', 'name', 'redirect_uris', 'created'].join('\t'));
      for (const c of all)
        console.log([c.id, c.kind, c.first_party ? 'yes' : 'no', c.name, c.redirect_uris.join(' ') || '-', c.created_at].join('\t'));
    }),
  );
  clients.addCommand(list);

  const remove = new Command('remove')
    .description('Remove a client: it can no longer sign anyone in, and the grants and tokens people gave it end.')
    .argument('<id>', 'The client_id (`oauth-clients list` shows it).');
  addConfigOptions(remove, CONFIG_KEYS);
  remove.action(
    withRegistry(remove, async (registry, id: string) => {
      const client = await registry.oauthClients.find(id);
      if (!client || !(await registry.oauthClients.remove(id))) throw new SessiondError('not_found', `No OAuth client with the id ${id}.`);
      console.log(`removed OAuth client ${id} (${client.name})`);
    }),
  );
  return clients.addCommand(remove);
}
