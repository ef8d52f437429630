import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { ServicesProvider } from '../../services';
import type { Services } from '../../services';
import { fakeApi, fakeWebAuthn, makeConsentInteraction, NOW, reauthRequired, unauthenticated } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';
import { ConsentPage } from './consent-page';

const ADDRESS = '/oauth/consent?uid=uid-1';

/** The page alone, with a stand-in for the browser leaving to the answer's address. */
function open(api: FakeApi, path = ADDRESS) {
  window.history.replaceState(null, '', path);
  const assign = vi.fn<(url: string) => void>();
  const services: Services = {
    api,
    now: () => NOW,
    webauthn: fakeWebAuthn(),
    navigate: vi.fn(),
    onUnauthenticated: vi.fn(),
    signInReason: () => null,
    markSignedIn: vi.fn(),
  };
  render(
    <ServicesProvider value={services}>
      <ConsentPage assign={assign} />
    </ServicesProvider>,
  );
  return { assign, services };
}

describe('Consent page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi();
  });

  it('names the app, says it is a third party’s, lists what it asks for in words, and Allow goes where the server says', async () => {
    const { assign } = open(api);
    expect(await screen.findByRole('heading', { level: 1, name: 'Notes Pro wants to use your account' })).toBeTruthy();
    expect(api.getConsentInteraction).toHaveBeenCalledWith('uid-1');
    expect(screen.getByText(/A third-party app, not made by us/)).toBeTruthy();
    const scopes = screen.getByRole('list', { name: 'It will be able to' });
    expect(
      within(scopes)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Confirm it’s you', 'Your name', 'Your email address']);
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://notes.example/callback?code=abc'));
    expect(api.answerConsentInteraction).toHaveBeenCalledWith('uid-1', 'approve');
  });

  it('denies, and goes where the server says', async () => {
    api.answerConsentInteraction.mockResolvedValueOnce({ redirect_to: 'https://notes.example/callback?error=access_denied' });
    const { assign } = open(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Deny' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://notes.example/callback?error=access_denied'));
    expect(api.answerConsentInteraction).toHaveBeenCalledWith('uid-1', 'deny');
  });

  it('shows the logo of an app made by us', async () => {
    api.getConsentInteraction.mockResolvedValueOnce(
      makeConsentInteraction({ client: { id: 'board', name: 'Board', logo_uri: 'https://board.example/logo.png', first_party: true } }),
    );
    open(api);
    expect((await screen.findByRole('img', { name: 'Logo of Board' })).getAttribute('src')).toBe('https://board.example/logo.png');
    expect(screen.getByText('An app made by us.')).toBeTruthy();
  });

  it('for a device sign-in, names the device and about where it is', async () => {
    api.getConsentInteraction.mockResolvedValueOnce(
      makeConsentInteraction({
        client: { id: 'cli', name: 'Command line', logo_uri: null, first_party: true },
        scopes: ['openid', 'offline_access'],
        device: { name: 'build-server', ip: '192.0.2.9', location: { city: 'Frankfurt', region: null, country: 'DE', approximate: true } },
      }),
    );
    open(api);
    expect(await screen.findByText('A sign-in on build-server near Frankfurt, DE is asking for access.')).toBeTruthy();
    expect(screen.getByText('Allow it only if you started this sign-in yourself, just now.')).toBeTruthy();
    expect(screen.getByText('Stay connected when you’re away')).toBeTruthy();
  });

  it('asks “Confirm it’s you” when allowing needs a recent sign-in, then answers again', async () => {
    api.answerConsentInteraction.mockRejectedValueOnce(reauthRequired());
    const { assign } = open(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://notes.example/callback?code=abc'));
    expect(api.answerConsentInteraction).toHaveBeenCalledTimes(2);
  });

  it('says nothing was allowed when “Confirm it’s you” is cancelled', async () => {
    api.answerConsentInteraction.mockRejectedValueOnce(reauthRequired());
    const { assign } = open(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow' }));
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Confirm it’s you' })).getByRole('button', { name: 'Cancel' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Nothing was allowed: you did not confirm it was you.');
    expect(assign).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Allow' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('says a request that expired or was answered already is gone (404)', async () => {
    api.getConsentInteraction.mockRejectedValueOnce(new ApiError(404, 'not_found', 'The resource does not exist.'));
    open(api);
    expect(await screen.findByText('This request has expired or was already answered.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Allow' })).toBeNull();
  });

  it('says so when the request is gone by the time it is answered', async () => {
    api.answerConsentInteraction.mockRejectedValueOnce(new ApiError(404, 'not_found', 'The resource does not exist.'));
    const { assign } = open(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow' }));
    expect(await screen.findByText('This request has expired or was already answered.')).toBeTruthy();
    expect(assign).not.toHaveBeenCalled();
  });

  it('says the address is incomplete without a uid, and asks nothing of the server', () => {
    open(api, '/oauth/consent');
    expect(screen.getByRole('alert').textContent).toContain('This address is missing the request.');
    expect(api.getConsentInteraction).not.toHaveBeenCalled();
  });

  it('sends a signed-out visitor to sign in and back to this request', async () => {
    api.getConsentInteraction.mockRejectedValue(unauthenticated());
    const { services } = open(api);
    await waitFor(() => expect(services.onUnauthenticated).toHaveBeenCalled());
    expect(vi.mocked(services.onUnauthenticated).mock.calls[0]![1]).toEqual({ next: ADDRESS });
  });

  it('is a page of the app at /oauth/consent, which goes through sign-in when signed out', async () => {
    api.getConsentInteraction.mockRejectedValue(unauthenticated());
    window.history.replaceState(null, '', ADDRESS);
    render(<App api={api} now={() => NOW} />);
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(new URLSearchParams(window.location.search).get('next')).toBe(ADDRESS);
  });
});
