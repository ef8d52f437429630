import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { defaultKeyFile, parseKeyFile, rotateKeyFile } from '../../adapters/crypto/secret-box.js';
import { ConfigError, loadConfig } from '../../config.js';
import { addConfigOptions, flagsOf } from '../options.js';

/**
 * `sessiond keys rotate`: puts a new key first in the secret key file (creating the file when
 * there is none). From the next start the new key seals and keys hashes; the old keys stay to open
 * what they sealed, and each TOTP secret is sealed again under the new key when next used.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description('The secret key file that seals TOTP secrets and keys recovery-code hashes.');
  const rotate = new Command('rotate').description(
    'Add a new key first in the key file (created if missing); restart every node with the new file.',
  );
  addConfigOptions(rotate, ['databaseUrl', 'secretKeyFile']);
  rotate.action(() => {
    const config = loadConfig(flagsOf(rotate));
    const path = config.secretKeyFile ?? defaultKeyFile(config.databaseUrl);
    if (path === null) throw new ConfigError(['name the key file with --secret-key-file']);
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : null;
    const kept = existing === null ? 0 : parseKeyFile(existing).length; // refuses a damaged file before writing
    const id = rotateKeyFile(path, existing);
    console.log(`${path}: new key ${id} first; ${kept} older key${kept === 1 ? '' : 's'} kept to open what they sealed`);
    console.error(
      'Restart every node with this file. Keep the older keys: recovery codes hashed under them still need them until they are replaced.',
    );
  });
  return keys.addCommand(rotate);
}
