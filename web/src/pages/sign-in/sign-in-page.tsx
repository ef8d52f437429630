/**
 * Sign in with email and password, or with a passkey. A notice from the query
 * (`?notice=session_ended`) says why the person is here; after sign-in they go back to `?next=`
 * when it is a same-site path.
 *
 * Passkeys (W3C WebAuthn Level 3), where the server serves them (ui config `passkeys`) and the
 * browser can: the email field offers them in its autofill (a conditional request started when
 * the page opens, aborted when it closes or a modal request starts); "Sign in with a passkey"
 * asks for one at once; at the code step, "Use a passkey instead" does that step with a passkey.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AuthenticationResponseJSON } from '@simplewebauthn/browser';
import { ApiError, needsCode } from '../../api';
import { useDocumentTitle } from '../../components/hooks';
import { safeNextPath } from '../../format';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import { useLocation } from '../../router';
import { useServices } from '../../services';
import { TextField, useFocusFirstError } from '../../components/text-field';
import { passkeyFailure, passkeyFailureText } from '../../webauthn';

function noticeFor(code: string | null, count: string | null): string | null {
  const n = messages.notices;
  switch (code) {
    case 'signed_out':
      return n.signed_out;
    case 'session_ended':
      return n.session_ended;
    case 'sign_in_required':
      return n.sign_in_required;
    case 'workspace_invitation':
      return n.workspace_invitation;
    case 'signed_out_everywhere':
      return n.signedOutEverywhere(count !== null && /^\d+$/.test(count) ? Number(count) : null);
    default:
      return null;
  }
}

export function SignInPage() {
  const { api, navigate, markSignedIn, signInReason, webauthn } = useServices();
  const m = messages.signIn;
  useDocumentTitle(m.title, messages.productName);
  const { search } = useLocation();
  // The server said why the session ended (an administrator ended it): that, in its words,
  // rather than the generic notice. Read once, when the page opens.
  const [reason] = useState(signInReason);
  const notice = reason ?? noticeFor(search.get('notice'), search.get('count'));
  const next = safeNextPath(search.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A sign-in was reported as "not me": the password must be reset before any new session.
  const [mustReset, setMustReset] = useState(false);
  // Two-step verification: the password step's single-use token, while the code is asked for.
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [code, setCode] = useState('');
  // "Remember this device for 30 days" at the code step: the days come with the password step's answer.
  const [rememberDays, setRememberDays] = useState(30);
  // The account has a passkey that may do the code step (the password step's answer says so).
  const [codePasskeys, setCodePasskeys] = useState(false);
  const [remember, setRemember] = useState(false);
  // A wrong password or code is the field's error, read with it and focused.
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const { formRef, focusFirstError } = useFocusFirstError();
  const codeForm = useFocusFirstError();
  // Passkeys: offered when the server serves them here and the browser can use them.
  const [passkeys, setPasskeys] = useState<{ modal: boolean; autofill: boolean }>({ modal: false, autofill: false });
  // A calm word after the browser's prompt was cancelled (not an error: nothing went wrong).
  const [passkeyNotice, setPasskeyNotice] = useState<string | null>(null);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  // Bumped to start the email field's passkey autofill again after a modal request.
  const [autofillRound, setAutofillRound] = useState(0);
  // The pending autofill request, so a modal request (or leaving) can stop it.
  const autofillRun = useRef<{ stopped: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    if (!webauthn.supported()) return;
    void (async () => {
      try {
        const config = await api.getUiConfig();
        if (!live || config.passkeys !== true) return;
        setPasskeys({ modal: true, autofill: false });
        const autofill = await webauthn.supportsAutofill();
        if (live && autofill) setPasskeys({ modal: true, autofill: true });
      } catch {
        // No config, no passkeys: the password form works as before.
      }
    })();
    return () => {
      live = false;
    };
  }, [api, webauthn]);

  /** Stops the autofill request (before a modal one, or when the page closes). */
  function stopAutofill() {
    if (autofillRun.current === null) return;
    autofillRun.current.stopped = true;
    autofillRun.current = null;
    webauthn.cancel();
  }

  // The email field's autofill offers passkeys while the email and password form is shown.
  const onPasswordForm = mfaToken === null;
  useEffect(() => {
    if (!passkeys.autofill || !onPasswordForm) return;
    const run = { stopped: false };
    autofillRun.current = run;
    void (async () => {
      let answered = false;
      try {
        const options = await api.beginPasskeySignIn();
        if (run.stopped) return;
        const response = await webauthn.authenticate(options, true);
        if (run.stopped) return;
        answered = true;
        autofillRun.current = null;
        setBusy(true);
        setPasskeyBusy(true);
        await finishPasskey(response);
      } catch (err) {
        if (run.stopped) return;
        autofillRun.current = null;
        // Options that could not be had: the autofill quietly offers nothing (the button still works).
        if (!answered && err instanceof ApiError) return;
        passkeyFailed(err);
        // A passkey the server refused: the autofill offers passkeys again.
        if (answered) setAutofillRound((n) => n + 1);
      }
    })();
    return () => {
      if (autofillRun.current === run) stopAutofill();
      run.stopped = true;
    };
    // finishPasskey and passkeyFailed read only setters and values fixed for the page (next).
  }, [passkeys.autofill, onPasswordForm, autofillRound, api, webauthn]);

  /** A passkey's answer: signed in (as after a password), or the code step done by a passkey. */
  async function finishPasskey(response: AuthenticationResponseJSON, step?: { mfaToken: string; rememberDevice: boolean }) {
    await api.signInWithPasskey(response, step);
    markSignedIn();
    navigate(next, { replace: true });
  }

  /** The browser's refusal is said calmly; the server's is the sign-in's error. */
  function passkeyFailed(err: unknown) {
    setBusy(false);
    setPasskeyBusy(false);
    if (err instanceof ApiError) {
      if (err.code === 'mfa_token_invalid') {
        setMfaToken(null);
        setError(m.codeRestart);
        return;
      }
      fail(err);
      return;
    }
    if (passkeyFailure(err) === 'aborted') return;
    setPasskeyNotice(passkeyFailureText(err));
  }

  /** "Sign in with a passkey" (no step) or, at the code step, "Use a passkey instead". */
  async function usePasskey(step?: { mfaToken: string; rememberDevice: boolean }) {
    stopAutofill();
    setBusy(true);
    setPasskeyBusy(true);
    setError(null);
    setPasswordError(null);
    setCodeError(null);
    setPasskeyNotice(null);
    try {
      const options = await api.beginPasskeySignIn(step?.mfaToken);
      const response = await webauthn.authenticate(options);
      await finishPasskey(response, step);
    } catch (err) {
      passkeyFailed(err);
      // Offer the autofill again on the email field.
      setAutofillRound((n) => n + 1);
    }
  }

  function fail(err: unknown) {
    setMustReset(err instanceof ApiError && err.code === 'password_change_required');
    const text =
      err instanceof ApiError
        ? err.retryAfterSeconds !== undefined
          ? `${err.message} ${messages.common.retryAfter(err.retryAfterSeconds)}`
          : err.message
        : String(err);
    setError(text);
    setBusy(false);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setPasswordError(null);
    setPasskeyNotice(null);
    try {
      const result = await api.signIn(email.trim(), password);
      if (needsCode(result)) {
        setPassword('');
        setCode('');
        setCodeError(null);
        setRemember(false);
        setRememberDays(result.remember_device_days);
        setCodePasskeys(result.passkeys);
        setMfaToken(result.mfa_token);
        setBusy(false);
        return;
      }
      markSignedIn();
      navigate(next, { replace: true });
    } catch (err) {
      // A wrong email or password: the password is cleared and focused, with the reason.
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setPassword('');
        setPasswordError(err.message);
        setBusy(false);
        focusFirstError();
        return;
      }
      fail(err);
    }
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    if (mfaToken === null) return;
    setBusy(true);
    setError(null);
    setCodeError(null);
    setPasskeyNotice(null);
    try {
      await api.signInWithCode(mfaToken, code.trim(), remember);
      markSignedIn();
      navigate(next, { replace: true });
    } catch (err) {
      // The password step expired or was used: start over, and say why.
      if (err instanceof ApiError && err.code === 'mfa_token_invalid') {
        setMfaToken(null);
        setBusy(false);
        setError(m.codeRestart);
        return;
      }
      if (err instanceof ApiError && err.code === 'invalid_code') {
        setCodeError(err.message);
        setBusy(false);
        codeForm.focusFirstError();
        return;
      }
      fail(err);
    }
  }

  if (mfaToken !== null) {
    return (
      // Keyed apart from the password step: React would otherwise reuse its form and fields (same
      // places), and the code field, updated rather than mounted, would not take focus.
      <div className="auth-page" key="code-step">
        <main id="main" className="auth-card" tabIndex={-1}>
          <p className="brand brand-large">{messages.productName}</p>
          <h1 className="page-title">{m.codeTitle}</h1>
          <p className="lead" id="code-intro">
            {m.codeIntro}
          </p>
          {error !== null && (
            <div className="alert alert-error" role="alert">
              <p className="alert-title">{m.errorTitle}</p>
              <p>{error}</p>
            </div>
          )}
          <div role="status" aria-live="polite" className="notice-slot">
            {passkeyNotice !== null && <p className="alert alert-info">{passkeyNotice}</p>}
          </div>
          <form ref={codeForm.formRef} onSubmit={(e) => void submitCode(e)}>
            <TextField
              id="code"
              label={m.code}
              name="code"
              type="text"
              autoComplete="one-time-code"
              autoFocus
              aria-describedby="code-intro"
              error={codeError}
              value={code}
              onChange={setCode}
            />
            <div className="field field-check">
              <input
                id="remember-device"
                name="remember_device"
                type="checkbox"
                checked={remember}
                aria-describedby="remember-device-hint"
                onChange={(e) => setRemember(e.target.checked)}
              />
              <div>
                <label htmlFor="remember-device">{m.rememberDevice(rememberDays)}</label>
                <p id="remember-device-hint" className="hint">
                  {m.rememberDeviceHint}
                </p>
              </div>
            </div>
            <button type="submit" className="button button-primary button-block" disabled={busy}>
              {busy && !passkeyBusy ? m.codeSubmitting : m.codeSubmit}
            </button>
          </form>
          {passkeys.modal && codePasskeys && (
            <>
              <p className="auth-or">{m.or}</p>
              <button
                type="button"
                className="button button-block"
                disabled={busy}
                aria-describedby="passkey-hint"
                aria-busy={passkeyBusy}
                onClick={() => void usePasskey({ mfaToken, rememberDevice: remember })}
              >
                {m.usePasskey}
              </button>
              <p id="passkey-hint" className="hint">
                {passkeyBusy ? m.passkeyWorking : m.passkeyHint}
              </p>
            </>
          )}
          <p>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setMfaToken(null);
                setError(null);
              }}
            >
              {m.back}
            </button>
          </p>
        </main>
      </div>
    );
  }

  return (
    <div className="auth-page" key="password-step">
      <main id="main" className="auth-card" tabIndex={-1}>
        <p className="brand brand-large">{messages.productName}</p>
        <h1 className="page-title">{m.title}</h1>
        <p className="lead">{m.intro}</p>
        <div role="status" aria-live="polite">
          {notice !== null && <p className={reason === null ? 'alert alert-info' : 'alert alert-warning'}>{notice}</p>}
          {passkeyNotice !== null && <p className="alert alert-info">{passkeyNotice}</p>}
        </div>
        {error !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{m.errorTitle}</p>
            <p>{mustReset ? messages.reset.changeRequired : error}</p>
            {mustReset && (
              <p>
                <Link href="/reset-password">{messages.reset.requestTitle}</Link>
              </p>
            )}
          </div>
        )}
        <form ref={formRef} onSubmit={(e) => void submit(e)}>
          {/* "webauthn" last: the browser offers this site's passkeys among the field's suggestions. */}
          <TextField
            id="email"
            label={m.email}
            name="email"
            type="email"
            autoComplete="username webauthn"
            value={email}
            onChange={setEmail}
          />
          <TextField
            id="password"
            label={m.password}
            name="password"
            type="password"
            autoComplete="current-password"
            error={passwordError}
            value={password}
            onChange={setPassword}
          />
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy && !passkeyBusy ? m.submitting : m.submit}
          </button>
        </form>
        {passkeys.modal && (
          <>
            <p className="auth-or">{m.or}</p>
            <button
              type="button"
              className="button button-block"
              disabled={busy}
              aria-describedby="passkey-hint"
              aria-busy={passkeyBusy}
              onClick={() => void usePasskey()}
            >
              {m.passkey}
            </button>
            <p id="passkey-hint" className="hint">
              {passkeyBusy ? m.passkeyWorking : m.passkeyHint}
            </p>
          </>
        )}
        <p className="auth-aside">
          <Link href="/reset-password">{messages.reset.forgot}</Link>
        </p>
      </main>
    </div>
  );
}
