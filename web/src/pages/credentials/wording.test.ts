import { describe, expect, it } from 'vitest';
import { makeConnectedApp, makeDeviceSignIn, makePersonalToken } from '../../testing/fixtures';
import { offeredScopes } from './tokens-section';
import { deviceSignInLabel, initialOf, placeText, safeLogoUri, scopesText, scopeText } from './wording';

describe('credential wording', () => {
  it('says the OpenID scopes in words and shows any other scope as named', () => {
    expect(['openid', 'profile', 'email', 'offline_access', 'calendar:read'].map((s) => scopeText(s))).toEqual([
      'Confirm it’s you',
      'Your name',
      'Your email address',
      'Stay connected when you’re away',
      'calendar:read',
    ]);
    expect(scopesText(['openid', 'openid', 'email'])).toEqual(['Confirm it’s you', 'Your email address']);
  });

  it('names a device sign-in by app, device and approximate place, leaving out what is unknown', () => {
    expect(deviceSignInLabel(makeDeviceSignIn({ id: 'd' }))).toBe('Command line · build-server · near Frankfurt, DE');
    expect(deviceSignInLabel(makeDeviceSignIn({ id: 'd', device_name: ' ', last_used_location: null }))).toBe('Command line');
    expect(
      deviceSignInLabel(
        makeConnectedApp({
          id: 'd',
          device_name: 'TV',
          last_used_location: { city: null, region: null, country: 'NL', approximate: true },
        }),
      ),
    ).toBe('Notes Pro · TV · in NL');
    expect(placeText(null)).toBeNull();
    expect(placeText({ city: null, region: null, country: null, approximate: true })).toBeNull();
  });

  it('loads only https logos (or this site’s own), and stands in with the initial otherwise', () => {
    expect(safeLogoUri('https://cdn.example/logo.svg')).toBe('https://cdn.example/logo.svg');
    expect(safeLogoUri('/assets/cli.svg')).toBe('/assets/cli.svg');
    expect(safeLogoUri('http://cdn.example/logo.svg')).toBeNull();
    expect(safeLogoUri('javascript:alert(1)')).toBeNull();
    expect(safeLogoUri('data:image/svg+xml,<svg/>')).toBeNull();
    expect(safeLogoUri('//evil.example/x.png')).toBeNull();
    expect(safeLogoUri(null)).toBeNull();
    expect(initialOf(' notes')).toBe('N');
    expect(initialOf('')).toBe('?');
  });

  it('offers the server’s scopes for a new token, else the ones its tokens have, else api:read and api:write', () => {
    expect(offeredScopes(null)).toEqual(['api:read', 'api:write']);
    expect(offeredScopes({ tokens: [] })).toEqual(['api:read', 'api:write']);
    expect(offeredScopes({ tokens: [], available_scopes: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(offeredScopes({ tokens: [makePersonalToken({ id: 't', scopes: ['sessions:read'] })] })).toEqual([
      'api:read',
      'api:write',
      'sessions:read',
    ]);
  });
});
