import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import {
  fakeApi,
  makeConnectedApp,
  makeDeviceSignIn,
  makePersonalToken,
  makeRelyingPartySession,
  makeSession,
  NOW,
  reauthRequired,
} from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const me = makeSession({ id: 'me', current: true });
const phone = makeSession({
  id: 'phone',
  client: { id: 'mobile', name: 'sessiond for iOS', kind: 'mobile' },
  device: { name: 'iPhone', os: 'iOS 18', browser: null, type: 'mobile' },
});
const notes = makeConnectedApp({ id: 'grant-notes' });
const board = makeConnectedApp({
  id: 'grant-board',
  client: { id: 'board', name: 'Board', logo_uri: 'https://board.example/logo.png', first_party: true },
  scopes: ['openid', 'offline_access', 'tasks:write'],
  first_authorized_at: '2026-01-01T09:00:00Z',
  last_used_at: null,
  last_used_location: null,
});
const cli = makeDeviceSignIn({ id: 'grant-cli' });
const wiki = makeRelyingPartySession({ id: 'rp-wiki' });
const deploy = makePersonalToken({
  id: 'tok-deploy',
  scopes: ['api:read', 'api:write'],
  last_used_at: '2026-01-15T10:00:00Z',
  last_used_ip: '198.51.100.4',
});

function notFound(): ApiError {
  return new ApiError(404, 'not_found', 'The resource does not exist.');
}

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/security/sessions');
  return render(<App api={api} now={() => NOW} />);
}

function section(name: RegExp | string): HTMLElement {
  const heading = screen.getByRole('heading', { level: 2, name });
  return heading.closest('section')!;
}

async function list(name: RegExp | string): Promise<HTMLElement[]> {
  const ul = await screen.findByRole('list', { name });
  return within(ul).getAllByRole('listitem', { name: /.+/ });
}

function dialog(): HTMLElement {
  return screen.getByRole('dialog');
}

describe('Active sessions: connected apps, device sign-ins, apps signed in with the account, tokens', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me, phone]);
    api.listConnectedApps.mockResolvedValue([notes, cli, board]);
    api.listRelyingPartySessions.mockResolvedValue([wiki]);
    api.listPersonalTokens.mockResolvedValue({ tokens: [deploy] });
  });

  it('lists a command-line sign-in in the signed-in sessions area as app · device · place, not as a connected app', async () => {
    open(api);
    const rows = await list('Command-line and device sign-ins');
    expect(rows).toHaveLength(1);
    expect(within(rows[0]!).getByRole('heading').textContent).toBe('Command line · build-server · near Frankfurt, DE');
    expect(rows[0]!.textContent).toContain('Approved 5 days ago');
    // The sessions list itself keeps only the sessions.
    expect(within(screen.getByRole('list', { name: /Signed-in sessions/ })).getAllByRole('heading')).toHaveLength(2);
    const apps = await list('Connected apps (2)');
    expect(apps.map((li) => within(li).getAllByRole('heading')[0]!.textContent)).toEqual(['Notes Pro', 'Board']);
  });

  it('with no other session but a command-line sign-in, the sign-out area does not call this session the only one', async () => {
    api = fakeApi([me]);
    api.listConnectedApps.mockResolvedValue([cli]);
    api.listRelyingPartySessions.mockResolvedValue([]);
    api.listPersonalTokens.mockResolvedValue({ tokens: [] });
    open(api);
    await list('Command-line and device sign-ins');
    expect(
      await screen.findByText('This is your only session in a browser or app. Command-line and device sign-ins are listed above.'),
    ).toBeTruthy();
    expect(screen.queryByText('This is your only active session.')).toBeNull();
  });

  it('shows each connected app with its logo or initial, who made it, what it may access in words, and when and where it was used', async () => {
    open(api);
    const [notesRow, boardRow] = await list(/^Connected apps/);
    expect(within(notesRow!).getByText('Third-party app')).toBeTruthy();
    expect(within(notesRow!).getByRole('list', { name: 'It may' }).textContent).toBe('Confirm it’s youYour nameYour email address');
    expect(notesRow!.textContent).toContain('Connected 5 days ago');
    expect(notesRow!.textContent).toContain('Last used 1 hour ago near Lyon, FR');
    // No logo: the initial, hidden from screen readers (the name is written beside it).
    expect(within(notesRow!).queryByRole('img')).toBeNull();
    expect(notesRow!.querySelector('.app-logo-initial')?.textContent).toBe('N');

    expect(within(boardRow!).getByRole('img', { name: 'Logo of Board' }).getAttribute('src')).toBe('https://board.example/logo.png');
    expect(within(boardRow!).getByText('Made by us')).toBeTruthy();
    expect(
      within(within(boardRow!).getByRole('list', { name: 'It may' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Confirm it’s you', 'Stay connected when you’re away', 'tasks:write']);
    expect(boardRow!.textContent).toContain('Not used yet');
  });

  it('falls back to the initial when a logo fails to load', async () => {
    open(api);
    const [, boardRow] = await list(/^Connected apps/);
    fireEvent.error(within(boardRow!).getByRole('img', { name: 'Logo of Board' }));
    expect(within(boardRow!).queryByRole('img')).toBeNull();
    expect(boardRow!.querySelector('.app-logo-initial')?.textContent).toBe('B');
  });

  it('removes an app’s access after a dialog that says it ends its access and signs you out there', async () => {
    open(api);
    const [notesRow] = await list(/^Connected apps/);
    const trigger = within(notesRow!).getByRole('button', { name: 'Remove access for Notes Pro' });
    fireEvent.click(trigger);
    const d = dialog();
    expect(within(d).getByRole('heading').textContent).toBe('Remove access for Notes Pro?');
    expect(d.textContent).toContain('This ends Notes Pro’s access to your account right away and signs you out there.');
    expect(api.removeConnectedApp).not.toHaveBeenCalled();

    api.listConnectedApps.mockResolvedValue([cli, board]);
    fireEvent.click(within(d).getByRole('button', { name: 'Remove access' }));
    expect(await screen.findByText('Notes Pro can no longer use your account.')).toBeTruthy();
    expect(api.removeConnectedApp).toHaveBeenCalledWith('grant-notes');
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(async () => expect(await list(/^Connected apps/)).toHaveLength(1));
    expect(screen.queryByRole('button', { name: 'Remove access for Notes Pro' })).toBeNull();
    // The timeline below is read again, so the removal shows there too.
    await waitFor(() => expect(api.listSecurityEvents.mock.calls.length).toBeGreaterThan(1));
    // And so is "Signed in with your account": removing access signed the person out of the app.
    await waitFor(() => expect(api.listRelyingPartySessions.mock.calls.length).toBeGreaterThan(1));
  });

  it('cancels a removal with Escape and ends nothing', async () => {
    open(api);
    const [notesRow] = await list(/^Connected apps/);
    fireEvent.click(within(notesRow!).getByRole('button', { name: 'Remove access for Notes Pro' }));
    fireEvent.keyDown(dialog(), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.removeConnectedApp).not.toHaveBeenCalled();
    expect(await list(/^Connected apps/)).toHaveLength(2);
  });

  it('keeps the dialog open with the server’s words when removing fails', async () => {
    api.removeConnectedApp.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The service is temporarily unavailable.'));
    open(api);
    const [notesRow] = await list(/^Connected apps/);
    fireEvent.click(within(notesRow!).getByRole('button', { name: 'Remove access for Notes Pro' }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Remove access' }));
    expect((await within(dialog()).findByRole('alert')).textContent).toBe('The service is temporarily unavailable.');
    expect(await list(/^Connected apps/)).toHaveLength(2);
  });

  it('signs out a command-line sign-in through its grant, and it leaves the list', async () => {
    open(api);
    const [row] = await list('Command-line and device sign-ins');
    fireEvent.click(within(row!).getByRole('button', { name: 'Sign out Command line · build-server · near Frankfurt, DE' }));
    expect(dialog().textContent).toContain('Command line · build-server · near Frankfurt, DE will be signed out right away');
    api.listConnectedApps.mockResolvedValue([notes, board]);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out build-server · Command line.')).toBeTruthy();
    expect(api.removeConnectedApp).toHaveBeenCalledWith('grant-cli');
    expect(screen.queryByRole('list', { name: 'Command-line and device sign-ins' })).toBeNull();
    // Its OpenID session ended with it: "Signed in with your account" is read again.
    await waitFor(() => expect(api.listRelyingPartySessions.mock.calls.length).toBeGreaterThan(1));
  });

  it('lists the apps signed in with the account and signs out of one', async () => {
    open(api);
    const [row] = await list('Signed in with your account (1)');
    expect(within(row!).getByRole('heading').textContent).toBe('Team wiki');
    expect(row!.textContent).toContain('Signed in yesterday');
    fireEvent.click(within(row!).getByRole('button', { name: 'Sign out of Team wiki' }));
    expect(within(dialog()).getByRole('heading').textContent).toBe('Sign out of Team wiki?');
    api.listRelyingPartySessions.mockResolvedValue([]);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out of Team wiki.')).toBeTruthy();
    expect(api.signOutRelyingPartySession).toHaveBeenCalledWith('rp-wiki');
    expect(
      await within(section(/^Signed in with your account/)).findByText('You are not signed in to any app with this account.'),
    ).toBeTruthy();
  });

  it('treats an app that was already gone as done', async () => {
    api.signOutRelyingPartySession.mockRejectedValueOnce(notFound());
    open(api);
    const [row] = await list(/^Signed in with your account/);
    fireEvent.click(within(row!).getByRole('button', { name: 'Sign out of Team wiki' }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('That had already ended. The list is up to date now.')).toBeTruthy();
  });

  it('lists personal access tokens with scopes, creation, expiry and last use, and revokes one after a dialog', async () => {
    open(api);
    const [row] = await list('Personal access tokens (1)');
    expect(within(row!).getByRole('heading').textContent).toBe('Deploy script');
    expect(row!.textContent).toContain('Scopes: api:readapi:write');
    expect(row!.textContent).toContain('Created last week');
    expect(row!.textContent).toContain('Expires 4 February');
    expect(row!.textContent).toContain('Last used 2 hours ago from 198.51.100.4');
    fireEvent.click(within(row!).getByRole('button', { name: 'Revoke Deploy script' }));
    expect(dialog().textContent).toContain('Anything that uses this token stops working right away.');
    api.listPersonalTokens.mockResolvedValue({ tokens: [] });
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Revoke token' }));
    expect(await screen.findByText('“Deploy script” was revoked.')).toBeTruthy();
    expect(api.revokePersonalToken).toHaveBeenCalledWith('tok-deploy');
    expect(within(section(/^Personal access tokens/)).getByText('You have no personal access tokens.')).toBeTruthy();
  });

  it('creates a token and shows its secret once, with a note that it will not be shown again, until it is dismissed', async () => {
    api.listPersonalTokens.mockResolvedValue({ tokens: [] });
    open(api);
    const s = await screen.findByRole('form', { name: 'Create a token' });
    expect(within(s).getByLabelText('api:read')).toBeTruthy();
    expect(within(s).getByLabelText('api:write')).toBeTruthy();
    const expiry = within(s).getByLabelText('Expires after') as HTMLSelectElement;
    expect(expiry.value).toBe('30');
    expect([...expiry.options].map((o) => o.textContent)).toEqual(['7 days', '30 days', '90 days', '365 days', 'No expiry']);

    fireEvent.change(within(s).getByLabelText('Token name'), { target: { value: 'Backup job' } });
    fireEvent.click(within(s).getByLabelText('api:read'));
    fireEvent.change(expiry, { target: { value: '90' } });
    fireEvent.click(within(s).getByRole('button', { name: 'Create token' }));

    const secret = (await screen.findByRole('textbox', { name: 'Your new token' })) as HTMLInputElement;
    expect(api.createPersonalToken).toHaveBeenCalledWith({ name: 'Backup job', scopes: ['api:read'], expires_in_days: 90 });
    expect(secret.value).toBe('sdpat_0123456789abcdefghijklmnopqrstuv');
    expect(secret.readOnly).toBe(true);
    expect(screen.getByText('Token “Backup job” created')).toBeTruthy();
    expect(secret.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(secret.getAttribute('aria-describedby')!)?.textContent).toContain('you won’t see it again');

    fireEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByRole('textbox', { name: 'Your new token' })).toBeNull();
    expect(document.body.textContent).not.toContain('sdpat_0123456789abcdefghijklmnopqrstuv');
  });

  it('creates a token that never expires', async () => {
    open(api);
    const s = await screen.findByRole('form', { name: 'Create a token' });
    fireEvent.change(within(s).getByLabelText('Token name'), { target: { value: 'Forever' } });
    fireEvent.click(within(s).getByLabelText('api:write'));
    fireEvent.change(within(s).getByLabelText('Expires after'), { target: { value: 'none' } });
    fireEvent.click(within(s).getByRole('button', { name: 'Create token' }));
    await screen.findByRole('textbox', { name: 'Your new token' });
    expect(api.createPersonalToken).toHaveBeenCalledWith({ name: 'Forever', scopes: ['api:write'], expires_in_days: null });
  });

  it('offers the scopes the server names for new tokens', async () => {
    api.listPersonalTokens.mockResolvedValue({ tokens: [], available_scopes: ['sessions:read', 'sessions:revoke'] });
    open(api);
    const s = await screen.findByRole('form', { name: 'Create a token' });
    expect(within(within(s).getByRole('group', { name: 'What it may do' })).getAllByRole('checkbox')).toHaveLength(2);
    expect(within(s).getByLabelText('sessions:revoke')).toBeTruthy();
    expect(within(s).queryByLabelText('api:read')).toBeNull();
  });

  it('asks for a name and a scope before creating', async () => {
    open(api);
    const s = await screen.findByRole('form', { name: 'Create a token' });
    fireEvent.click(within(s).getByRole('button', { name: 'Create token' }));
    expect(await within(s).findByText('Give the token a name of 1 to 64 characters.')).toBeTruthy();
    fireEvent.change(within(s).getByLabelText('Token name'), { target: { value: 'x' } });
    fireEvent.click(within(s).getByRole('button', { name: 'Create token' }));
    expect((await within(s).findByRole('alert')).textContent).toContain('Choose at least one scope.');
    expect(api.createPersonalToken).not.toHaveBeenCalled();
  });

  it('asks “Confirm it’s you” when creating needs a recent sign-in, then creates the token', async () => {
    api.createPersonalToken.mockRejectedValueOnce(reauthRequired());
    open(api);
    const s = await screen.findByRole('form', { name: 'Create a token' });
    fireEvent.change(within(s).getByLabelText('Token name'), { target: { value: 'CI' } });
    fireEvent.click(within(s).getByLabelText('api:read'));
    fireEvent.click(within(s).getByRole('button', { name: 'Create token' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(((await screen.findByRole('textbox', { name: 'Your new token' })) as HTMLInputElement).value).toMatch(/^sdpat_/);
    expect(api.reauthenticate).toHaveBeenCalledWith({ password: 'correct horse battery staple' });
    expect(api.createPersonalToken).toHaveBeenCalledTimes(2);
  });

  it('says nothing was created when “Confirm it’s you” is cancelled', async () => {
    api.createPersonalToken.mockRejectedValueOnce(reauthRequired());
    open(api);
    const s = await screen.findByRole('form', { name: 'Create a token' });
    fireEvent.change(within(s).getByLabelText('Token name'), { target: { value: 'CI' } });
    fireEvent.click(within(s).getByLabelText('api:read'));
    fireEvent.click(within(s).getByRole('button', { name: 'Create token' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Cancel' }));
    expect((await within(s).findByRole('alert')).textContent).toContain('The token was not created.');
    expect(screen.queryByRole('textbox', { name: 'Your new token' })).toBeNull();
  });

  it('says so in each section when there is nothing to list', async () => {
    api.listConnectedApps.mockResolvedValue([]);
    api.listRelyingPartySessions.mockResolvedValue([]);
    api.listPersonalTokens.mockResolvedValue({ tokens: [] });
    open(api);
    expect(await screen.findByText('No app is connected to your account.')).toBeTruthy();
    expect(screen.getByText('You are not signed in to any app with this account.')).toBeTruthy();
    expect(screen.getByText('You have no personal access tokens.')).toBeTruthy();
    // No device sign-ins: no heading for them in the sessions area.
    expect(screen.queryByRole('heading', { name: 'Command-line and device sign-ins' })).toBeNull();
  });

  it('leaves out a section whose route this server does not have (404), and keeps the others', async () => {
    api.listConnectedApps.mockRejectedValue(notFound());
    api.listPersonalTokens.mockRejectedValue(notFound());
    open(api);
    expect(await list(/^Signed in with your account/)).toHaveLength(1);
    // While loading, each section shows its heading: gone, it was left out.
    await waitFor(() => expect(screen.queryByRole('heading', { name: /Connected apps/ })).toBeNull());
    await waitFor(() => expect(screen.queryByRole('heading', { name: /Personal access tokens/ })).toBeNull());
    expect(screen.queryByRole('heading', { name: /Command-line/ })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when a list cannot be loaded, and tries again', async () => {
    api.listPersonalTokens.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The service is temporarily unavailable.'));
    open(api);
    const alert = await within(await waitFor(() => section('Personal access tokens'))).findByRole('alert');
    expect(alert.textContent).toContain('Your personal access tokens could not be loaded. The service is temporarily unavailable.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await list('Personal access tokens (1)')).toHaveLength(1);
  });

  it('offers to end apps and tokens too when signing out of all other sessions, saying exactly what ends', async () => {
    open(api);
    await list(/^Personal access tokens/);
    await list(/^Connected apps/);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out of all other sessions' }));
    const d = dialog();
    const box = within(d).getByRole('checkbox', {
      name: 'Also remove connected apps and revoke personal access tokens',
    }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(d.textContent).toContain('Your connected apps and personal access tokens keep working.');
    fireEvent.click(box);
    expect(d.textContent).toContain(
      'With this ticked, 2 connected apps lose access, 1 command-line sign-in ends and 1 personal access token stops working as well.',
    );
    api.listConnectedApps.mockResolvedValue([]);
    api.listPersonalTokens.mockResolvedValue({ tokens: [] });
    fireEvent.click(within(d).getByRole('button', { name: 'Sign out other sessions' }));
    expect(
      await screen.findByText(
        'Signed out iPhone · sessiond for iOS. Removed 2 connected apps. Ended 1 command-line sign-in. Revoked 1 personal access token.',
      ),
    ).toBeTruthy();
    expect(api.revokeOtherSessions).toHaveBeenCalledWith(['connected_apps', 'tokens']);
    expect(await screen.findByText('No app is connected to your account.')).toBeTruthy();
  });

  it('ends only sessions when the box is left unticked', async () => {
    open(api);
    await list(/^Connected apps/);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out everywhere' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(api.revokeAllSessions).toHaveBeenCalledWith(undefined);
  });

  it('sends the choice with Sign out everywhere too', async () => {
    open(api);
    await list(/^Connected apps/);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    fireEvent.click(within(dialog()).getByRole('checkbox'));
    await act(async () => {
      fireEvent.click(within(dialog()).getByRole('button', { name: 'Sign out everywhere' }));
    });
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(api.revokeAllSessions).toHaveBeenCalledWith(['connected_apps', 'tokens']);
  });

  it('offers no such choice when there are no apps or tokens to end', async () => {
    api.listConnectedApps.mockResolvedValue([]);
    api.listPersonalTokens.mockResolvedValue({ tokens: [] });
    open(api);
    await screen.findByText('No app is connected to your account.');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out of all other sessions' }));
    expect(within(dialog()).queryByRole('checkbox')).toBeNull();
  });
});
