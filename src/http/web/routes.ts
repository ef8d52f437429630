/**
 * The web pages (built by Vite into web/dist) and the text they take from configuration.
 * The pages are one document; the server answers each page route with it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { UiConfig, responses } from '../schemas.js';
// The web app's own list of its pages, so server and router cannot disagree. A JSON file because
// it is the one format both builds take: tsconfig.build.json (rootDir src) refuses a .ts file from
// web/, and web/ may not import from src/. It is read at run time from web/src (three levels up
// from src/http/web and dist/http/web alike), which is why package.json ships it.
import pageRoutes from '../../../web/src/page-routes.json' with { type: 'json' };

export const PAGES = pageRoutes.pages;
export const PAGE_ROUTES: readonly string[] = Object.values(PAGES);

/** web/dist: three levels up from both src/http/web (tests) and dist/http/web (built). */
export function webRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

export function webRoutes({ registry }: HttpContext): FastifyPluginAsyncTypebox {
  const { config } = registry;
  return async (app) => {
    app.get(
      '/v1/ui/config',
      {
        schema: {
          tags: ['ui'],
          operationId: 'getUiConfig',
          summary: 'The product name and page text the web pages take from configuration',
          security: SECURITY.public,
          response: responses({ 200: UiConfig }),
        },
      },
      async () => ({
        product_name: 'sessiond',
        sessions_page: { covers: config.sessionsPageCovers, excludes: config.sessionsPageExcludes },
        apps: config.clients.map(({ id, name, kind }) => ({ id, name, kind })),
      }),
    );

    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(PAGES.sessions));

    const root = webRoot();
    if (!existsSync(path.join(root, 'index.html'))) {
      app.log.warn({ root }, 'web pages are not built (run npm run build); the API still works');
      return;
    }
    await app.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
    });
    for (const route of PAGE_ROUTES) {
      app.get(route, { schema: { hide: true } }, async (_request, reply) =>
        // The document names the current asset hashes: never cache it (the assets themselves are immutable).
        reply.header('cache-control', 'no-store').sendFile('index.html', root, { cacheControl: false }),
      );
    }
  };
}
