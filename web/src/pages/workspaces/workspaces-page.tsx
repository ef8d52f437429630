/**
 * Settings › Workspaces. The person's workspaces and a form to create one; the one chosen with
 * `?ws=<id>` opens below. To a plain member it shows the workspace's name, their role and who
 * the security owner is; owners and security admins also get the members, their sessions,
 * invitations, offboarding and the audit trail (workspace-detail.tsx).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isUnauthenticated } from '../../api';
import type { MyWorkspace, User } from '../../api';
import { useDocumentTitle } from '../../components/hooks';
import { Link } from '../../components/link';
import { SignedInLayout } from '../../components/signed-in-layout';
import { TextField } from '../../components/text-field';
import { messages } from '../../messages';
import { useLocation } from '../../router';
import { useServices } from '../../services';
import { WorkspaceDetail } from './workspace-detail';
import { errorText, roleName } from './wording';

export const WORKSPACES_PATH = '/settings/workspaces';

export function workspacePath(id: string): string {
  return `${WORKSPACES_PATH}?ws=${encodeURIComponent(id)}`;
}

export function WorkspacesPage({ timeZone }: { timeZone?: string } = {}) {
  return (
    <SignedInLayout section="workspaces">
      <WorkspacesContent timeZone={timeZone} />
    </SignedInLayout>
  );
}

function WorkspacesContent({ timeZone }: { timeZone: string | undefined }) {
  const { api, navigate, onUnauthenticated, markSignedIn } = useServices();
  const m = messages.workspaces;
  useDocumentTitle(m.title, messages.productName);
  const { search } = useLocation();
  const selected = search.get('ws');
  const [mine, setMine] = useState<MyWorkspace[] | null>(null);
  const [me, setMe] = useState<User | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mounted = useRef(true);

  const load = useCallback(async () => {
    try {
      const [list, current] = await Promise.all([api.listMyWorkspaces(), api.getCurrentSession()]);
      if (!mounted.current) return;
      markSignedIn();
      setMine(list);
      setMe(current.user);
      setLoadError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setLoadError(errorText(err));
    }
  }, [api, markSignedIn, onUnauthenticated]);

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreating(true);
    setCreateError(null);
    setNotice(null);
    try {
      const workspace = await api.createWorkspace(name.trim());
      setName('');
      setNotice(m.created(workspace.name));
      navigate(workspacePath(workspace.id));
      void load();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setCreateError(errorText(err));
    } finally {
      if (mounted.current) setCreating(false);
    }
  }

  return (
    <>
      <h1 className="page-title">{m.title}</h1>
      <p className="lead">{m.intro}</p>

      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>

      <div className="workspaces-top">
        <section className="card" aria-labelledby="my-workspaces-heading">
          <h2 className="section-title" id="my-workspaces-heading">
            {m.yoursTitle}
          </h2>
          {loadError !== null && (
            <div className="alert alert-error" role="alert">
              <p>{`${m.loadError} ${loadError}`}</p>
              <button type="button" className="button button-small" onClick={() => void load()}>
                {messages.common.retry}
              </button>
            </div>
          )}
          {mine === null && loadError === null && <p className="muted">{m.loading}</p>}
          {mine !== null && mine.length === 0 && <p className="empty">{m.none}</p>}
          {mine !== null && mine.length > 0 && (
            <ul className="workspace-list" aria-labelledby="my-workspaces-heading">
              {mine.map((w) => (
                <li key={w.id}>
                  <Link href={workspacePath(w.id)} aria-current={w.id === selected ? 'page' : undefined} className="workspace-link">
                    {w.name}
                  </Link>
                  <span className="badge badge-role">{roleName(w.role)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="create-workspace-heading">
          <h2 className="section-title" id="create-workspace-heading">
            {m.createTitle}
          </h2>
          <form onSubmit={(e) => void create(e)}>
            <TextField
              id="workspace-name"
              label={m.createName}
              hint={m.createHint}
              type="text"
              maxLength={100}
              autoComplete="organization"
              value={name}
              onChange={setName}
            />
            {createError !== null && (
              <div className="alert alert-error" role="alert">
                <p className="alert-title">{m.errorTitle}</p>
                <p>{createError}</p>
              </div>
            )}
            <button type="submit" className="button button-primary" disabled={creating || name.trim() === ''}>
              {creating ? m.creating : m.create}
            </button>
          </form>
        </section>
      </div>

      {selected !== null && (
        <WorkspaceDetail key={selected} workspaceId={selected} me={me} timeZone={timeZone} onMembershipChanged={() => void load()} />
      )}
    </>
  );
}
