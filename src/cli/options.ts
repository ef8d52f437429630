/** CLI flags come from the config table, so `--help`, the docs and the parser never disagree. */
import { Option, type Command } from 'commander';
import { SETTINGS, describeDefault, type Config } from '../config.js';

export type Flags = Partial<Record<keyof Config, string | boolean>>;

/** Adds the flags of the named settings (all when omitted) to a command. */
export function addConfigOptions(command: Command, keys?: readonly (keyof Config)[]): Command {
  for (const setting of SETTINGS) {
    if (keys && !keys.includes(setting.key)) continue;
    const help = `${setting.doc} [env ${setting.env}; default ${describeDefault(setting)}]`;
    if (typeof setting.default === 'boolean') {
      command.addOption(new Option(`--${setting.flag}`, help).argParser(() => true));
      command.addOption(new Option(`--no-${setting.flag}`, `Turn off --${setting.flag}.`));
    } else {
      command.addOption(new Option(`--${setting.flag} <value>`, help));
    }
  }
  return command;
}

/** Commander's option values, keyed back to config keys. Only flags the user gave are set. */
export function flagsOf(command: Command): Flags {
  const values = command.opts<Record<string, string | boolean | undefined>>();
  const flags: Flags = {};
  for (const setting of SETTINGS) {
    const name = setting.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const value = values[name];
    if (value !== undefined && command.getOptionValueSource(name) === 'cli') (flags as Record<string, unknown>)[setting.key] = value;
  }
  return flags;
}
