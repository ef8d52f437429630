import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkspaceApiKey } from '../../api';
import { App } from '../../app';
import { fakeApi, makeMember, makeSession, makeWorkspace, NOW, reauthRequired } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';
import { keyDays } from './api-keys-section';

const me = makeSession({ id: 'me', current: true });
const TOKEN = `swk_${'A'.repeat(22)}.${'B'.repeat(43)}`;

function key(overrides: Partial<WorkspaceApiKey> = {}): WorkspaceApiKey {
  return {
    id: 'k1',
    name: 'Deploy bot',
    scopes: ['members:read', 'audit:read'],
    created_at: '2026-01-10T09:00:00Z',
    created_by: 'u1',
    created_by_email: 'ada@example.com',
    expires_at: '2026-04-10T09:00:00Z',
    last_used_at: '2026-01-15T11:00:00Z',
    revoked_at: null,
    ...overrides,
  };
}

function open(api: FakeApi, role: 'owner' | 'security_admin' = 'owner') {
  api.listMyWorkspaces.mockResolvedValue([makeWorkspace({ id: 'ws1', name: 'Acme', role })]);
  api.getWorkspace.mockResolvedValue({
    workspace: {
      id: 'ws1',
      name: 'Acme',
      security_owner_id: 'u1',
      security_owner: { id: 'u1', email: 'ada@example.com', name: null },
      created_at: '2025-06-01T10:00:00Z',
      audit_retention_days: 365,
    },
    role,
  });
  api.listWorkspaceMembers.mockResolvedValue([makeMember({ user_id: 'u1', email: 'ada@example.com', role: 'owner' })]);
  window.history.replaceState(null, '', '/settings/workspaces?ws=ws1');
  return render(<App api={api} now={() => NOW} />);
}

const section = async () => (await screen.findByRole('heading', { name: 'API keys' })).closest('section') as HTMLElement;

describe('API keys on the workspace page', () => {
  let api: FakeApi;
  const writeText = vi.fn<(text: string) => Promise<void>>();
  beforeEach(() => {
    api = fakeApi([me]);
    writeText.mockReset().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  });
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'clipboard');
  });

  it('is shown to owners only', async () => {
    open(api, 'security_admin');
    await screen.findByRole('heading', { name: 'Audit trail' });
    expect(screen.queryByRole('heading', { name: 'API keys' })).toBeNull();
    expect(api.listWorkspaceApiKeys).not.toHaveBeenCalled();
  });

  it('lists each key with its scopes, maker, last use and expiry; a revoked or expired key has no Revoke', async () => {
    api.listWorkspaceApiKeys.mockResolvedValue([
      key(),
      key({ id: 'k2', name: 'Old', last_used_at: null, revoked_at: '2026-01-12T09:00:00Z' }),
      key({ id: 'k3', name: 'Stale', expires_at: '2026-01-14T09:00:00Z' }),
    ]);
    open(api);
    const list = await within(await section()).findByRole('list', { name: 'API keys of this workspace' });
    const items = await within(list).findAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]!.textContent).toContain('members:read audit:read');
    expect(items[0]!.textContent).toContain('Made by ada@example.com');
    expect(items[0]!.textContent).toContain('Last used 1 hour ago');
    expect(items[0]!.textContent).toMatch(/Expires Apr 10, 2026/);
    expect(items[1]!.textContent).toContain('Never used');
    expect(items[1]!.textContent).toMatch(/Revoked Jan 12, 2026/);
    expect(items[2]!.textContent).toMatch(/Expired Jan 14, 2026/);
    expect(
      items.map((li) =>
        within(li)
          .queryAllByRole('button')
          .map((b) => b.getAttribute('aria-label')),
      ),
    ).toEqual([['Revoke the API key Deploy bot'], [], []]);
  });

  it('creates a key after "Confirm it’s you", shows its token once with Copy, and forgets it on Done', async () => {
    api.createWorkspaceApiKey
      .mockRejectedValueOnce(reauthRequired())
      .mockResolvedValueOnce({ key: key({ last_used_at: null }), token: TOKEN });
    open(api);
    const card = await section();
    fireEvent.click(within(card).getByRole('button', { name: 'Create key' }));
    expect(within(card).getByRole('alert').textContent).toContain('Give the key a name.');
    fireEvent.change(within(card).getByLabelText('Name'), { target: { value: ' Deploy bot ' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Create key' }));
    expect(within(card).getByRole('alert').textContent).toContain('Choose at least one thing the key may do.');
    const scopes = within(card).getByRole('group', { name: 'What it may do' });
    fireEvent.click(within(scopes).getByRole('checkbox', { name: /Read and export the audit trail/ }));
    fireEvent.click(within(scopes).getByRole('checkbox', { name: /Read the workspace, its members/ }));
    fireEvent.change(within(card).getByLabelText('Expires in (days)'), { target: { value: '400' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Create key' }));
    expect(within(card).getByRole('alert').textContent).toContain('from 1 to 365');
    fireEvent.change(within(card).getByLabelText('Expires in (days)'), { target: { value: '30' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Create key' }));

    const reauth = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    fireEvent.change(within(reauth).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    fireEvent.click(within(reauth).getByRole('button', { name: 'Confirm' }));

    const shown = await within(card).findByRole('textbox', { name: 'The new API key' });
    expect((shown as HTMLInputElement).value).toBe(TOKEN);
    expect(card.textContent).toContain('you will not see it again');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Your new key “Deploy bot”'));
    expect(api.createWorkspaceApiKey).toHaveBeenLastCalledWith('ws1', {
      name: 'Deploy bot',
      scopes: ['members:read', 'audit:read'],
      expires_in_days: 30,
    });
    fireEvent.click(within(card).getByRole('button', { name: 'Copy' }));
    expect(await within(card).findByText('Copied.')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(TOKEN);
    // The form is empty again, and the list is read again.
    expect((within(card).getByLabelText('Name') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(api.listWorkspaceApiKeys.mock.calls.length).toBeGreaterThanOrEqual(2));

    fireEvent.click(within(card).getByRole('button', { name: 'Done' }));
    expect(within(card).queryByRole('textbox', { name: 'The new API key' })).toBeNull();
    expect(card.textContent).not.toContain(TOKEN);
  });

  it('revokes a key after a dialog that says what that does, and says so', async () => {
    api.listWorkspaceApiKeys.mockResolvedValue([key()]);
    open(api);
    const card = await section();
    const revoke = await within(card).findByRole('button', { name: 'Revoke the API key Deploy bot' });
    fireEvent.click(revoke);
    const dialog = screen.getByRole('dialog', { name: 'Revoke the API key “Deploy bot”?' });
    expect(dialog.textContent).toContain('refused from its very next request');
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' })));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.revokeWorkspaceApiKey).not.toHaveBeenCalled();

    fireEvent.click(revoke);
    api.listWorkspaceApiKeys.mockResolvedValue([key({ revoked_at: NOW.toISOString() })]);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke key' }));
    expect(await within(card).findByText('The API key “Deploy bot” was revoked.')).toBeTruthy();
    expect(api.revokeWorkspaceApiKey).toHaveBeenCalledWith('ws1', 'k1');
    await waitFor(() => expect(within(card).queryByRole('button', { name: 'Revoke the API key Deploy bot' })).toBeNull());
  });

  it('reads the expiry as a whole number of days from 1 to 365', () => {
    expect(['1', ' 90 ', '365'].map(keyDays)).toEqual([1, 90, 365]);
    expect(['0', '366', '1.5', '', 'ten', '-1'].map(keyDays)).toEqual([null, null, null, null, null, null]);
  });
});
