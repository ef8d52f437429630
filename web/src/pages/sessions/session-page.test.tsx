import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import type { SessionHistory } from '../../api';
import { App } from '../../app';
import { fakeApi, makeEvent, makeSession, NOW, reauthRequired } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const phone = makeSession({
  id: 'phone',
  client: { id: 'mobile', name: 'Mobile app', kind: 'mobile' },
  device: { name: 'Pixel 8', os: 'Android 15', browser: null, type: 'mobile' },
  auth_method: 'mfa',
  ip: '81.2.69.160',
  location: { city: 'London', region: 'England', country: 'GB', approximate: true },
});
const me = makeSession({ id: 'me', current: true });

function historyOf(overrides: Partial<SessionHistory> = {}): SessionHistory {
  return {
    session: phone,
    ended: null,
    addresses: [
      {
        ip: '1.0.16.1',
        location: { city: 'Tokyo', region: null, country: 'JP', approximate: true },
        first_seen_at: '2026-01-15T11:00:00Z',
        last_seen_at: '2026-01-15T11:55:00Z',
      },
      {
        ip: '81.2.69.160',
        location: { city: 'London', region: 'England', country: 'GB', approximate: true },
        first_seen_at: '2026-01-15T09:00:00Z',
        last_seen_at: '2026-01-15T09:00:00Z',
      },
    ],
    events: [
      makeEvent({
        id: 'reauth',
        kind: 'reauthenticated',
        at: '2026-01-15T11:30:00Z',
        session_id: 'phone',
        ip: '1.0.16.1',
        location: null,
        device: { name: 'Pixel 8', os: 'Android 15', browser: null },
        client: { id: 'mobile', name: 'Mobile app' },
        actor: { kind: 'session', session_id: 'phone', ip: '1.0.16.1', current: false },
      }),
      makeEvent({
        id: 'in',
        kind: 'sign_in',
        at: '2026-01-15T09:00:00Z',
        session_id: 'phone',
        ip: '81.2.69.160',
        device: { name: 'Pixel 8', os: 'Android 15', browser: null },
        client: { id: 'mobile', name: 'Mobile app' },
        actor: { kind: 'session', session_id: 'phone', ip: '81.2.69.160', current: false },
        second_factor: 'totp',
      }),
    ],
    ...overrides,
  };
}

function open(api: FakeApi, id: string | null = 'phone') {
  window.history.replaceState(null, '', id === null ? '/settings/security/session' : `/settings/security/session?id=${id}`);
  return render(<App api={api} now={() => NOW} />);
}

describe('one session’s page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me, phone]);
    api.getSessionHistory.mockResolvedValue(historyOf());
  });

  it('names the device and app, gives its facts, its addresses with places and times, and its history', async () => {
    open(api);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Pixel 8 · Mobile app' });
    expect(heading).toBeTruthy();
    expect(api.getSessionHistory).toHaveBeenCalledWith('phone');
    expect(document.title).toBe('Pixel 8 · Mobile app · sessiond');
    expect(screen.getByText('Password + authenticator code')).toBeTruthy();

    const addresses = within(screen.getByRole('list', { name: 'Addresses this session was used from' })).getAllByRole('listitem');
    expect(addresses.map((li) => li.querySelector('.address-ip')?.textContent)).toEqual(['1.0.16.1', '81.2.69.160']);
    expect(addresses[0]!.textContent).toContain('near Tokyo, JP (approximate)');
    const [first, last] = [...addresses[0]!.querySelectorAll('time')];
    expect(first?.textContent).toBe('1 hour ago');
    expect(first?.getAttribute('title')).toBe('Jan 15, 2026, 11:00 AM UTC');
    expect(last?.textContent).toBe('5 minutes ago');

    const events = within(screen.getByRole('list', { name: 'History of this session' })).getAllByRole('listitem');
    expect(events.map((li) => li.getAttribute('data-event-kind'))).toEqual(['reauthenticated', 'sign_in']);
    expect(events[0]!.textContent).toContain('Confirmed it was you (password, code or passkey) before a sensitive change');
    expect(events[1]!.textContent).toContain('With a code from the authenticator app.');
    expect(events[0]!.querySelector('time')?.getAttribute('title')).toBe('Jan 15, 2026, 11:30 AM UTC');

    const back = screen.getByRole('link', { name: 'Back to Active sessions' });
    expect(back.getAttribute('href')).toBe('/settings/security/sessions');
    fireEvent.click(back);
    await screen.findByRole('heading', { level: 1, name: 'Active sessions' });
  });

  it('signs the session out after a confirmation and "Confirm it’s you", then shows how it ended', async () => {
    api.revokeSession.mockRejectedValueOnce(reauthRequired()).mockResolvedValue(undefined);
    open(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out this session' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out this session?' });
    expect(dialog.textContent).toContain('Pixel 8 (Mobile app, near London, GB) will be signed out right away');
    api.getSessionHistory.mockResolvedValue(historyOf({ ended: { at: '2026-01-15T12:00:00Z', reason: 'revoked_by_user' } }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    const reauth = await screen.findByRole('dialog', { name: /Confirm it/ });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    await screen.findByText('Signed out Pixel 8 · Mobile app. The history below now shows how it ended.');
    expect(api.reauthenticate).toHaveBeenCalledWith({ password: 'correct horse battery staple' });
    expect(api.revokeSession).toHaveBeenCalledTimes(2);
    expect(api.revokeSession).toHaveBeenLastCalledWith('phone');
    expect(screen.getByText('Ended')).toBeTruthy();
    expect(screen.getByText(/Signed out from another of your sessions/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign out this session' })).toBeNull();
    // The button is gone with the live session: focus is on the heading, not lost to <body>.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Pixel 8 · Mobile app' })));
  });

  it('for this device, signs out here and goes to the sign-in page', async () => {
    api.getSessionHistory.mockResolvedValue(historyOf({ session: me }));
    open(api, 'me');
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out on this device' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out on this device?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(api.signOut).toHaveBeenCalled();
    expect(api.revokeSession).not.toHaveBeenCalled();
  });

  it('an ended session keeps its page: marked Ended, how and when, and no Sign out', async () => {
    api.getSessionHistory.mockResolvedValue(historyOf({ ended: { at: '2026-01-15T10:00:00Z', reason: 'revoke_others' } }));
    open(api);
    await screen.findByRole('heading', { level: 1, name: 'Pixel 8 · Mobile app' });
    expect(screen.getByText('Ended')).toBeTruthy();
    const how = screen.getByText('How it ended').nextElementSibling!;
    expect(how.textContent).toBe('Signed out with all other sessions, 2 hours ago');
    expect(screen.queryByRole('button', { name: /Sign out this session/ })).toBeNull();
  });

  it.each([
    ['an unknown or another person’s session', 'nope', 'There is no such session on your account.'],
    ['no id at all', null, 'No session was named.'],
  ])('says "Session not found" for %s', async (_what, id, text) => {
    api.getSessionHistory.mockRejectedValue(new ApiError(404, 'not_found', 'No such session.'));
    open(api, id);
    await screen.findByRole('heading', { level: 1, name: 'Session not found' });
    expect(screen.getByText(text, { exact: false })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to Active sessions' })).toBeTruthy();
    if (id === null) expect(api.getSessionHistory).not.toHaveBeenCalled();
  });

  it('says when the session could not be loaded, and tries again', async () => {
    api.getSessionHistory.mockRejectedValueOnce(new ApiError(0, 'network_error', 'Could not reach the server.'));
    open(api);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This session could not be loaded. Could not reach the server.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await screen.findByRole('heading', { level: 1, name: 'Pixel 8 · Mobile app' });
  });

  it('is reached from each row of Active sessions by a link named for its session', async () => {
    window.history.replaceState(null, '', '/settings/security/sessions');
    render(<App api={api} now={() => NOW} />);
    const link = await screen.findByRole('link', { name: 'Details and history of Pixel 8 (Mobile app, near London, GB)' });
    expect(link.getAttribute('href')).toBe('/settings/security/session?id=phone');
    expect(screen.getByRole('link', { name: 'Details and history of this device' }).getAttribute('href')).toBe(
      '/settings/security/session?id=me',
    );
    fireEvent.click(link);
    await screen.findByRole('heading', { level: 1, name: 'Pixel 8 · Mobile app' });
    expect(window.location.search).toBe('?id=phone');
  });
});
