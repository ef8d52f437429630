/**
 * Settings › Security › Passkeys: the account's passkeys (name, added, last used, synced or on
 * one device only, the authenticator where known), each with Rename and Remove, and "Add a
 * passkey" while the account is under its limit. Adding and removing need a recent
 * authentication ("Confirm it's you"). When the server is opened at an IP address, browsers
 * refuse passkeys (a WebAuthn RP ID is a domain): the page says so and how to fix it, and offers
 * no button.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { Passkey, PasskeyList, UiConfig } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useDocumentTitle } from '../../components/hooks';
import { ReauthCancelled, useReauth } from '../../components/reauth-dialog';
import { SignedInLayout } from '../../components/signed-in-layout';
import { TextField } from '../../components/text-field';
import { formatExact, formatRelative } from '../../format';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { passkeyFailureText } from '../../webauthn';

const NAME_MAX = 64;

/** 127.0.0.1, [::1]: a host a WebAuthn RP ID cannot be (it must be a domain). */
function isIpAddress(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[') || hostname.includes(':');
}

/** A failure in words: the server's message, or a calm sentence for the browser's refusal (null: nothing to say). */
export function passkeyErrorText(err: unknown): string | null {
  if (err instanceof ApiError)
    return err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  return passkeyFailureText(err);
}

/** The browser's refusals are not errors of the page: said calmly, in the status line. */
function isBrowserStep(err: unknown): boolean {
  return !(err instanceof ApiError);
}

export function PasskeysPage() {
  return (
    <SignedInLayout section="passkeys">
      <PasskeySettings />
    </SignedInLayout>
  );
}

/** The name the new passkey gets unless the person types another: where it is being made. */
function defaultName(device: string | null): string {
  const name = device === null || device.trim() === '' ? messages.passkeys.defaultNameGeneric : device.trim();
  return name.slice(0, NAME_MAX);
}

function PasskeySettings() {
  const { api, now, webauthn, onUnauthenticated } = useServices();
  const m = messages.passkeys;
  useDocumentTitle(m.title, messages.productName);
  const reauth = useReauth();
  // 'error': the config could not be read; passkeys are then offered and the browser decides.
  const [config, setConfig] = useState<UiConfig | 'loading' | 'error'>('loading');
  const [list, setList] = useState<PasskeyList | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; tone: 'success' | 'info' } | null>(null);
  const [busy, setBusy] = useState<'add' | null>(null);
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const removeTrigger = useRef<HTMLButtonElement | null>(null);
  const [supported] = useState(() => webauthn.supported());

  const load = useCallback(async () => {
    try {
      setList(await api.listPasskeys());
      setLoadError(null);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setLoadError(`${m.loadError} ${passkeyErrorText(err) ?? ''}`.trim());
    }
  }, [api, onUnauthenticated, m]);

  useEffect(() => {
    void load();
    let live = true;
    api.getUiConfig().then(
      (c) => live && setConfig(c),
      () => live && setConfig('error'),
    );
    // The name offered for a new passkey: the device this session runs on.
    api.getCurrentSession().then(
      (me) => {
        if (live) setName((current) => (current === '' ? defaultName(me.session.device.name) : current));
      },
      () => {
        if (live) setName((current) => (current === '' ? defaultName(null) : current));
      },
    );
    return () => {
      live = false;
    };
  }, [api, load]);

  // Absent from an older server's config: passkeys are not served there.
  const enabled = config === 'error' || (config !== 'loading' && config.passkeys === true);
  const disabled = config !== 'loading' && config !== 'error' && config.passkeys !== true;
  const atLimit = list !== null && list.passkeys.length >= list.limit;

  async function add(event: FormEvent) {
    event.preventDefault();
    const chosen = name.trim();
    if (chosen === '' || chosen.length > NAME_MAX) {
      setNameError(m.nameInvalid);
      setNameTouched(true);
      document.getElementById('passkey-name')?.focus();
      return;
    }
    setNameError(null);
    setBusy('add');
    setError(null);
    setNotice(null);
    try {
      const options = await reauth.run(() => api.beginPasskeyRegistration());
      setNotice({ text: m.addWaiting, tone: 'info' });
      const response = await webauthn.register(options);
      setNotice(null);
      const passkey = await reauth.run(() => api.addPasskey(response, chosen));
      setNotice({ text: m.added(passkey.name), tone: 'success' });
      setNameTouched(false);
      await load();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setNotice(null);
      if (err instanceof ReauthCancelled) setError(err.message);
      else if (isBrowserStep(err)) {
        const text = passkeyErrorText(err);
        if (text !== null) setNotice({ text, tone: 'info' });
      } else setError(passkeyErrorText(err));
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    if (removing === null) return;
    setRemoveBusy(true);
    setRemoveError(null);
    setNotice(null);
    try {
      await reauth.run(() => api.removePasskey(removing.id));
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      // Already gone (removed from another session): the list below is brought up to date.
      if (!(err instanceof ApiError && err.code === 'not_found')) {
        setRemoveError(passkeyErrorText(err));
        setRemoveBusy(false);
        return;
      }
    }
    setNotice({ text: m.removed(removing.name), tone: 'success' });
    // Its row and Remove button go away: focus moves to the page's heading.
    removeTrigger.current = null;
    setRemoving(null);
    setRemoveBusy(false);
    await load();
  }

  const today = now();
  return (
    <>
      <h1 className="page-title" ref={headingRef} tabIndex={-1}>
        {m.title}
      </h1>
      <p className="lead">{m.intro}</p>
      <div role="status" aria-live="polite" className="notice-slot">
        {notice !== null && <p className={notice.tone === 'success' ? 'alert alert-success' : 'alert alert-info'}>{notice.text}</p>}
      </div>
      {error !== null && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}

      {disabled && (
        <section className="card form-card passkeys-off" aria-labelledby="passkeys-disabled-title">
          <h2 id="passkeys-disabled-title" className="section-title">
            {m.disabledTitle}
          </h2>
          <p>{m.disabledBody(window.location.origin, isIpAddress(window.location.hostname))}</p>
          <p>{m.disabledFix(window.location.port === '' ? '' : `:${window.location.port}`)}</p>
        </section>
      )}
      {enabled && !supported && <p className="alert alert-info">{m.unsupported}</p>}

      <section className="card form-card" aria-labelledby="passkeys-list-title">
        <div className="list-header">
          <h2 id="passkeys-list-title" className="section-title">
            {m.listLabel}
          </h2>
          {list !== null && <span className="count">{m.count(list.passkeys.length, list.limit)}</span>}
        </div>
        {loadError !== null && (
          <div className="alert alert-error" role="alert">
            <p>{loadError}</p>
            <button type="button" className="button button-small" onClick={() => void load()}>
              {messages.common.retry}
            </button>
          </div>
        )}
        {list === null && loadError === null && <p className="muted">{m.loading}</p>}
        {list !== null && list.passkeys.length === 0 && <p className="muted">{m.empty}</p>}
        {list !== null && list.passkeys.length > 0 && (
          <ul className="passkeys" aria-labelledby="passkeys-list-title">
            {list.passkeys.map((p) => (
              <PasskeyRow
                key={p.id}
                passkey={p}
                now={today}
                editing={renaming === p.id}
                disabled={busy !== null || removing !== null}
                onRename={() => setRenaming(p.id)}
                onRenamed={(renamed) => {
                  setRenaming(null);
                  setNotice({ text: m.renamed(renamed.name), tone: 'success' });
                  void load();
                }}
                onRenameCancel={() => setRenaming(null)}
                onRemove={(trigger) => {
                  removeTrigger.current = trigger;
                  setRemoveError(null);
                  setRemoving(p);
                }}
              />
            ))}
          </ul>
        )}

        {enabled && supported && list !== null && atLimit && <p className="muted">{m.atLimit(list.limit)}</p>}
        {enabled && supported && list !== null && !atLimit && (
          <form className="passkey-add" onSubmit={(e) => void add(e)} noValidate>
            <TextField
              id="passkey-name"
              label={m.nameLabel}
              name="name"
              type="text"
              autoComplete="off"
              maxLength={NAME_MAX}
              hint={m.nameHint}
              error={nameTouched ? nameError : null}
              value={name}
              onChange={(v) => {
                setName(v);
                setNameError(null);
              }}
            />
            <button type="submit" className="button button-primary" disabled={busy !== null} aria-busy={busy === 'add'}>
              {m.add}
            </button>
          </form>
        )}
      </section>

      {removing !== null && (
        <ConfirmDialog
          title={m.removeTitle(removing.name)}
          body={m.removeBody}
          confirmLabel={m.removeConfirm}
          busyLabel={m.removing}
          busy={removeBusy}
          error={removeError}
          onConfirm={() => void remove()}
          onCancel={() => {
            setRemoving(null);
            setRemoveError(null);
          }}
          returnFocusTo={() => removeTrigger.current}
          fallbackFocus={() => headingRef.current}
        />
      )}
      {reauth.dialog}
    </>
  );
}

interface PasskeyRowProps {
  passkey: Passkey;
  now: Date;
  editing: boolean;
  disabled: boolean;
  onRename: () => void;
  onRenamed: (passkey: Passkey) => void;
  onRenameCancel: () => void;
  onRemove: (trigger: HTMLButtonElement) => void;
}

/** One passkey: its name (or the rename form), when it was added and last used, where it lives. */
function PasskeyRow({ passkey, now, editing, disabled, onRename, onRenamed, onRenameCancel, onRemove }: PasskeyRowProps) {
  const { api, onUnauthenticated } = useServices();
  const m = messages.passkeys;
  const nameId = `passkey-${passkey.id}-name`;
  const fieldId = `passkey-${passkey.id}-rename`;
  const [value, setValue] = useState(passkey.name);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  // Opening the form focuses its field; closing it (saved or cancelled) puts focus back on Rename.
  useEffect(() => {
    if (editing) {
      setValue(passkey.name);
      setError(null);
      document.getElementById(fieldId)?.focus();
    } else if (wasEditing.current) renameButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const chosen = value.trim();
    if (chosen === '' || chosen.length > NAME_MAX) {
      setError(m.nameInvalid);
      document.getElementById(fieldId)?.focus();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      onRenamed(await api.renamePasskey(passkey.id, chosen));
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(passkeyErrorText(err));
      document.getElementById(fieldId)?.focus();
    } finally {
      setSaving(false);
    }
  }

  return (
    <li className="passkey" aria-labelledby={nameId}>
      <div className="passkey-main">
        <h3 id={nameId} className="passkey-name">
          {passkey.name}
        </h3>
        <p className="passkey-kind">
          {passkey.backed_up ? (
            <span className="badge badge-synced" title={m.syncedHint}>
              {m.synced}
            </span>
          ) : (
            <span className="badge badge-device" title={m.deviceBoundHint}>
              {m.deviceBound}
            </span>
          )}
          {passkey.authenticator !== null && passkey.authenticator.trim() !== '' && (
            <span className="muted"> {m.authenticator(passkey.authenticator)}</span>
          )}
        </p>
        <p className="muted">
          <time dateTime={passkey.created_at} title={formatExact(passkey.created_at, messages.locale)}>
            {m.created(formatRelative(passkey.created_at, now, messages.locale))}
          </time>
          {' · '}
          {passkey.last_used_at === null ? (
            m.neverUsed
          ) : (
            <time dateTime={passkey.last_used_at} title={formatExact(passkey.last_used_at, messages.locale)}>
              {m.lastUsed(formatRelative(passkey.last_used_at, now, messages.locale))}
            </time>
          )}
        </p>
        {editing && (
          <form
            className="passkey-rename"
            noValidate
            onSubmit={(e) => void save(e)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && !saving) {
                e.preventDefault();
                onRenameCancel();
              }
            }}
          >
            <TextField
              id={fieldId}
              label={m.renameField(passkey.name)}
              name="name"
              type="text"
              autoComplete="off"
              maxLength={NAME_MAX}
              error={error}
              value={value}
              onChange={setValue}
            />
            <div className="bulk-actions">
              <button type="submit" className="button button-primary" disabled={saving} aria-busy={saving}>
                {saving ? m.renameSaving : m.renameSave}
              </button>
              <button type="button" className="button" onClick={onRenameCancel} disabled={saving}>
                {messages.common.cancel}
              </button>
            </div>
          </form>
        )}
      </div>
      {!editing && (
        <div className="passkey-actions">
          <button
            ref={renameButton}
            type="button"
            className="button"
            aria-label={m.renameLabel(passkey.name)}
            disabled={disabled}
            onClick={onRename}
          >
            {m.rename}
          </button>
          <button
            type="button"
            className="button button-danger"
            aria-label={m.removeLabel(passkey.name)}
            disabled={disabled}
            onClick={(e) => onRemove(e.currentTarget)}
          >
            {m.remove}
          </button>
        </div>
      )}
    </li>
  );
}
