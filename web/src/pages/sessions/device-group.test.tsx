import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../app';
import { orderSessions } from '../../format';
import { fakeApi, makeSession, NOW, reauthRequired } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';
import { groupByDevice } from './device-group';

// This browser, signed in twice on one device cookie: the current session and an older one.
const me = makeSession({ id: 'me', current: true, device_group: 'browserGroup', last_active_at: '2026-01-15T10:00:00Z' });
const meBefore = makeSession({ id: 'me-before', device_group: 'browserGroup', last_active_at: '2026-01-15T08:00:00Z' });
// A laptop where the desktop app and the CLI send one device id.
const desktop = makeSession({
  id: 'desktop',
  client: { id: 'desktop', name: 'sessiond for Mac', kind: 'desktop' },
  device: { name: 'MacBook Pro', os: 'macOS 15', browser: null, type: 'desktop' },
  location: { city: 'London', region: null, country: 'GB', approximate: true },
  device_group: 'macGroup',
  last_active_at: '2026-01-15T11:50:00Z',
});
const cli = makeSession({
  id: 'cli',
  client: { id: 'cli', name: 'sessiond CLI', kind: 'cli' },
  device: { name: 'macbook.local', os: 'macOS 15', browser: null, type: 'unknown' },
  device_group: 'macGroup',
  last_active_at: '2026-01-15T09:30:00Z',
  trusted: true,
});
// One session each: a phone, and a service without a device id.
const phone = makeSession({
  id: 'phone',
  client: { id: 'mobile', name: 'sessiond for iOS', kind: 'mobile' },
  device: { name: 'iPhone', os: 'iOS 18', browser: null, type: 'mobile' },
  device_group: 'phoneGroup',
  last_active_at: '2026-01-15T11:58:00Z',
});
const bare = makeSession({
  id: 'bare',
  client: { id: 'cli', name: 'sessiond CLI', kind: 'cli' },
  device: { name: 'Build server', os: 'Linux', browser: null, type: 'unknown' },
  device_group: null,
  last_active_at: '2026-01-15T11:00:00Z',
});
const ALL = [bare, cli, phone, meBefore, desktop, me];

describe('groupByDevice', () => {
  it('puts the current device first, then devices by their most recent session; every session exactly once', () => {
    const entries = groupByDevice(orderSessions(ALL));
    expect(entries.map((e) => (e.kind === 'device' ? e.sessions.map((s) => s.id) : e.session.id))).toEqual([
      ['me', 'me-before'],
      'phone',
      ['desktop', 'cli'],
      'bare',
    ]);
    const shown = entries.flatMap((e) => (e.kind === 'device' ? e.sessions : [e.session])).map((s) => s.id);
    expect(shown.toSorted()).toEqual(ALL.map((s) => s.id).toSorted());
  });

  it('leaves a one-session device and sessions without a group as plain rows, as before', () => {
    const entries = groupByDevice(orderSessions([phone, bare, makeSession({ id: 'x', device_group: undefined })]));
    expect(entries.every((e) => e.kind === 'session')).toBe(true);
    expect(entries).toHaveLength(3);
  });
});

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/security/sessions');
  return render(<App api={api} now={() => NOW} />);
}

const list = () => screen.findByRole('list', { name: /Signed-in sessions/ });
/** The outer list's own items: a plain row or a device's group. */
async function entries(): Promise<HTMLElement[]> {
  const outer = await list();
  return within(outer)
    .getAllByRole('listitem')
    .filter((li) => li.parentElement === outer);
}
const sessionRows = async () => (await list()).querySelectorAll('li[data-session-id]');

describe('Active sessions, grouped by device', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi(ALL);
  });

  it('lists a device with several sessions under its heading, each session still a row with its own Sign out', async () => {
    open(api);
    await waitFor(async () => expect(await entries()).toHaveLength(4));
    const [mine, phoneRow, mac, bareRow] = await entries();

    // The device's heading: name, system, how many sessions, and whether it is this device.
    const macHeading = within(mac!).getByRole('heading', { level: 3 });
    expect(macHeading.textContent).toBe('MacBook Pro');
    expect(mac!.getAttribute('aria-labelledby')).toBe(macHeading.id);
    expect(mac!.textContent).toContain('macOS 15');
    expect(mac!.textContent).toContain('2 sessions');
    expect(within(mac!).queryByText('This device')).toBeNull();
    const macSessions = within(mac!).getByRole('list', { name: 'Sessions on MacBook Pro' });
    const macRows = within(macSessions).getAllByRole('listitem');
    expect(macRows.map((li) => within(li).getByRole('heading', { level: 4 }).textContent)).toEqual(['MacBook Pro', 'macbook.local']);
    expect(within(macRows[0]!).getByRole('button', { name: /^Sign out MacBook Pro/ })).toBeTruthy();
    expect(within(macRows[1]!).getByRole('button', { name: /^Sign out macbook\.local/ })).toBeTruthy();
    expect(within(macRows[1]!).getByText('Trusted device')).toBeTruthy();
    // The device's own action is on its heading, once, instead of "Lost this device?" on each row.
    expect(within(mac!).getByRole('button', { name: 'Sign out of device: MacBook Pro (2 sessions)' })).toBeTruthy();
    expect(within(macSessions).queryByRole('button', { name: /^Lost this device\?/ })).toBeNull();

    // This device's group comes first, marked, with no device-wide sign-out (that is "Sign out" here).
    expect(within(mine!).getByRole('heading', { level: 3 }).textContent).toBe('Chrome on Windows');
    expect(within(mine!).getAllByText('This device').length).toBeGreaterThan(0);
    expect(within(mine!).queryByRole('button', { name: /^Sign out of device/ })).toBeNull();
    expect(within(mine!).queryByRole('button', { name: /^Lost this device\?/ })).toBeNull();
    expect(within(mine!).getByRole('button', { name: 'Sign out this device' })).toBeTruthy();
    expect(within(mine!).getByRole('button', { name: /^Sign out Chrome on Windows/ })).toBeTruthy();

    // One-session devices are plain rows, as before.
    expect(phoneRow!.getAttribute('data-session-id')).toBe('phone');
    expect(within(phoneRow!).getByRole('heading', { level: 3 }).textContent).toBe('iPhone');
    expect(within(phoneRow!).getByRole('button', { name: /^Lost this device\? iPhone/ })).toBeTruthy();
    expect(bareRow!.getAttribute('data-session-id')).toBe('bare');

    // Counts are of sessions, not devices: six rows, "(6)".
    expect(await sessionRows()).toHaveLength(6);
    expect(screen.getByRole('heading', { level: 2, name: /Signed-in sessions \(6\)/ })).toBeTruthy();
  });

  it('signs out one session of a group, and only that one', async () => {
    open(api);
    await waitFor(async () => expect(await sessionRows()).toHaveLength(6));
    fireEvent.click(screen.getByRole('button', { name: /^Sign out macbook\.local/ }));
    const d = screen.getByRole('dialog');
    expect(d.textContent).toContain('macbook.local (sessiond CLI');
    api.listSessions.mockResolvedValue(ALL.filter((s) => s.id !== 'cli'));
    fireEvent.click(within(d).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out macbook.local · sessiond CLI.')).toBeTruthy();
    expect(api.revokeSession).toHaveBeenCalledWith('cli');
    expect(api.replaceDevice).not.toHaveBeenCalled();
    // The laptop keeps its other session, now a plain row.
    await waitFor(async () => expect(await sessionRows()).toHaveLength(5));
    expect(screen.queryByRole('list', { name: 'Sessions on MacBook Pro' })).toBeNull();
    expect(screen.getByRole('button', { name: /^Lost this device\? MacBook Pro/ })).toBeTruthy();
  });

  it('signs a whole device out through the lost-device action, after its dialog and Confirm it’s you', async () => {
    api.replaceDevice.mockRejectedValueOnce(reauthRequired()).mockResolvedValueOnce({ revoked: 2, untrusted: true });
    open(api);
    const trigger = await screen.findByRole('button', { name: 'Sign out of device: MacBook Pro (2 sessions)' });
    fireEvent.click(trigger);
    const d = screen.getByRole('dialog');
    expect(within(d).getByRole('heading').textContent).toBe('Sign out of MacBook Pro?');
    expect(d.textContent).toContain('All 2 of its sessions are signed out right away, and any other session on that device.');
    expect(d.textContent).toContain('signing in on it again takes two-step verification');
    expect(d.textContent).toContain('Your other devices, including this one, stay signed in.');
    expect(document.activeElement?.textContent).toBe('Cancel');

    api.listSessions.mockResolvedValue([bare, phone, meBefore, me]);
    fireEvent.click(within(d).getByRole('button', { name: 'Sign out that device' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Signed out 2 sessions on that device. It is no longer trusted.')).toBeTruthy();
    expect(api.replaceDevice).toHaveBeenCalledTimes(2);
    expect(api.replaceDevice).toHaveBeenLastCalledWith('desktop');
    expect(api.revokeSession).not.toHaveBeenCalled();
    await waitFor(async () => expect(await sessionRows()).toHaveLength(4));
    await waitFor(() => expect(document.activeElement?.id).toBe('sessions-heading'));
  });
});
