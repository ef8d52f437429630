/** First-party apps, and how a session of an app no longer configured is shown. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENTS, describeClient } from './clients.js';

describe('DEFAULT_CLIENTS', () => {
  it('names the first-party apps a fresh server accepts, each once', () => {
    const ids = DEFAULT_CLIENTS.map((c) => c.id);
    expect(ids).toEqual(['web', 'desktop', 'mobile', 'platform', 'cli']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('treats only the web apps as browsers (cookies and CSRF checks); the native apps use bearer tokens', () => {
    const kinds = Object.fromEntries(DEFAULT_CLIENTS.map((c) => [c.id, c.kind]));
    expect(kinds).toEqual({ web: 'browser', desktop: 'desktop', mobile: 'mobile', platform: 'browser', cli: 'cli' });
  });

  it('gives every app a name a person reads in the session list', () => {
    expect(DEFAULT_CLIENTS.map((c) => c.name)).toEqual(['Web', 'Desktop app', 'Mobile app', 'Platform console', 'Command line']);
  });

  it('cannot be changed at run time by whoever imports it', () => {
    expect(Object.isFrozen(DEFAULT_CLIENTS)).toBe(true);
  });
});

describe('describeClient', () => {
  it('finds a configured app by its id', () => {
    expect(describeClient(DEFAULT_CLIENTS, 'mobile')).toEqual({ id: 'mobile', name: 'Mobile app', kind: 'mobile' });
    const custom = [{ id: 'kiosk', name: 'Lobby kiosk', kind: 'desktop' as const }];
    expect(describeClient(custom, 'kiosk')).toBe(custom[0]);
  });

  it('shows an app removed from configuration by its id, as a service, rather than hiding its sessions', () => {
    expect(describeClient(DEFAULT_CLIENTS, 'old-partner-app')).toEqual({ id: 'old-partner-app', name: 'old-partner-app', kind: 'service' });
    expect(describeClient([], 'web')).toEqual({ id: 'web', name: 'web', kind: 'service' });
  });

  it('matches ids exactly (case matters)', () => {
    expect(describeClient(DEFAULT_CLIENTS, 'Web').kind).toBe('service');
  });
});
