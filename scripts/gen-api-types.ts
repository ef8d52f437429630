/**
 * Writes web/src/api-types.ts, the web's wire types, from the server's OpenAPI document
 * (`npm run gen:api-types`). The web may not import from src/, so the route schemas reach it
 * this way; test/http/api-types.test.ts fails when the committed file is out of step with them.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import prettier from 'prettier';
import { openApiDocument } from './openapi.js';

export const API_TYPES_FILE = fileURLToPath(new URL('../web/src/api-types.ts', import.meta.url));

const HEADER = `/**
 * Generated from the server's OpenAPI document by \`npm run gen:api-types\`; do not edit.
 * Change the route schemas under src/http/ instead, then regenerate.
 */

`;

/** The file's text, formatted as the repository formats TypeScript. */
export async function renderApiTypes(document: Record<string, unknown>): Promise<string> {
  const text = HEADER + astToString(await openapiTS(document as unknown as OpenAPI3));
  const options = await prettier.resolveConfig(API_TYPES_FILE);
  return prettier.format(text, { ...options, filepath: API_TYPES_FILE });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(API_TYPES_FILE, await renderApiTypes(await openApiDocument()));
  console.log('wrote web/src/api-types.ts');
}
