import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './app';
import pageRoutes from './page-routes.json';
import { fakeApi, makeSession, NOW } from './testing/fixtures';

function open(path: string) {
  window.history.replaceState(null, '', path);
  render(<App api={fakeApi([makeSession({ id: 'me', current: true })])} now={() => NOW} />);
}

// The server serves the app document at every path of page-routes.json; each must be a page here.
describe('page routes', () => {
  it.each(Object.entries(pageRoutes.pages))('%s (%s) is a page of the app', (_name, path) => {
    open(path);
    expect(screen.queryByRole('heading', { level: 1, name: 'Page not found' })).toBeNull();
  });

  it('anything else is "Page not found"', () => {
    open('/settings/security/nothing-here');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
  });
});
