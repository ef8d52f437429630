/**
 * The two security overview pages: a workspace's (Settings › Workspaces › Security overview,
 * `?ws=<id>`, for its owners and security admins) and the instance's (Settings › Instance, for the
 * instance administrators of `--instance-admins`). Both are OverviewView with their own loader.
 * app.tsx loads this module on demand: the charting library is only fetched by those who open it.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { OverviewRange } from '../../api';
import { useDocumentTitle } from '../../components/hooks';
import { Link } from '../../components/link';
import { SignedInLayout } from '../../components/signed-in-layout';
import { messages } from '../../messages';
import { useLocation } from '../../router';
import { useServices } from '../../services';
import { workspacePath } from '../workspaces/workspaces-page';
import { errorText } from '../workspaces/wording';
import { OverviewView } from './overview-view';

export function WorkspaceOverviewPage({ timeZone }: { timeZone?: string } = {}) {
  return (
    <SignedInLayout section="workspaces">
      <WorkspaceOverview timeZone={timeZone} />
    </SignedInLayout>
  );
}

function WorkspaceOverview({ timeZone }: { timeZone: string | undefined }) {
  const { api, onUnauthenticated } = useServices();
  const o = messages.overview;
  const { search } = useLocation();
  const workspaceId = search.get('ws');
  const [name, setName] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useDocumentTitle(name === null ? o.title : o.workspaceTitle(name), messages.productName);

  useEffect(() => {
    if (workspaceId === null) return;
    let live = true;
    api.getWorkspace(workspaceId).then(
      (found) => {
        if (live) setName(found.workspace.name);
      },
      (err: unknown) => {
        if (!live) return;
        if (isUnauthenticated(err)) return onUnauthenticated(err);
        setProblem(err instanceof ApiError && err.code === 'not_found' ? messages.workspaces.notFound : errorText(err));
      },
    );
    return () => {
      live = false;
    };
  }, [api, workspaceId, onUnauthenticated]);

  const load = useCallback((range: OverviewRange) => api.getWorkspaceOverview(workspaceId ?? '', range), [api, workspaceId]);

  return (
    <>
      <h1 className="page-title">{name === null ? o.title : o.workspaceTitle(name)}</h1>
      <p className="lead">{o.workspaceIntro}</p>
      {workspaceId !== null && (
        <p className="overview-back">
          <Link href={workspacePath(workspaceId)}>{o.back(name ?? messages.nav.workspaces)}</Link>
        </p>
      )}
      {workspaceId === null ? (
        <p className="alert alert-info">{o.noWorkspace}</p>
      ) : problem !== null ? (
        <p className="alert alert-error" role="alert">
          {problem}
        </p>
      ) : (
        <OverviewView key={workspaceId} scope="workspace" load={load} timeZone={timeZone} />
      )}
    </>
  );
}

export function InstanceOverviewPage({ timeZone }: { timeZone?: string } = {}) {
  return (
    <SignedInLayout section="instance">
      <InstanceOverview timeZone={timeZone} />
    </SignedInLayout>
  );
}

function InstanceOverview({ timeZone }: { timeZone: string | undefined }) {
  const { api } = useServices();
  const o = messages.overview;
  useDocumentTitle(o.instanceTitle, messages.productName);
  const load = useCallback((range: OverviewRange) => api.getInstanceOverview(range), [api]);
  return (
    <>
      <h1 className="page-title">{o.instanceTitle}</h1>
      <p className="lead">{o.instanceIntro}</p>
      <OverviewView scope="instance" load={load} timeZone={timeZone} />
    </>
  );
}
