/** The pages are served by the server itself (built into web/dist by `npm run build`). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ROUTES, webRoot } from '../../src/http/web/routes.js';
import { harness, type Harness } from '../support/harness.js';

describe('web pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('sqlite', {
      sessionsPageCovers: 'Only our apps.',
      sessionsPageExcludes: 'Not your GitHub login.',
      clients: JSON.stringify([
        { id: 'web', name: 'Web', kind: 'browser' },
        { id: 'kiosk', name: 'Front-desk kiosk', kind: 'browser' },
      ]),
    });
  });
  afterAll(async () => h.close());

  // Every page of the web app's own list (web/src/page-routes.json).
  it.each(PAGE_ROUTES)('serves %s as the app document, never cached', async (url) => {
    const res = await h.request({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toMatch(/<script type="module"[^>]+src="\/assets\//);
  });

  it('serves hashed assets as immutable', async () => {
    const asset = readdirSync(path.join(webRoot(), 'assets')).find((f) => f.endsWith('.js'));
    const res = await h.request({ method: 'GET', url: `/assets/${asset}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('sends / to the Active sessions page', async () => {
    const res = await h.request({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/settings/security/sessions');
  });

  describe('a mistyped address', () => {
    const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

    it.each(['/settings/security/sesions', '/sessions', '/settings/nope', '/settings/security/sessions/x', '/favicon.png'])(
      'gives a browser the app’s Page not found for %s: HTML, status 404',
      async (url) => {
        const res = await h.request({ method: 'GET', url, headers: HTML });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.body).toMatch(/<script type="module"[^>]+src="\/assets\//);
      },
    );

    it.each(['/settings', '/settings/', '/settings/security', '/settings/security/'])('sends %s to Active sessions', async (url) => {
      const res = await h.request({ method: 'GET', url, headers: HTML });
      expect([301, 302]).toContain(res.statusCode);
      expect(res.headers.location).toBe('/settings/security/sessions');
    });

    it('answers each of these once: the server logs no second reply', async () => {
      const before = h.logs.length;
      for (const url of ['/settings', '/settings/security/', '/settings/nope', '/sign-in/?a=1'])
        await h.request({ method: 'GET', url, headers: HTML });
      await h.request({ method: 'GET', url: '/nope', headers: { accept: 'application/json' } });
      const logged = h.logs.slice(before).join('\n');
      expect(logged).not.toContain('Reply was already sent');
      expect(logged).not.toContain('"level":50');
    });

    it.each(PAGE_ROUTES)('sends %s/ (a trailing slash) to the page, keeping the query', async (page) => {
      const res = await h.request({ method: 'GET', url: `${page}/?token=abc`, headers: HTML });
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe(`${page}?token=abc`);
    });

    it('has a favicon: the document names it and /favicon.ico answers with it', async () => {
      const page = await h.request({ method: 'GET', url: '/sign-in', headers: HTML });
      const href = /<link rel="icon"[^>]*href="([^"]+)"/.exec(page.body)?.[1];
      expect(href).toMatch(/^\/assets\/favicon-[\w-]+\.svg$/);
      const icon = await h.request({ method: 'GET', url: href! });
      expect(icon.statusCode).toBe(200);
      expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
      const ico = await h.request({ method: 'GET', url: '/favicon.ico', headers: { accept: 'image/avif,image/webp,*/*' } });
      expect(ico.statusCode).toBe(200);
      expect(ico.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(ico.body).toBe(icon.body);
    });

    it.each(['/v1/nope', '/v1/me/nope/', '/v1', '/assets/nope.js', '/openapi.json/', '/healthz/x', '/metrics/x'])(
      'keeps the API’s JSON 404 for %s whatever Accept says',
      async (url) => {
        const res = await h.request({ method: 'GET', url, headers: HTML });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
      },
    );

    it('keeps JSON for a client that does not ask for HTML, and for a state change', async () => {
      const api = await h.request({ method: 'GET', url: '/settings/security/sesions', headers: { accept: 'application/json' } });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ error: { code: 'not_found' } });
      const post = await h.request({
        method: 'POST',
        url: '/settings',
        headers: { ...HTML, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(post.statusCode).toBe(404);
      expect(post.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  it('gives the pages their boundary text and the deployment’s apps from configuration', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/ui/config' });
    expect(res.json()).toEqual({
      product_name: 'sessiond',
      sessions_page: { covers: 'Only our apps.', excludes: 'Not your GitHub login.' },
      apps: [
        { id: 'web', name: 'Web', kind: 'browser' },
        { id: 'kiosk', name: 'Front-desk kiosk', kind: 'browser' },
      ],
      // The harness's public URL is http://127.0.0.1:…: an IP address cannot be a WebAuthn relying party.
      passkeys: false,
    });
  });
});
