import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import type { SecurityEventPage } from '../../api';
import { fakeApi, makeEvent, makeSession, NOW, unauthenticated } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';
import { mergeNewest } from './activity-page';

const suspicious = makeEvent({
  id: 'sus',
  kind: 'suspicious_sign_in',
  at: '2026-01-15T11:50:00Z',
  session_id: 'intruder',
  ip: '89.2.0.1',
  location: { city: 'Paris', region: null, country: 'FR', approximate: true },
  device: { name: 'iPhone', os: 'iOS 18', browser: 'Safari 18' },
  actor: { kind: 'session', session_id: 'intruder', ip: '89.2.0.1', current: false },
  signals: [{ kind: 'new_country', country: 'FR', known_countries: ['GB'] }],
});
const revoked = makeEvent({
  id: 'rev',
  kind: 'session_revoked',
  at: '2026-01-15T11:58:00Z',
  session_id: 'intruder',
  reason: 'reported',
  device: null,
  client: null,
  location: null,
  actor: { kind: 'session', session_id: 'me', ip: '203.0.113.7', current: true },
});
const signIn = makeEvent({ id: 'in', at: '2026-01-14T09:00:00Z' });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/security/activity');
  return render(<App api={api} now={() => NOW} />);
}

async function items(): Promise<HTMLElement[]> {
  const list = await screen.findByRole('list', { name: 'Security events' });
  return within(list)
    .getAllByRole('listitem')
    .filter((li) => li.parentElement === list);
}

describe('Security activity page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([makeSession({ id: 'me', current: true })]);
    api.listSecurityEvents.mockResolvedValue({ events: [revoked, suspicious, signIn], next_cursor: null });
  });

  it('is a tab of the security settings, between Active sessions and Password', async () => {
    open(api);
    const nav = screen.getByRole('navigation', { name: 'Security settings' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Active sessions', 'Security activity', 'Password', 'Two-step verification', 'Passkeys', 'Workspaces']);
    expect(within(nav).getByRole('link', { name: 'Security activity' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Recent security activity');
    await items();
    expect(document.title).toBe('Recent security activity · sessiond');
  });

  it('shows a loading state, then each event in words with relative and exact times', async () => {
    const page = deferred<SecurityEventPage>();
    api.listSecurityEvents.mockReturnValueOnce(page.promise);
    open(api);
    expect(screen.getByText('Loading your security activity…')).toBeTruthy();
    await act(async () => page.resolve({ events: [revoked, suspicious, signIn], next_cursor: null }));
    const [first, second, third] = await items();
    expect(within(first!).getByRole('heading').textContent).toBe('A session was signed out');
    expect(first!.textContent).toContain('By you, on this device');
    const time = within(first!).getByText('2 minutes ago');
    expect(time.getAttribute('datetime')).toBe('2026-01-15T11:58:00Z');
    expect(time.getAttribute('title')).toMatch(/Jan 15, 2026/);

    expect(third!.textContent).toContain('Signed in');
    expect(within(third!).getByText('This device')).toBeTruthy();
    expect(third!.textContent).toContain('near Cambridge, GB (approximate)');
    expect(api.listSecurityEvents).toHaveBeenCalledWith({ limit: 20 });
    expect(second).toBeTruthy();
  });

  it('marks an unusual sign-in, says why, and links to the sessions to review', async () => {
    open(api);
    const [, unusual] = await items();
    expect(unusual!.className).toContain('event-unusual');
    expect(within(unusual!).getByText('Check this')).toBeTruthy();
    expect(within(unusual!).getByRole('list', { name: 'Why it was flagged' }).textContent).toContain(
      'A country this account has not signed in from before (FR)',
    );
    expect(unusual!.textContent).toContain('iPhone (iOS 18 · Safari 18)');
    expect(unusual!.textContent).toContain('near Paris, FR (approximate)');
    expect(unusual!.textContent).toContain('89.2.0.1');
    const review = within(unusual!).getByRole('link', { name: 'Review your sessions' });
    fireEvent.click(review);
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/sessions'));
  });

  it('loads older events with the cursor and moves focus to the first of them', async () => {
    api.listSecurityEvents.mockResolvedValueOnce({ events: [revoked, suspicious], next_cursor: 'c1' });
    api.listSecurityEvents.mockResolvedValueOnce({ events: [signIn], next_cursor: null });
    open(api);
    expect(await items()).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(async () => expect(await items()).toHaveLength(3));
    expect(api.listSecurityEvents).toHaveBeenLastCalledWith({ cursor: 'c1', limit: 20 });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-labelledby')).toBe('event-in-title'));
  });

  it('keeps what is loaded and offers a retry when older events fail to load', async () => {
    api.listSecurityEvents.mockResolvedValueOnce({ events: [revoked], next_cursor: 'c1' });
    api.listSecurityEvents.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The service is temporarily unavailable.'));
    open(api);
    await items();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Older activity could not be loaded: The service is temporarily unavailable.',
    );
    expect(await items()).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Load more' })).toBeTruthy();
  });

  it('says when there is no activity', async () => {
    api.listSecurityEvents.mockResolvedValue({ events: [], next_cursor: null });
    open(api);
    expect(await screen.findByText('There is no security activity on your account yet.')).toBeTruthy();
  });

  it('shows a load failure in words with a retry', async () => {
    api.listSecurityEvents.mockRejectedValueOnce(
      new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.'),
    );
    open(api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your security activity could not be loaded. Could not reach the server.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await items()).toHaveLength(3);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when offline, disables Load more, and adds newer events on top when back online', async () => {
    api.listSecurityEvents.mockResolvedValueOnce({ events: [suspicious, signIn], next_cursor: 'c1' });
    open(api);
    await items();
    await act(async () => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(screen.getByText(/You are offline/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Load more' }) as HTMLButtonElement).disabled).toBe(true);
    api.listSecurityEvents.mockResolvedValueOnce({ events: [revoked, suspicious], next_cursor: 'c9' });
    await act(async () => {
      window.dispatchEvent(new Event('online'));
    });
    expect(screen.queryByText(/You are offline/)).toBeNull();
    await waitFor(async () =>
      expect((await items()).map((li) => li.getAttribute('aria-labelledby'))).toEqual([
        'event-rev-title',
        'event-sus-title',
        'event-in-title',
      ]),
    );
    // The older pages' cursor is kept, not the fresh page's.
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(api.listSecurityEvents).toHaveBeenLastCalledWith({ cursor: 'c1', limit: 20 });
  });

  it('sends a signed-out visitor to sign-in and back', async () => {
    api.listSecurityEvents.mockRejectedValue(unauthenticated());
    api.getCurrentSession.mockRejectedValue(unauthenticated());
    open(api);
    expect(await screen.findByText('Sign in to continue.')).toBeTruthy();
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/settings/security/activity');
  });
});

describe('mergeNewest', () => {
  it('replaces the list when the fresh page does not reach what is loaded', () => {
    const merged = mergeNewest({ events: [signIn], next: 'old' }, { events: [revoked, suspicious], next_cursor: 'new' });
    expect(merged).toEqual({ events: [revoked, suspicious], next: 'new' });
  });
});
