import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api';
import { App } from '../../app';
import {
  fakeApi,
  makeAuditEntry,
  makeMember,
  makeReview,
  makeReviewStatus,
  makeSession,
  makeWorkspace,
  NOW,
  reauthRequired,
  unauthenticated,
} from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const me = makeSession({ id: 'me', current: true });
const acme = makeWorkspace({ id: 'ws1', name: 'Acme', role: 'owner', security_owner_id: 'u1' });
const ada = makeMember({
  user_id: 'u1',
  email: 'ada@example.com',
  role: 'owner',
  active_sessions: 2,
  mfa_enabled: true,
  trusted_devices: 1,
});
const grace = makeMember({
  user_id: 'u2',
  email: 'grace@example.com',
  role: 'member',
  active_sessions: 3,
  trusted_devices: 2,
  last_active_at: '2026-01-15T11:30:00Z',
  last_reviewed_at: '2026-01-15T10:00:00Z',
});
const linus = makeMember({ user_id: 'u3', email: 'linus@example.com', role: 'security_admin', active_sessions: 0, last_active_at: null });
const gone = makeMember({
  user_id: 'u4',
  email: 'gone@example.com',
  status: 'disabled',
  disabled_at: '2026-01-14T12:00:00Z',
  active_sessions: 0,
  last_active_at: null,
});
const phone = makeSession({
  id: 'gphone',
  client: { id: 'mobile', name: 'sessiond for iOS', kind: 'mobile' },
  device: { name: 'iPhone', os: 'iOS 18', browser: null, type: 'mobile' },
  location: { city: 'Lyon', region: null, country: 'FR', approximate: true },
  last_active_at: '2026-01-15T11:58:00Z',
});
const laptop = makeSession({ id: 'glaptop', device: { name: 'Firefox on Linux', os: 'Linux', browser: 'Firefox 133', type: 'desktop' } });

function open(api: FakeApi, path = '/settings/workspaces?ws=ws1') {
  window.history.replaceState(null, '', path);
  return render(<App api={api} now={() => NOW} />);
}

/** The security owner as GET /v1/admin/workspaces/:ws names them. */
function ownerOf(id: string) {
  const member = [ada, grace, linus].find((x) => x.user_id === id)!;
  return { id, email: member.email, name: member.name };
}

function withWorkspace(api: FakeApi, role: 'owner' | 'security_admin' | 'member' = 'owner', ownerId = 'u1') {
  api.listMyWorkspaces.mockResolvedValue([{ ...acme, role, security_owner_id: ownerId }]);
  api.getWorkspace.mockResolvedValue({
    workspace: {
      id: 'ws1',
      name: 'Acme',
      security_owner_id: ownerId,
      security_owner: ownerOf(ownerId),
      created_at: acme.created_at,
      audit_retention_days: 365,
    },
    role,
  });
  api.listWorkspaceMembers.mockResolvedValue([ada, grace, linus, gone]);
  api.listMemberSessions.mockResolvedValue([phone, laptop]);
  return api;
}

/** A cell's text; an owner's role selector reads as its chosen role. */
function cellText(cell: HTMLElement): string | null {
  const select = cell.querySelector('select');
  return select === null ? cell.textContent : (select.selectedOptions[0]?.textContent ?? null);
}

async function memberRow(email: string): Promise<HTMLElement> {
  const table = await screen.findByRole('table', { name: 'Members of Acme' });
  return within(table)
    .getByRole('rowheader', { name: new RegExp(email) })
    .closest('tr') as HTMLElement;
}

describe('Workspaces page', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi([me]);
  });

  it('lists the person’s workspaces with their role, under Settings › Workspaces', async () => {
    withWorkspace(api);
    open(api, '/settings/workspaces');
    const list = await screen.findByRole('list', { name: 'Your workspaces' });
    const link = within(list).getByRole('link', { name: 'Acme' });
    expect(link.getAttribute('href')).toBe('/settings/workspaces?ws=ws1');
    expect(within(list).getByText('Owner')).toBeTruthy();
    expect(document.title).toBe('Workspaces · sessiond');
    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' });
    expect(crumbs.textContent).toBe('SettingsWorkspaces');
    const tabs = screen.getByRole('navigation', { name: 'Security settings' });
    expect(within(tabs).getByRole('link', { name: 'Workspaces' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(link);
    expect(await screen.findByRole('heading', { level: 2, name: 'Acme' })).toBeTruthy();
    expect(window.location.search).toBe('?ws=ws1');
  });

  it('says when there is no workspace yet, creates one and opens it', async () => {
    api.createWorkspace.mockResolvedValue({ id: 'ws9', name: 'Initech', security_owner_id: 'u1', created_at: NOW.toISOString() });
    open(api, '/settings/workspaces');
    expect(await screen.findByText(/You are not a member of any workspace yet/)).toBeTruthy();
    api.listMyWorkspaces.mockResolvedValue([makeWorkspace({ id: 'ws9', name: 'Initech' })]);
    api.getWorkspace.mockResolvedValue({
      workspace: {
        id: 'ws9',
        name: 'Initech',
        security_owner_id: 'u1',
        security_owner: ownerOf('u1'),
        created_at: NOW.toISOString(),
        audit_retention_days: 365,
      },
      role: 'owner',
    });
    fireEvent.change(screen.getByLabelText('Workspace name'), { target: { value: '  Initech ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));
    expect(await screen.findByText('The workspace Initech was created.')).toBeTruthy();
    expect(api.createWorkspace).toHaveBeenCalledWith('Initech');
    await waitFor(() => expect(window.location.search).toBe('?ws=ws9'));
    expect(await screen.findByRole('heading', { level: 2, name: 'Initech' })).toBeTruthy();
  });

  it('shows a refused name in words', async () => {
    api.createWorkspace.mockRejectedValue(new ApiError(400, 'invalid_request', 'A workspace name has 1 to 100 characters.'));
    open(api, '/settings/workspaces');
    fireEvent.change(await screen.findByLabelText('Workspace name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));
    expect((await screen.findByRole('alert')).textContent).toContain('A workspace name has 1 to 100 characters.');
  });

  it('shows a plain member the name, their role and the security owner’s address, and nothing of the admin’s', async () => {
    withWorkspace(api, 'member', 'u3');
    open(api);
    expect(await screen.findByRole('heading', { level: 2, name: 'Acme' })).toBeTruthy();
    expect(screen.getByText('Member', { selector: '.workspace-role' })).toBeTruthy();
    // The member cannot list the members, yet learns whom to contact.
    const owner = screen.getByText('linus@example.com', { selector: '.security-owner-name' });
    expect(owner.closest('div')?.textContent).toMatch(/^Security owner\s*linus@example\.com/);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Invite a member' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Audit trail' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Session reviews' })).toBeNull();
    expect(api.listWorkspaceMembers).not.toHaveBeenCalled();
    expect(api.listWorkspaceAudit).not.toHaveBeenCalled();
    expect(api.listWorkspaceReviews).not.toHaveBeenCalled();
  });

  it('names the person as security owner when they are', async () => {
    withWorkspace(api, 'member', 'u1');
    open(api);
    expect(await screen.findByText('You (ada@example.com)', { selector: '.security-owner-name' })).toBeTruthy();
  });

  it('says so when the workspace does not exist or the person is not a member', async () => {
    api.getWorkspace.mockRejectedValue(new ApiError(404, 'not_found', 'No such workspace.'));
    open(api, '/settings/workspaces?ws=nope');
    expect((await screen.findByRole('alert')).textContent).toContain('There is no such workspace, or you are not a member of it.');
  });

  it('shows admins every member: email, role, status, sessions, last activity, MFA, trusted devices and last review', async () => {
    withWorkspace(api);
    open(api);
    const row = await memberRow('grace@example.com');
    const cells = within(row).getAllByRole('cell').map(cellText);
    expect(cells.slice(0, 7)).toEqual(['Member', 'Active', '3', '30 minutes ago', 'Off', '2', '2 hours ago']);
    const adaRow = await memberRow('ada@example.com');
    expect(adaRow.textContent).toContain('(you)');
    expect(adaRow.textContent).toContain('Security owner');
    expect(within(adaRow).getAllByRole('cell')[4]!.textContent).toBe('On');
    expect(within(adaRow).getAllByRole('cell')[6]!.textContent).toBe('Never');
    // Nobody offboards themself or the security owner; a disabled member is already out.
    expect(within(adaRow).queryByRole('button', { name: /Offboard/ })).toBeNull();
    const goneRow = await memberRow('gone@example.com');
    expect(goneRow.textContent).toContain('Disabled yesterday');
    expect(within(goneRow).queryByRole('button', { name: /Offboard/ })).toBeNull();
    expect(within(await memberRow('linus@example.com')).getAllByRole('cell')[3]!.textContent).toBe('No active session');
  });

  it('shows a member’s sessions with the same rows as the member’s own page, and ends one after confirming', async () => {
    withWorkspace(api);
    open(api);
    const row = await memberRow('grace@example.com');
    const toggle = within(row).getByRole('button', { name: 'Show the sessions of grace@example.com' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const list = await screen.findByRole('list', { name: 'Signed-in sessions of grace@example.com' });
    expect(api.listMemberSessions).toHaveBeenCalledWith('ws1', 'u2');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => within(li).getByRole('heading').textContent)).toEqual(['iPhone', 'Firefox on Linux']);
    expect(items[0]!.textContent).toContain('near Lyon, FR');

    fireEvent.click(within(items[0]!).getByRole('button', { name: /^End session: iPhone/ }));
    const dialog = screen.getByRole('dialog', { name: 'End this session?' });
    expect(dialog.textContent).toContain('grace@example.com will see');
    api.listMemberSessions.mockResolvedValue([laptop]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'End session' }));
    expect(await screen.findByText('The session was ended.')).toBeTruthy();
    expect(api.revokeMemberSession).toHaveBeenCalledWith('ws1', 'u2', 'gphone');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('ends every session of a member on a lost device after a dialog that says so, asking "Confirm it’s you" first', async () => {
    withWorkspace(api);
    api.replaceMemberDevice.mockRejectedValueOnce(reauthRequired()).mockResolvedValueOnce({ revoked: 2, untrusted: true });
    open(api);
    fireEvent.click(within(await memberRow('grace@example.com')).getByRole('button', { name: /Show the sessions/ }));
    const list = await screen.findByRole('list', { name: 'Signed-in sessions of grace@example.com' });
    const items = within(list).getAllByRole('listitem');
    // Beside "End session", on every row (no row is the admin's own).
    expect(
      items.map((li) =>
        within(li)
          .getAllByRole('button')
          .map((b) => b.textContent),
      ),
    ).toEqual([
      ['End session', 'Lost device'],
      ['End session', 'Lost device'],
    ]);
    fireEvent.click(within(items[0]!).getByRole('button', { name: /^Lost device: iPhone \(sessiond for iOS, near Lyon, FR\)/ }));
    const dialog = screen.getByRole('dialog', { name: 'Treat this device as lost?' });
    expect(dialog.textContent).toContain(
      'If the device of iPhone (sessiond for iOS, near Lyon, FR) is lost, stolen or no longer with grace@example.com:',
    );
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Every session of theirs on that device is ended right away, not only this one.',
      'The device stops being trusted: signing in on it again takes two-step verification.',
    ]);
    expect(dialog.textContent).toContain('grace@example.com will see that an administrator of this workspace ended those sessions.');
    api.listMemberSessions.mockResolvedValue([laptop]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'End every session on that device' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('2 sessions of grace@example.com on that device were ended. It is no longer trusted.')).toBeTruthy();
    expect(api.replaceMemberDevice).toHaveBeenCalledTimes(2);
    expect(api.replaceMemberDevice).toHaveBeenLastCalledWith('ws1', 'u2', 'gphone');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
    await waitFor(() => expect(document.activeElement?.id).toBe('member-sessions-heading'));
    await waitFor(() => expect(api.listWorkspaceAudit.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('keeps the lost-device dialog open with the reason when it is refused', async () => {
    withWorkspace(api);
    api.replaceMemberDevice.mockRejectedValue(new ApiError(403, 'forbidden', 'Only owners and security admins can do that.'));
    open(api);
    fireEvent.click(within(await memberRow('grace@example.com')).getByRole('button', { name: /Show the sessions/ }));
    const list = await screen.findByRole('list', { name: /Signed-in sessions of grace/ });
    fireEvent.click(within(list).getAllByRole('button', { name: /^Lost device/ })[1]!);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'End every session on that device' }));
    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toBe('Only owners and security admins can do that.');
    expect(api.replaceMemberDevice).toHaveBeenCalledWith('ws1', 'u2', 'glaptop');
  });

  it('lets an owner change an active member’s role with a selector and a button, after "Confirm it’s you"', async () => {
    withWorkspace(api);
    api.changeMemberRole.mockRejectedValueOnce(reauthRequired());
    open(api);
    const row = await memberRow('grace@example.com');
    const select = within(row).getByRole('combobox', { name: 'Role of grace@example.com' }) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Owner', 'Security admin', 'Member']);
    expect(select.value).toBe('member');
    // A disabled member's role is text: there is nothing to change until they are invited again.
    const goneRow = await memberRow('gone@example.com');
    expect(within(goneRow).queryByRole('combobox')).toBeNull();
    expect(within(goneRow).getAllByRole('cell')[0]!.textContent).toBe('Member');

    // Choosing sends nothing; the button beside it does.
    expect(within(row).queryByRole('button', { name: /Change the role/ })).toBeNull();
    fireEvent.change(select, { target: { value: 'security_admin' } });
    expect(api.changeMemberRole).not.toHaveBeenCalled();
    api.listWorkspaceMembers.mockResolvedValue([ada, { ...grace, role: 'security_admin' }, linus, gone]);
    fireEvent.click(within(row).getByRole('button', { name: 'Change the role of grace@example.com' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('grace@example.com is now Security admin. It applies to their next request.')).toBeTruthy();
    expect(api.changeMemberRole).toHaveBeenLastCalledWith('ws1', 'u2', 'security_admin');
    await waitFor(() => expect(within(row).queryByRole('button', { name: /Change the role/ })).toBeNull());
    expect((within(row).getByRole('combobox') as HTMLSelectElement).value).toBe('security_admin');
    await waitFor(() => expect(api.listWorkspaceAudit.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('shows the server’s reason in the row when a role change is refused', async () => {
    withWorkspace(api);
    api.changeMemberRole.mockRejectedValueOnce(new ApiError(400, 'invalid_request', 'A workspace keeps at least one owner.'));
    open(api);
    const row = await memberRow('ada@example.com');
    const select = within(row).getByRole('combobox', { name: 'Role of ada@example.com' });
    fireEvent.change(select, { target: { value: 'member' } });
    fireEvent.click(within(row).getByRole('button', { name: 'Change the role of ada@example.com' }));
    const alert = await within(row).findByRole('alert');
    expect(alert.textContent).toBe('The role of ada@example.com was not changed: A workspace keeps at least one owner.');
    expect(select.getAttribute('aria-describedby')).toBe(alert.id);
    await waitFor(() => expect(document.activeElement).toBe(select));
    // Choosing again clears it.
    fireEvent.change(select, { target: { value: 'owner' } });
    expect(within(row).queryByRole('alert')).toBeNull();
  });

  it('shows a security admin the roles as text, with no selector', async () => {
    withWorkspace(api, 'security_admin', 'u3');
    open(api);
    const row = await memberRow('grace@example.com');
    expect(within(row).queryByRole('combobox')).toBeNull();
    expect(within(row).getAllByRole('cell')[0]!.textContent).toBe('Member');
  });

  it('ends all of a member’s sessions, asking "Confirm it’s you" first when the server wants it', async () => {
    withWorkspace(api);
    api.revokeMemberSessions.mockRejectedValueOnce(reauthRequired()).mockResolvedValueOnce(2);
    open(api);
    fireEvent.click(within(await memberRow('grace@example.com')).getByRole('button', { name: /Show the sessions/ }));
    await screen.findByRole('list', { name: /Signed-in sessions of grace/ });
    fireEvent.click(screen.getByRole('button', { name: 'End all sessions' }));
    const dialog = screen.getByRole('dialog', { name: 'End all of this member’s sessions?' });
    expect(dialog.textContent).toContain('All 2 sessions of grace@example.com will be signed out right away.');
    api.listMemberSessions.mockResolvedValue([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'End all sessions' }));
    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('2 sessions were ended.')).toBeTruthy();
    expect(api.reauthenticate).toHaveBeenCalledWith({ password: 'correct horse battery staple' });
    expect(api.revokeMemberSessions).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('This member has no active session.')).toBeTruthy();
  });

  it('offboards after a dialog that names what will happen, then says what was done', async () => {
    withWorkspace(api);
    api.offboardMember.mockResolvedValue({
      sessions_ended: 3,
      devices_untrusted: 2,
      keys_revoked: 1,
      apps_removed: 2,
      tokens_revoked: 1,
      membership_disabled: true,
    });
    open(api);
    const button = within(await memberRow('grace@example.com')).getByRole('button', { name: 'Offboard grace@example.com' });
    fireEvent.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Offboard grace@example.com?' });
    const items = within(dialog)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      'All 3 of their active sessions are ended, on every device.',
      'Their 2 trusted devices stop being trusted: their next sign-in anywhere asks for the authenticator code.',
      'Every workspace API key they made is revoked.',
      'Their membership of Acme is disabled. Only a new invitation brings them back. Their account itself is not deleted.',
    ]);
    // Cancel is the safe choice and has focus; cancelling does nothing.
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' })));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.offboardMember).not.toHaveBeenCalled();

    fireEvent.click(button);
    api.listWorkspaceMembers.mockResolvedValue([ada, { ...grace, status: 'disabled', disabled_at: NOW.toISOString(), active_sessions: 0 }]);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Offboard' }));
    expect(
      await screen.findByText(
        'grace@example.com was offboarded: 3 sessions ended, 2 devices no longer trusted, 1 API key revoked, 2 connected apps and device sign-ins ended, 1 personal access token revoked, membership disabled.',
      ),
    ).toBeTruthy();
    expect(api.offboardMember).toHaveBeenCalledWith('ws1', 'u2');
    await waitFor(async () => expect((await memberRow('grace@example.com')).textContent).toContain('Disabled'));
    // The audit trail reloads to show it.
    await waitFor(() => expect(api.listWorkspaceAudit.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('keeps the offboard dialog open with the reason when it is refused', async () => {
    withWorkspace(api);
    api.offboardMember.mockRejectedValue(new ApiError(403, 'forbidden', 'Only an owner can offboard an owner.'));
    open(api);
    fireEvent.click(within(await memberRow('grace@example.com')).getByRole('button', { name: /Offboard/ }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Offboard' }));
    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toContain('Only an owner can offboard an owner.');
  });

  it('invites by email and role; an owner may invite admins, a security admin only members', async () => {
    withWorkspace(api);
    open(api);
    const form = (await screen.findByRole('heading', { name: 'Invite a member' })).closest('section') as HTMLElement;
    const role = within(form).getByLabelText('Role') as HTMLSelectElement;
    expect([...role.options].map((o) => o.textContent)).toEqual(['Member', 'Security admin', 'Owner']);
    fireEvent.change(within(form).getByLabelText('Email'), { target: { value: ' bob@example.com ' } });
    fireEvent.change(role, { target: { value: 'security_admin' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Send invitation' }));
    expect(await screen.findByText(/An invitation was mailed to bob@example.com\./)).toBeTruthy();
    expect(api.inviteWorkspaceMember).toHaveBeenCalledWith('ws1', 'bob@example.com', 'security_admin');
    expect((within(form).getByLabelText('Email') as HTMLInputElement).value).toBe('');
  });

  it('offers a security admin only the member role', async () => {
    withWorkspace(api, 'security_admin', 'u3');
    open(api);
    const form = (await screen.findByRole('heading', { name: 'Invite a member' })).closest('section') as HTMLElement;
    const role = within(form).getByLabelText('Role') as HTMLSelectElement;
    expect([...role.options].map((o) => o.value)).toEqual(['member']);
    // Only owners name the security owner.
    expect(screen.queryByRole('heading', { name: 'Change the security owner' })).toBeNull();
    expect(screen.getByText('linus@example.com', { selector: '.security-owner-name' })).toBeTruthy();
  });

  it('lets an owner name another owner or security admin as security owner', async () => {
    withWorkspace(api);
    open(api);
    const section = (await screen.findByRole('heading', { name: 'Change the security owner' })).closest('section') as HTMLElement;
    const select = within(section).getByLabelText('New security owner') as HTMLSelectElement;
    // Active owners and security admins other than the current one; never plain or disabled members.
    expect([...select.options].map((o) => o.textContent)).toEqual(['linus@example.com (Security admin)']);
    api.getWorkspace.mockResolvedValue({
      workspace: {
        id: 'ws1',
        name: 'Acme',
        security_owner_id: 'u3',
        security_owner: ownerOf('u3'),
        created_at: acme.created_at,
        audit_retention_days: 365,
      },
      role: 'owner',
    });
    fireEvent.click(within(section).getByRole('button', { name: 'Name as security owner' }));
    expect(await screen.findByText('linus@example.com is now the security owner.')).toBeTruthy();
    expect(api.setWorkspaceSecurityOwner).toHaveBeenCalledWith('ws1', 'u3');
    expect(await screen.findByText('linus@example.com', { selector: '.security-owner-name' })).toBeTruthy();
  });

  it('pages the audit trail and links the JSONL and CSV downloads', async () => {
    withWorkspace(api);
    api.listWorkspaceAudit
      .mockResolvedValueOnce({
        entries: [
          makeAuditEntry({ id: 'a3', action: 'member.offboarded', target_kind: 'member', target_id: 'u2', details: {} }),
          makeAuditEntry({
            id: 'a2',
            action: 'member.invited',
            target_kind: 'invitation',
            target_id: 'inv1',
            details: { email: 'grace@example.com', role: 'member' },
          }),
        ],
        next_cursor: 'c1',
      })
      .mockResolvedValueOnce({ entries: [makeAuditEntry({ id: 'a1' })], next_cursor: null });
    open(api);
    const list = await screen.findByRole('list', { name: 'Audit trail entries' });
    const texts = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(texts[0]).toContain('Offboarded grace@example.com');
    expect(texts[0]).toContain('By ada@example.com from 203.0.113.7');
    expect(texts[1]).toContain('Invited grace@example.com as Member');
    expect(screen.getByRole('link', { name: 'JSON Lines' }).getAttribute('href')).toBe('/v1/admin/workspaces/ws1/audit?format=jsonl');
    expect(screen.getByRole('link', { name: 'CSV' }).getAttribute('href')).toBe('/v1/admin/workspaces/ws1/audit?format=csv');
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    expect(api.listWorkspaceAudit).toHaveBeenLastCalledWith('ws1', { cursor: 'c1', limit: 20 });
    expect(within(list).getAllByRole('listitem')[2]!.textContent).toContain('Created the workspace Acme');
    await waitFor(() => expect(document.activeElement).toBe(within(list).getAllByRole('listitem')[2]));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('shows admins who has reviewed their sessions (when, and how many they signed out), who is pending and who was never asked', async () => {
    withWorkspace(api);
    api.listWorkspaceReviews.mockResolvedValue([
      makeReviewStatus({ user_id: 'u1', email: 'ada@example.com' }),
      makeReviewStatus({
        user_id: 'u2',
        email: 'grace@example.com',
        requested_at: '2026-01-15T10:00:00Z',
        completed_at: '2026-01-15T11:00:00Z',
        sign_outs: 1,
      }),
      makeReviewStatus({ user_id: 'u3', email: 'linus@example.com', requested_at: '2026-01-14T12:00:00Z' }),
    ]);
    open(api);
    const section = (await screen.findByRole('heading', { level: 3, name: 'Session reviews' })).closest('section') as HTMLElement;
    const table = await within(section).findByRole('table', { name: 'Session reviews in Acme' });
    const cells = (email: string) =>
      within(
        within(table)
          .getByRole('rowheader', { name: new RegExp(email) })
          .closest('tr') as HTMLElement,
      )
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells('grace@example.com')).toEqual(['Reviewed', '2 hours ago', '1 hour ago', '1 session']);
    expect(cells('linus@example.com')).toEqual(['Pending', 'yesterday', '—', '—']);
    expect(cells('ada@example.com')).toEqual(['Never asked', '—', '—', '—']);
    expect(within(table).getByRole('rowheader', { name: /ada@example.com/ }).textContent).toContain('(you)');
    expect(within(section).getByText('Reviewed: 1 · Pending: 1 · Never asked: 1')).toBeTruthy();
    expect(api.listWorkspaceReviews).toHaveBeenCalledWith('ws1');
  });

  it('asks everyone to review their sessions, says how many were asked, and shows the asker their own banner', async () => {
    withWorkspace(api);
    api.requestWorkspaceReview.mockResolvedValue(3);
    open(api);
    const section = (await screen.findByRole('heading', { level: 3, name: 'Session reviews' })).closest('section') as HTMLElement;
    await waitFor(() => expect(api.listMyReviews).toHaveBeenCalledTimes(1));
    api.listMyReviews.mockResolvedValue([makeReview({ id: 'r1', reason: 'workspace_request', workspace_name: 'Acme' })]);
    api.listWorkspaceReviews.mockResolvedValue([
      makeReviewStatus({ user_id: 'u1', email: 'ada@example.com', requested_at: NOW.toISOString() }),
    ]);
    fireEvent.click(within(section).getByRole('button', { name: 'Ask everyone to review their sessions' }));
    expect(await within(section).findByText('3 members were asked to review their sessions.')).toBeTruthy();
    expect(api.requestWorkspaceReview).toHaveBeenCalledWith('ws1');
    // No "Confirm it's you": asking ends nothing.
    expect(api.reauthenticate).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(within(section).getByText('Reviewed: 0 · Pending: 1 · Never asked: 0')).toBeTruthy());
    // The asker is a member too: the banner appears for them, and the audit trail reloads.
    const banner = await screen.findByRole('region', { name: 'Review your sessions' });
    expect(banner.textContent).toContain('The administrators of Acme asked you to.');
    await waitFor(() => expect(api.listWorkspaceAudit.mock.calls.length).toBeGreaterThanOrEqual(2));
  });

  it('says when nobody new was asked, and shows a refusal in words', async () => {
    withWorkspace(api);
    api.requestWorkspaceReview.mockResolvedValueOnce(0).mockRejectedValueOnce(new ApiError(403, 'forbidden', 'Members cannot ask.'));
    open(api);
    const button = await screen.findByRole('button', { name: 'Ask everyone to review their sessions' });
    fireEvent.click(button);
    expect(await screen.findByText('Nobody new was asked: every member already has a review pending.')).toBeTruthy();
    fireEvent.click(button);
    const section = button.closest('section') as HTMLElement;
    expect((await within(section).findByRole('alert')).textContent).toContain('Members cannot ask.');
  });

  it('sends a signed-out visitor to sign-in and back', async () => {
    api.listMyWorkspaces.mockRejectedValue(unauthenticated());
    api.getCurrentSession.mockRejectedValue(unauthenticated());
    open(api, '/settings/workspaces?ws=ws1');
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/settings/workspaces?ws=ws1');
  });
});
