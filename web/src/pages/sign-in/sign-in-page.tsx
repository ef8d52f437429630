/**
 * Sign in with email and password. A notice from the query (`?notice=session_ended`) says why
 * the person is here; after sign-in they go back to `?next=` when it is a same-site path.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, needsCode } from '../../api';
import { useDocumentTitle } from '../../components/hooks';
import { safeNextPath } from '../../format';
import { Link } from '../../components/link';
import { messages } from '../../messages';
import { useLocation } from '../../router';
import { useServices } from '../../services';
import { TextField, useFocusFirstError } from '../../components/text-field';

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
  const { api, navigate, markSignedIn, signInReason } = useServices();
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
  const [remember, setRemember] = useState(false);
  // A wrong password or code is the field's error, read with it and focused.
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const { formRef, focusFirstError } = useFocusFirstError();
  const codeForm = useFocusFirstError();

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
    try {
      const result = await api.signIn(email.trim(), password);
      if (needsCode(result)) {
        setPassword('');
        setCode('');
        setCodeError(null);
        setRemember(false);
        setRememberDays(result.remember_device_days);
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
      <div className="auth-page">
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
              {busy ? m.codeSubmitting : m.codeSubmit}
            </button>
          </form>
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
    <div className="auth-page">
      <main id="main" className="auth-card" tabIndex={-1}>
        <p className="brand brand-large">{messages.productName}</p>
        <h1 className="page-title">{m.title}</h1>
        <p className="lead">{m.intro}</p>
        <div role="status" aria-live="polite">
          {notice !== null && <p className={reason === null ? 'alert alert-info' : 'alert alert-warning'}>{notice}</p>}
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
          <TextField id="email" label={m.email} name="email" type="email" autoComplete="username" value={email} onChange={setEmail} />
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
            {busy ? m.submitting : m.submit}
          </button>
        </form>
        <p className="auth-aside">
          <Link href="/reset-password">{messages.reset.forgot}</Link>
        </p>
      </main>
    </div>
  );
}
