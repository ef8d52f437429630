/**
 * The member's side of offboarding: when an administrator ended the session, the server's 401
 * says so, and the sign-in page the person lands on shows those words instead of the generic
 * "You were signed out" notice.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, makeSession, makeUser, NOW, unauthenticated } from '../../testing/fixtures';

const ADMIN_ENDED = 'An administrator of your workspace ended this session. Sign in again to continue.';
const me = makeSession({ id: 'me', current: true });

function openSessions() {
  const api = fakeApi([me]);
  window.history.replaceState(null, '', '/settings/security/sessions');
  render(<App api={api} now={() => NOW} />);
  return api;
}

describe('sign-in after the session was ended', () => {
  it('says an administrator ended the session, in the server’s words, on the next action', async () => {
    const api = openSessions();
    expect(await screen.findByRole('heading', { level: 1, name: 'Active sessions' })).toBeTruthy();
    await waitFor(() => expect(api.listSessions).toHaveBeenCalled());
    // The admin ends it; the person's next action (here: the list refreshing on focus) gets the 401.
    api.listSessions.mockRejectedValue(new ApiError(401, 'unauthenticated', ADMIN_ENDED));
    api.listSecurityEvents.mockRejectedValue(new ApiError(401, 'unauthenticated', ADMIN_ENDED));
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    const notice = await screen.findByText(ADMIN_ENDED);
    expect(notice.closest('[role="status"]')).not.toBeNull();
    expect(screen.queryByText(/You were signed out/)).toBeNull();
    const query = new URLSearchParams(window.location.search);
    expect(query.get('next')).toBe('/settings/security/sessions');
    // The words are never carried in the address.
    expect(window.location.search).not.toContain('administrator');

    // Signing in again clears it: a later sign-out shows its own notice.
    api.signIn.mockResolvedValue({ user: makeUser(), session: me });
    api.listSessions.mockResolvedValue([me]);
    api.listSecurityEvents.mockResolvedValue({ events: [], next_cursor: null });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/sessions'));
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('You signed out.')).toBeTruthy();
    expect(screen.queryByText(ADMIN_ENDED)).toBeNull();
  });

  it('keeps the generic notice for the ordinary 401', async () => {
    const api = openSessions();
    await screen.findByRole('heading', { level: 1, name: 'Active sessions' });
    await waitFor(() => expect(api.listSessions).toHaveBeenCalled());
    api.listSessions.mockRejectedValue(unauthenticated());
    await act(async () => {
      window.dispatchEvent(new Event('focus'));
    });
    expect(await screen.findByText(/You were signed out: this session ended/)).toBeTruthy();
  });

  it('shows no reason that comes only from the address', () => {
    const api = fakeApi([me]);
    window.history.replaceState(null, '', `/sign-in?notice=session_ended&reason=${encodeURIComponent('Call +1 555 0100 now')}`);
    render(<App api={api} now={() => NOW} />);
    expect(screen.getByText(/You were signed out/)).toBeTruthy();
    expect(screen.queryByText(/555/)).toBeNull();
  });
});
