import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { App } from '../app';
import {
  AUTHENTICATION_RESPONSE,
  fakeApi,
  fakeWebAuthn,
  makePasskey,
  makeSession,
  notAllowed,
  NOW,
  reauthRequired,
  REQUEST_OPTIONS,
} from '../testing/fixtures';

const me = makeSession({ id: 'me', current: true });
const phone = makeSession({
  id: 'phone',
  device: { name: 'iPhone', os: 'iOS 18', browser: 'Safari', type: 'mobile' },
  location: { city: 'Lyon', region: null, country: 'FR', approximate: true },
});

async function openAndSignOutPhone() {
  const api = fakeApi([me, phone]);
  api.revokeSession.mockRejectedValueOnce(reauthRequired());
  window.history.replaceState(null, '', '/settings/security/sessions');
  render(<App api={api} now={() => NOW} />);
  const button = await screen.findByRole('button', { name: /^Sign out .*Lyon/ });
  button.focus();
  fireEvent.click(button);
  fireEvent.click(within(await screen.findByRole('dialog', { name: 'Sign out this session?' })).getByRole('button', { name: 'Sign out' }));
  return api;
}

describe('Confirm it’s you (re-authentication)', () => {
  it('opens on reauth_required with focus in the password field, then repeats the action after the password', async () => {
    const api = await openAndSignOutPhone();
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    const field = within(dialog).getByLabelText('Password');
    await waitFor(() => expect(document.activeElement).toBe(field));
    fireEvent.change(field, { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Signed out iPhone · Web.')).toBeTruthy();
    expect(api.reauthenticate).toHaveBeenCalledWith({ password: 'correct horse battery staple' });
    expect(api.revokeSession).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull();
  });

  it('shows a wrong password in words and stays open; a code can be used instead', async () => {
    const api = await openAndSignOutPhone();
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    api.reauthenticate.mockRejectedValueOnce(new ApiError(400, 'incorrect_password', 'The password you entered is incorrect.'));
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('The password you entered is incorrect.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use an authenticator code instead' }));
    fireEvent.change(within(dialog).getByLabelText('Authentication code'), { target: { value: ' 123456 ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Signed out iPhone · Web.')).toBeTruthy();
    expect(api.reauthenticate).toHaveBeenLastCalledWith({ code: '123456' });
  });

  it('Escape puts focus back on the control that started the action, even though the page disabled it meanwhile', async () => {
    const api = fakeApi([me, phone]);
    api.revokeSession.mockRejectedValueOnce(reauthRequired());
    window.history.replaceState(null, '', '/settings/security/sessions');
    render(<App api={api} now={() => NOW} />);
    fireEvent.click(await screen.findByRole('button', { name: /^Sign out .*Lyon/ }));
    const confirmDialog = await screen.findByRole('dialog', { name: 'Sign out this session?' });
    const confirm = within(confirmDialog).getByRole('button', { name: 'Sign out' });
    confirm.focus();
    fireEvent.click(confirm);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByLabelText('Password')));
    // What a browser does to a focused button that becomes disabled: focus falls to <body>.
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(within(confirmDialog).getByRole('button', { name: 'Sign out' })));
    expect(api.revokeSession).toHaveBeenCalledTimes(1);
  });

  it('cancelling says the action was not done and does not repeat it', async () => {
    const api = await openAndSignOutPhone();
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect((await screen.findByRole('alert')).textContent).toContain('you did not confirm it’s you');
    expect(api.revokeSession).toHaveBeenCalledTimes(1);
  });
});

describe('Confirm it’s you with a passkey', () => {
  async function open(passkeys: ReturnType<typeof makePasskey>[]) {
    const api = fakeApi([me, phone]);
    api.listPasskeys.mockResolvedValue({ passkeys, limit: 10 });
    api.revokeSession.mockRejectedValueOnce(reauthRequired());
    const webauthn = fakeWebAuthn();
    window.history.replaceState(null, '', '/settings/security/sessions');
    render(<App api={api} now={() => NOW} webauthn={webauthn} />);
    fireEvent.click(await screen.findByRole('button', { name: /^Sign out .*Lyon/ }));
    fireEvent.click(
      within(await screen.findByRole('dialog', { name: 'Sign out this session?' })).getByRole('button', { name: 'Sign out' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    return { api, webauthn, dialog };
  }

  it('"Use a passkey": the options for the account’s passkeys, the browser, then the re-authentication; the action is repeated', async () => {
    const { api, webauthn, dialog } = await open([makePasskey({ id: 'pk1' })]);
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Use a passkey' }));
    expect(await screen.findByText('Signed out iPhone · Web.')).toBeTruthy();
    expect(api.beginPasskeyReauthentication).toHaveBeenCalledOnce();
    expect(webauthn.authenticate).toHaveBeenCalledWith(REQUEST_OPTIONS);
    expect(api.reauthenticate).toHaveBeenCalledWith({ passkey: AUTHENTICATION_RESPONSE });
    expect(api.revokeSession).toHaveBeenCalledTimes(2);
  });

  it('a cancelled passkey prompt leaves the dialog open with a calm word; the password still works', async () => {
    const { api, webauthn, dialog } = await open([makePasskey({ id: 'pk1' })]);
    webauthn.authenticate.mockRejectedValueOnce(notAllowed());
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Use a passkey' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('No passkey was used.'));
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(api.reauthenticate).not.toHaveBeenCalled();
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Signed out iPhone · Web.')).toBeTruthy();
  });

  it('is not offered to an account without passkeys', async () => {
    const { api, dialog } = await open([]);
    await waitFor(() => expect(api.listPasskeys).toHaveBeenCalled());
    await Promise.resolve();
    expect(within(dialog).queryByRole('button', { name: 'Use a passkey' })).toBeNull();
    expect(within(dialog).getByLabelText('Password')).toBeTruthy();
  });
});
