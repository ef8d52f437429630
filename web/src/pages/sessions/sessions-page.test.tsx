import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import type { Session } from '../../api';
import { App } from '../../app';
import { fakeApi, makeSession, NOW, reauthRequired, unauthenticated, uiConfig } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const me = makeSession({ id: 'me', current: true, last_active_at: '2026-01-15T10:00:00Z' });
const phone = makeSession({
  id: 'phone',
  client: { id: 'mobile', name: 'sessiond for iOS', kind: 'mobile' },
  device: { name: 'iPhone', os: 'iOS 18', browser: null, type: 'mobile' },
  location: { city: 'Lyon', region: null, country: 'FR', approximate: true },
  ip: '198.51.100.20',
  last_active_at: '2026-01-15T11:58:00Z',
  trusted: true,
});
const laptop = makeSession({
  id: 'laptop',
  device: { name: 'Firefox on Linux', os: 'Linux', browser: 'Firefox 133', type: 'desktop' },
  last_active_at: '2026-01-14T08:00:00Z',
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/security/sessions');
  return render(<App api={api} now={() => NOW} />);
}

async function rows(): Promise<HTMLElement[]> {
  const list = await screen.findByRole('list', { name: /Signed-in sessions/ });
  return within(list).getAllByRole('listitem');
}

function dialog(): HTMLElement {
  return screen.getByRole('dialog');
}

describe('Active sessions page', () => {
  let api: FakeApi;
  beforeEach(() => {
    // The server's order is not trusted: the page puts the current session first itself.
    api = fakeApi([laptop, phone, me]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a loading state, then one row per session with this device first', async () => {
    const list = deferred<Session[]>();
    api.listSessions.mockReturnValueOnce(list.promise);
    open(api);
    expect(screen.getByText('Loading your sessions…')).toBeTruthy();
    await act(async () => list.resolve([laptop, phone, me]));
    const items = await rows();
    expect(items.map((li) => within(li).getByRole('heading').textContent)).toEqual(['Chrome on Windows', 'iPhone', 'Firefox on Linux']);
    expect(within(items[0]!).getByText('This device')).toBeTruthy();
    expect(within(items[1]!).getByText('Trusted device')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: /Signed-in sessions \(3\)/ })).toBeTruthy();
  });

  it('states the boundary from the server configuration and credits the location data', async () => {
    open(api);
    expect(await screen.findByText(uiConfig.sessions_page.covers)).toBeTruthy();
    expect(screen.getByText(uiConfig.sessions_page.excludes)).toBeTruthy();
    const link = screen.getByRole('link', { name: 'IP Geolocation by DB-IP' });
    expect(link.getAttribute('href')).toBe('https://db-ip.com');
  });

  it('says in words when the boundary text cannot be loaded', async () => {
    api.getUiConfig.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The service is temporarily unavailable.'));
    open(api);
    expect((await screen.findByText(/could not be loaded: The service is temporarily unavailable\./)).getAttribute('role')).toBe('alert');
  });

  it('signs out one session after a dialog that names it, then names it in the notice', async () => {
    open(api);
    const items = await rows();
    const trigger = within(items[1]!).getByRole('button', { name: /^Sign out iPhone/ });
    fireEvent.click(trigger);
    const d = dialog();
    expect(within(d).getByRole('heading').textContent).toBe('Sign out this session?');
    expect(d.textContent).toContain('iPhone (sessiond for iOS, near Lyon, FR) will be signed out right away.');
    expect(d.textContent).toContain('including this device, stay signed in');
    expect(document.activeElement?.textContent).toBe('Cancel');

    api.listSessions.mockResolvedValue([laptop, me]);
    fireEvent.click(within(d).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out iPhone · sessiond for iOS.')).toBeTruthy();
    expect(api.revokeSession).toHaveBeenCalledWith('phone');
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(async () => expect(await rows()).toHaveLength(2));
    // The row (and its button) is gone, so focus lands on the list heading, not on <body>.
    await waitFor(() => expect(document.activeElement?.id).toBe('sessions-heading'));
  });

  it('cancels with Escape, calls nothing and returns focus to the button that opened the dialog', async () => {
    open(api);
    const items = await rows();
    const trigger = within(items[2]!).getByRole('button', { name: /^Sign out Firefox on Linux/ });
    trigger.focus();
    fireEvent.click(trigger);
    fireEvent.keyDown(dialog(), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.revokeSession).not.toHaveBeenCalled();
    await waitFor(() => expect(document.activeElement).toBe(trigger));
  });

  it('signs out of all other sessions with the count in the dialog and in the notice', async () => {
    open(api);
    await rows();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out of all other sessions' }));
    expect(dialog().textContent).toContain('All 2 other sessions will be signed out right away. This device stays signed in.');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out other sessions' }));
    expect(await screen.findByText('Signed out 2 sessions.')).toBeTruthy();
    expect(api.revokeOtherSessions).toHaveBeenCalledOnce();
  });

  it('names the one other session in the notice after signing out of all other sessions', async () => {
    api.listSessions.mockResolvedValue([me, phone]);
    api.revokeOtherSessions.mockResolvedValueOnce(1);
    open(api);
    await rows();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out of all other sessions' }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out other sessions' }));
    expect(await screen.findByText('Signed out iPhone · sessiond for iOS.')).toBeTruthy();
    expect(screen.queryByText('Signed out 1 session.')).toBeNull();
  });

  it('signs out everywhere and goes to sign-in with the count', async () => {
    open(api);
    await rows();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    expect(dialog().textContent).toContain('All 3 sessions, including this device, will be signed out');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out everywhere' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(window.location.search).toBe('?notice=signed_out_everywhere&count=3');
    expect(await screen.findByText('You signed out everywhere: 3 sessions ended.')).toBeTruthy();
  });

  it('signs this device out through sign-out, not by deleting its row', async () => {
    open(api);
    const items = await rows();
    fireEvent.click(within(items[0]!).getByRole('button', { name: 'Sign out this device' }));
    expect(within(dialog()).getByRole('heading').textContent).toBe('Sign out on this device?');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(api.signOut).toHaveBeenCalledOnce();
    expect(api.revokeSession).not.toHaveBeenCalled();
    expect(await screen.findByText('You signed out.')).toBeTruthy();
  });

  it('keeps the dialog open and shows the server message when the action fails', async () => {
    api.revokeOtherSessions.mockRejectedValueOnce(new ApiError(429, 'rate_limited', 'Too many attempts.', 20));
    open(api);
    await rows();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out of all other sessions' }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out other sessions' }));
    const alert = await within(dialog()).findByRole('alert');
    expect(alert.textContent).toBe('Too many attempts. Try again in 20 seconds.');
  });

  it('offers "Lost this device?" on every other session, never on this device', async () => {
    open(api);
    const items = await rows();
    expect(within(items[0]!).queryByRole('button', { name: /^Lost this device\?/ })).toBeNull();
    expect(within(items[1]!).getByRole('button', { name: 'Lost this device? iPhone (sessiond for iOS, near Lyon, FR)' })).toBeTruthy();
    expect(within(items[2]!).getByRole('button', { name: /^Lost this device\? Firefox on Linux/ })).toBeTruthy();
  });

  it('ends every session on a lost device after a dialog that says what happens, then refreshes and counts them', async () => {
    api.replaceDevice.mockResolvedValueOnce({ revoked: 2, untrusted: true });
    open(api);
    const items = await rows();
    fireEvent.click(within(items[1]!).getByRole('button', { name: /^Lost this device\? iPhone/ }));
    const d = dialog();
    expect(within(d).getByRole('heading').textContent).toBe('Lost this device?');
    expect(d.textContent).toContain('If the device of iPhone (sessiond for iOS, near Lyon, FR) is lost, stolen or no longer yours:');
    expect(d.textContent).toContain('Every session on that device is signed out right away, not only this one.');
    expect(d.textContent).toContain('signing in on it again takes two-step verification');
    expect(d.textContent).toContain('Your other devices, including this one, stay signed in.');
    expect(document.activeElement?.textContent).toBe('Cancel');

    api.listSessions.mockResolvedValue([laptop, me]);
    fireEvent.click(within(d).getByRole('button', { name: 'Sign out that device' }));
    expect(await screen.findByText('Signed out 2 sessions on that device. It is no longer trusted.')).toBeTruthy();
    expect(api.replaceDevice).toHaveBeenCalledWith('phone');
    expect(api.revokeSession).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(async () => expect(await rows()).toHaveLength(2));
    await waitFor(() => expect(document.activeElement?.id).toBe('sessions-heading'));
    // The timeline below is read again, so the sign-outs show there too.
    await waitFor(() => expect(api.listSecurityEvents.mock.calls.length).toBeGreaterThan(1));
  });

  it('asks "Confirm it’s you" when the server wants a recent sign-in, then repeats the replacement', async () => {
    api.replaceDevice.mockRejectedValueOnce(reauthRequired()).mockResolvedValueOnce({ revoked: 1, untrusted: false });
    open(api);
    const items = await rows();
    fireEvent.click(within(items[2]!).getByRole('button', { name: /^Lost this device\? Firefox/ }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out that device' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Signed out 1 session on that device.')).toBeTruthy();
    expect(api.replaceDevice).toHaveBeenCalledTimes(2);
    expect(api.reauthenticate).toHaveBeenCalledWith({ password: 'correct horse battery staple' });
  });

  it('keeps the dialog open with the server’s words when that device is the one in use', async () => {
    api.replaceDevice.mockRejectedValueOnce(
      new ApiError(400, 'invalid_request', 'This is the device you are using: sign out here instead.'),
    );
    open(api);
    const items = await rows();
    fireEvent.click(within(items[2]!).getByRole('button', { name: /^Lost this device\? Firefox/ }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out that device' }));
    expect((await within(dialog()).findByRole('alert')).textContent).toBe('This is the device you are using: sign out here instead.');
    expect(await rows()).toHaveLength(3);
  });

  it('says so when the lost device’s sessions had already ended', async () => {
    api.replaceDevice.mockRejectedValueOnce(new ApiError(404, 'not_found', 'No such session.'));
    open(api);
    const items = await rows();
    fireEvent.click(within(items[1]!).getByRole('button', { name: /^Lost this device\? iPhone/ }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out that device' }));
    expect(await screen.findByText('That session had already ended. The list is up to date now.')).toBeTruthy();
  });

  it('treats an already-ended session as done and says so', async () => {
    api.revokeSession.mockRejectedValueOnce(new ApiError(404, 'not_found', 'The resource does not exist.'));
    open(api);
    const items = await rows();
    fireEvent.click(within(items[2]!).getByRole('button', { name: /^Sign out Firefox/ }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('That session had already ended. The list is up to date now.')).toBeTruthy();
  });

  it('goes to sign-in with a notice and a way back when the session ended elsewhere', async () => {
    open(api);
    await rows();
    api.listSessions.mockRejectedValue(unauthenticated());
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    const params = new URLSearchParams(window.location.search);
    expect(params.get('next')).toBe('/settings/security/sessions');
    expect(params.get('notice')).toBe('session_ended');
    expect(await screen.findByText(/You were signed out/)).toBeTruthy();
  });

  it('asks a visitor who was never signed in to sign in, and comes back after', async () => {
    api.listSessions.mockRejectedValue(unauthenticated());
    api.getCurrentSession.mockRejectedValue(unauthenticated());
    api.getUiConfig.mockRejectedValue(unauthenticated());
    open(api);
    expect(await screen.findByText('Sign in to continue.')).toBeTruthy();
    expect(window.location.search).toContain('next=%2Fsettings%2Fsecurity%2Fsessions');
  });

  it('refreshes every 30 seconds and keeps the old list on screen meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    open(api);
    await rows();
    expect(api.listSessions).toHaveBeenCalledTimes(1);
    const next = deferred<Session[]>();
    api.listSessions.mockReturnValueOnce(next.promise);
    await act(async () => {
      vi.advanceTimersByTime(30_000);
    });
    expect(api.listSessions).toHaveBeenCalledTimes(2);
    expect(screen.getByText('Refreshing…')).toBeTruthy();
    expect(await rows()).toHaveLength(3);
    await act(async () => next.resolve([phone, me]));
    await waitFor(async () => expect(await rows()).toHaveLength(2));
    expect(screen.queryByText('Refreshing…')).toBeNull();
  });

  it('shows a load failure in words with a retry', async () => {
    api.listSessions.mockRejectedValueOnce(
      new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.'),
    );
    open(api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your sessions could not be loaded. Could not reach the server.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await rows()).toHaveLength(3);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the list and warns that it may be out of date when a refresh fails', async () => {
    open(api);
    await rows();
    api.listSessions.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The service is temporarily unavailable.'));
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The list could not be refreshed: The service is temporarily unavailable. It may be out of date.',
    );
    expect(await rows()).toHaveLength(3);
  });

  it('says when the list is empty and when this is the only session', async () => {
    api.listSessions.mockResolvedValueOnce([]);
    const { unmount } = open(api);
    expect(await screen.findByText('There are no active sessions.')).toBeTruthy();
    unmount();
    api.listSessions.mockResolvedValue([me]);
    open(api);
    expect(await screen.findByText('This is your only active session.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign out of all other sessions' })).toBeNull();
    // Not "Sign out of several sessions" above "This is your only active session."
    expect(screen.queryByRole('heading', { name: 'Sign out of several sessions' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Sign out' })).toBeTruthy();
  });

  it('says when the browser is offline', async () => {
    open(api);
    await rows();
    await act(async () => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(screen.getByText(/You are offline/)).toBeTruthy();
    await act(async () => {
      window.dispatchEvent(new Event('online'));
    });
    expect(screen.queryByText(/You are offline/)).toBeNull();
  });
});
