/**
 * "Personal access tokens": the person's active tokens (name, scopes, created, expiry, last use),
 * Revoke after a dialog, and a form to create one (name, scopes, expiry; behind "Confirm it's
 * you" when the server wants a recent sign-in). A new token's secret is shown once, in a
 * read-only field with Copy, until the person says they have copied it; it is kept nowhere else.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isUnauthenticated } from '../../api';
import { useReauth } from '../../components/reauth-dialog';
import { TextField } from '../../components/text-field';
import { formatDay, formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import type { Credentials } from './use-credentials';
import type { PersonalToken, PersonalTokenList } from './types';
import { useRemoval } from './removal';
import { CredentialSection } from './section';
import { useCopy } from '../../components/hooks';
import { errorText } from './wording';

const NAME_MAX = 64;
/** What the form offers when the server names no scopes and no token has any yet. */
export const FALLBACK_SCOPES: readonly string[] = ['api:read', 'api:write'];
export const EXPIRY_CHOICES: readonly (number | null)[] = [7, 30, 90, 365, null];
export const DEFAULT_EXPIRY_DAYS = 30;

/** The scopes a new token may have: the server's list, else those its tokens have, else the fallback. */
export function offeredScopes(list: PersonalTokenList | null): string[] {
  if (list?.available_scopes !== undefined && list.available_scopes.length > 0) return [...list.available_scopes];
  const seen = [...new Set(list?.tokens.flatMap((t) => t.scopes) ?? [])].sort();
  return seen.length > 0 ? [...new Set([...FALLBACK_SCOPES, ...seen])] : [...FALLBACK_SCOPES];
}

export function TokensSection({
  credentials,
  timeZone,
  onChanged,
}: {
  credentials: Credentials;
  timeZone?: string | undefined;
  onChanged: () => void;
}) {
  const { api, now, onUnauthenticated } = useServices();
  const c = messages.credentials;
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const createdRef = useRef<HTMLHeadingElement>(null);
  const reauth = useReauth();
  const [notice, setNotice] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<string>>(new Set());
  const [expiry, setExpiry] = useState(String(DEFAULT_EXPIRY_DAYS));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const copier = useCopy();
  const copyState = copier.state;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const removal = useRemoval<PersonalToken>({
    act: (token) => api.revokePersonalToken(token.id),
    done: (token, gone) => {
      setNotice(gone ? c.alreadyGone : c.revoked(token.name));
      credentials.drop('tokens', token.id);
      onChanged();
      void credentials.reload('tokens');
    },
    text: (token) => ({ title: c.revokeTitle(token.name), body: c.revokeBody, confirmLabel: c.revokeConfirm, busyLabel: c.revoking }),
    fallbackFocus: () => headingRef.current,
  });

  // The secret appears: take the reader to it (after "Confirm it's you", if it was asked, has
  // given focus back to the button that opened it).
  useEffect(() => {
    if (created === null) return;
    const timer = setTimeout(() => createdRef.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [created]);

  const list = credentials.tokens.state === 'ready' ? credentials.tokens.value : null;
  const offered = offeredScopes(list);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chosenName = name.trim();
    if (chosenName === '' || chosenName.length > NAME_MAX) {
      setNameError(c.tokenNameMissing);
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    const chosen = offered.filter((s) => scopes.has(s));
    if (chosen.length === 0) {
      setError(c.scopesMissing);
      return;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const made = await reauth.run(() =>
        api.createPersonalToken({ name: chosenName, scopes: chosen, expires_in_days: expiry === 'none' ? null : Number(expiry) }),
      );
      if (!mounted.current) return;
      setCreated({ name: made.token.name, secret: made.secret });
      copier.reset();
      setName('');
      setScopes(new Set());
      setExpiry(String(DEFAULT_EXPIRY_DAYS));
      onChanged();
      void credentials.reload('tokens');
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (mounted.current) setError(errorText(err));
    } finally {
      if (mounted.current) setBusy(false);
    }
  }

  const nowDate = now();
  const when = (iso: string) => formatExact(iso, messages.locale, timeZone);

  const form = (
    <>
      {created !== null && (
        <div className="alert alert-success token-created">
          <h3 className="alert-title" ref={createdRef} tabIndex={-1}>
            {c.createdTitle(created.name)}
          </h3>
          <p id={`${id}-secret-note`}>{c.createdBody}</p>
          <p className="api-key-token">
            <input
              id={`${id}-secret`}
              className="mono"
              readOnly
              aria-label={c.secretLabel}
              aria-describedby={`${id}-secret-note`}
              value={created.secret}
              onFocus={(e) => e.currentTarget.select()}
              spellCheck={false}
              autoComplete="off"
            />
            <button type="button" className="button button-small" onClick={() => void copier.copy(created.secret)}>
              {c.copy}
            </button>
          </p>
          <p aria-live="polite">{copyState === 'idle' ? '' : copyState === 'copied' ? c.copied : c.copyFailed}</p>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setCreated(null);
              copier.reset();
              headingRef.current?.focus();
            }}
          >
            {c.done}
          </button>
        </div>
      )}
      {credentials.tokens.state === 'ready' && (
        <form onSubmit={(e) => void submit(e)} className="token-form" noValidate aria-labelledby={`${id}-create`}>
          <h3 className="subsection-title" id={`${id}-create`}>
            {c.createTitle}
          </h3>
          <TextField
            id={`${id}-name`}
            label={c.tokenName}
            type="text"
            autoComplete="off"
            maxLength={NAME_MAX}
            value={name}
            hint={c.tokenNameHint}
            error={nameError}
            onChange={(value) => {
              setNameError(null);
              setName(value);
            }}
          />
          <fieldset className="field api-key-scopes">
            <legend>{c.scopesLegend}</legend>
            {offered.map((scope) => (
              <div className="field-check" key={scope}>
                <input
                  id={`${id}-scope-${scope}`}
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
                <label htmlFor={`${id}-scope-${scope}`} className="mono">
                  {scope}
                </label>
              </div>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-expiry`}>{c.expiry}</label>
            <select id={`${id}-expiry`} className="select" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY_CHOICES.map((days) => (
                <option key={days ?? 'none'} value={days === null ? 'none' : String(days)}>
                  {days === null ? c.noExpiry : c.expiryDays(days)}
                </option>
              ))}
            </select>
          </div>
          {error !== null && (
            <div className="alert alert-error" role="alert">
              <p className="alert-title">{c.createError}</p>
              <p>{error}</p>
            </div>
          )}
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            {busy ? c.creating : c.create}
          </button>
        </form>
      )}
      {removal.dialog}
      {reauth.dialog}
    </>
  );

  return (
    <CredentialSection
      id={id}
      title={c.tokensTitle}
      intro={c.tokensIntro}
      loaded={credentials.tokens}
      headingRef={headingRef}
      loadError={c.tokensLoadError}
      notice={notice}
      count={(value) => value.tokens.length}
      empty={c.tokensEmpty}
      onRetry={() => void credentials.reload('tokens')}
      after={form}
    >
      {(value) => (
        <ul className="credentials" aria-labelledby={`${id}-heading`}>
          {value.tokens.map((token) => {
            const nameId = `${id}-${token.id}`;
            const expired = token.expires_at !== null && Date.parse(token.expires_at) <= nowDate.getTime();
            return (
              <li key={token.id} className="credential" aria-labelledby={nameId}>
                <div className="credential-main">
                  <h3 id={nameId} className="credential-name">
                    {token.name}
                  </h3>
                  <p className="credential-token-scopes">
                    <span className="visually-hidden">{c.tokenScopes}: </span>
                    {token.scopes.map((s) => (
                      <span key={s} className="badge badge-scope mono">
                        {s}
                      </span>
                    ))}
                  </p>
                  <p className="muted credential-facts">
                    <time dateTime={token.created_at} title={when(token.created_at)}>
                      {c.tokenCreated(formatRelative(token.created_at, nowDate, messages.locale))}
                    </time>
                    {' · '}
                    {token.expires_at === null ? (
                      c.tokenNoExpiry
                    ) : (
                      <time dateTime={token.expires_at} title={when(token.expires_at)}>
                        {(expired ? c.tokenExpired : c.tokenExpires)(formatDay(token.expires_at, nowDate, messages.locale, timeZone))}
                      </time>
                    )}
                    {' · '}
                    {token.last_used_at === null ? (
                      c.tokenNeverUsed
                    ) : (
                      <time dateTime={token.last_used_at} title={when(token.last_used_at)}>
                        {c.tokenLastUsed(formatRelative(token.last_used_at, nowDate, messages.locale), token.last_used_ip)}
                      </time>
                    )}
                  </p>
                </div>
                <div className="credential-actions">
                  <button
                    type="button"
                    className="button button-danger"
                    aria-label={c.revokeLabel(token.name)}
                    disabled={removal.busy}
                    onClick={(e) => {
                      setNotice(null);
                      removal.open(token, e.currentTarget);
                    }}
                  >
                    {c.revoke}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </CredentialSection>
  );
}
