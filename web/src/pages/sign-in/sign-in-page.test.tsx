import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import {
  AUTHENTICATION_RESPONSE,
  fakeApi,
  fakeWebAuthn,
  makeSession,
  makeUser,
  notAllowed,
  NOW,
  REQUEST_OPTIONS,
  uiConfig,
} from '../../testing/fixtures';

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
    api.signIn.mockResolvedValue({
      mfa_required: true,
      mfa_token: 'tok',
      expires_at: '2026-01-15T12:05:00Z',
      remember_device_days: 30,
      passkeys: false,
    });
    api.signInWithCode.mockResolvedValue({
      user: makeUser(),
      session: makeSession({ id: 'me', current: true }),
    });
    fill('ada@example.com', 'correct horse battery staple');
    expect(await screen.findByRole('heading', { level: 1, name: 'Two-step verification' })).toBeTruthy();
    // The code field is new, and takes focus (not the password field's input, reused).
    expect(document.activeElement).toBe(screen.getByLabelText('Authentication code'));
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: ' 123456 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/mfa'));
    expect(api.signInWithCode).toHaveBeenCalledWith('tok', '123456', false);
  });

  it('offers "Remember this device" for the configured days, unticked; ticked, the code step asks for it', async () => {
    const api = open('/sign-in');
    api.signIn.mockResolvedValue({
      mfa_required: true,
      mfa_token: 'tok',
      expires_at: '2026-01-15T12:05:00Z',
      remember_device_days: 14,
      passkeys: false,
    });
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
    api.signIn.mockResolvedValue({
      mfa_required: true,
      mfa_token: 'tok',
      expires_at: '2026-01-15T12:05:00Z',
      remember_device_days: 30,
      passkeys: false,
    });
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

describe('Sign-in page: passkeys', () => {
  function openWithPasskeys(path: string, options: { autofill?: boolean; supported?: boolean; served?: boolean } = {}) {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    if (options.served === false) api.getUiConfig.mockResolvedValue({ ...uiConfig, passkeys: false });
    const webauthn = fakeWebAuthn({ autofill: options.autofill ?? false, supported: options.supported ?? true });
    window.history.replaceState(null, '', path);
    const view = render(<App api={api} now={() => NOW} webauthn={webauthn} />);
    return { api, webauthn, view };
  }
  const signedIn = { user: makeUser(), session: makeSession({ id: 'me', current: true, auth_method: 'passkey' }) };

  it('the email field offers passkeys in its autofill', () => {
    openWithPasskeys('/sign-in');
    expect(screen.getByLabelText('Email').getAttribute('autocomplete')).toBe('username webauthn');
  });

  it('"Sign in with a passkey": discoverable options, the browser, then the sign-in; goes on to next like a password sign-in', async () => {
    const { api, webauthn } = openWithPasskeys('/sign-in?next=%2Fsettings%2Fsecurity%2Fpasskeys');
    api.signInWithPasskey.mockResolvedValue(signedIn);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/passkeys'));
    expect(api.beginPasskeySignIn).toHaveBeenCalledWith(undefined);
    expect(webauthn.authenticate).toHaveBeenCalledWith(REQUEST_OPTIONS);
    expect(api.signInWithPasskey).toHaveBeenCalledWith(AUTHENTICATION_RESPONSE, undefined);
    expect(api.signIn).not.toHaveBeenCalled();
  });

  it('a cancelled passkey prompt is said calmly, not as an error, and the password form still works', async () => {
    const { api, webauthn } = openWithPasskeys('/sign-in');
    webauthn.authenticate.mockRejectedValueOnce(notAllowed());
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('No passkey was used.'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(api.signInWithPasskey).not.toHaveBeenCalled();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Sign in' }).disabled).toBe(false);
  });

  it('a passkey the server refuses is the sign-in’s error', async () => {
    const { api } = openWithPasskeys('/sign-in');
    api.signInWithPasskey.mockRejectedValue(new ApiError(401, 'invalid_credentials', 'That passkey could not sign you in.'));
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in with a passkey' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That passkey could not sign you in.');
    expect(window.location.pathname).toBe('/sign-in');
  });

  it('offers no passkey where the server does not serve them or the browser cannot', async () => {
    const { api } = openWithPasskeys('/sign-in', { served: false });
    await waitFor(() => expect(api.getUiConfig).toHaveBeenCalled());
    await Promise.resolve();
    expect(screen.queryByRole('button', { name: 'Sign in with a passkey' })).toBeNull();
    cleanup();
    const other = openWithPasskeys('/sign-in', { supported: false });
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign in with a passkey' })).toBeNull();
    expect(other.api.beginPasskeySignIn).not.toHaveBeenCalled();
  });

  it('the autofill request is aborted when the page closes, and when the button starts a modal request', async () => {
    const { api, webauthn, view } = openWithPasskeys('/sign-in', { autofill: true });
    await waitFor(() => expect(webauthn.authenticate).toHaveBeenCalledWith(REQUEST_OPTIONS, true));
    api.signInWithPasskey.mockResolvedValue(signedIn);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in with a passkey' }));
    await waitFor(() => expect(api.signInWithPasskey).toHaveBeenCalledOnce());
    // Aborted before the modal request asked the browser.
    expect(webauthn.cancel.mock.invocationCallOrder[0]!).toBeLessThan(webauthn.authenticate.mock.invocationCallOrder[1]!);
    expect(webauthn.authenticate).toHaveBeenLastCalledWith(REQUEST_OPTIONS);
    expect(screen.queryByRole('alert')).toBeNull();
    view.unmount();

    const again = openWithPasskeys('/sign-in', { autofill: true });
    await waitFor(() => expect(again.webauthn.authenticate).toHaveBeenCalledWith(REQUEST_OPTIONS, true));
    expect(again.webauthn.cancel).not.toHaveBeenCalled();
    again.view.unmount();
    expect(again.webauthn.cancel).toHaveBeenCalledOnce();
  });

  it('with autofill, a conditional request starts when the page opens; a passkey picked from it signs in and follows next', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    const webauthn = fakeWebAuthn({ autofill: true });
    webauthn.authenticate.mockResolvedValue(AUTHENTICATION_RESPONSE);
    api.signInWithPasskey.mockResolvedValue(signedIn);
    window.history.replaceState(null, '', '/sign-in?next=%2Fsettings%2Fsecurity%2Fmfa');
    render(<App api={api} now={() => NOW} webauthn={webauthn} />);
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/mfa'));
    expect(webauthn.authenticate).toHaveBeenCalledWith(REQUEST_OPTIONS, true);
    expect(api.signInWithPasskey).toHaveBeenCalledWith(AUTHENTICATION_RESPONSE, undefined);
  });

  it('at the code step, offers no passkey to an account that has none', async () => {
    const { api } = openWithPasskeys('/sign-in');
    api.signIn.mockResolvedValue({
      mfa_required: true,
      mfa_token: 'tok',
      expires_at: '2026-01-15T12:05:00Z',
      remember_device_days: 30,
      passkeys: false,
    });
    fill('ada@example.com', 'correct horse battery staple');
    await screen.findByLabelText('Authentication code');
    expect(screen.queryByRole('button', { name: 'Use a passkey instead' })).toBeNull();
  });

  it('at the code step, "Use a passkey instead" asks for that account’s passkeys and sends the step’s token and Remember this device', async () => {
    const { api, webauthn } = openWithPasskeys('/sign-in?next=%2Fsettings%2Fsecurity%2Fmfa');
    api.signIn.mockResolvedValue({
      mfa_required: true,
      mfa_token: 'tok',
      expires_at: '2026-01-15T12:05:00Z',
      remember_device_days: 30,
      passkeys: true,
    });
    api.signInWithPasskey.mockResolvedValue({ ...signedIn, session: makeSession({ id: 'me', current: true, auth_method: 'mfa' }) });
    fill('ada@example.com', 'correct horse battery staple');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Remember this device for 30 days' }));
    fireEvent.click(screen.getByRole('button', { name: 'Use a passkey instead' }));
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/mfa'));
    expect(api.beginPasskeySignIn).toHaveBeenCalledWith('tok');
    expect(webauthn.authenticate).toHaveBeenCalledWith(REQUEST_OPTIONS);
    expect(api.signInWithPasskey).toHaveBeenCalledWith(AUTHENTICATION_RESPONSE, { mfaToken: 'tok', rememberDevice: true });
    expect(api.signInWithCode).not.toHaveBeenCalled();
  });
});
