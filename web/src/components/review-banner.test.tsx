import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { App } from '../app';
import { fakeApi, makeReview, makeSession, NOW, unauthenticated } from '../testing/fixtures';
import type { FakeApi } from '../testing/fixtures';
import { reviewReasons } from './review-banner';

const me = makeSession({ id: 'me', current: true });
const phone = makeSession({ id: 'phone', device: { name: 'iPhone', os: 'iOS 18', browser: null, type: 'mobile' } });

function open(api: FakeApi, path: string) {
  window.history.replaceState(null, '', path);
  return render(<App api={api} now={() => NOW} />);
}

const banner = () => screen.findByRole('region', { name: 'Review your sessions' });

describe('reviewReasons', () => {
  it('says why, per reason, naming the workspace when there is one, once per distinct line', () => {
    expect(
      reviewReasons([
        makeReview({ id: 'a', reason: 'workspace_request', workspace_name: 'Acme' }),
        makeReview({ id: 'b', reason: 'onboarding', workspace_name: 'Initech' }),
        makeReview({ id: 'c', reason: 'password_reset', workspace_id: null, workspace_name: null }),
        makeReview({ id: 'd', reason: 'suspicious_sign_in', workspace_id: null, workspace_name: null }),
        makeReview({ id: 'e', reason: 'suspicious_sign_in', workspace_id: null, workspace_name: null }),
        makeReview({ id: 'f', reason: 'workspace_request', workspace_name: null }),
      ]),
    ).toEqual([
      'The administrators of Acme asked you to.',
      'You joined Initech.',
      'Your password was reset.',
      'A sign-in to your account looked unusual.',
      'An administrator of your workspace asked you to.',
    ]);
  });
});

describe('the review banner', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me, phone]);
  });

  it('is not there when nothing is pending', async () => {
    open(api, '/settings/security/sessions');
    await screen.findByRole('list', { name: /Signed-in sessions/ });
    await waitFor(() => expect(api.listMyReviews).toHaveBeenCalled());
    expect(screen.queryByRole('region', { name: 'Review your sessions' })).toBeNull();
  });

  it('on Active sessions: says why, jumps to the list, and after confirming says how many sessions were signed out', async () => {
    api.listMyReviews.mockResolvedValue([
      makeReview({ id: 'r1', reason: 'workspace_request', workspace_name: 'Acme' }),
      makeReview({ id: 'r2', reason: 'password_reset', workspace_id: null, workspace_name: null }),
    ]);
    api.completeMyReviews.mockResolvedValue({ completed: 2, sign_outs: 1 });
    open(api, '/settings/security/sessions');
    const region = await banner();
    // Inside the main content, ahead of the page's own title, so "Skip to main content" lands on it.
    expect(region.closest('main')).toBeTruthy();
    expect(within(region).getByRole('heading', { level: 2, name: 'Review your sessions' })).toBeTruthy();
    const reasons = within(region).getByRole('list', { name: 'Why you are asked' });
    expect(
      within(reasons)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['The administrators of Acme asked you to.', 'Your password was reset.']);

    fireEvent.click(within(region).getByRole('link', { name: 'Jump to the list' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: /Signed-in sessions/ }));

    const confirm = within(region).getByRole('button', { name: 'I have reviewed my sessions' });
    fireEvent.click(confirm);
    const done = await screen.findByText('Thank you: your review is recorded. 1 session was signed out since you were asked.');
    expect(api.completeMyReviews).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('region', { name: 'Review your sessions' })).toBeNull();
    // Said in a live region, and focused: the button that was pressed is gone.
    expect(done.closest('[role="status"]')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(done));
    // The timeline below reloads to show the confirmation.
    await waitFor(() => expect(api.listSecurityEvents.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('on other settings pages: leads to the Active sessions list', async () => {
    api.listMyReviews.mockResolvedValue([makeReview({ id: 'r1', reason: 'onboarding', workspace_name: 'Acme' })]);
    open(api, '/settings/security/password');
    const region = await banner();
    expect(region.textContent).toContain('You joined Acme.');
    const link = within(region).getByRole('link', { name: 'Go to your sessions list' });
    expect(link.getAttribute('href')).toBe('/settings/security/sessions');
    fireEvent.click(link);
    await waitFor(() => expect(window.location.pathname).toBe('/settings/security/sessions'));
    // Still pending on the new page: the banner is there too, now pointing down the page.
    expect(within(await banner()).getByRole('link', { name: 'Jump to the list' })).toBeTruthy();
  });

  it('is on the workspace pages too, and says "no session" in words', async () => {
    api.listMyReviews.mockResolvedValue([makeReview({ id: 'r1', reason: 'suspicious_sign_in', workspace_id: null, workspace_name: null })]);
    api.completeMyReviews.mockResolvedValue({ completed: 1, sign_outs: 0 });
    open(api, '/settings/workspaces');
    const region = await banner();
    expect(region.textContent).toContain('A sign-in to your account looked unusual.');
    fireEvent.click(within(region).getByRole('button', { name: 'I have reviewed my sessions' }));
    expect(await screen.findByText('Thank you: your review is recorded. No session was signed out since you were asked.')).toBeTruthy();
  });

  it('keeps the banner with the reason when confirming fails, and sends a signed-out person to sign in', async () => {
    api.listMyReviews.mockResolvedValue([makeReview({ id: 'r1' })]);
    api.completeMyReviews.mockRejectedValueOnce(new ApiError(503, 'unavailable', 'The server is busy.', 5));
    open(api, '/settings/security/mfa');
    const region = await banner();
    const confirm = within(region).getByRole('button', { name: 'I have reviewed my sessions' });
    fireEvent.click(confirm);
    const alert = await within(region).findByRole('alert');
    expect(alert.textContent).toContain('Your review was not saved');
    expect(alert.textContent).toContain('The server is busy. Try again in 5 seconds.');
    expect((confirm as HTMLButtonElement).disabled).toBe(false);

    api.completeMyReviews.mockRejectedValueOnce(unauthenticated());
    fireEvent.click(confirm);
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
  });

  it('looks again when the window regains focus (someone may have asked meanwhile)', async () => {
    open(api, '/settings/security/password');
    await waitFor(() => expect(api.listMyReviews).toHaveBeenCalledTimes(1));
    api.listMyReviews.mockResolvedValue([makeReview({ id: 'r1' })]);
    fireEvent.focus(window);
    expect(await banner()).toBeTruthy();
  });
});
