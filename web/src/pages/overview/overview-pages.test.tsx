import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../app';
import { fakeApi, makeOverview, makeSession, makeWorkspace, NOW } from '../../testing/fixtures';
import type { FakeApi } from '../../testing/fixtures';

const acme = makeWorkspace({ id: 'ws1', name: 'Acme', role: 'owner' });

function withWorkspace(api: FakeApi, role: 'owner' | 'security_admin' | 'member' = 'owner') {
  api.listMyWorkspaces.mockResolvedValue([{ ...acme, role }]);
  api.getWorkspace.mockResolvedValue({
    workspace: {
      id: 'ws1',
      name: 'Acme',
      security_owner_id: 'u1',
      security_owner: { id: 'u1', email: 'ada@example.com', name: null },
      created_at: acme.created_at,
      audit_retention_days: 365,
    },
    role,
  });
}

function open(api: FakeApi, path: string) {
  window.history.replaceState(null, '', path);
  return render(<App api={api} now={() => NOW} />);
}

/** The row of a figure in the figures table, by its name. */
async function figureRow(name: string) {
  const table = await screen.findByRole('table', { name: /^Every figure for the/ });
  return within(table).getByRole('row', { name: new RegExp(`^${name}`) });
}

function cells(row: HTMLElement): string[] {
  return within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent ?? '');
}

describe('a workspace’s security overview', () => {
  it('shows each figure beside last week’s with the change: 10 → 12 is ▲ 20%, no baseline is —', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    withWorkspace(api);
    const answer = makeOverview({ scope: 'workspace' });
    answer.figures = answer.figures.map((f) => {
      if (f.id === 'sign_ins') return { id: f.id, current: 12, previous: 10 };
      if (f.id === 'sign_in_success_rate') return { id: f.id, current: 0.92, previous: null };
      if (f.id === 'sign_in_failures') return { id: f.id, current: 1, previous: 4 };
      if (f.id === 'validation_p99_seconds') return { id: f.id, current: 0.012, previous: 0.01 };
      return f;
    });
    answer.failures_by_reason = [{ key: 'invalid_credentials', current: 3, previous: 1 }];
    answer.revocations_by_actor = [{ key: 'admin', current: 2, previous: 0 }];
    api.getWorkspaceOverview.mockResolvedValue(answer);
    open(api, '/settings/workspaces/overview?ws=ws1');

    expect(await screen.findByRole('heading', { level: 1, name: 'Security overview: Acme' })).toBeTruthy();
    expect(api.getWorkspaceOverview).toHaveBeenCalledWith('ws1', '24h');

    // Figure, this period, last week, change, better when.
    expect(cells(await figureRow('Sign-ins'))).toEqual(['12', '10', '▲ up 20%', 'Neither']);
    expect(cells(await figureRow('Sign-in success rate'))).toEqual(['92%', '—', '—No figure for last week to compare with', 'Higher']);
    // Fewer failures is good news, and the page says so in words as well as colour.
    expect(cells(await figureRow('Failed sign-ins'))).toEqual(['1', '4', '▼ down 75% better', 'Lower']);
    expect(cells(await figureRow('Session validation, p99'))).toEqual(['12 ms', '10 ms', '▲ up 20% worse', 'Lower']);
    expect(screen.getAllByRole('row')).toHaveLength(1 + 20 + 2 + 2);

    // Node-level figures are the instance's, and the page says so.
    expect(screen.getByText(/measured per node for the whole instance/)).toBeTruthy();
    expect(within(await figureRow('Session validation, p99')).getByText('Instance-wide')).toBeTruthy();
    expect(within(await figureRow('Sign-ins')).queryByText('Instance-wide')).toBeNull();

    const reasons = screen.getByRole('table', { name: /^Failed sign-ins by the reason/ });
    expect(cells(within(reasons).getByRole('row', { name: /^Wrong email or password/ }))).toEqual(['3', '1', '▲ up 200% worse']);
    const actors = screen.getByRole('table', { name: /^Sessions ended by who ended them/ });
    expect(cells(within(actors).getByRole('row', { name: /^A workspace administrator/ }))).toEqual(['2', '0', '▲ up from 0']);
  });

  it('each chart has a text alternative with this period’s and last week’s figures', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    withWorkspace(api);
    const answer = makeOverview();
    answer.series = answer.series.map((s) => (s.id === 'sign_ins' ? { ...s, current: [1, 2, null, 3], previous: [4, 0, 0, 1] } : s));
    api.getWorkspaceOverview.mockResolvedValue(answer);
    open(api, '/settings/workspaces/overview?ws=ws1');
    const chart = await screen.findByRole('figure', { name: /^Sign-ins, per 15 minutes/ });
    expect(within(chart).getByRole('img').getAttribute('aria-label')).toBe(
      'Sign-ins: 6 in this period, 5 last week. Failed sign-ins: 0 in this period, 0 last week.',
    );
    expect(screen.getAllByRole('figure')).toHaveLength(7);
  });

  it('the period switch asks for the other range and keeps it in the address', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    withWorkspace(api);
    open(api, '/settings/workspaces/overview?ws=ws1');
    await figureRow('Sign-ins');
    const week = screen.getByRole('button', { name: 'Last 7 days' });
    expect(week.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(week);
    await waitFor(() => expect(api.getWorkspaceOverview).toHaveBeenLastCalledWith('ws1', '7d'));
    expect(window.location.search).toBe('?ws=ws1&range=7d');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true'));
    expect(await screen.findByRole('table', { name: /^Every figure for the last 7 days/ })).toBeTruthy();
    expect(await screen.findByRole('figure', { name: /^Sign-ins, per hour/ })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Last 24 hours' }));
    await waitFor(() => expect(api.getWorkspaceOverview).toHaveBeenLastCalledWith('ws1', '24h'));
  });

  it('a member who is not an administrator is told who sees it', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    withWorkspace(api, 'member');
    api.getWorkspaceOverview.mockRejectedValue(new (await import('../../api')).ApiError(403, 'forbidden', 'Forbidden.'));
    open(api, '/settings/workspaces/overview?ws=ws1');
    expect((await screen.findByRole('alert')).textContent).toContain('Only the owners and security admins of this workspace');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('the workspace page links to it for owners and security admins only', async () => {
    for (const [role, shown] of [
      ['owner', true],
      ['security_admin', true],
      ['member', false],
    ] as const) {
      const api = fakeApi([makeSession({ id: 'me', current: true })]);
      withWorkspace(api, role);
      const view = open(api, '/settings/workspaces?ws=ws1');
      await screen.findByRole('heading', { level: 2, name: 'Acme' });
      const link = screen.queryByRole('link', { name: 'Security overview' });
      expect(link !== null, role).toBe(shown);
      if (link !== null) expect(link.getAttribute('href')).toBe('/settings/workspaces/overview?ws=ws1');
      view.unmount();
    }
  });
});

describe('the instance’s security overview', () => {
  it('appears in the navigation only for instance administrators', async () => {
    const admin = fakeApi([makeSession({ id: 'me', current: true })]);
    admin.getInstanceOverview.mockImplementation(async (range) => makeOverview({ scope: 'instance', range }));
    const view = open(admin, '/settings/security/sessions');
    const nav = await screen.findByRole('navigation', { name: 'Security settings' });
    expect((await within(nav).findByRole('link', { name: 'Instance' })).getAttribute('href')).toBe('/settings/instance');
    view.unmount();

    const other = fakeApi([makeSession({ id: 'me', current: true })]);
    open(other, '/settings/security/sessions');
    await waitFor(() => expect(other.getInstanceOverview).toHaveBeenCalled());
    await screen.findByRole('heading', { level: 1, name: 'Active sessions' });
    expect(within(screen.getByRole('navigation', { name: 'Security settings' })).queryByRole('link', { name: 'Instance' })).toBeNull();
  });

  it('shows the instance’s figures, without the note about instance-wide figures', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    const answer = makeOverview({ scope: 'instance' });
    answer.figures = answer.figures.map((f) => (f.id === 'cache_hit_ratio' ? { id: f.id, current: 0.9, previous: 0.95 } : f));
    api.getInstanceOverview.mockResolvedValue(answer);
    open(api, '/settings/instance');
    expect(await screen.findByRole('heading', { level: 1, name: 'Instance security overview' })).toBeTruthy();
    // A ratio changes by percentage points: 95% → 90% is 5 points, and lower is worse.
    expect(cells(await figureRow('Session cache hit ratio'))).toEqual(['90%', '95%', '▼ down 5 pts worse', 'Higher']);
    expect(screen.queryByText(/measured per node for the whole instance/)).toBeNull();
    expect(screen.queryByText('Instance-wide')).toBeNull();
    expect(within(screen.getByRole('navigation', { name: 'Security settings' })).getByRole('link', { name: 'Instance' })).toBeTruthy();
  });

  it('tells anyone else that it is for instance administrators', async () => {
    const api = fakeApi([makeSession({ id: 'me', current: true })]);
    open(api, '/settings/instance');
    expect((await screen.findByRole('alert')).textContent).toContain('Only the instance’s administrators');
  });
});
