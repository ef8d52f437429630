import { fireEvent, render, screen } from '@testing-library/react';
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

const createButton = () => screen.getByRole('button', { name: 'Create my account' });

describe('sign-up confirmation page (the link in a sign-up mail)', () => {
  it('takes the token out of the address bar, creates nothing until asked, then says to sign in', async () => {
    const api = open('/sign-up/confirm?token=tok-123');
    expect(screen.getByRole('heading', { level: 1, name: 'Create your account' })).toBeTruthy();
    expect(window.location.pathname).toBe('/sign-up/confirm');
    expect(window.location.search).toBe('');
    expect(document.title).toBe('Create your account · sessiond');
    expect(api.confirmSignUp).not.toHaveBeenCalled();
    fireEvent.click(createButton());
    expect(await screen.findByText(/Your account was created\./)).toBeTruthy();
    expect(api.confirmSignUp).toHaveBeenCalledWith('tok-123');
    expect(screen.queryByRole('button', { name: 'Create my account' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/sign-in');
  });

  it('says the page needs the link from the mail when there is no token, and offers no button', () => {
    const api = open('/sign-up/confirm');
    expect(screen.getByRole('alert').textContent).toContain('This page needs the link from the sign-up mail.');
    expect(screen.queryByRole('button', { name: 'Create my account' })).toBeNull();
    expect(api.confirmSignUp).not.toHaveBeenCalled();
  });

  it('shows the server’s message for a used or expired link and lets the person try again', async () => {
    const api = open('/sign-up/confirm?token=used');
    api.confirmSignUp.mockRejectedValueOnce(new ApiError(400, 'invalid_token', 'This link is not valid any more.'));
    fireEvent.click(createButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('That did not work');
    expect(alert.textContent).toContain('This link is not valid any more.');
    expect((createButton() as HTMLButtonElement).disabled).toBe(false);
  });
});
