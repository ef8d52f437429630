/**
 * The web pages (built by Vite into web/dist) and the text they take from configuration.
 * The pages are one document; the server answers their three routes with it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HttpContext } from '../context.js';
import { UiConfig } from '../schemas.js';

export const PAGE_ROUTES = [
  '/sign-in',
  '/settings/security/sessions',
  '/settings/security/password',
  '/settings/security/mfa',
  // Security signals: the activity timeline, password reset, and the "This wasn't me" link from alert mail.
  '/settings/security/activity',
  '/reset-password',
  '/reset-password/confirm',
  '/report-sign-in',
] as const;

/** web/dist: three levels up from both src/http/web (tests) and dist/http/web (built). */
export function webRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

export function webRoutes({ registry }: HttpContext): FastifyPluginAsyncTypebox {
  const { config } = registry;
  return async (app) => {
    app.get('/v1/ui/config', { schema: { tags: ['ui'], response: { 200: UiConfig } } }, async () => ({
      product_name: 'sessiond',
      sessions_page: { covers: config.sessionsPageCovers, excludes: config.sessionsPageExcludes },
    }));

    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/settings/security/sessions'));

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
