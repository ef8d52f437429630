import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import type { MfaStatus, TrustedDevice } from '../../api';
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

describe('Two-step verification page: recovery codes can be kept', () => {
  async function showCodes() {
    const api = open({ enabled: true, enabled_at: NOW.toISOString(), recovery_codes_remaining: 3, methods: ['totp'] });
    fireEvent.click(await screen.findByRole('button', { name: 'Get new recovery codes' }));
    await screen.findByRole('list', { name: 'Recovery codes' });
    return api;
  }

  it('Copy puts the ten codes on the clipboard, one a line, and says so', async () => {
    const writeText = vi.fn<(text: string) => Promise<void>>().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await showCodes();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(RECOVERY_CODES.join('\n')));
    expect(await screen.findByText('Recovery codes copied.')).toBeTruthy();
  });

  it('a refused clipboard says to copy them by hand', async () => {
    const writeText = vi.fn<(text: string) => Promise<void>>().mockRejectedValue(new Error('denied'));
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await showCodes();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText(/could not be copied/)).toBeTruthy();
  });

  it('Download saves sessiond-recovery-codes.txt holding every code', async () => {
    let saved: Blob | null = null;
    const createObjectURL = vi.fn((blob: Blob) => {
      saved = blob;
      return 'blob:codes';
    });
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: HTMLAnchorElement[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await showCodes();
    fireEvent.click(screen.getByRole('button', { name: 'Download (.txt)' }));
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('sessiond-recovery-codes.txt');
    expect(clicked[0]!.getAttribute('href')).toBe('blob:codes');
    const text = await saved!.text();
    for (const c of RECOVERY_CODES) expect(text).toContain(c);
    expect(saved!.type).toContain('text/plain');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:codes');
    expect(await screen.findByText(/downloaded as sessiond-recovery-codes.txt/)).toBeTruthy();
    click.mockRestore();
  });

  it('Print prints the page with only the codes marked for printing', async () => {
    let classDuringPrint = '';
    const print = vi.fn(() => {
      classDuringPrint = document.body.className;
    });
    Object.defineProperty(window, 'print', { value: print, configurable: true, writable: true });
    await showCodes();
    fireEvent.click(screen.getByRole('button', { name: 'Print' }));
    expect(print).toHaveBeenCalledTimes(1);
    expect(classDuringPrint).toContain('printing-codes');
    expect(document.body.classList.contains('printing-codes')).toBe(false);
    expect(document.querySelector('.codes-to-print')?.textContent).toContain(RECOVERY_CODES[0]);
  });
});

describe('Two-step verification page: trusted devices', () => {
  const mac: TrustedDevice = {
    id: 'mac-handle',
    name: 'Mac · Chrome',
    client: { id: 'web', name: 'Web' },
    trusted_since: '2026-01-05T10:00:00Z',
    trusted_until: '2026-02-04T10:00:00Z',
    last_seen_at: '2026-01-10T10:00:00Z',
    current: false,
  };
  const phone: TrustedDevice = { ...mac, id: 'phone-handle', name: 'Pixel 8 · Firefox', current: true, trusted_since: null };

  it('lists each trusted device with its name, app, since and until; Stop trusting asks to confirm it is you, then removes it', async () => {
    const api = open({ enabled: true, enabled_at: NOW.toISOString(), recovery_codes_remaining: 10, methods: ['totp'] });
    api.listTrustedDevices.mockResolvedValueOnce([phone, mac]).mockResolvedValue([phone]);
    const list = await screen.findByRole('list', { name: 'Trusted devices' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('Pixel 8 · Firefox');
    expect(rows[0]!.textContent).toContain('This device');
    expect(rows[1]!.textContent).toContain('App: Web');
    expect(rows[1]!.textContent).toContain('Trusted since 5 January');
    expect(rows[1]!.textContent).toContain('Trusted until 4 February');

    api.untrustDevice.mockRejectedValueOnce(reauthRequired());
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Stop trusting Mac · Chrome' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Mac · Chrome is no longer trusted. Its next sign-in asks for a code.')).toBeTruthy();
    expect(api.untrustDevice).toHaveBeenLastCalledWith('mac-handle');
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Trusted devices' })).getAllByRole('listitem')).toHaveLength(1));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Trusted devices' })));
  });

  it('says when no device is trusted', async () => {
    open({ enabled: true, enabled_at: NOW.toISOString(), recovery_codes_remaining: 10, methods: ['totp'] });
    expect(await screen.findByText('No device is trusted.')).toBeTruthy();
  });
});
