import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, NOW } from '../../testing/fixtures';

function open(path: string, options: { strict?: boolean } = {}) {
  const api = fakeApi();
  window.history.replaceState(null, '', path);
  const app = <App api={api} now={() => NOW} />;
  render(options.strict === true ? <StrictMode>{app}</StrictMode> : app);
  return api;
}

const confirmButton = () => screen.getByRole('button', { name: 'Sign that session out' });

describe('"This wasn\'t me" page', () => {
  it('takes the token out of the address bar at once and sends nothing until asked', async () => {
    const api = open('/report-sign-in?token=tok-123');
    expect(screen.getByRole('heading', { level: 1, name: 'Was this sign-in not you?' })).toBeTruthy();
    expect(window.location.pathname).toBe('/report-sign-in');
    expect(window.location.search).toBe('');
    expect(document.title).toBe('Was this sign-in not you? · sessiond');
    expect(api.reportSignIn).not.toHaveBeenCalled();
    // Opening the link signs no session out: the button does.
    fireEvent.click(confirmButton());
    expect(await screen.findByText(/That session was signed out\./)).toBeTruthy();
    expect(api.reportSignIn).toHaveBeenCalledWith('tok-123');
    expect(screen.queryByRole('button', { name: 'Sign that session out' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the token through React StrictMode’s double render', async () => {
    const api = open('/report-sign-in?token=tok-strict', { strict: true });
    expect(window.location.search).toBe('');
    fireEvent.click(confirmButton());
    await waitFor(() => expect(api.reportSignIn).toHaveBeenCalledWith('tok-strict'));
  });

  it('leaves other query parameters in place', () => {
    open('/report-sign-in?token=tok-123&utm=mail');
    expect(window.location.search).toBe('?utm=mail');
  });

  it('says the page needs the link from the mail when there is no token, and offers no button', () => {
    const api = open('/report-sign-in');
    expect(screen.getByRole('alert').textContent).toContain('This page needs the link from the reset mail.');
    expect(screen.queryByRole('button', { name: 'Sign that session out' })).toBeNull();
    expect(api.reportSignIn).not.toHaveBeenCalled();
  });

  it('shows the server’s message for a used or expired link and lets the person try again', async () => {
    const api = open('/report-sign-in?token=used');
    api.reportSignIn.mockRejectedValueOnce(new ApiError(400, 'invalid_token', 'This link is not valid any more.'));
    fireEvent.click(confirmButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('That did not work');
    expect(alert.textContent).toContain('This link is not valid any more.');
    expect((confirmButton() as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirmButton());
    expect(await screen.findByText(/That session was signed out\./)).toBeTruthy();
    expect(api.reportSignIn).toHaveBeenCalledTimes(2);
  });

  it('shows that it is working while the request is in flight', async () => {
    const api = open('/report-sign-in?token=tok-123');
    let finish: () => void = () => {};
    api.reportSignIn.mockReturnValueOnce(new Promise<void>((resolve) => (finish = resolve)));
    fireEvent.click(confirmButton());
    const busy = await screen.findByRole('button', { name: 'Signing out…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    finish();
    expect(await screen.findByText(/That session was signed out\./)).toBeTruthy();
  });

  it('links to the password reset in-page', async () => {
    open('/report-sign-in?token=tok-123');
    fireEvent.click(screen.getByRole('link', { name: 'Reset your password' }));
    await waitFor(() => expect(window.location.pathname).toBe('/reset-password'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Reset your password' })).toBeTruthy();
  });
});
