/** Writes docs/config.md from the settings table in src/config.ts (`npm run docs:config`). */
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../src/config-doc.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigDoc());
console.log('wrote docs/config.md');
