import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, makeEvent, makeSession, NOW } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const me = makeSession({ id: 'me', current: true });
const phone = makeSession({ id: 'phone', device: { name: 'iPhone', os: 'iOS 18', browser: null, type: 'mobile' } });

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/security/sessions');
  return render(<App api={api} now={() => NOW} />);
}

const section = () => screen.getByRole('region', { name: 'Recent security activity' });

describe('Recent security activity on the Active sessions page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me, phone]);
    api.listSecurityEvents.mockResolvedValue({
      events: [
        makeEvent({
          id: 'new',
          kind: 'new_device',
          session_id: 'phone',
          actor: { kind: 'session', session_id: 'phone', ip: null, current: false },
        }),
        makeEvent({ id: 'in' }),
      ],
      next_cursor: 'c1',
    });
  });

  it('shows the latest five events, marks a new device and links to the full page', async () => {
    open(api);
    const list = await within(section()).findByRole('list');
    expect(api.listSecurityEvents).toHaveBeenCalledWith({ limit: 5 });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByText('New device')).toBeTruthy();
    expect(items[0]!.textContent).toContain('Sign-in from a new device');
    // The sessions to review are right above: no link to the page itself.
    expect(within(section()).queryByRole('link', { name: 'Review your sessions' })).toBeNull();
    fireEvent.click(within(section()).getByRole('link', { name: 'See all security activity' }));
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/activity'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Recent security activity' })).toBeTruthy();
  });

  it('reloads after a session is signed out on the page', async () => {
    open(api);
    await within(section()).findByRole('list');
    const calls = api.listSecurityEvents.mock.calls.length;
    fireEvent.click(await screen.findByRole('button', { name: /^Sign out iPhone/ }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(api.listSecurityEvents.mock.calls.length).toBeGreaterThan(calls));
  });

  it('says when there is nothing yet, and when it cannot load, with a retry', async () => {
    api.listSecurityEvents.mockResolvedValueOnce({ events: [], next_cursor: null });
    const { unmount } = open(api);
    expect(await within(section()).findByText('There is no security activity on your account yet.')).toBeTruthy();
    unmount();

    api.listSecurityEvents.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The service is temporarily unavailable.'));
    open(api);
    const status = await within(section()).findByText(/could not be loaded/);
    expect(status.textContent).toBe('Your security activity could not be loaded. The service is temporarily unavailable.');
    fireEvent.click(within(section()).getByRole('button', { name: 'Try again' }));
    expect(await within(section()).findByRole('list')).toBeTruthy();
  });
});
