/**
 * The OpenAPI document of the HTTP API, without a server: `buildApp` on an in-memory SQLite
 * database, `app.swagger()`, then both closed again, so nothing is left running.
 *
 *   tsx scripts/openapi.ts [file]   writes the document to `file` (default: stdout)
 *
 * `npm run lint` lints it with Redocly (redocly.yaml); `npm run gen:api-types` turns it into the
 * web's wire types (web/src/api-types.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { UNKNOWN_LOCATION } from '../src/adapters/geo/maxmind-geo.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { createRegistry } from '../src/registry.js';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  // Only the environment's defaults matter here, not whatever SESSIOND_* the shell happens to set.
  const config = loadConfig({ databaseUrl: 'sqlite::memory:', logLevel: 'silent' }, {});
  // The location database is 130 MB and no part of the document.
  const registry = await createRegistry(config, { geo: { locate: () => UNKNOWN_LOCATION }, bus: 'none', logStream: quiet });
  try {
    const app = await buildApp(registry, { logStream: quiet });
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await registry.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
  const file = process.argv[2];
  if (file === undefined) process.stdout.write(text);
  else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
