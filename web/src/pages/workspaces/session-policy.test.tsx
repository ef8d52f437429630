import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import type { WorkspaceRole } from '../../api';
import { App } from '../../app';
import {
  fakeApi,
  makeAuditEntry,
  makeMember,
  makePolicy,
  makeSession,
  makeWorkspace,
  NOW,
  reauthRequired,
  uiConfig,
} from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';
import { describeAuditEntry } from './wording';
import { formatDuration, readPolicyForm, policyForm } from './session-policy';

const me = makeSession({ id: 'me', current: true });
const ada = makeMember({ user_id: 'u1', email: 'ada@example.com', role: 'owner' });

function withWorkspace(api: FakeApi, role: WorkspaceRole) {
  api.listMyWorkspaces.mockResolvedValue([makeWorkspace({ id: 'ws1', name: 'Acme', role, security_owner_id: 'u1' })]);
  api.getWorkspace.mockResolvedValue({
    workspace: {
      id: 'ws1',
      name: 'Acme',
      security_owner_id: 'u1',
      security_owner: { id: 'u1', email: ada.email, name: null },
      created_at: '2026-01-01T00:00:00Z',
      audit_retention_days: 365,
    },
    role,
  });
  api.listWorkspaceMembers.mockResolvedValue([ada]);
}

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/workspaces?ws=ws1');
  return render(<App api={api} now={() => NOW} />);
}

async function policySection(): Promise<HTMLElement> {
  return (await screen.findByRole('heading', { name: 'Session policy' })).closest('section') as HTMLElement;
}

const STRICT = makePolicy({
  max_lifetime_seconds: 8 * 3600,
  idle_timeout_seconds: 30 * 60,
  max_sessions: 3,
  mfa_required: true,
  trusted_device_apps: ['desktop'],
  allowed_countries: ['GB', 'IE'],
  updated_at: '2026-01-10T09:00:00Z',
  updated_by: 'u1',
});

describe('Session policy on the workspace page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me]);
  });

  it('shows a member every rule in plain words, and no form', async () => {
    withWorkspace(api, 'member');
    api.getWorkspacePolicy.mockResolvedValue(STRICT);
    open(api);
    const section = await policySection();
    const rules = await within(section).findByRole('list', { name: 'Rules in force' });
    expect(
      within(rules)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Sessions end after 8 hours',
      'Sessions end when unused for 30 minutes',
      'At most 3 sessions at a time; a new sign-in ends the oldest',
      'Two-step verification required',
      'Trusted device required for: Desktop app',
      'Only from: GB, IE; an unknown location is not allowed',
    ]);
    expect(api.getWorkspacePolicy).toHaveBeenCalledWith('ws1');
    expect(within(section).queryByRole('textbox')).toBeNull();
    expect(within(section).queryByRole('checkbox')).toBeNull();
    expect(within(section).queryByRole('button', { name: 'Save policy' })).toBeNull();
    // A member is not an admin: the rest of the admin page is not there either.
    expect(screen.queryByRole('heading', { name: 'Members' })).toBeNull();
  });

  it('says when the workspace sets no limits', async () => {
    withWorkspace(api, 'member');
    open(api);
    const section = await policySection();
    expect(await within(section).findByText('No workspace limits: the product’s own apply.')).toBeTruthy();
    expect(within(section).queryByRole('list', { name: 'Rules in force' })).toBeNull();
  });

  it('lets a security admin change the rules: refuses what is out of bounds, confirms, asks “Confirm it’s you”, says how many were signed out', async () => {
    withWorkspace(api, 'security_admin');
    api.setWorkspacePolicy.mockRejectedValueOnce(reauthRequired());
    api.setWorkspacePolicy.mockImplementationOnce(async (_ws, rules) => ({
      policy: makePolicy({ ...rules, updated_at: NOW.toISOString(), updated_by: 'u1' }),
      ended: 2,
    }));
    open(api);
    const section = await policySection();
    expect(await within(section).findByText('No workspace limits: the product’s own apply.')).toBeTruthy();
    const lifetime = within(section).getByLabelText('Session lifetime (hours)') as HTMLInputElement;
    const idle = within(section).getByLabelText('Idle timeout (minutes)') as HTMLInputElement;
    const most = within(section).getByLabelText('Sessions per member at a time') as HTMLInputElement;
    const mfa = within(section).getByLabelText(
      'Require two-step verification (a session without it has 10 minutes to set it up)',
    ) as HTMLInputElement;
    const apps = within(section).getByRole('group', { name: 'Require a trusted device' });
    const countries = within(section).getByLabelText('Allowed countries') as HTMLInputElement;
    // Every rule starts off, and blank means no limit.
    expect([lifetime.value, idle.value, most.value, countries.value, mfa.checked]).toEqual(['', '', '', '', false]);
    expect(
      within(apps)
        .getAllByRole('checkbox')
        .map((c) => (c as HTMLInputElement).labels?.[0]?.textContent),
    ).toEqual(uiConfig.apps.map((a) => a.name));
    expect(document.getElementById(countries.getAttribute('aria-describedby')!)?.textContent).toMatch(/location is unknown is not allowed/);

    const save = within(section).getByRole('button', { name: 'Save policy' });
    const refused = async (input: HTMLInputElement, value: string, message: RegExp) => {
      fireEvent.change(input, { target: { value } });
      fireEvent.click(save);
      expect((await within(section).findByRole('alert')).textContent).toMatch(message);
      expect(input.getAttribute('aria-invalid')).toBe('true');
      expect(document.activeElement).toBe(input);
      fireEvent.change(input, { target: { value: '' } });
    };
    await refused(lifetime, '0.05', /lifetime in hours, from 5 minutes to 8760 hours/);
    await refused(lifetime, '8761', /lifetime in hours/);
    await refused(lifetime, 'eight', /lifetime in hours/);
    await refused(idle, '4', /idle timeout in minutes, from 5 to 525600/);
    await refused(idle, '525601', /idle timeout/);
    await refused(most, '0', /whole number from 1 to 1000/);
    await refused(most, '1001', /whole number from 1 to 1000/);
    await refused(most, '2.5', /whole number from 1 to 1000/);
    await refused(countries, 'GB, Ireland', /Not a two-letter country code: IRELAND/);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.setWorkspacePolicy).not.toHaveBeenCalled();

    fireEvent.change(lifetime, { target: { value: '8' } });
    expect(within(section).queryByRole('alert')).toBeNull();
    fireEvent.change(idle, { target: { value: ' 30 ' } });
    fireEvent.change(most, { target: { value: '3' } });
    fireEvent.click(mfa);
    fireEvent.click(within(apps).getByLabelText('Desktop app'));
    fireEvent.change(countries, { target: { value: 'gb, IE' } });
    fireEvent.click(save);

    // Nothing is sent before the admin confirms what saving does.
    const confirm = await screen.findByRole('dialog', { name: 'Save the session policy?' });
    expect(confirm.textContent).toMatch(/every member’s next request/);
    expect(confirm.textContent).toMatch(/signed out/);
    expect(api.setWorkspacePolicy).not.toHaveBeenCalled();
    fireEvent.click(within(confirm).getByRole('button', { name: 'Save policy' }));

    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));

    const saved = await within(section).findByText('Policy saved. 2 sessions that broke it were signed out.');
    expect(saved.closest('[role="status"]')).not.toBeNull();
    expect(api.setWorkspacePolicy).toHaveBeenCalledTimes(2);
    expect(api.setWorkspacePolicy).toHaveBeenLastCalledWith('ws1', {
      max_lifetime_seconds: 28800,
      idle_timeout_seconds: 1800,
      max_sessions: 3,
      mfa_required: true,
      trusted_device_apps: ['desktop'],
      allowed_countries: ['GB', 'IE'],
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    // The rules in force now read as saved, and the form shows them.
    const rules = within(section).getByRole('list', { name: 'Rules in force' });
    expect(rules.textContent).toMatch(/Sessions end after 8 hours/);
    expect(rules.textContent).toMatch(/Only from: GB, IE/);
    expect(countries.value).toBe('GB, IE');
    // The audit trail is read again: the change is its newest entry.
    await waitFor(() => expect(api.listWorkspaceAudit.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('lets an owner turn every rule off, and shows the server’s refusal in the dialog', async () => {
    withWorkspace(api, 'owner');
    api.getWorkspacePolicy.mockResolvedValue(STRICT);
    api.setWorkspacePolicy.mockRejectedValueOnce(
      new ApiError(400, 'invalid_request', 'None of your own sessions is in an allowed country.'),
    );
    open(api);
    const section = await policySection();
    const lifetime = (await within(section).findByLabelText('Session lifetime (hours)')) as HTMLInputElement;
    expect(lifetime.value).toBe('8');
    expect((within(section).getByLabelText('Allowed countries') as HTMLInputElement).value).toBe('GB, IE');
    expect((within(section).getByLabelText('Desktop app') as HTMLInputElement).checked).toBe(true);

    fireEvent.click(within(section).getByRole('button', { name: 'Save policy' }));
    let confirm = await screen.findByRole('dialog', { name: 'Save the session policy?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Save policy' }));
    expect((await within(confirm).findByRole('alert')).textContent).toBe('None of your own sessions is in an allowed country.');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    for (const label of ['Session lifetime (hours)', 'Idle timeout (minutes)', 'Sessions per member at a time', 'Allowed countries'])
      fireEvent.change(within(section).getByLabelText(label), { target: { value: '' } });
    fireEvent.click(within(section).getByLabelText(/Require two-step verification/));
    fireEvent.click(within(section).getByLabelText('Desktop app'));
    fireEvent.click(within(section).getByRole('button', { name: 'Save policy' }));
    confirm = await screen.findByRole('dialog', { name: 'Save the session policy?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Save policy' }));
    expect(await within(section).findByText('Policy saved. No session broke it.')).toBeTruthy();
    expect(api.setWorkspacePolicy).toHaveBeenLastCalledWith('ws1', {
      max_lifetime_seconds: null,
      idle_timeout_seconds: null,
      max_sessions: null,
      mfa_required: false,
      trusted_device_apps: [],
      allowed_countries: null,
    });
    expect(within(section).getByText('No workspace limits: the product’s own apply.')).toBeTruthy();
  });

  it('offers the deployment’s own apps, by the names it configured', async () => {
    api.getUiConfig.mockResolvedValue({ ...uiConfig, apps: [{ id: 'kiosk', name: 'Front-desk kiosk', kind: 'browser' }] });
    withWorkspace(api, 'owner');
    open(api);
    const section = await policySection();
    fireEvent.click(await within(section).findByLabelText('Front-desk kiosk'));
    expect(within(section).queryByLabelText('Desktop app')).toBeNull();
    fireEvent.click(within(section).getByRole('button', { name: 'Save policy' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save policy' }));
    expect(await within(section).findByText('Trusted device required for: Front-desk kiosk')).toBeTruthy();
    expect(api.setWorkspacePolicy.mock.lastCall?.[1].trusted_device_apps).toEqual(['kiosk']);
  });

  it('keeps a saved duration exactly when its field is left alone, and reads durations in the largest whole unit', () => {
    const saved = makePolicy({ max_lifetime_seconds: 1000, idle_timeout_seconds: 330 });
    const form = policyForm(saved);
    expect([form.lifetimeHours, form.idleMinutes]).toEqual(['0.28', '5.5']);
    const read = readPolicyForm(form, saved, uiConfig.apps);
    expect(read.ok && [read.rules.max_lifetime_seconds, read.rules.idle_timeout_seconds]).toEqual([1000, 330]);
    expect([28800, 1800, 86400 * 2, 5400, 330, 3600, 60].map((s) => formatDuration(s))).toEqual([
      '8 hours',
      '30 minutes',
      '2 days',
      '90 minutes',
      '330 seconds',
      '1 hour',
      '1 minute',
    ]);
  });

  it('words the change in the audit trail', () => {
    const entry = makeAuditEntry({
      id: 'e1',
      action: 'policy.changed',
      target_kind: 'workspace',
      target_id: 'ws1',
      details: { max_sessions: 3, changed: 'max_sessions' },
    });
    expect(describeAuditEntry(entry, new Map())).toBe('Changed the session policy');
  });
});
