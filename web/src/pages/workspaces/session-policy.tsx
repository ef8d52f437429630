/**
 * The workspace's session policy: the rules every member's sessions are held to (absolute
 * lifetime, idle timeout, sessions at a time, two-step verification, a trusted device for chosen
 * apps, allowed countries). Every member sees them in plain words; security admins and owners
 * also get a form. It is checked here against the server's bounds (nothing is sent when it is
 * wrong), confirmed with what saving does (every member's next request, some may be signed out),
 * sent behind "Confirm it's you" when the server wants a fresh sign-in, and answered with how
 * many sessions broke the new policy and ended at once.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isUnauthenticated } from '../../api';
import type { WorkspacePolicy, WorkspacePolicyRules } from '../../api';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { TextField } from '../../components/text-field';
import { messages as defaultMessages } from '../../messages';
import type { Messages } from '../../messages';
import { useServices } from '../../services';
import { errorText } from './wording';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The server's bounds (src/core/workspace-policy.ts POLICY_LIMITS and the route's schema). */
export const POLICY_BOUNDS = {
  minSeconds: 5 * MINUTE,
  maxSeconds: 365 * DAY,
  maxSessions: 1000,
  maxCountries: 250,
} as const;

/** An app (a configured client) a trusted-device rule can name. */
export interface PolicyApp {
  id: string;
  name: string;
}

/**
 * The apps to offer and to name: the deployment's own (GET /v1/ui/config), in its order, then any
 * the policy names that the deployment no longer has (shown by id, so they can be unticked).
 */
export function policyApps(policy: Pick<WorkspacePolicy, 'trusted_device_apps'> | null, configured: readonly PolicyApp[]): PolicyApp[] {
  const apps = new Map<string, PolicyApp>(configured.map((a) => [a.id, { id: a.id, name: a.name }]));
  for (const id of policy?.trusted_device_apps ?? []) if (!apps.has(id)) apps.set(id, { id, name: id });
  return [...apps.values()];
}

/** "8 hours", "30 minutes", "2 days": the largest unit that divides it. */
export function formatDuration(seconds: number, m: Messages = defaultMessages): string {
  const d = m.workspaces.policy.duration;
  if (seconds >= DAY && seconds % DAY === 0) return d.days(seconds / DAY);
  if (seconds >= HOUR && seconds % HOUR === 0) return d.hours(seconds / HOUR);
  if (seconds >= MINUTE && seconds % MINUTE === 0) return d.minutes(seconds / MINUTE);
  return d.seconds(seconds);
}

/** The policy in plain words, one line per rule that is on; empty when every rule is off. */
export function describePolicy(policy: WorkspacePolicy, apps: readonly PolicyApp[], m: Messages = defaultMessages): string[] {
  const p = m.workspaces.policy;
  const lines: string[] = [];
  if (policy.max_lifetime_seconds !== null) lines.push(p.lifetime(formatDuration(policy.max_lifetime_seconds, m)));
  if (policy.idle_timeout_seconds !== null) lines.push(p.idle(formatDuration(policy.idle_timeout_seconds, m)));
  if (policy.max_sessions !== null) lines.push(p.maxSessions(policy.max_sessions));
  if (policy.mfa_required) lines.push(p.mfa);
  if (policy.trusted_device_apps.length > 0) {
    const names = policy.trusted_device_apps.map((id) => apps.find((a) => a.id === id)?.name ?? id);
    lines.push(p.trustedDevice(names.join(', ')));
  }
  if (policy.allowed_countries !== null) lines.push(p.countries(policy.allowed_countries.join(', ')));
  return lines;
}

/** What the form holds: text as typed. */
export interface PolicyForm {
  lifetimeHours: string;
  idleMinutes: string;
  maxSessions: string;
  mfaRequired: boolean;
  apps: readonly string[];
  countries: string;
}

export type PolicyField = 'lifetimeHours' | 'idleMinutes' | 'maxSessions' | 'countries';

/** Seconds as a number of `unit`s, to two decimals at most ("8", "1.5"); blank for null. */
function inUnits(seconds: number | null, unit: number): string {
  return seconds === null ? '' : String(Number((seconds / unit).toFixed(2)));
}

export function policyForm(policy: WorkspacePolicy): PolicyForm {
  return {
    lifetimeHours: inUnits(policy.max_lifetime_seconds, HOUR),
    idleMinutes: inUnits(policy.idle_timeout_seconds, MINUTE),
    maxSessions: policy.max_sessions === null ? '' : String(policy.max_sessions),
    mfaRequired: policy.mfa_required,
    apps: policy.trusted_device_apps,
    countries: policy.allowed_countries?.join(', ') ?? '',
  };
}

/**
 * A duration typed in `unit`s as whole seconds within the server's bounds; null when blank;
 * undefined when it is not a number in range. Text left as the saved policy shows it keeps the
 * saved seconds exactly (a rounded display never changes a rule nobody touched).
 */
function readDuration(text: string, unit: number, saved: number | null): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (saved !== null && trimmed === inUnits(saved, unit)) return saved;
  if (!/^[0-9]{1,9}(\.[0-9]{1,6})?$/.test(trimmed)) return undefined;
  const seconds = Math.round(Number(trimmed) * unit);
  return seconds >= POLICY_BOUNDS.minSeconds && seconds <= POLICY_BOUNDS.maxSeconds ? seconds : undefined;
}

export type PolicyReading = { ok: true; rules: WorkspacePolicyRules } | { ok: false; field: PolicyField; message: string };

/** The rules the form says, as the server takes them, or the first thing wrong with it. */
export function readPolicyForm(
  form: PolicyForm,
  saved: WorkspacePolicy | null,
  apps: readonly PolicyApp[],
  m: Messages = defaultMessages,
): PolicyReading {
  const p = m.workspaces.policy;
  const lifetime = readDuration(form.lifetimeHours, HOUR, saved?.max_lifetime_seconds ?? null);
  if (lifetime === undefined) return { ok: false, field: 'lifetimeHours', message: p.lifetimeInvalid };
  const idle = readDuration(form.idleMinutes, MINUTE, saved?.idle_timeout_seconds ?? null);
  if (idle === undefined) return { ok: false, field: 'idleMinutes', message: p.idleInvalid };

  const sessionsText = form.maxSessions.trim();
  let maxSessions: number | null = null;
  if (sessionsText !== '') {
    maxSessions = /^[0-9]{1,4}$/.test(sessionsText) ? Number(sessionsText) : 0;
    if (maxSessions < 1 || maxSessions > POLICY_BOUNDS.maxSessions)
      return { ok: false, field: 'maxSessions', message: p.maxSessionsInvalid };
  }

  const codes = [
    ...new Set(
      form.countries
        .split(/[\s,;]+/)
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c !== ''),
    ),
  ];
  const bad = codes.filter((c) => !/^[A-Z]{2}$/.test(c));
  if (bad.length > 0) return { ok: false, field: 'countries', message: p.countriesInvalid(bad.join(', ')) };
  if (codes.length > POLICY_BOUNDS.maxCountries) return { ok: false, field: 'countries', message: p.countriesTooMany };

  return {
    ok: true,
    rules: {
      max_lifetime_seconds: lifetime,
      idle_timeout_seconds: idle,
      max_sessions: maxSessions,
      mfa_required: form.mfaRequired,
      // In the order the apps are listed; an id the list does not have (cannot happen from the
      // checkboxes) is kept rather than silently dropped.
      trusted_device_apps: [
        ...apps.filter((a) => form.apps.includes(a.id)).map((a) => a.id),
        ...form.apps.filter((id) => !apps.some((a) => a.id === id)),
      ],
      allowed_countries: codes.length === 0 ? null : codes,
    },
  };
}

export function SessionPolicy({
  workspaceId,
  editable,
  run,
  onSaved,
}: {
  workspaceId: string;
  /** Security admins and owners. */
  editable: boolean;
  run: <T>(action: () => Promise<T>) => Promise<T>;
  /** The policy was changed (the audit trail has a new entry). */
  onSaved: () => void;
}) {
  const { api, onUnauthenticated } = useServices();
  const p = defaultMessages.workspaces.policy;
  const id = useId();
  const [policy, setPolicy] = useState<WorkspacePolicy | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [configured, setConfigured] = useState<PolicyApp[]>([]);
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [error, setError] = useState<{ field: PolicyField; message: string } | null>(null);
  const [pending, setPending] = useState<WorkspacePolicyRules | null>(null);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const saveRef = useRef<HTMLButtonElement>(null);
  const mounted = useRef(true);

  const load = useCallback(async () => {
    try {
      const found = await api.getWorkspacePolicy(workspaceId);
      if (!mounted.current) return;
      setPolicy(found);
      setForm(policyForm(found));
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
    // The deployment's apps, to name and offer; without them the summary names apps by id.
    api.getUiConfig().then(
      (config) => {
        if (mounted.current) setConfigured(config.apps);
      },
      () => undefined,
    );
    return () => {
      mounted.current = false;
    };
  }, [load, api]);

  const apps = policyApps(policy, configured);

  function edit(change: Partial<PolicyForm>) {
    setError(null);
    setNotice(null);
    setForm((f) => (f === null ? f : { ...f, ...change }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (form === null) return;
    const read = readPolicyForm(form, policy, apps);
    if (!read.ok) {
      setError({ field: read.field, message: read.message });
      document.getElementById(`${id}-${read.field}`)?.focus();
      return;
    }
    setError(null);
    setNotice(null);
    setSaveError(null);
    setPending(read.rules);
  }

  async function confirm() {
    if (pending === null) return;
    setBusy(true);
    setSaveError(null);
    try {
      const done = await run(() => api.setWorkspacePolicy(workspaceId, pending));
      if (!mounted.current) return;
      setPolicy(done.policy);
      setForm(policyForm(done.policy));
      setNotice(p.saved(done.ended));
      setPending(null);
      onSaved();
    } catch (err) {
      if (isUnauthenticated(err)) return onUnauthenticated(err);
      if (mounted.current) setSaveError(errorText(err));
    } finally {
      if (mounted.current) setBusy(false);
    }
  }

  const lines = policy === null ? [] : describePolicy(policy, apps);
  const invalid = (field: PolicyField) => error?.field === field;

  return (
    <section className="card workspace-card session-policy" aria-labelledby={`${id}-heading`}>
      <h3 className="section-title" id={`${id}-heading`}>
        {p.title}
      </h3>
      <p className="muted">{p.intro}</p>

      {loadError !== null && (
        <div className="alert alert-error" role="alert">
          <p>{`${p.loadError} ${loadError}`}</p>
          <button type="button" className="button button-small" onClick={() => void load()}>
            {defaultMessages.common.retry}
          </button>
        </div>
      )}
      {policy === null && loadError === null && <p className="muted">{p.loading}</p>}
      {policy !== null &&
        (lines.length === 0 ? (
          <p className="policy-none">{p.none}</p>
        ) : (
          <ul className="policy-rules" aria-label={p.summaryLabel}>
            {lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ))}

      {editable && form !== null && (
        <form onSubmit={submit} className="invite-form policy-form" noValidate>
          <TextField
            id={`${id}-lifetimeHours`}
            label={p.lifetimeLabel}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            required={false}
            value={form.lifetimeHours}
            onChange={(value) => edit({ lifetimeHours: value })}
            hint={p.lifetimeHint}
            aria-invalid={invalid('lifetimeHours')}
          />
          <TextField
            id={`${id}-idleMinutes`}
            label={p.idleLabel}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            required={false}
            value={form.idleMinutes}
            onChange={(value) => edit({ idleMinutes: value })}
            hint={p.idleHint}
            aria-invalid={invalid('idleMinutes')}
          />
          <TextField
            id={`${id}-maxSessions`}
            label={p.maxSessionsLabel}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            required={false}
            value={form.maxSessions}
            onChange={(value) => edit({ maxSessions: value })}
            hint={p.maxSessionsHint}
            aria-invalid={invalid('maxSessions')}
          />
          <div className="field-check policy-mfa">
            <input id={`${id}-mfa`} type="checkbox" checked={form.mfaRequired} onChange={(e) => edit({ mfaRequired: e.target.checked })} />
            <label htmlFor={`${id}-mfa`}>{p.mfaLabel}</label>
          </div>
          <fieldset className="field policy-apps" aria-describedby={`${id}-apps-hint`}>
            <legend>{p.appsLegend}</legend>
            {apps.map((app) => (
              <div className="field-check" key={app.id}>
                <input
                  id={`${id}-app-${app.id}`}
                  type="checkbox"
                  checked={form.apps.includes(app.id)}
                  onChange={(e) => edit({ apps: e.target.checked ? [...form.apps, app.id] : form.apps.filter((x) => x !== app.id) })}
                />
                <label htmlFor={`${id}-app-${app.id}`}>{app.name}</label>
              </div>
            ))}
            <p className="hint" id={`${id}-apps-hint`}>
              {p.appsHint}
            </p>
          </fieldset>
          <TextField
            id={`${id}-countries`}
            label={p.countriesLabel}
            type="text"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required={false}
            value={form.countries}
            onChange={(value) => edit({ countries: value })}
            hint={p.countriesHint}
            aria-invalid={invalid('countries')}
          />
          {error !== null && (
            <div className="alert alert-error" role="alert">
              <p className="alert-title">{defaultMessages.workspaces.errorTitle}</p>
              <p>{error.message}</p>
            </div>
          )}
          <button type="submit" className="button" ref={saveRef} disabled={busy}>
            {busy ? p.saving : p.save}
          </button>
        </form>
      )}
      {/* Under the Save button, where the admin is; always present, so the saved count is announced. */}
      <div role="status" aria-live="polite">
        {notice !== null && <p className="alert alert-success">{notice}</p>}
      </div>

      {pending !== null && (
        <ConfirmDialog
          title={p.confirmTitle}
          body={<p>{p.confirmBody}</p>}
          confirmLabel={p.save}
          busyLabel={p.saving}
          busy={busy}
          error={saveError}
          onConfirm={() => void confirm()}
          onCancel={() => {
            setPending(null);
            setSaveError(null);
          }}
          returnFocusTo={() => saveRef.current}
        />
      )}
    </section>
  );
}
