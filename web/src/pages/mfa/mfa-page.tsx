/**
 * Settings › Security › Two-step verification. Off: set up an authenticator app (QR code, or the
 * key typed in), confirm with its first code, then see the ten recovery codes once. On: how many
 * recovery codes are left, new codes, turn off. Every change asks "Confirm it's you" when the
 * last authentication is older than the server's window.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { MfaStatus, TotpEnrolment, TrustedDevice } from '../../api';
import { formatDay } from '../../format';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useDocumentTitle } from '../../components/hooks';
import { ReauthCancelled, useReauth } from '../../components/reauth-dialog';
import { SignedInLayout } from '../../components/signed-in-layout';
import { messages } from '../../messages';
import { useServices } from '../../services';
import { TextField } from '../../components/text-field';

type View = { kind: 'status' } | { kind: 'enrol'; enrolment: TotpEnrolment } | { kind: 'codes'; codes: string[] };

function errorText(err: unknown): string {
  if (err instanceof ApiError)
    return err.retryAfterSeconds !== undefined ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

export function MfaPage() {
  return (
    <SignedInLayout section="mfa">
      <MfaSettings />
    </SignedInLayout>
  );
}

/** The name of the file "Download" saves. */
export const RECOVERY_CODES_FILE = 'sessiond-recovery-codes.txt';

function MfaSettings() {
  const { api, onUnauthenticated } = useServices();
  const m = messages.mfa;
  useDocumentTitle(m.title, messages.productName);
  const reauth = useReauth();
  const [status, setStatus] = useState<MfaStatus | null>(null);
  const [view, setView] = useState<View>({ kind: 'status' });
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmOff, setConfirmOff] = useState(false);
  // Turning MFA on raises what sessions are worth: offer to end the others (ASVS 7.4.3), ticked by default.
  const [signOutOthers, setSignOutOthers] = useState(true);
  const offButton = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      setStatus(await api.getMfaStatus());
      setError(null);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(`${m.loadError} ${errorText(err)}`);
    }
  }, [api, onUnauthenticated, m]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs a change; a 401 goes to sign-in, a cancelled "Confirm it's you" is said quietly. */
  async function act(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(err instanceof ReauthCancelled ? err.message : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const start = () =>
    act(async () => {
      const enrolment = await reauth.run(() => api.startTotpEnrolment());
      setCode('');
      setView({ kind: 'enrol', enrolment });
    });

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const codes = await reauth.run(() => api.confirmTotpEnrolment(code.trim(), signOutOthers));
      setView({ kind: 'codes', codes });
      setNotice(signOutOthers ? m.enabledSignedOut : m.enabled);
      void load();
    });
  };

  const newCodes = () =>
    act(async () => {
      const codes = await reauth.run(() => api.regenerateRecoveryCodes());
      setView({ kind: 'codes', codes });
      void load();
    });

  const turnOff = async () => {
    setBusy(true);
    setError(null);
    try {
      await reauth.run(() => api.disableMfa());
      setConfirmOff(false);
      setNotice(m.disabled);
      await load();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(err instanceof ReauthCancelled ? err.message : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 className="page-title" ref={headingRef} tabIndex={-1}>
        {m.title}
      </h1>
      <p className="lead">{m.intro}</p>
      <div role="status" aria-live="polite" className="notice-slot">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>
      {error !== null && !confirmOff && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}

      {status === null && error === null && <p className="muted">{m.loading}</p>}

      {status !== null && view.kind === 'status' && (
        <section className="card form-card" aria-label={m.title}>
          <p className="mfa-state">
            <strong>{status.enabled ? m.statusOn : m.statusOff}</strong>
            {status.enabled && <span> {m.codesLeft(status.recovery_codes_remaining)}</span>}
          </p>
          {!status.enabled ? (
            <button type="button" className="button button-primary" onClick={() => void start()} disabled={busy}>
              {busy ? m.starting : m.setUp}
            </button>
          ) : (
            <div className="bulk-actions">
              <button type="button" className="button" onClick={() => void newCodes()} disabled={busy}>
                {busy ? m.newCodesWorking : m.newCodes}
              </button>
              <button ref={offButton} type="button" className="button button-danger" onClick={() => setConfirmOff(true)} disabled={busy}>
                {m.turnOff}
              </button>
            </div>
          )}
        </section>
      )}

      {view.kind === 'enrol' && (
        <section className="card form-card" aria-labelledby="mfa-scan-title">
          <h2 id="mfa-scan-title" className="section-title">
            {m.scanTitle}
          </h2>
          <p>{m.scanBody}</p>
          <img className="qr-code" src={view.enrolment.qr_code} alt={m.qrAlt} width={240} height={240} />
          <p>
            {m.manualKey} <code className="mono secret-key">{groupKey(view.enrolment.secret)}</code>
          </p>
          <form onSubmit={confirm}>
            <TextField
              id="totp-code"
              label={m.code}
              name="code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              hint={m.codeHint}
              value={code}
              onChange={setCode}
            />
            <div className="field field-check">
              <input
                id="mfa-sign-out-others"
                name="sign_out_others"
                type="checkbox"
                checked={signOutOthers}
                aria-describedby="mfa-sign-out-others-hint"
                onChange={(e) => setSignOutOthers(e.target.checked)}
              />
              <div>
                <label htmlFor="mfa-sign-out-others">{m.signOutOthers}</label>
                <p id="mfa-sign-out-others-hint" className="hint">
                  {m.signOutOthersHint}
                </p>
              </div>
            </div>
            <div className="bulk-actions">
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? m.confirming : m.confirm}
              </button>
              <button type="button" className="button" onClick={() => setView({ kind: 'status' })} disabled={busy}>
                {m.cancelSetup}
              </button>
            </div>
          </form>
        </section>
      )}

      {view.kind === 'codes' && (
        <section className="card form-card codes-to-print" aria-labelledby="mfa-codes-title">
          <h2 id="mfa-codes-title" className="section-title">
            {m.codesTitle}
          </h2>
          <p>{m.codesBody}</p>
          <ul className="recovery-codes mono" aria-label={m.codesListLabel}>
            {view.codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <RecoveryCodeActions codes={view.codes} onDone={setNotice} />
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setView({ kind: 'status' });
              headingRef.current?.focus();
            }}
          >
            {m.codesDone}
          </button>
        </section>
      )}

      {status?.enabled === true && view.kind === 'status' && <TrustedDevices />}

      {confirmOff && (
        <ConfirmDialog
          title={m.turnOffTitle}
          body={m.turnOffBody}
          confirmLabel={m.turnOffConfirm}
          busyLabel={m.turnOffWorking}
          busy={busy}
          error={error}
          onConfirm={() => void turnOff()}
          onCancel={() => {
            setConfirmOff(false);
            setError(null);
          }}
          returnFocusTo={() => offButton.current}
          fallbackFocus={() => headingRef.current}
        />
      )}
      {reauth.dialog}
    </>
  );
}

/** `JBSWY3DP EHPK3PXP …`: groups of four are easier to type. */
function groupKey(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** Copy, download (.txt) and print the recovery codes while they are shown. */
function RecoveryCodeActions({ codes, onDone }: { codes: string[]; onDone: (notice: string) => void }) {
  const m = messages.mfa;
  const text = () => `${m.codesFileHeader(messages.productName, null)}\n\n${codes.join('\n')}\n`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      onDone(m.codesCopied);
    } catch {
      onDone(m.codesCopyFailed);
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([text()], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = RECOVERY_CODES_FILE;
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
    onDone(m.codesDownloaded);
  };

  // Only the codes are printed (styles.css, @media print).
  const print = () => {
    document.body.classList.add('printing-codes');
    try {
      window.print();
    } finally {
      document.body.classList.remove('printing-codes');
    }
  };

  return (
    <div className="recovery-actions">
      <button type="button" className="button" onClick={() => void copy()}>
        {m.codesCopy}
      </button>
      <button type="button" className="button" onClick={download}>
        {m.codesDownload}
      </button>
      <button type="button" className="button" onClick={print}>
        {m.codesPrint}
      </button>
    </div>
  );
}

/** The devices whose sign-ins skip the code: name, app, since and until, each with "Stop trusting". */
function TrustedDevices() {
  const { api, now, onUnauthenticated } = useServices();
  const m = messages.mfa;
  const reauth = useReauth();
  const [devices, setDevices] = useState<TrustedDevice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // After a device is removed its row (and button) is gone: focus goes to the section's heading,
  // once the "Confirm it's you" dialog has given focus back (it does so in a microtask).
  const [removed, setRemoved] = useState(0);
  useEffect(() => {
    if (removed > 0) queueMicrotask(() => headingRef.current?.focus());
  }, [removed]);

  const load = useCallback(async () => {
    try {
      setDevices(await api.listTrustedDevices());
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(`${m.devicesLoadError} ${errorText(err)}`);
    }
  }, [api, onUnauthenticated, m]);

  useEffect(() => {
    void load();
  }, [load]);

  const stop = async (device: TrustedDevice) => {
    setBusy(device.id);
    setError(null);
    setNotice(null);
    try {
      await reauth.run(() => api.untrustDevice(device.id));
      setNotice(m.deviceStopped(device.name));
      await load();
      setRemoved((n) => n + 1);
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      setError(err instanceof ReauthCancelled ? err.message : errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const today = now();
  return (
    <section className="card form-card" aria-labelledby="trusted-devices-title">
      <h2 id="trusted-devices-title" className="section-title" ref={headingRef} tabIndex={-1}>
        {m.devicesTitle}
      </h2>
      <p>{m.devicesIntro}</p>
      <div role="status" aria-live="polite" className="notice-slot">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>
      {error !== null && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {devices === null && error === null && <p className="muted">{m.devicesLoading}</p>}
      {devices !== null && devices.length === 0 && <p className="muted">{m.devicesEmpty}</p>}
      {devices !== null && devices.length > 0 && (
        <ul className="trusted-devices" aria-label={m.devicesListLabel}>
          {devices.map((d) => (
            <li key={d.id} className="trusted-device">
              <div>
                <strong>{d.name}</strong>
                {d.current && (
                  <>
                    {' '}
                    <span className="badge badge-current">{m.deviceThis}</span>
                  </>
                )}
                <p className="muted">{m.deviceApp(d.client.name)}</p>
                <p className="muted">
                  {d.trusted_since !== null && <>{m.deviceSince(formatDay(d.trusted_since, today, messages.locale))} · </>}
                  {m.deviceUntil(formatDay(d.trusted_until, today, messages.locale))}
                </p>
              </div>
              <button
                type="button"
                className="button"
                aria-label={m.deviceStopLabel(d.current ? m.deviceThis.toLowerCase() : d.name)}
                disabled={busy !== null}
                onClick={() => void stop(d)}
              >
                {m.deviceStop}
              </button>
            </li>
          ))}
        </ul>
      )}
      {reauth.dialog}
    </section>
  );
}
