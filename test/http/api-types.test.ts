/**
 * One source of truth across the wire: the route schemas make the OpenAPI document, and the
 * document makes the web's wire types (web/src/api-types.ts). A schema change that is not
 * regenerated fails here.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/gen-api-types.js';
import { openApiDocument } from '../../scripts/openapi.js';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
}

describe('the OpenAPI document and the web’s types', () => {
  let document: Record<string, unknown>;
  beforeAll(async () => {
    document = await openApiDocument();
  });

  it('web/src/api-types.ts is generated from the server’s current schemas', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed, 'web/src/api-types.ts is out of step with the route schemas: run `npm run gen:api-types`').toBe(
      await renderApiTypes(document),
    );
  });

  it('names, summarises and secures every operation, and says what it answers when refused', () => {
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const schemes = Object.keys((document.components as { securitySchemes: object }).securitySchemes);
    const ids: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
        expect(op.summary, name).toBeTruthy();
        expect(op.security, name).toBeInstanceOf(Array);
        for (const requirement of op.security ?? []) expect(schemes, name).toEqual(expect.arrayContaining(Object.keys(requirement)));
        expect(Object.keys(op.responses ?? {}), name).toContain('4XX');
        ids.push(op.operationId ?? '');
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['signIn', 'listMySessions', 'revokeMySession', 'introspectToken']));
  });
});
