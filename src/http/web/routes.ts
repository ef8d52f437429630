/**
 * The web pages (built by Vite into web/dist) and the text they take from configuration.
 * The pages are one document; the server answers each page route with it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { askForClientHints } from '../client-hints.js';
import type { HttpContext } from '../context.js';
import { SECURITY } from '../openapi.js';
import { UiConfig, responses } from '../schemas.js';
// The web app's own list of its pages, so server and router cannot disagree. A JSON file because
// it is the one format both builds take: tsconfig.build.json (rootDir src) refuses a .ts file from
// web/, and web/ may not import from src/. It is read at run time from web/src (three levels up
// from src/http/web and dist/http/web alike), which is why package.json ships it.
import pageRoutes from '../../../web/src/page-routes.json' with { type: 'json' };
import { passkeysAvailable } from '../../core/passkeys.js';

export const PAGES = pageRoutes.pages;
export const PAGE_ROUTES: readonly string[] = Object.values(PAGES);

/** web/dist: three levels up from both src/http/web (tests) and dist/http/web (built). */
export function webRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

/** Paths that belong to the API and the operators' endpoints: their 404 stays JSON whatever Accept says. */
const NOT_A_PAGE = /^\/(?:v1|assets|healthz|readyz|metrics|openapi\.json)(?:\/|$)/;

/** Where people look for their security settings: the section's first page. */
const SECTION_PAGES: Readonly<Record<string, string>> = {
  '/settings': PAGES.sessions,
  '/settings/security': PAGES.sessions,
};

/**
 * A GET for a path that is not a route, before it becomes the JSON 404: a page path with a
 * trailing slash, or a section without a page (`/settings`), goes to its page (query kept); any
 * other non-API path asked for by a browser (`Accept: text/html`) gets the app document with
 * status 404, which the app renders as its "Page not found". True when it answered; false when
 * the JSON 404 it would otherwise be is right (the API, a client that does not ask for HTML,
 * pages not built). A boolean, not the reply: a reply is thenable, and awaiting it resolved to
 * nothing, so the caller sent its 404 over the answer already sent.
 */
export async function answerMissingPage(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const [pathname = '', query] = splitUrl(request.url);
  if (NOT_A_PAGE.test(pathname)) return false;
  const trimmed = pathname.replace(/\/+$/, '');
  const target = SECTION_PAGES[trimmed] ?? (trimmed !== pathname && PAGE_ROUTES.includes(trimmed) ? trimmed : undefined);
  if (target !== undefined) {
    reply.redirect(query === undefined ? target : `${target}?${query}`, trimmed === pathname ? 302 : 301);
    return true;
  }
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  const document = await readFile(path.join(webRoot(), 'index.html'), 'utf8').catch(() => null);
  if (document === null) return false;
  askForClientHints(reply.code(404).header('cache-control', 'no-store')).type('text/html; charset=utf-8').send(document);
  return true;
}

function splitUrl(url: string): [string, string | undefined] {
  const at = url.indexOf('?');
  return at === -1 ? [url, undefined] : [url.slice(0, at), url.slice(at + 1)];
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
        passkeys: passkeysAvailable(config.publicUrl),
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
    // The pages name their icon (index.html); this answers browsers and tools that ask the old way.
    const favicon = readdirSync(path.join(root, 'assets')).find((f) => /^favicon-.*\.svg$/.test(f));
    if (favicon !== undefined) {
      app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
        reply.type('image/svg+xml').sendFile(favicon, path.join(root, 'assets'), { maxAge: '1d', immutable: false }),
      );
    }
    for (const route of PAGE_ROUTES) {
      app.get(route, { schema: { hide: true } }, async (_request, reply) =>
        // The document names the current asset hashes: never cache it (the assets themselves are immutable).
        askForClientHints(reply.header('cache-control', 'no-store')).sendFile('index.html', root, { cacheControl: false }),
      );
    }
  };
}
