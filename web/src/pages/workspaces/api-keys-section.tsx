/**
 * The workspace's API keys, for its owners: make one (a name, what it may do, when it expires;
 * behind "Confirm it's you" when the server wants a fresh sign-in), see its token once with a
 * Copy button, and the list with each key's last use and expiry, where a key is revoked after a
 * dialog that says what that does. The server never sends a token again, so neither does this.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isUnauthenticated } from '../../api';
import type { ApiKeyScope, WorkspaceApiKey } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { TextField } from '../../components/text-field';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { useCopy } from '../../components/hooks';
import { errorText } from './wording';

/** In the server's order (core/api-keys.ts). */
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['members:read', 'members:write', 'sessions:write', 'incidents:write', 'audit:read'];
export const DEFAULT_KEY_DAYS = 90;
export const MAX_KEY_DAYS = 365;

/** The days typed, when they are a whole number from 1 to 365; null otherwise. */
export function keyDays(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[0-9]{1,3}$/.test(trimmed)) return null;
  const days = Number(trimmed);
  return days >= 1 && days <= MAX_KEY_DAYS ? days : null;
}

export function ApiKeysSection({
  workspaceId,
  run,
  timeZone,
  onChanged,
}: {
  workspaceId: string;
  run: <T>(action: () => Promise<T>) => Promise<T>;
  timeZone: string | undefined;
  /** A key was made or revoked (the audit trail has a new entry). */
  onChanged: () => void;
}) {
  const { api, now, onUnauthenticated } = useServices();
  const k = messages.workspaces.keys;
  const id = useId();
  const [keys, setKeys] = useState<WorkspaceApiKey[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<ApiKeyScope>>(new Set());
  const [days, setDays] = useState(String(DEFAULT_KEY_DAYS));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const copier = useCopy();
  const copyState = copier.state;
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<WorkspaceApiKey | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const createdRef = useRef<HTMLHeadingElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const triggerRef = useRef<HTMLButtonElement | null>(null);
  const mounted = useRef(true);

  const load = useCallback(async () => {
    try {
      const list = await api.listWorkspaceApiKeys(workspaceId);
      if (!mounted.current) return;
      setKeys(list);
      setLoadError(null);
    } catch (err) {
      if (!mounted.current) return;
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setLoadError(errorText(err));
    }
  }, [api, workspaceId, onUnauthenticated]);

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  // The token appears: take the reader to it (after "Confirm it's you", if it was asked, has
  // given focus back to the button that opened it).
  useEffect(() => {
    if (created === null) return;
    const timer = setTimeout(() => createdRef.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [created]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const expires = keyDays(days);
    if (name.trim() === '') return setError(k.nameMissing);
    if (scopes.size === 0) return setError(k.scopesMissing);
    if (expires === null) return setError(k.expiryInvalid);
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const chosen = API_KEY_SCOPES.filter((s) => scopes.has(s));
      const made = await run(() => api.createWorkspaceApiKey(workspaceId, { name: name.trim(), scopes: chosen, expires_in_days: expires }));
      if (!mounted.current) return;
      setCreated({ name: made.key.name, token: made.token });
      copier.reset();
      setName('');
      setScopes(new Set());
      setDays(String(DEFAULT_KEY_DAYS));
      onChanged();
      void load();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (mounted.current) setError(errorText(err));
    } finally {
      if (mounted.current) setBusy(false);
    }
  }

  async function revoke() {
    if (pending === null) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await api.revokeWorkspaceApiKey(workspaceId, pending.id);
      if (!mounted.current) return;
      setNotice(k.revoked(pending.name));
      setPending(null);
      onChanged();
      void load();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (mounted.current) setRevokeError(errorText(err));
    } finally {
      if (mounted.current) setRevokeBusy(false);
    }
  }

  const nowDate = now();
  const when = (iso: string) => formatExact(iso, messages.locale, timeZone);

  return (
    <section className="card workspace-card api-keys" aria-labelledby={`${id}-heading`}>
      <h3 className="section-title" id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {k.title}
      </h3>
      <p className="muted">{k.intro}</p>

      {created !== null && (
        <div className="alert alert-success api-key-created" role="status">
          <h4 className="alert-title" ref={createdRef} tabIndex={-1}>
            {k.createdTitle(created.name)}
          </h4>
          <p>{k.createdBody}</p>
          <p className="api-key-token">
            <input
              className="mono"
              readOnly
              aria-label={k.tokenLabel}
              value={created.token}
              onFocus={(e) => e.currentTarget.select()}
              spellCheck={false}
            />
            <button type="button" className="button button-small" onClick={() => void copier.copy(created.token)}>
              {k.copy}
            </button>
          </p>
          {copyState !== 'idle' && <p aria-live="polite">{copyState === 'copied' ? k.copied : k.copyFailed}</p>}
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setCreated(null);
              headingRef.current?.focus();
            }}
          >
            {k.done}
          </button>
        </div>
      )}

      <form onSubmit={(e) => void submit(e)} className="invite-form api-key-form" noValidate>
        <TextField
          id={`${id}-name`}
          label={k.name}
          type="text"
          autoComplete="off"
          maxLength={100}
          value={name}
          onChange={(value) => {
            setError(null);
            setName(value);
          }}
          hint={k.nameHint}
        />
        <fieldset className="field api-key-scopes">
          <legend>{k.scopesLegend}</legend>
          {API_KEY_SCOPES.map((scope) => (
            <div className="field-check" key={scope}>
              <input
                id={`${id}-${scope}`}
                type="checkbox"
                checked={scopes.has(scope)}
                onChange={(e) => {
                  setError(null);
                  const next = new Set(scopes);
                  if (e.target.checked) next.add(scope);
                  else next.delete(scope);
                  setScopes(next);
                }}
              />
              <label htmlFor={`${id}-${scope}`}>
                {k.scopes[scope]} <span className="mono muted">{scope}</span>
              </label>
            </div>
          ))}
        </fieldset>
        <TextField
          id={`${id}-days`}
          label={k.expiry}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          value={days}
          onChange={(value) => {
            setError(null);
            setDays(value);
          }}
          hint={k.expiryHint}
        />
        {error !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{messages.workspaces.errorTitle}</p>
            <p>{error}</p>
          </div>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? k.creating : k.create}
        </button>
      </form>

      {notice !== null && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      {loadError !== null && (
        <div className="alert alert-error" role="alert">
          <p>{`${k.loadError} ${loadError}`}</p>
          <button type="button" className="button button-small" onClick={() => void load()}>
            {messages.common.retry}
          </button>
        </div>
      )}
      {keys === null && loadError === null && <p className="muted">{k.loading}</p>}
      {keys !== null && keys.length === 0 && <p className="empty">{k.empty}</p>}
      {keys !== null && keys.length > 0 && (
        <ul className="events api-key-list" aria-label={k.listLabel}>
          {keys.map((key) => {
            const expired = Date.parse(key.expires_at) <= nowDate.getTime();
            const live = key.revoked_at === null && !expired;
            return (
              <li key={key.id} className="event">
                <div className="event-head">
                  <p className="event-title">{key.name}</p>
                  {live && (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={k.revokeLabel(key.name)}
                      onClick={(e) => {
                        triggerRef.current = e.currentTarget;
                        setRevokeError(null);
                        setPending(key);
                      }}
                    >
                      {k.revoke}
                    </button>
                  )}
                </div>
                <p className="mono muted">{key.scopes.join(' ')}</p>
                <p className="event-by">
                  {k.madeBy(key.created_by_email ?? key.created_by)} ·{' '}
                  {key.last_used_at === null ? (
                    k.neverUsed
                  ) : (
                    <time dateTime={key.last_used_at} title={when(key.last_used_at)}>
                      {k.lastUsed(formatRelative(key.last_used_at, nowDate, messages.locale))}
                    </time>
                  )}{' '}
                  ·{' '}
                  {key.revoked_at !== null ? (
                    <time dateTime={key.revoked_at}>{k.revokedAt(when(key.revoked_at))}</time>
                  ) : (
                    <time dateTime={key.expires_at}>{expired ? k.expired(when(key.expires_at)) : k.expires(when(key.expires_at))}</time>
                  )}
                </p>
              </li>
            );
          })}
        </ul>
      )}

      {pending !== null && (
        <ConfirmDialog
          title={k.revokeTitle(pending.name)}
          body={<p>{k.revokeBody}</p>}
          confirmLabel={k.revokeConfirm}
          busyLabel={k.revoking}
          busy={revokeBusy}
          error={revokeError}
          onConfirm={() => void revoke()}
          onCancel={() => setPending(null)}
          returnFocusTo={() => triggerRef.current}
          fallbackFocus={() => headingRef.current}
        />
      )}
    </section>
  );
}
