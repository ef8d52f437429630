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

  it('gives the pages their boundary text and the deployment’s apps from configuration', async () => {
    const res = await h.request({ method: 'GET', url: '/v1/ui/config' });
    expect(res.json()).toEqual({
      product_name: 'sessiond',
      sessions_page: { covers: 'Only our apps.', excludes: 'Not your GitHub login.' },
      apps: [
        { id: 'web', name: 'Web', kind: 'browser' },
        { id: 'kiosk', name: 'Front-desk kiosk', kind: 'browser' },
      ],
    });
  });
});
