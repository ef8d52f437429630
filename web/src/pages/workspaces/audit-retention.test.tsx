import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import { fakeApi, makeAuditEntry, makeMember, makeSession, makeWorkspace, NOW, reauthRequired } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';
import { describeAuditEntry } from './wording';
import { retentionDays } from './audit-retention';

const me = makeSession({ id: 'me', current: true });
const ada = makeMember({ user_id: 'u1', email: 'ada@example.com', role: 'owner' });

function withWorkspace(api: FakeApi, role: 'owner' | 'security_admin', days = 365) {
  api.listMyWorkspaces.mockResolvedValue([makeWorkspace({ id: 'ws1', name: 'Acme', role, security_owner_id: 'u1' })]);
  api.getWorkspace.mockResolvedValue({
    workspace: {
      id: 'ws1',
      name: 'Acme',
      security_owner_id: 'u1',
      security_owner: { id: 'u1', email: ada.email, name: null },
      created_at: '2026-01-01T00:00:00Z',
      audit_retention_days: days,
    },
    role,
  });
  api.listWorkspaceMembers.mockResolvedValue([ada]);
}

function open(api: FakeApi) {
  window.history.replaceState(null, '', '/settings/workspaces?ws=ws1');
  return render(<App api={api} now={() => NOW} />);
}

describe('Audit retention on the workspace page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me]);
  });

  it('lets an owner keep audit entries for another number of days, after "Confirm it’s you"', async () => {
    withWorkspace(api, 'owner');
    api.setWorkspaceAuditRetention.mockRejectedValueOnce(reauthRequired());
    open(api);
    const section = (await screen.findByRole('heading', { name: 'Audit retention' })).closest('section') as HTMLElement;
    const input = within(section).getByLabelText('Keep audit entries for (days)') as HTMLInputElement;
    expect(input.value).toBe('365');
    expect(input.getAttribute('inputmode')).toBe('numeric');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toMatch(/From 30 to 3650 days/);

    // Out of range or not a number: said at once, nothing sent.
    for (const bad of ['29', '3651', 'a year', '']) {
      fireEvent.change(input, { target: { value: bad } });
      fireEvent.click(within(section).getByRole('button', { name: 'Save' }));
      expect((await within(section).findByRole('alert')).textContent).toMatch(/whole number of days from 30 to 3650/);
    }
    expect(api.setWorkspaceAuditRetention).not.toHaveBeenCalled();

    fireEvent.change(input, { target: { value: ' 90 ' } });
    expect(within(section).queryByRole('alert')).toBeNull();
    withWorkspace(api, 'owner', 90);
    fireEvent.submit(input.closest('form')!);
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Audit entries are now kept for 90 days.')).toBeTruthy();
    expect(api.setWorkspaceAuditRetention).toHaveBeenLastCalledWith('ws1', 90);
    expect(input.value).toBe('90');
    // The trail is read again: the change is its newest entry.
    await waitFor(() => expect(api.listWorkspaceAudit.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('shows the server’s refusal in the form', async () => {
    withWorkspace(api, 'owner');
    api.setWorkspaceAuditRetention.mockRejectedValueOnce(
      new ApiError(403, 'forbidden', 'Your role in this workspace does not allow this.'),
    );
    open(api);
    const section = (await screen.findByRole('heading', { name: 'Audit retention' })).closest('section') as HTMLElement;
    fireEvent.change(within(section).getByLabelText('Keep audit entries for (days)'), { target: { value: '400' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Save' }));
    expect((await within(section).findByRole('alert')).textContent).toMatch(/does not allow this/);
  });

  it('tells a security admin how long entries are kept, without a control', async () => {
    withWorkspace(api, 'security_admin', 730);
    open(api);
    expect(await screen.findByText('Audit entries are kept for 730 days, then deleted.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Audit retention' })).toBeNull();
    expect(screen.queryByLabelText('Keep audit entries for (days)')).toBeNull();
  });

  it('reads whole days in range only', () => {
    expect(['30', ' 365 ', '3650', '29', '3651', '90.5', '-40', '1e3', ''].map(retentionDays)).toEqual([
      30,
      365,
      3650,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('words the change in the audit trail', () => {
    const entry = makeAuditEntry({
      id: 'e1',
      action: 'audit.retention_changed',
      target_kind: 'workspace',
      target_id: 'ws1',
      details: { previous: 365, days: 90 },
    });
    expect(describeAuditEntry(entry, new Map())).toBe('Changed how long audit entries are kept from 365 to 90 days');
  });
});
