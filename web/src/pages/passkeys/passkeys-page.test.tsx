import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import {
  CREATION_OPTIONS,
  fakeApi,
  fakeWebAuthn,
  makePasskey,
  makeSession,
  makeUser,
  notAllowed,
  NOW,
  reauthRequired,
  REGISTRATION_RESPONSE,
  uiConfig,
} from '../../testing/fixtures';

const laptop = makePasskey({
  id: 'pk-laptop',
  name: 'Work laptop',
  backed_up: false,
  authenticator: null,
  created_at: '2026-01-14T12:00:00Z',
  last_used_at: '2026-01-15T11:00:00Z',
});
const phone = makePasskey({ id: 'pk-phone', name: 'iPhone', backed_up: true, authenticator: 'iCloud Keychain' });

function open(options: { passkeys?: ReturnType<typeof makePasskey>[]; limit?: number; passkeysEnabled?: boolean } = {}) {
  const api = fakeApi([makeSession({ id: 'me', current: true })]);
  api.getCurrentSession.mockResolvedValue({
    user: makeUser(),
    session: makeSession({
      id: 'me',
      current: true,
      device: { name: 'Linux · Chromium', os: 'Linux', browser: 'Chromium', type: 'desktop' },
    }),
  });
  api.listPasskeys.mockResolvedValue({ passkeys: options.passkeys ?? [], limit: options.limit ?? 10 });
  if (options.passkeysEnabled === false) api.getUiConfig.mockResolvedValue({ ...uiConfig, passkeys: false });
  const webauthn = fakeWebAuthn();
  window.history.replaceState(null, '', '/settings/security/passkeys');
  render(<App api={api} now={() => NOW} webauthn={webauthn} />);
  return { api, webauthn };
}

describe('Passkeys page', () => {
  it('is a tab after Two-step verification and lists each passkey: name, added, last used, synced or this device only, its authenticator', async () => {
    open({ passkeys: [laptop, phone] });
    const nav = screen.getByRole('navigation', { name: 'Security settings' });
    const tabs = within(nav)
      .getAllByRole('link')
      .map((a) => a.textContent);
    expect(tabs.indexOf('Passkeys')).toBe(tabs.indexOf('Two-step verification') + 1);
    expect(within(nav).getByRole('link', { name: 'Passkeys' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('heading', { level: 1, name: 'Passkeys' })).toBeTruthy();

    const list = await screen.findByRole('list', { name: 'Your passkeys' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => within(r).getByRole('heading').textContent)).toEqual(['Work laptop', 'iPhone']);
    expect(rows[0]!.textContent).toContain('This device only');
    expect(rows[0]!.textContent).toContain('Added yesterday');
    expect(rows[0]!.textContent).toContain('Last used 1 hour ago');
    expect(rows[1]!.textContent).toContain('Synced');
    expect(rows[1]!.textContent).toContain('Saved in iCloud Keychain');
    expect(rows[1]!.textContent).toContain('Never used');
    expect(screen.getByText('2 of 10 passkeys')).toBeTruthy();
    expect(within(rows[0]!).getByRole('button', { name: 'Rename Work laptop' })).toBeTruthy();
    expect(within(rows[1]!).getByRole('button', { name: 'Remove iPhone' })).toBeTruthy();
  });

  it('adds a passkey behind "Confirm it’s you": options, then the browser, then the save with the name; the list shows it', async () => {
    const { api, webauthn } = open();
    expect(await screen.findByText('You have no passkeys yet.')).toBeTruthy();
    const name = screen.getByLabelText<HTMLInputElement>('Name of the new passkey');
    // A sensible name is offered: the device it is being made on.
    await waitFor(() => expect(name.value).toBe('Linux · Chromium'));
    fireEvent.change(name, { target: { value: '  Desk computer ' } });
    api.beginPasskeyRegistration.mockRejectedValueOnce(reauthRequired());
    api.listPasskeys.mockResolvedValue({ passkeys: [makePasskey({ id: 'new', name: 'Desk computer' })], limit: 10 });
    fireEvent.click(screen.getByRole('button', { name: 'Add a passkey' }));

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    expect(webauthn.register).not.toHaveBeenCalled();
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByText('The passkey “Desk computer” was added. You can sign in with it now.')).toBeTruthy();
    expect(api.reauthenticate).toHaveBeenCalledWith({ password: 'correct horse battery staple' });
    expect(api.beginPasskeyRegistration).toHaveBeenCalledTimes(2);
    expect(webauthn.register).toHaveBeenCalledWith(CREATION_OPTIONS);
    expect(api.addPasskey).toHaveBeenCalledWith(REGISTRATION_RESPONSE, 'Desk computer');
    // In that order: the options (after the confirmation), the browser, the save.
    const order = [
      api.reauthenticate.mock.invocationCallOrder[0]!,
      api.beginPasskeyRegistration.mock.invocationCallOrder[1]!,
      webauthn.register.mock.invocationCallOrder[0]!,
      api.addPasskey.mock.invocationCallOrder[0]!,
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const list = await screen.findByRole('list', { name: 'Your passkeys' });
    expect(within(list).getByRole('heading', { name: 'Desk computer' })).toBeTruthy();
  });

  it('says calmly that no passkey was made when the browser’s prompt is cancelled, and saves nothing', async () => {
    const { api, webauthn } = open();
    webauthn.register.mockRejectedValueOnce(notAllowed());
    fireEvent.click(await screen.findByRole('button', { name: 'Add a passkey' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('No passkey was used.'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toContain('NotAllowedError');
    expect(document.body.textContent).not.toContain('timed out or was not allowed');
    expect(api.addPasskey).not.toHaveBeenCalled();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Add a passkey' }).disabled).toBe(false);
  });

  it('shows the server’s refusal (over the limit) as an error', async () => {
    const { api } = open();
    api.addPasskey.mockRejectedValueOnce(new ApiError(409, 'passkey_limit', 'This account already has the most passkeys it may have.'));
    fireEvent.click(await screen.findByRole('button', { name: 'Add a passkey' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the most passkeys it may have');
  });

  it('at the limit, says so and offers no Add button', async () => {
    open({ passkeys: [laptop, phone], limit: 2 });
    expect(await screen.findByText('You have the most passkeys an account can have (2). Remove one to add another.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add a passkey' })).toBeNull();
  });

  it('renames a passkey in place, then focus returns to its Rename button', async () => {
    const { api } = open({ passkeys: [laptop] });
    api.listPasskeys.mockResolvedValue({ passkeys: [{ ...laptop, name: 'Old laptop' }], limit: 10 });
    fireEvent.click(await screen.findByRole('button', { name: 'Rename Work laptop' }));
    const field = screen.getByLabelText<HTMLInputElement>('New name for Work laptop');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.value).toBe('Work laptop');
    fireEvent.change(field, { target: { value: 'Old laptop' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Renamed to “Old laptop”.')).toBeTruthy();
    expect(api.renamePasskey).toHaveBeenCalledWith('pk-laptop', 'Old laptop');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Rename Old laptop' })));
  });

  it('removes a passkey after the confirmation dialog and "Confirm it’s you"', async () => {
    const { api } = open({ passkeys: [laptop, phone] });
    fireEvent.click(await screen.findByRole('button', { name: 'Remove iPhone' }));
    const confirm = await screen.findByRole('dialog', { name: 'Remove the passkey “iPhone”?' });
    // Cancel is where focus starts: the safe choice.
    await waitFor(() => expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' })));
    api.removePasskey.mockRejectedValueOnce(reauthRequired());
    api.listPasskeys.mockResolvedValue({ passkeys: [laptop], limit: 10 });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Remove passkey' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('The passkey “iPhone” was removed.')).toBeTruthy();
    expect(api.removePasskey).toHaveBeenCalledTimes(2);
    expect(api.removePasskey).toHaveBeenLastCalledWith('pk-phone');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Remove iPhone' })).toBeNull());
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('when the server is opened at an IP address, says passkeys cannot work there and how to fix it, with no Add button', async () => {
    open({ passkeys: [laptop], passkeysEnabled: false });
    expect(await screen.findByRole('heading', { name: 'Passkeys are not available at this address' })).toBeTruthy();
    expect(screen.getByText(/start it with --public-url http:\/\/localhost/)).toBeTruthy();
    await screen.findByRole('list', { name: 'Your passkeys' });
    expect(screen.queryByRole('button', { name: 'Add a passkey' })).toBeNull();
  });
});
