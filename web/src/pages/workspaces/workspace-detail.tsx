/**
 * One workspace. Every member sees its name, their role, the security owner and the session
 * policy (session-policy.tsx; security admins and owners change it there). Owners and
 * security admins also see the members table; per member, the same session rows as the member's
 * own Active sessions page, with "End session" and "End all sessions"; offboarding in one step
 * after a dialog that says exactly what will happen; invitations; session reviews
 * (review-section.tsx), the audit trail, with how long it is kept (audit-retention.tsx), and a link
 * to the workspace's security overview (pages/overview). Owners
 * name the security owner and change members' roles. Beside "End session", "Lost device" ends
 * every session of the member on that session's device and untrusts it. Sensitive actions ask "Confirm it's you" when the server wants a
 * fresh password or code, as the member's own sessions page does.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { Session, User, WorkspaceMember, WorkspaceRole, WorkspaceWithRole } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Link } from '../../components/link';
import { useReauth } from '../../components/reauth-dialog';
import { useReviews } from '../../components/review-banner';
import { TextField } from '../../components/text-field';
import { describeSession, formatExact, formatRelative, orderSessions } from '../../format';
import { messages } from '../../messages';
import pageRoutes from '../../page-routes.json';
import { useServices } from '../../services';
import { SessionRow } from '../sessions/session-row';
import { ApiKeysSection } from './api-keys-section';
import { AuditRetention } from './audit-retention';
import { AuditSection } from './audit-section';
import { ReviewSection } from './review-section';
import { SessionPolicy } from './session-policy';
import { errorText, invitableRoles, isAdminRole, roleName, securityOwnerCandidates } from './wording';

/** A workspace's security overview (pages/overview), for its owners and security admins. */
function workspaceOverviewPath(id: string): string {
  return `${pageRoutes.pages.workspaceOverview}?ws=${encodeURIComponent(id)}`;
}

type Pending =
  | { kind: 'one'; member: WorkspaceMember; session: Session }
  | { kind: 'device'; member: WorkspaceMember; session: Session }
  | { kind: 'all'; member: WorkspaceMember; count: number }
  | { kind: 'offboard'; member: WorkspaceMember };

export interface WorkspaceDetailProps {
  workspaceId: string;
  me: User | null;
  timeZone?: string | undefined;
  /** The caller's own memberships may have changed (a new name of the security owner). */
  onMembershipChanged: () => void;
}

export function WorkspaceDetail({ workspaceId, me, timeZone, onMembershipChanged }: WorkspaceDetailProps) {
  const { api, now, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const [workspace, setWorkspace] = useState<WorkspaceWithRole['workspace'] | null>(null);
  const [role, setRole] = useState<WorkspaceRole | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [members, setMembers] = useState<WorkspaceMember[] | null>(null);
  const [membersError, setMembersError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [openMember, setOpenMember] = useState<string | null>(null);
  const [memberSessions, setMemberSessions] = useState<Session[] | null>(null);
  const [memberSessionsError, setMemberSessionsError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [auditKey, setAuditKey] = useState(0);
  const triggerRef = useRef<HTMLElement | null>(null);
  const membersHeadingRef = useRef<HTMLHeadingElement>(null);
  const mounted = useRef(true);
  const reauth = useReauth();
  const { refreshReviews, reviewed } = useReviews();

  const fail = useCallback(
    (err: unknown, show: (text: string) => void) => {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      show(errorText(err));
    },
    [onUnauthenticated],
  );

  const loadMembers = useCallback(async () => {
    try {
      const list = await api.listWorkspaceMembers(workspaceId);
      if (!mounted.current) return;
      setMembers(list);
      setMembersError(null);
    } catch (err) {
      fail(err, setMembersError);
    }
  }, [api, workspaceId, fail]);

  const load = useCallback(async () => {
    try {
      const found = await api.getWorkspace(workspaceId);
      if (!mounted.current) return;
      setWorkspace(found.workspace);
      setRole(found.role);
      setLoadError(null);
      if (isAdminRole(found.role)) await loadMembers();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_found') return setLoadError(m.notFound);
      fail(err, (text) => setLoadError(`${m.workspaceLoadError} ${text}`));
    }
  }, [api, workspaceId, loadMembers, fail, m]);

  const loadMemberSessions = useCallback(
    async (userId: string) => {
      try {
        const list = await api.listMemberSessions(workspaceId, userId);
        if (!mounted.current) return;
        setMemberSessions(orderSessions(list));
        setMemberSessionsError(null);
      } catch (err) {
        fail(err, setMemberSessionsError);
      }
    },
    [api, workspaceId, fail],
  );

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  const byId = useMemo(() => new Map((members ?? []).map((x) => [x.user_id, x])), [members]);

  function toggleSessions(member: WorkspaceMember) {
    setNotice(null);
    if (openMember === member.user_id) {
      setOpenMember(null);
      return;
    }
    setOpenMember(member.user_id);
    setMemberSessions(null);
    setMemberSessionsError(null);
    void loadMemberSessions(member.user_id);
  }

  function open(next: Pending, trigger: HTMLElement) {
    triggerRef.current = trigger;
    setActionError(null);
    setNotice(null);
    setPending(next);
  }

  function close() {
    setPending(null);
    setBusy(false);
    setActionError(null);
  }

  async function confirm() {
    if (pending === null) return;
    setBusy(true);
    setActionError(null);
    const member = pending.member;
    try {
      if (pending.kind === 'one') {
        const { id } = pending.session;
        try {
          await reauth.run(() => api.revokeMemberSession(workspaceId, member.user_id, id));
          setNotice(m.endedOne);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'not_found')) throw err;
          setNotice(m.alreadyEnded);
        }
        setMemberSessions((list) => list?.filter((s) => s.id !== id) ?? null);
      } else if (pending.kind === 'device') {
        // A lost device: every session of the member on it ends, so the reload below may drop more rows.
        const { id } = pending.session;
        try {
          const done = await reauth.run(() => api.replaceMemberDevice(workspaceId, member.user_id, id));
          setNotice(m.lostDone(member.email, done.revoked, done.untrusted));
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'not_found')) throw err;
          setNotice(m.alreadyEnded);
        }
        setMemberSessions((list) => list?.filter((s) => s.id !== id) ?? null);
      } else if (pending.kind === 'all') {
        const n = await reauth.run(() => api.revokeMemberSessions(workspaceId, member.user_id));
        setNotice(m.endedMany(n));
        setMemberSessions([]);
      } else {
        const done = await reauth.run(() => api.offboardMember(workspaceId, member.user_id));
        setNotice(
          m.offboarded(
            member.email,
            done.sessions_ended,
            done.devices_untrusted,
            done.keys_revoked,
            done.apps_removed,
            done.tokens_revoked,
          ),
        );
        if (openMember === member.user_id) setMemberSessions([]);
      }
      // The button that opened the dialog may be gone with its row: focus the members heading then.
      if (pending.kind === 'one' || pending.kind === 'device') triggerRef.current = null;
      close();
      setAuditKey((k) => k + 1);
      void loadMembers();
      if (openMember !== null) void loadMemberSessions(openMember);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setActionError(errorText(err));
      setBusy(false);
    }
  }

  if (loadError !== null) {
    return (
      <section className="workspace" aria-label={m.title}>
        <div className="alert alert-error" role="alert">
          <p>{loadError}</p>
          <button type="button" className="button button-small" onClick={() => void load()}>
            {messages.common.retry}
          </button>
        </div>
      </section>
    );
  }

  if (workspace === null || role === null) {
    return (
      <p className="muted" role="status">
        {m.workspaceLoading}
      </p>
    );
  }

  const admin = isAdminRole(role);
  const ownerId = workspace.security_owner_id;
  // Every member is told the security owner's address (the server sends it with the workspace).
  const ownerText =
    me !== null && ownerId === me.id
      ? `${m.securityOwnerYou} (${me.email})`
      : (workspace.security_owner?.email ?? byId.get(ownerId)?.email ?? m.securityOwnerOther);
  const nowDate = now();
  const opened = openMember === null ? undefined : byId.get(openMember);

  return (
    <section className="workspace" aria-labelledby="workspace-heading">
      <h2 className="workspace-title" id="workspace-heading">
        {workspace.name}
      </h2>
      <dl className="workspace-facts">
        <div>
          <dt>{m.columns.role}</dt>
          <dd>
            <span className="workspace-role">{roleName(role)}</span> <span className="muted">— {m.roleHints[role]}</span>
          </dd>
        </div>
        <div>
          <dt>{m.securityOwner}</dt>
          <dd>
            <span className="security-owner-name">{ownerText}</span> <span className="muted">— {m.securityOwnerHint}</span>
          </dd>
        </div>
      </dl>

      {admin && (
        <p className="workspace-overview-link">
          <Link href={workspaceOverviewPath(workspaceId)}>{messages.overview.open}</Link>{' '}
          <span className="muted">— {messages.overview.openHint}</span>
        </p>
      )}

      <div className="notice-slot" role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>

      {role === 'owner' && members !== null && (
        <SecurityOwnerForm
          workspaceId={workspaceId}
          ownerId={ownerId}
          members={members}
          run={reauth.run}
          onChanged={(email) => {
            setNotice(m.ownerChanged(email));
            setAuditKey((k) => k + 1);
            onMembershipChanged();
            void load();
          }}
        />
      )}

      {admin && (
        <>
          <div className="list-header">
            <h3 className="section-title" id="members-heading" ref={membersHeadingRef} tabIndex={-1}>
              {m.membersTitle}
              {members !== null && <span className="count"> ({members.length})</span>}
            </h3>
          </div>
          {membersError !== null && (
            <div className="alert alert-error" role="alert">
              <p>{`${m.membersLoadError} ${membersError}`}</p>
              <button type="button" className="button button-small" onClick={() => void loadMembers()}>
                {messages.common.retry}
              </button>
            </div>
          )}
          {members === null && membersError === null && <p className="muted">{m.membersLoading}</p>}
          {members !== null && (
            <table className="members">
              <caption className="visually-hidden">{m.membersCaption(workspace.name)}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.columns.email}</th>
                  <th scope="col">{m.columns.role}</th>
                  <th scope="col">{m.columns.status}</th>
                  <th scope="col">{m.columns.sessions}</th>
                  <th scope="col">{m.columns.lastActive}</th>
                  <th scope="col">{m.columns.mfa}</th>
                  <th scope="col">{m.columns.trusted}</th>
                  <th scope="col">{m.columns.lastReview}</th>
                  <th scope="col">{m.columns.actions}</th>
                </tr>
              </thead>
              <tbody>
                {members.map((x) => {
                  const self = me !== null && x.user_id === me.id;
                  const expanded = openMember === x.user_id;
                  return (
                    <tr key={x.user_id} data-member-id={x.user_id} className={x.status === 'disabled' ? 'member-disabled' : undefined}>
                      <th scope="row" data-label={m.columns.email}>
                        <span className="member-email">{x.email}</span>
                        {self && <span className="muted"> {m.you}</span>}
                        {x.user_id === ownerId && <span className="badge badge-role">{m.securityOwner}</span>}
                      </th>
                      <td data-label={m.columns.role}>
                        {role === 'owner' && x.status === 'active' ? (
                          <RoleChoice
                            workspaceId={workspaceId}
                            member={x}
                            run={reauth.run}
                            onChanged={(next) => {
                              setNotice(m.roleChanged(x.email, roleName(next)));
                              setAuditKey((k) => k + 1);
                              void loadMembers();
                              // One's own role: what this page shows may change with it.
                              if (self) {
                                onMembershipChanged();
                                void load();
                              }
                            }}
                          />
                        ) : (
                          roleName(x.role)
                        )}
                      </td>
                      <td data-label={m.columns.status}>
                        {x.status === 'active' ? (
                          m.statusActive
                        ) : (
                          <span title={x.disabled_at === null ? undefined : formatExact(x.disabled_at, messages.locale, timeZone)}>
                            {x.disabled_at === null
                              ? m.statusDisabled
                              : m.disabledSince(formatRelative(x.disabled_at, nowDate, messages.locale))}
                          </span>
                        )}
                      </td>
                      <td data-label={m.columns.sessions}>{x.active_sessions}</td>
                      <td data-label={m.columns.lastActive}>
                        {x.last_active_at === null ? (
                          <span className="muted">{m.never}</span>
                        ) : (
                          <time dateTime={x.last_active_at} title={formatExact(x.last_active_at, messages.locale, timeZone)}>
                            {formatRelative(x.last_active_at, nowDate, messages.locale)}
                          </time>
                        )}
                      </td>
                      <td data-label={m.columns.mfa}>{x.mfa_enabled ? m.mfaOn : m.mfaOff}</td>
                      <td data-label={m.columns.trusted}>{x.trusted_devices}</td>
                      <td data-label={m.columns.lastReview}>
                        {x.last_reviewed_at === null ? (
                          <span className="muted">{m.neverReviewed}</span>
                        ) : (
                          <time dateTime={x.last_reviewed_at} title={formatExact(x.last_reviewed_at, messages.locale, timeZone)}>
                            {formatRelative(x.last_reviewed_at, nowDate, messages.locale)}
                          </time>
                        )}
                      </td>
                      <td data-label={m.columns.actions} className="member-actions">
                        <button
                          type="button"
                          className="button button-small"
                          aria-expanded={expanded}
                          aria-controls={expanded ? 'member-sessions' : undefined}
                          aria-label={expanded ? `${m.hideSessions}: ${x.email}` : m.viewSessionsLabel(x.email)}
                          onClick={() => toggleSessions(x)}
                        >
                          {expanded ? m.hideSessions : m.viewSessions}
                        </button>
                        {x.status === 'active' && !self && x.user_id !== ownerId && (
                          <button
                            type="button"
                            className="button button-small button-danger"
                            aria-label={m.offboardLabel(x.email)}
                            onClick={(event) => open({ kind: 'offboard', member: x }, event.currentTarget)}
                          >
                            {m.offboard}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}

          {opened !== undefined && (
            <section className="member-sessions" id="member-sessions" aria-labelledby="member-sessions-heading">
              <h3 className="section-title" id="member-sessions-heading" tabIndex={-1}>
                {m.memberSessionsTitle(opened.email)}
              </h3>
              {memberSessionsError !== null && (
                <div className="alert alert-error" role="alert">
                  <p>{`${m.memberSessionsLoadError} ${memberSessionsError}`}</p>
                  <button type="button" className="button button-small" onClick={() => void loadMemberSessions(opened.user_id)}>
                    {messages.common.retry}
                  </button>
                </div>
              )}
              {memberSessions === null && memberSessionsError === null && <p className="muted">{m.memberSessionsLoading}</p>}
              {memberSessions !== null && memberSessions.length === 0 && <p className="empty">{m.memberSessionsEmpty}</p>}
              {memberSessions !== null && memberSessions.length > 0 && (
                <>
                  <ul className="sessions" aria-label={m.memberSessionsLabel(opened.email)}>
                    {memberSessions.map((s) => (
                      <SessionRow
                        key={s.id}
                        session={s}
                        now={nowDate}
                        timeZone={timeZone}
                        signOutText={m.endSession}
                        signOutLabel={m.endSessionLabel}
                        detailsLink={false}
                        onSignOut={(session, trigger) => open({ kind: 'one', member: opened, session }, trigger)}
                        replaceDeviceText={m.lostDevice}
                        replaceDeviceLabel={m.lostDeviceLabel}
                        onReplaceDevice={(session, trigger) => open({ kind: 'device', member: opened, session }, trigger)}
                      />
                    ))}
                  </ul>
                  <div className="bulk-actions">
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={(event) => open({ kind: 'all', member: opened, count: memberSessions.length }, event.currentTarget)}
                    >
                      {m.endAll}
                    </button>
                  </div>
                </>
              )}
            </section>
          )}

          <InviteForm
            workspaceId={workspaceId}
            role={role}
            run={reauth.run}
            onInvited={(email) => {
              setNotice(m.invited(email));
              setAuditKey((k) => k + 1);
            }}
          />

          <ReviewSection
            workspaceId={workspaceId}
            workspaceName={workspace.name}
            meId={me?.id ?? null}
            refreshKey={auditKey + reviewed}
            timeZone={timeZone}
            onAsked={() => {
              setAuditKey((k) => k + 1);
              // The caller is a member too: their own banner may have appeared.
              refreshReviews();
            }}
          />

          {role === 'owner' && (
            <ApiKeysSection workspaceId={workspaceId} run={reauth.run} timeZone={timeZone} onChanged={() => setAuditKey((k) => k + 1)} />
          )}

          <AuditRetention
            workspaceId={workspaceId}
            days={workspace.audit_retention_days}
            editable={role === 'owner'}
            run={reauth.run}
            onChanged={(days) => {
              setNotice(m.retentionSaved(days));
              setAuditKey((k) => k + 1);
              void load();
            }}
          />
          <AuditSection workspaceId={workspaceId} members={byId} refreshKey={auditKey} timeZone={timeZone} />
        </>
      )}

      {/* Every member sees the rules their sessions are held to; security admins and owners change them. */}
      <SessionPolicy workspaceId={workspaceId} editable={admin} run={reauth.run} onSaved={() => setAuditKey((k) => k + 1)} />

      {pending !== null && workspace !== null && (
        <ConfirmDialog
          {...dialogText(pending, workspace.name)}
          busyLabel={pending.kind === 'offboard' ? m.offboarding : m.ending}
          busy={busy}
          error={actionError}
          onConfirm={() => void confirm()}
          onCancel={close}
          returnFocusTo={() => triggerRef.current}
          fallbackFocus={() => document.getElementById('member-sessions-heading') ?? membersHeadingRef.current}
        />
      )}
      {reauth.dialog}
    </section>
  );
}

function dialogText(p: Pending, workspaceName: string) {
  const m = messages.workspaces;
  switch (p.kind) {
    case 'one':
      return { title: m.endOneTitle, body: m.endOneBody(describeSession(p.session), p.member.email), confirmLabel: m.endConfirm };
    case 'device':
      return {
        title: m.lostTitle,
        body: (
          <>
            <p>{m.lostLead(describeSession(p.session), p.member.email)}</p>
            <ul className="dialog-list">
              <li>{m.lostSessions}</li>
              <li>{m.lostTrust}</li>
            </ul>
            <p>{m.lostStays(p.member.email)}</p>
          </>
        ),
        confirmLabel: m.lostConfirm,
      };
    case 'all':
      return { title: m.endAllTitle, body: m.endAllBody(p.count, p.member.email), confirmLabel: m.endAllConfirm };
    case 'offboard':
      return {
        title: m.offboardTitle(p.member.email),
        body: (
          <>
            <p>{m.offboardLead}</p>
            <ul className="dialog-list">
              <li>{m.offboardSessions(p.member.active_sessions)}</li>
              <li>{m.offboardDevices(p.member.trusted_devices)}</li>
              <li>{m.offboardKeys}</li>
              <li>{m.offboardMembership(workspaceName)}</li>
            </ul>
          </>
        ),
        confirmLabel: m.offboardConfirm,
      };
  }
}

type Run = <T>(action: () => Promise<T>) => Promise<T>;

const ROLES: WorkspaceRole[] = ['owner', 'security_admin', 'member'];

/**
 * An owner's role selector in a member's row. Choosing a role does nothing yet (arrow keys on a
 * closed select change it one step at a time); "Change role" beside it sends the choice. The
 * server's refusal (the last owner; the security owner must stay an admin) shows under it.
 */
function RoleChoice({
  workspaceId,
  member,
  run,
  onChanged,
}: {
  workspaceId: string;
  member: WorkspaceMember;
  run: Run;
  onChanged: (role: WorkspaceRole) => void;
}) {
  const { api, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const [choice, setChoice] = useState<WorkspaceRole>(member.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selectRef = useRef<HTMLSelectElement>(null);
  const errorId = useId();

  // The members list was read again (after a change here or elsewhere): show the role it has now.
  useEffect(() => {
    setChoice(member.role);
  }, [member.role]);

  async function save() {
    setBusy(true);
    setError(null);
    const next = choice;
    try {
      await run(() => api.changeMemberRole(workspaceId, member.user_id, next));
      // The button goes away once the list shows the new role: keep the focus in the row.
      selectRef.current?.focus();
      onChanged(next);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(m.roleError(member.email, errorText(err)));
      selectRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="member-role">
      <select
        ref={selectRef}
        aria-label={m.roleLabel(member.email)}
        aria-describedby={error === null ? undefined : errorId}
        value={choice}
        onChange={(e) => {
          setError(null);
          setChoice(e.target.value as WorkspaceRole);
        }}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {roleName(r)}
          </option>
        ))}
      </select>
      {choice !== member.role && (
        <button
          type="button"
          className="button button-small"
          aria-label={m.roleSaveLabel(member.email)}
          disabled={busy}
          onClick={() => void save()}
        >
          {busy ? m.roleSaving : m.roleSave}
        </button>
      )}
      {error !== null && (
        <p className="alert alert-error member-role-error" role="alert" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

function InviteForm({
  workspaceId,
  role,
  run,
  onInvited,
}: {
  workspaceId: string;
  role: WorkspaceRole;
  run: Run;
  onInvited: (email: string) => void;
}) {
  const { api, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const roles = invitableRoles(role);
  const [email, setEmail] = useState('');
  const [invitedRole, setInvitedRole] = useState<WorkspaceRole>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const roleId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const address = email.trim();
    try {
      await run(() => api.inviteWorkspaceMember(workspaceId, address, invitedRole));
      setEmail('');
      setInvitedRole('member');
      onInvited(address);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card workspace-card" aria-labelledby="invite-heading">
      <h3 className="section-title" id="invite-heading">
        {m.inviteTitle}
      </h3>
      <form onSubmit={(e) => void submit(e)} className="invite-form">
        <TextField id="invite-email" label={m.inviteEmail} type="email" autoComplete="off" value={email} onChange={setEmail} />
        <div className="field">
          <label htmlFor={roleId}>{m.inviteRole}</label>
          <select
            id={roleId}
            value={invitedRole}
            onChange={(e) => setInvitedRole(e.target.value as WorkspaceRole)}
            aria-describedby={`${roleId}-hint`}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
          <p className="hint" id={`${roleId}-hint`}>
            {roles.length === 1 ? m.inviteRoleHintMember : m.roleHints[invitedRole]}
          </p>
        </div>
        {error !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{m.errorTitle}</p>
            <p>{error}</p>
          </div>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? m.inviting : m.invite}
        </button>
      </form>
    </section>
  );
}

function SecurityOwnerForm({
  workspaceId,
  ownerId,
  members,
  run,
  onChanged,
}: {
  workspaceId: string;
  ownerId: string;
  members: WorkspaceMember[];
  run: Run;
  onChanged: (email: string) => void;
}) {
  const { api, onUnauthenticated } = useServices();
  const m = messages.workspaces;
  const candidates = securityOwnerCandidates(members).filter((x) => x.user_id !== ownerId);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  const chosen = candidates.find((x) => x.user_id === choice) ?? candidates[0];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen === undefined) return;
    setBusy(true);
    setError(null);
    try {
      await run(() => api.setWorkspaceSecurityOwner(workspaceId, chosen.user_id));
      setChoice('');
      onChanged(chosen.email);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card workspace-card" aria-labelledby="owner-heading">
      <h3 className="section-title" id="owner-heading">
        {m.changeOwner}
      </h3>
      {candidates.length === 0 ? (
        <p className="muted">{m.noOtherAdmins}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="invite-form">
          <div className="field">
            <label htmlFor={selectId}>{m.changeOwnerLabel}</label>
            <select
              id={selectId}
              value={chosen?.user_id ?? ''}
              onChange={(e) => setChoice(e.target.value)}
              aria-describedby={`${selectId}-hint`}
            >
              {candidates.map((x) => (
                <option key={x.user_id} value={x.user_id}>
                  {`${x.email} (${roleName(x.role)})`}
                </option>
              ))}
            </select>
            <p className="hint" id={`${selectId}-hint`}>
              {m.changeOwnerHint}
            </p>
          </div>
          {error !== null && (
            <div className="alert alert-error" role="alert">
              <p className="alert-title">{m.errorTitle}</p>
              <p>{error}</p>
            </div>
          )}
          <button type="submit" className="button" disabled={busy}>
            {busy ? m.changeOwnerSaving : m.changeOwnerSave}
          </button>
        </form>
      )}
    </section>
  );
}
