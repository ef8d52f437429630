import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import type { MfaStatus } from '../../api';
import { App } from '../../app';
import { fakeApi, makeSession, NOW, RECOVERY_CODES, reauthRequired } from '../../testing/fixtures';

function open(status?: MfaStatus) {
  const api = fakeApi([makeSession({ id: 'me', current: true })]);
  if (status) api.getMfaStatus.mockResolvedValue(status);
  window.history.replaceState(null, '', '/settings/security/mfa');
  render(<App api={api} now={() => NOW} />);
  return api;
}

describe('Two-step verification page', () => {
  it('is in the section tabs and says it is off', async () => {
    open();
    expect(await screen.findByText('Two-step verification is off.')).toBeTruthy();
    const tab = screen.getByRole('navigation', { name: 'Security settings' });
    expect(within(tab).getByRole('link', { name: 'Two-step verification' }).getAttribute('aria-current')).toBe('page');
  });

  it('enrols: QR code and key, a code to confirm, then the ten recovery codes once', async () => {
    const api = open();
    fireEvent.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    const qr = await screen.findByRole('img', { name: /QR code/ });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')).toBeTruthy();
    api.confirmTotpEnrolment.mockRejectedValueOnce(new ApiError(401, 'invalid_code', 'The code is incorrect or has already been used.'));
    fireEvent.change(screen.getByLabelText('Code from the app'), { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The code is incorrect');
    api.getMfaStatus.mockResolvedValue({ enabled: true, enabled_at: NOW.toISOString(), recovery_codes_remaining: 10, methods: ['totp'] });
    fireEvent.change(screen.getByLabelText('Code from the app'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(RECOVERY_CODES);
    // Signing out the other sessions is offered, and chosen unless unticked (ASVS 7.4.3).
    expect(api.confirmTotpEnrolment).toHaveBeenLastCalledWith('123456', true);
    expect(screen.getByRole('status').textContent).toBe('Two-step verification is now on and every other session was signed out.');
    fireEvent.click(screen.getByRole('button', { name: 'I have saved my codes' }));
    expect(await screen.findByText('Two-step verification is on.')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).toBeNull();
    expect(screen.getByText(/10 recovery codes left/)).toBeTruthy();
  });

  it('offers to sign out the other sessions when turning it on, ticked by default; unticked, they stay', async () => {
    const api = open();
    fireEvent.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    const box = (await screen.findByRole('checkbox', { name: 'Sign out of all other sessions' })) as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(screen.getByText(/Anyone signed in elsewhere without the code is signed out/)).toBeTruthy();
    fireEvent.click(box);
    fireEvent.change(screen.getByLabelText('Code from the app'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByRole('list', { name: 'Recovery codes' })).toBeTruthy();
    expect(api.confirmTotpEnrolment).toHaveBeenLastCalledWith('123456', false);
    expect(screen.getByRole('status').textContent).toBe('Two-step verification is now on.');
  });

  it('asks "Confirm it’s you" when setting up needs a recent authentication', async () => {
    const api = open();
    api.startTotpEnrolment.mockRejectedValueOnce(reauthRequired());
    fireEvent.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByRole('img', { name: /QR code/ })).toBeTruthy();
    expect(api.startTotpEnrolment).toHaveBeenCalledTimes(2);
  });

  it('turns off after a confirmation', async () => {
    const api = open({ enabled: true, enabled_at: NOW.toISOString(), recovery_codes_remaining: 3, methods: ['totp'] });
    fireEvent.click(await screen.findByRole('button', { name: 'Turn off two-step verification' }));
    const dialog = await screen.findByRole('dialog', { name: 'Turn off two-step verification?' });
    api.getMfaStatus.mockResolvedValue({ enabled: false, enabled_at: null, recovery_codes_remaining: 0, methods: [] });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Turn off' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.disableMfa).toHaveBeenCalledOnce();
    expect(await screen.findByRole('button', { name: 'Set up an authenticator app' })).toBeTruthy();
  });
});
