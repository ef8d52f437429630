import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, makeSession, makeUser, NOW, unauthenticated } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const acme = { id: 'ws1', name: 'Acme', security_owner_id: 'u9', created_at: '2026-01-01T09:00:00Z' };

function open(path: string, setup: (api: FakeApi) => void) {
  const api = fakeApi([makeSession({ id: 'me', current: true })]);
  setup(api);
  window.history.replaceState(null, '', path);
  render(<App api={api} now={() => NOW} />);
  return api;
}

describe('joining a workspace (the link in an invitation mail)', () => {
  it('signed in, joins at once, once, with the token taken out of the address bar, and links to the workspace', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    api.joinWorkspace.mockResolvedValue(acme);
    window.history.replaceState(null, '', '/workspaces/join?token=tok-123');
    render(
      <StrictMode>
        <App api={api} now={() => NOW} />
      </StrictMode>,
    );
    expect(window.location.pathname).toBe('/workspaces/join');
    expect(window.location.search).toBe('');
    expect(await screen.findByText('You joined Acme.')).toBeTruthy();
    expect(api.joinWorkspace).toHaveBeenCalledTimes(1);
    expect(api.joinWorkspace).toHaveBeenCalledWith('tok-123');
    expect(document.title).toBe('Join a workspace · sessiond');
    const link = screen.getByRole('link', { name: 'Open the workspace' });
    expect(link.getAttribute('href')).toBe('/settings/workspaces?ws=ws1');
  });

  it('signed out, goes through sign-in with the invitation notice and comes back to join', async () => {
    const api = open('/workspaces/join?token=tok-456', (a) =>
      a.joinWorkspace.mockRejectedValueOnce(unauthenticated()).mockResolvedValueOnce(acme),
    );
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    const query = new URLSearchParams(window.location.search);
    expect(query.get('next')).toBe('/workspaces/join?token=tok-456');
    expect(await screen.findByText(/Sign in to accept the invitation to a workspace\./)).toBeTruthy();

    api.signIn.mockResolvedValue({ user: makeUser(), session: makeSession({ id: 'me', current: true }) });
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('You joined Acme.')).toBeTruthy();
    expect(api.joinWorkspace).toHaveBeenLastCalledWith('tok-456');
    expect(window.location.pathname + window.location.search).toBe('/workspaces/join');
  });

  it('says why a used, expired or someone else’s link did not work, and offers no retry', async () => {
    open('/workspaces/join?token=used', (a) =>
      a.joinWorkspace.mockRejectedValue(new ApiError(400, 'invalid_token', 'This link is invalid, has expired or was already used.')),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('You did not join');
    expect(alert.textContent).toContain('This link is invalid, has expired or was already used.');
    expect(alert.textContent).toContain('only for the account of the address it was sent to');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Go to your workspaces' }).getAttribute('href')).toBe('/settings/workspaces');
  });

  it('lets the person try again after a network failure', async () => {
    open('/workspaces/join?token=tok', (a) =>
      a.joinWorkspace.mockRejectedValueOnce(new ApiError(0, 'network_error', 'Could not reach the server.')).mockResolvedValueOnce(acme),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('You joined Acme.')).toBeTruthy();
  });

  it('without a token, says the page needs the link from the mail and calls nothing', () => {
    const api = open('/workspaces/join', () => undefined);
    expect(screen.getByRole('alert').textContent).toContain('This page needs the link from the invitation mail.');
    expect(api.joinWorkspace).not.toHaveBeenCalled();
  });
});
