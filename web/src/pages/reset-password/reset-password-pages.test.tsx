import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, NOW } from '../../testing/fixtures';

function open(path: string) {
  const api = fakeApi();
  window.history.replaceState(null, '', path);
  render(<App api={api} now={() => NOW} />);
  return api;
}

describe('Reset password: asking for a link', () => {
  function ask(email: string) {
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
  }

  it('sends the address and gives the same answer whether or not the account exists', async () => {
    const api = open('/reset-password');
    expect(screen.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeTruthy();
    expect(document.title).toBe('Reset your password · sessiond');
    ask('ada@example.com');
    expect(await screen.findByText(/If an account exists for that address, we sent it a link\./)).toBeTruthy();
    expect(api.requestPasswordReset).toHaveBeenCalledWith('ada@example.com');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says how long to wait when rate limited', async () => {
    const api = open('/reset-password');
    api.requestPasswordReset.mockRejectedValueOnce(new ApiError(429, 'rate_limited', 'Too many attempts.', 120));
    ask('ada@example.com');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Too many attempts. Try again in 2 minutes.');
    expect(screen.queryByText(/If an account exists/)).toBeNull();
  });

  it('says so in words when the server cannot be reached', async () => {
    const api = open('/reset-password');
    api.requestPasswordReset.mockRejectedValueOnce(new ApiError(0, 'network_error', 'Could not reach the server.'));
    ask('ada@example.com');
    expect((await screen.findByRole('alert')).textContent).toContain('Could not reach the server.');
    expect((screen.getByRole('button', { name: 'Send reset link' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('links back to sign-in in-page', async () => {
    open('/reset-password');
    fireEvent.click(screen.getByRole('link', { name: 'Sign in' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
  });
});

describe('Reset password: choosing a new password', () => {
  function choose(password: string) {
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: password } });
    fireEvent.click(screen.getByRole('button', { name: 'Set new password' }));
  }

  it('takes the token out of the address bar and sends it with the new password', async () => {
    const api = open('/reset-password/confirm?token=reset-tok');
    expect(window.location.pathname).toBe('/reset-password/confirm');
    expect(window.location.search).toBe('');
    expect(screen.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeTruthy();
    choose('a new long passphrase');
    expect(await screen.findByText('Your password was changed and every session was signed out.')).toBeTruthy();
    expect(api.confirmPasswordReset).toHaveBeenCalledWith('reset-tok', 'a new long passphrase');
    // Done: no form is left to send again, only the way to sign in (nobody is signed in by a reset).
    expect(screen.queryByLabelText('New password')).toBeNull();
    fireEvent.click(screen.getByRole('link', { name: 'Sign in' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
  });

  it('shows the password policy message and keeps the form', async () => {
    const api = open('/reset-password/confirm?token=reset-tok');
    api.confirmPasswordReset.mockRejectedValueOnce(new ApiError(400, 'weak_password', 'Use at least 15 characters.'));
    choose('short');
    const field = screen.getByLabelText('New password');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('reset-new-password-error')?.textContent).toBe('Use at least 15 characters.');
    expect(field.getAttribute('aria-describedby')).toContain('reset-new-password-error');
    expect(screen.getByRole('button', { name: 'Show password' }).getAttribute('aria-pressed')).toBe('false');
    choose('a new long passphrase');
    expect(await screen.findByText('Your password was changed and every session was signed out.')).toBeTruthy();
    expect(api.confirmPasswordReset).toHaveBeenLastCalledWith('reset-tok', 'a new long passphrase');
  });

  it('offers a new link when the token was used or expired', async () => {
    const api = open('/reset-password/confirm?token=old');
    api.confirmPasswordReset.mockRejectedValueOnce(new ApiError(400, 'invalid_token', 'This link is not valid any more.'));
    choose('a new long passphrase');
    expect((await screen.findByRole('alert')).textContent).toContain('This link is not valid any more.');
    fireEvent.click(screen.getByRole('link', { name: 'Ask for a new link' }));
    await waitFor(() => expect(window.location.pathname).toBe('/reset-password'));
  });

  it('without a token, explains and links to a new request; nothing is sent', () => {
    const api = open('/reset-password/confirm');
    expect(screen.getByText('This page needs the link from the reset mail. Ask for a new one.')).toBeTruthy();
    expect(screen.queryByLabelText('New password')).toBeNull();
    expect(screen.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe('/reset-password');
    expect(api.confirmPasswordReset).not.toHaveBeenCalled();
  });
});
