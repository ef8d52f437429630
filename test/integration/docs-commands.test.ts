/**
 * Every sessiond command the docs show exists, with every flag it is shown with: README.md,
 * docs/*.md and the examples' READMEs are read for command lines in code blocks (`npx sessiond …`,
 * `node bin/sessiond.js …`, continued with `\`) and inline code (`sessiond serve`), and each is
 * checked against the CLI's own commander program. `a|b` in a command path means both; `[--x]`
 * is an optional flag, checked like the others. A renamed command or flag fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../../src/cli/main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `examples/${d.name}/README.md`)
    .filter((f) => {
      try {
        readFileSync(path.join(ROOT, f));
        return true;
      } catch {
        return false;
      }
    }),
];

const PREFIX = /^(?:\$ )?(?:[A-Z_]+=\S+ )*(?:npx sessiond|node bin\/sessiond\.js)\s+(.*)$/;
/** Inline code that reads as a command, not the server's output ("sessiond listening on …") or a mail sender. */
const INLINE = /`(?:npx sessiond|node bin\/sessiond\.js|sessiond) ([^`]*)`/g;
const NOT_COMMANDS = [/^listening on /, /^</, /^…$/];

interface Shown {
  where: string;
  text: string;
}

/** The command lines of one document: code-block lines (joined across `\`) and inline code. */
function commandsIn(file: string): Shown[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const found: Shown[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      let text = line.trim();
      const start = i;
      while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
      const m = PREFIX.exec(text);
      if (m) found.push({ where: `${file}:${start + 1}`, text: m[1]! });
      continue;
    }
    for (const m of line.matchAll(INLINE)) {
      const rest = m[1]!.trim();
      if (!NOT_COMMANDS.some((r) => r.test(rest))) found.push({ where: `${file}:${i + 1}`, text: rest });
    }
  }
  return found;
}

/**
 * The command path (with `a|b` alternatives), the flags every alternative takes, and the optional
 * ones (`[--x]`), which some alternative takes (`members list|offboard … [--user E]`).
 */
function parse(text: string): { paths: string[][]; flags: string[]; optional: string[] } {
  const withoutComment = text.replace(/\s+#.*$/, '').replace(/\s+[>|]\s.*$/, '');
  const words = withoutComment.split(/\s+/).filter((w) => w !== '');
  const path: string[][] = [];
  for (const w of words) {
    if (!/^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(w)) break;
    path.push(w.split('|'));
  }
  const paths = path.reduce<string[][]>((acc, alts) => acc.flatMap((p) => alts.map((a) => [...p, a])), [[]]);
  const all = [...withoutComment.matchAll(/(^|[\s[])(--[a-z][a-z0-9-]*)/g)];
  const flags = all.filter((m) => m[1] !== '[').map((m) => m[2]!);
  const optional = all.filter((m) => m[1] === '[').map((m) => m[2]!);
  return { paths, flags, optional };
}

function resolve(root: Command, names: string[]): Command | null {
  let command = root;
  for (const name of names) {
    const next = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!next) return command.commands.length === 0 ? command : null;
    command = next;
  }
  return command;
}

const shown = DOCS.flatMap(commandsIn);

describe('the commands the docs show', () => {
  it('finds the documented commands (the docs were read)', () => {
    expect(shown.length).toBeGreaterThan(25);
  });

  it.each(shown.map((s) => [s.where, s.text] as const))('%s: sessiond %s', (_where, text) => {
    const root = program();
    const { paths, flags, optional } = parse(text);
    const knownBy: Set<string>[] = [];
    for (const names of paths) {
      const command = resolve(root, names);
      expect(command, `no command "sessiond ${names.join(' ')}"`).not.toBeNull();
      // A command with subcommands is not run bare in the docs, unless asked for help.
      if (command!.commands.length > 0 && !flags.includes('--help'))
        expect.fail(`"sessiond ${names.join(' ')}" needs a subcommand (${command!.commands.map((c) => c.name()).join(', ')})`);
      const known = new Set([...command!.options.map((o) => o.long ?? ''), '--help', '--version']);
      for (const flag of flags) expect(known.has(flag), `"sessiond ${names.join(' ')}" has no ${flag}`).toBe(true);
      knownBy.push(known);
    }
    for (const flag of optional)
      expect(
        knownBy.some((k) => k.has(flag)),
        `no "sessiond ${paths.map((p) => p.join(' ')).join(' | ')}" has ${flag}`,
      ).toBe(true);
  });
});
