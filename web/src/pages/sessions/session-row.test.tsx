import { cleanup, render as renderUi, screen, within } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ServicesProvider } from '../../services';
import { fakeApi, fakeWebAuthn, makeSession, NOW } from '../../testing/fixtures';
import { SessionRow } from './session-row';

/** The row's "Details" is an in-page link: it navigates through the services, as in the app. */
const navigate = vi.fn();
function Services({ children }: { children: ReactNode }) {
  const services = {
    api: fakeApi(),
    now: () => NOW,
    webauthn: fakeWebAuthn(),
    navigate,
    onUnauthenticated: vi.fn(),
    signInReason: () => null,
    markSignedIn: vi.fn(),
  };
  return <ServicesProvider value={services}>{children}</ServicesProvider>;
}
const render = (ui: ReactElement) => renderUi(ui, { wrapper: Services });

function row(session = makeSession({ id: 's1' })) {
  const onSignOut = vi.fn();
  render(
    <ul>
      <SessionRow session={session} now={NOW} onSignOut={onSignOut} timeZone="UTC" />
    </ul>,
  );
  return { item: screen.getByRole('listitem'), onSignOut };
}

describe('SessionRow', () => {
  it('shows app, device, approximate location, IP and times', () => {
    const { item } = row();
    const r = within(item);
    expect(r.getByRole('heading', { level: 3, name: 'Chrome on Windows' })).toBeTruthy();
    expect(item.textContent).toContain('Web');
    expect(item.querySelector('[data-icon="browser"]')).not.toBeNull();
    expect(item.textContent).toContain('Windows 11 · Chrome 131');
    const location = r.getByText('near Cambridge, GB', { exact: false });
    expect(location.textContent).toBe('near Cambridge, GB (approximate)');
    expect(location.getAttribute('title')).toMatch(/Approximate location.*United Kingdom/);
    expect(r.getByText('203.0.113.7')).toBeTruthy();
  });

  it('gives signed-in and last-active times as relative text with the exact time on hover', () => {
    const { item } = row();
    const times = item.querySelectorAll('time');
    expect(times).toHaveLength(2);
    expect(times[0]?.textContent).toBe('3 hours ago');
    expect(times[0]?.getAttribute('dateTime')).toBe('2026-01-15T09:00:00Z');
    expect(times[0]?.getAttribute('title')).toBe('Jan 15, 2026, 9:00 AM UTC');
    expect(times[1]?.textContent).toBe('5 minutes ago');
  });

  it('marks the current session "This device" and says it is active now', () => {
    const { item } = row(makeSession({ id: 'me', current: true }));
    expect(within(item).getByText('This device')).toBeTruthy();
    expect(within(item).getByText('Active now')).toBeTruthy();
    expect(within(item).queryByText('Trusted device')).toBeNull();
    expect(within(item).getByRole('button', { name: 'Sign out this device' })).toBeTruthy();
  });

  it('shows the "Trusted device" badge only on trusted sessions', () => {
    const { item } = row(makeSession({ id: 't', trusted: true }));
    expect(within(item).getByText('Trusted device')).toBeTruthy();
    expect(within(item).queryByText('This device')).toBeNull();
  });

  it('names the session in its Sign out button, so each button is distinct for a screen reader', () => {
    const { item, onSignOut } = row();
    const button = within(item).getByRole('button', { name: 'Sign out Chrome on Windows (Web, near Cambridge, GB)' });
    button.click();
    expect(onSignOut).toHaveBeenCalledWith(expect.objectContaining({ id: 's1' }), button);
  });

  it('offers "Lost this device?" only when asked, and never on the current session', () => {
    const onReplaceDevice = vi.fn();
    const { rerender } = render(
      <ul>
        <SessionRow session={makeSession({ id: 's1' })} now={NOW} onSignOut={vi.fn()} onReplaceDevice={onReplaceDevice} />
      </ul>,
    );
    const button = screen.getByRole('button', { name: 'Lost this device? Chrome on Windows (Web, near Cambridge, GB)' });
    expect(button.textContent).toBe('Lost this device?');
    button.click();
    expect(onReplaceDevice).toHaveBeenCalledWith(expect.objectContaining({ id: 's1' }), button);
    rerender(
      <ul>
        <SessionRow
          session={makeSession({ id: 's1' })}
          now={NOW}
          onSignOut={vi.fn()}
          onReplaceDevice={onReplaceDevice}
          replaceDeviceText="Lost device"
          replaceDeviceLabel={(what) => `Lost device: ${what}`}
        />
      </ul>,
    );
    expect(screen.getByRole('button', { name: 'Lost device: Chrome on Windows (Web, near Cambridge, GB)' }).textContent).toBe(
      'Lost device',
    );
    rerender(
      <ul>
        <SessionRow session={makeSession({ id: 'me', current: true })} now={NOW} onSignOut={vi.fn()} onReplaceDevice={onReplaceDevice} />
      </ul>,
    );
    expect(screen.queryByRole('button', { name: /^Lost/ })).toBeNull();
  });

  it('has no "Lost this device?" without a handler', () => {
    const { item } = row();
    expect(within(item).queryByRole('button', { name: /^Lost/ })).toBeNull();
  });

  it('renders server strings as text, never as markup', () => {
    const { item } = row(
      makeSession({
        id: 'x',
        device: { name: '<script>alert(1)</script>', os: '<img src=x onerror=alert(2)>', browser: null, type: 'unknown' },
      }),
    );
    expect(item.querySelector('script')).toBeNull();
    expect(item.querySelector('img')).toBeNull();
    expect(within(item).getByRole('heading').textContent).toBe('<script>alert(1)</script>');
  });

  it('says when the device or the location is unknown, without claiming an approximation', () => {
    const { item } = row(
      makeSession({
        id: 'u',
        device: { name: '', os: '', browser: null, type: 'unknown' },
        location: { city: null, region: null, country: null, approximate: true },
      }),
    );
    expect(within(item).getByRole('heading').textContent).toBe('Unknown device');
    expect(item.textContent).toContain('Location unknown');
    expect(item.textContent).not.toContain('approximate');
  });
});

describe('SessionRow: its own page', () => {
  it('links to the session’s page with a name that says which session, and moves there in the page', () => {
    const { item } = row();
    const link = within(item).getByRole('link', { name: 'Details and history of Chrome on Windows (Web, near Cambridge, GB)' });
    expect(link.getAttribute('href')).toBe('/settings/security/session?id=s1');
    expect(link.textContent).toBe('Details');
    link.click();
    expect(navigate).toHaveBeenCalledWith('/settings/security/session?id=s1');
  });

  it('names the current session "this device", and has no link where it is turned off (an admin’s view)', () => {
    const { rerender } = render(
      <ul>
        <SessionRow session={makeSession({ id: 'me', current: true })} now={NOW} onSignOut={vi.fn()} />
      </ul>,
    );
    expect(screen.getByRole('link', { name: 'Details and history of this device' })).toBeTruthy();
    rerender(
      <ul>
        <SessionRow session={makeSession({ id: 's2' })} now={NOW} onSignOut={vi.fn()} detailsLink={false} />
      </ul>,
    );
    expect(screen.queryByRole('link')).toBeNull();
  });
});

describe('SessionRow: trust expiry', () => {
  it('says until when a trusted device is trusted ("Trusted until 5 February"), with the year when it is not this year', () => {
    const { item } = row(makeSession({ id: 's1', trusted: true, trusted_until: '2026-02-05T09:00:00Z' }));
    expect(item.textContent).toContain('Trusted until 5 February');
    expect(item.textContent).not.toContain('2026');
  });

  it('names the year of a trust that ends next year, and says nothing for an untrusted device', () => {
    const { item } = row(makeSession({ id: 's1', trusted: true, trusted_until: '2027-01-04T09:00:00Z' }));
    expect(item.textContent).toContain('Trusted until 4 January 2027');
  });

  it('an untrusted device shows no expiry', () => {
    const { item } = row(makeSession({ id: 's1', trusted: false, trusted_until: null }));
    expect(item.textContent).not.toContain('Trusted until');
  });

  it('says how each session was signed in: Passkey, Password + authenticator code, Password', () => {
    const method = (auth_method: string) => {
      const { item } = row(makeSession({ id: `s-${auth_method}`, auth_method }));
      const text = within(item).getByText('Sign-in method').nextElementSibling?.textContent;
      cleanup();
      return text;
    };
    expect(method('passkey')).toBe('Passkey');
    expect(method('mfa')).toBe('Password + authenticator code');
    expect(method('password')).toBe('Password');
  });
});
