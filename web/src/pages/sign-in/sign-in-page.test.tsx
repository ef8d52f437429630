import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, makeSession, makeUser, NOW } from '../../testing/fixtures';

function open(path: string) {
  const api = fakeApi([makeSession({ id: 'me', current: true })]);
  window.history.replaceState(null, '', path);
  render(<App api={api} now={() => NOW} />);
  return api;
}

function fill(email: string, password: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('Sign-in page', () => {
  it('has labelled fields and signs in, then goes back to the page that asked', async () => {
    const api = open('/sign-in?next=%2Fsettings%2Fsecurity%2Fpassword&notice=session_ended');
    expect(screen.getByText(/You were signed out/)).toBeTruthy();
    api.signIn.mockResolvedValue({ user: makeUser(), session: makeSession({ id: 'me', current: true }) });
    fill(' ada@example.com ', 'correct horse battery staple');
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/password'));
    expect(api.signIn).toHaveBeenCalledWith('ada@example.com', 'correct horse battery staple');
    expect(await screen.findByRole('heading', { level: 1, name: 'Change password' })).toBeTruthy();
  });

  it('never follows a next that leaves the site', async () => {
    const api = open('/sign-in?next=%2F%2Fevil.example%2F');
    api.signIn.mockResolvedValue({ user: makeUser({ email: 'a@b.c' }), session: makeSession({ id: 'me', current: true }) });
    fill('a@b.c', 'correct horse battery staple');
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/sessions'));
  });

  it('after bad credentials the password is cleared and focused, its error tied to it; the email stays', async () => {
    const api = open('/sign-in');
    api.signIn.mockRejectedValue(new ApiError(401, 'invalid_credentials', 'The email or password is incorrect.'));
    fill('a@b.c', 'wrong password here');
    const password = screen.getByLabelText<HTMLInputElement>('Password');
    await waitFor(() => expect(document.activeElement).toBe(password));
    expect(password.value).toBe('');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    const described = (password.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(described).toContain('The email or password is incorrect.');
    expect(screen.getByLabelText<HTMLInputElement>('Email').value).toBe('a@b.c');
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBeNull();
    expect(window.location.pathname).toBe('/sign-in');
    // Typing again and succeeding clears the error.
    api.signIn.mockResolvedValue({ user: makeUser(), session: makeSession({ id: 'me', current: true }) });
    fill('a@b.c', 'correct horse battery staple');
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/sessions'));
  });

  it('the password field has a show-password toggle that switches the input type', () => {
    open('/sign-in');
    const password = screen.getByLabelText<HTMLInputElement>('Password');
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(password.type).toBe('password');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(password.type).toBe('text');
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(toggle);
    expect(password.type).toBe('password');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
  });

  it('shows the wait from Retry-After when rate limited', async () => {
    const api = open('/sign-in');
    api.signIn.mockRejectedValue(new ApiError(429, 'rate_limited', 'Too many attempts.', 60));
    fill('a@b.c', 'x');
    expect((await screen.findByRole('alert')).textContent).toContain('Too many attempts. Try again in 1 minute.');
  });

  it('leads a reported account to the password reset', async () => {
    const api = open('/sign-in');
    api.signIn.mockRejectedValue(new ApiError(403, 'password_change_required', 'Change your password before signing in.'));
    fill('a@b.c', 'correct horse battery staple');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Reset your password to sign in again.');
    expect(screen.getByRole('link', { name: 'Reset your password' }).getAttribute('href')).toBe('/reset-password');
  });

  it('ignores unknown notice codes instead of echoing the query', () => {
    open('/sign-in?notice=%3Cb%3Ehi%3C%2Fb%3E');
    expect(document.body.textContent).not.toContain('<b>hi</b>');
    expect(screen.getByRole('status').textContent).toBe('');
  });
});

describe('Sign-in page: two-step verification', () => {
  it('asks for a code after the password, then goes on', async () => {
    const api = open('/sign-in?next=%2Fsettings%2Fsecurity%2Fmfa');
    api.signIn.mockResolvedValue({ mfa_required: true, mfa_token: 'tok', expires_at: '2026-01-15T12:05:00Z', remember_device_days: 30 });
    api.signInWithCode.mockResolvedValue({
      user: makeUser(),
      session: makeSession({ id: 'me', current: true }),
    });
    fill('ada@example.com', 'correct horse battery staple');
    expect(await screen.findByRole('heading', { level: 1, name: 'Two-step verification' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: ' 123456 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/mfa'));
    expect(api.signInWithCode).toHaveBeenCalledWith('tok', '123456', false);
  });

  it('offers "Remember this device" for the configured days, unticked; ticked, the code step asks for it', async () => {
    const api = open('/sign-in');
    api.signIn.mockResolvedValue({ mfa_required: true, mfa_token: 'tok', expires_at: '2026-01-15T12:05:00Z', remember_device_days: 14 });
    api.signInWithCode.mockResolvedValue({ user: makeUser(), session: makeSession({ id: 'me', current: true, trusted: true }) });
    fill('ada@example.com', 'correct horse battery staple');
    const remember = await screen.findByRole<HTMLInputElement>('checkbox', { name: 'Remember this device for 14 days' });
    expect(remember.checked).toBe(false);
    fireEvent.click(remember);
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(api.signInWithCode).toHaveBeenCalledWith('tok', '123456', true));
  });

  it('shows a wrong code and stays; an expired step goes back to the password', async () => {
    const api = open('/sign-in');
    api.signIn.mockResolvedValue({ mfa_required: true, mfa_token: 'tok', expires_at: '2026-01-15T12:05:00Z', remember_device_days: 30 });
    fill('ada@example.com', 'correct horse battery staple');
    await screen.findByLabelText('Authentication code');
    api.signInWithCode.mockRejectedValueOnce(new ApiError(401, 'invalid_code', 'The code is incorrect or has already been used.'));
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    const codeField = screen.getByLabelText('Authentication code');
    await waitFor(() => expect(codeField.getAttribute('aria-invalid')).toBe('true'));
    expect(document.activeElement).toBe(codeField);
    expect(document.getElementById('code-error')?.textContent).toContain('The code is incorrect');
    expect(codeField.getAttribute('aria-describedby')).toContain('code-error');
    api.signInWithCode.mockRejectedValueOnce(
      new ApiError(401, 'mfa_token_invalid', 'The sign-in step expired or was already used. Sign in again.'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByLabelText('Email')).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain('The sign-in took too long');
  });
});
