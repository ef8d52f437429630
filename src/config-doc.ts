/** docs/config.md, rendered from SETTINGS; a test fails when the committed file is stale. */
import { SETTINGS, describeDefault } from './config.js';

export function renderConfigDoc(): string {
  const rows = SETTINGS.map((s) => {
    const flag = typeof s.default === 'boolean' ? `\`--${s.flag}\` / \`--no-${s.flag}\`` : `\`--${s.flag}\``;
    return `| ${flag} | \`${s.env}\` | ${describeDefault(s).replaceAll('|', '\\|')} | ${s.doc.replaceAll('|', '\\|')} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `src/config.ts` by `npm run docs:config`; do not edit by hand.',
    '',
    'Every setting is read once at start. A flag wins over its environment variable, which wins over the default.',
    'All problems are reported together and the server does not start until they are fixed.',
    'Durations take the units `s`, `m`, `h`, `d` (`30m`, `12h`, `14d`); limits are `attempts/window` (`10/15m`).',
    '',
    '| flag | environment | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
