import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, makeSession, NOW, unauthenticated } from '../../testing/fixtures';

function open() {
  const api = fakeApi([makeSession({ id: 'me', current: true })]);
  window.history.replaceState(null, '', '/settings/security/password');
  render(<App api={api} now={() => NOW} />);
  return api;
}

function submit(current: string, next: string) {
  fireEvent.change(screen.getByLabelText('Current password'), { target: { value: current } });
  fireEvent.change(screen.getByLabelText('New password'), { target: { value: next } });
  fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('Change password page', () => {
  it('ticks "Sign out of all other sessions" by default and sends sign_out_others', async () => {
    const api = open();
    const box = screen.getByLabelText('Sign out of all other sessions') as HTMLInputElement;
    expect(box.checked).toBe(true);
    submit('old password here!', 'a new long passphrase');
    expect(await screen.findByText('Your password was changed and every other session was signed out.')).toBeTruthy();
    expect(api.changePassword).toHaveBeenCalledWith({
      currentPassword: 'old password here!',
      newPassword: 'a new long passphrase',
      signOutOthers: true,
    });
  });

  it('can keep the other sessions', async () => {
    const api = open();
    fireEvent.click(screen.getByLabelText('Sign out of all other sessions'));
    submit('old password here!', 'a new long passphrase');
    expect(await screen.findByText('Your password was changed.')).toBeTruthy();
    expect(api.changePassword).toHaveBeenCalledWith(expect.objectContaining({ signOutOthers: false }));
  });

  it('shows the server’s password policy message', async () => {
    const api = open();
    api.changePassword.mockRejectedValue(new ApiError(400, 'weak_password', 'Use at least 15 characters.'));
    submit('old password here!', 'short');
    // Tied to the new-password field, which is marked invalid and focused.
    const field = screen.getByLabelText('New password');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('new-password-error')?.textContent).toBe('Use at least 15 characters.');
    expect(field.getAttribute('aria-describedby')).toBe('new-password-error new-password-hint');
    expect(screen.getByLabelText('Current password').getAttribute('aria-invalid')).toBeNull();
  });

  it('a wrong current password is that field’s error, focused', async () => {
    const api = open();
    api.changePassword.mockRejectedValue(new ApiError(400, 'incorrect_password', 'The current password is incorrect.'));
    submit('wrong old password', 'a long new passphrase');
    const field = screen.getByLabelText('Current password');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById('current-password-error')?.textContent).toBe('The current password is incorrect.');
  });

  it('both password fields have their own show-password toggle', () => {
    open();
    const toggles = screen.getAllByRole('button', { name: 'Show password' });
    expect(toggles).toHaveLength(2);
    fireEvent.click(toggles[1]!);
    expect(screen.getByLabelText<HTMLInputElement>('New password').type).toBe('text');
    expect(screen.getByLabelText<HTMLInputElement>('Current password').type).toBe('password');
  });

  it('has a sign-out button in the page frame', async () => {
    const api = open();
    expect(await screen.findByText('Signed in as ada@example.com')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(api.signOut).toHaveBeenCalledOnce();
    expect(await screen.findByText('You signed out.')).toBeTruthy();
  });

  it('sends an ended session to sign-in and back here after', async () => {
    const api = open();
    await screen.findByText('Signed in as ada@example.com');
    api.changePassword.mockRejectedValue(unauthenticated());
    submit('old password here!', 'a new long passphrase');
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/settings/security/password');
    expect(new URLSearchParams(window.location.search).get('notice')).toBe('session_ended');
  });
});
