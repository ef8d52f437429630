/**
 * Every mail sessiond sends, in one place: pure functions returning {subject, text, html}. Every
 * value that came from a request (device names, user agents, city names) is HTML-escaped in the
 * HTML part and stripped of line breaks in the text part, so a hostile device name cannot inject
 * markup or fake lines into the mail.
 */
import type { Mail, MailKind } from './ports/mailer.js';

export type MailContent = Omit<Mail, 'to'>;

export interface SignInDetails {
  product: string;
  device: string;
  app: string;
  /** "London, England, GB (approximate)" or "Unknown location". */
  location: string;
  ip: string;
  at: number;
  sessionsUrl: string;
  /** The single-use "This wasn't me" link. */
  reportUrl: string;
}

export function newDeviceAlert(d: SignInDetails): MailContent {
  return signInAlert(
    d,
    'new_device',
    `New sign-in to your ${d.product} account`,
    'Your account was just signed in to from a device or app it has not used before.',
    [],
  );
}

export function suspiciousSignInAlert(d: SignInDetails & { reasons: string[] }): MailContent {
  return signInAlert(
    d,
    'suspicious_sign_in',
    `Unusual sign-in to your ${d.product} account`,
    'We noticed a sign-in to your account that looks unusual.',
    d.reasons,
  );
}

function signInAlert(d: SignInDetails, kind: MailKind, subject: string, lead: string, reasons: string[]): MailContent {
  const facts: [string, string][] = [
    ['Device', d.device],
    ['App', d.app],
    ['Approximate location', d.location],
    ['IP address', d.ip],
    ['Time', formatTime(d.at)],
  ];
  const text = [
    lead,
    '',
    ...facts.map(([k, v]) => `${k}: ${line(v)}`),
    ...(reasons.length ? ['', 'Why we are telling you:', ...reasons.map((r) => `- ${line(r)}`)] : []),
    '',
    'If this was you, you can ignore this message.',
    '',
    `See where your account is signed in: ${d.sessionsUrl}`,
    '',
    `This wasn't me: ${d.reportUrl}`,
    '(The link signs that session out and asks for a new password. It works once.)',
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<table>${facts.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`,
      reasons.length ? `<p>Why we are telling you:</p><ul>${reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '',
      '<p>If this was you, you can ignore this message.</p>',
      `<p><a href="${esc(d.sessionsUrl)}">See where your account is signed in</a></p>`,
      `<p><a href="${esc(d.reportUrl)}">This wasn't me</a> — signs that session out and asks for a new password. The link works once.</p>`,
    ].join('\n'),
  );
  return { kind, subject, text, html };
}

export interface PasswordResetDetails {
  product: string;
  resetUrl: string;
  expiresInMinutes: number;
}

export function passwordResetMail(d: PasswordResetDetails): MailContent {
  const subject = `Reset your ${d.product} password`;
  const lead = 'Someone (hopefully you) asked to reset the password of your account.';
  const text = [
    lead,
    '',
    `Choose a new password: ${d.resetUrl}`,
    '',
    `The link works once and expires in ${d.expiresInMinutes} minutes. Resetting signs your account out everywhere.`,
    'If you did not ask for this, ignore this message: your password stays as it is.',
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<p><a href="${esc(d.resetUrl)}">Choose a new password</a></p>`,
      `<p>The link works once and expires in ${d.expiresInMinutes} minutes. Resetting signs your account out everywhere.</p>`,
      '<p>If you did not ask for this, ignore this message: your password stays as it is.</p>',
    ].join('\n'),
  );
  return { kind: 'password_reset', subject, text, html };
}

export interface SignUpConfirmDetails {
  product: string;
  confirmUrl: string;
  expiresInMinutes: number;
}

/** The link that proves the address and creates the account (sign-up by mail). */
export function signUpConfirmMail(d: SignUpConfirmDetails): MailContent {
  const subject = `Confirm your ${d.product} account`;
  const lead = `Someone (hopefully you) asked to create a ${d.product} account with this address.`;
  const after = `The link works once and expires in ${d.expiresInMinutes} minutes.`;
  const ignore = 'If you did not ask for this, ignore this message: no account is created.';
  const text = [lead, '', `Create the account: ${d.confirmUrl}`, '', after, ignore].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<p><a href="${esc(d.confirmUrl)}">Create the account</a></p>`,
      `<p>${esc(after)}</p>`,
      `<p>${esc(ignore)}</p>`,
    ].join('\n'),
  );
  return { kind: 'sign_up_confirm', subject, text, html };
}

export interface SignUpAttemptDetails {
  product: string;
  at: number;
  ip: string;
  location: string;
  /** Where to sign in, or start a reset if the password is forgotten. */
  signInUrl: string;
  resetUrl: string;
}

/** To the owner of an address someone tried to sign up with: it already has an account. */
export function signUpAttemptMail(d: SignUpAttemptDetails): MailContent {
  const subject = `Someone tried to sign up to ${d.product} with your address`;
  const lead = `Someone tried to create a new ${d.product} account with this address, which already has one. No account was created and nothing about yours changed.`;
  const where = `When: ${formatTime(d.at)}. From: ${line(d.location)} (IP ${line(d.ip)}).`;
  const hint = 'If it was you, sign in instead, or reset your password if you forgot it. If not, you need do nothing.';
  const text = [lead, '', where, '', hint, `Sign in: ${d.signInUrl}`, `Reset your password: ${d.resetUrl}`].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<p>${esc(where)}</p>`,
      `<p>${esc(hint)}</p>`,
      `<p><a href="${esc(d.signInUrl)}">Sign in</a> · <a href="${esc(d.resetUrl)}">Reset your password</a></p>`,
    ].join('\n'),
  );
  return { kind: 'sign_up_attempt', subject, text, html };
}

export interface PasswordChangedDetails {
  product: string;
  how: 'changed' | 'reset';
  at: number;
  ip: string;
  location: string;
  /** Where to start a reset if the change was not the owner's doing. */
  resetUrl: string;
  sessionsUrl: string;
}

export function passwordChangedMail(d: PasswordChangedDetails): MailContent {
  const subject = d.how === 'reset' ? `Your ${d.product} password was reset` : `Your ${d.product} password was changed`;
  const lead =
    d.how === 'reset'
      ? 'The password of your account was reset with a link from our mail. Every session was signed out.'
      : 'The password of your account was changed.';
  const facts: [string, string][] = [
    ['Time', formatTime(d.at)],
    ['Approximate location', d.location],
    ['IP address', d.ip],
  ];
  const text = [
    lead,
    '',
    ...facts.map(([k, v]) => `${k}: ${line(v)}`),
    '',
    `If this was not you, reset your password now: ${d.resetUrl}`,
    `See where your account is signed in: ${d.sessionsUrl}`,
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<table>${facts.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`,
      `<p>If this was not you, <a href="${esc(d.resetUrl)}">reset your password now</a>.</p>`,
      `<p><a href="${esc(d.sessionsUrl)}">See where your account is signed in</a></p>`,
    ].join('\n'),
  );
  return { kind: 'password_changed', subject, text, html };
}

export interface MfaChangedDetails {
  product: string;
  change: 'mfa_enabled' | 'mfa_disabled' | 'recovery_codes_replaced' | 'passkey_added' | 'passkey_removed';
  at: number;
  /** The address the change came from; null when the actor had none (an admin tool, the system). */
  ip: string | null;
  /** Where to start a reset if the change was not the owner's doing. */
  resetUrl: string;
  sessionsUrl: string;
  mfaUrl: string;
  /** The passkeys page: the settings link of a passkey change (else the two-step verification page). */
  passkeysUrl?: string;
}

const MFA_CHANGES: Record<MfaChangedDetails['change'], { subject: (product: string) => string; lead: string }> = {
  mfa_enabled: {
    subject: (product) => `Two-step verification was turned on for your ${product} account`,
    lead: 'Two-step verification was turned on for your account: signing in now asks for a code from an authenticator app.',
  },
  mfa_disabled: {
    subject: (product) => `Two-step verification was turned off for your ${product} account`,
    lead: 'Two-step verification was turned off for your account: the password alone now signs in, and no device is trusted any more.',
  },
  recovery_codes_replaced: {
    subject: (product) => `New recovery codes for your ${product} account`,
    lead: 'New recovery codes were made for your account; the old ones no longer work.',
  },
  passkey_added: {
    subject: (product) => `A passkey was added to your ${product} account`,
    lead: 'A passkey was added to your account: it can now sign in without the password.',
  },
  passkey_removed: {
    subject: (product) => `A passkey was removed from your ${product} account`,
    lead: 'A passkey was removed from your account: it can no longer sign in.',
  },
};

/**
 * Two-step verification turned on or off, its recovery codes replaced, a passkey added or
 * removed: each changes what it takes to sign in, so the owner hears of it as of a password
 * change (ASVS 6.3.7).
 */
export function mfaChangedMail(d: MfaChangedDetails): MailContent {
  const { subject: subjectOf, lead } = MFA_CHANGES[d.change];
  const subject = subjectOf(d.product);
  const passkey = d.change === 'passkey_added' || d.change === 'passkey_removed';
  const [settingsText, settingsUrl] =
    passkey && d.passkeysUrl !== undefined ? ['Passkeys settings', d.passkeysUrl] : ['Two-step verification settings', d.mfaUrl];
  const facts: [string, string][] = [['Time', formatTime(d.at)], ...(d.ip === null ? [] : [['IP address', d.ip] as [string, string]])];
  const text = [
    lead,
    '',
    ...facts.map(([k, v]) => `${k}: ${line(v)}`),
    '',
    `If this was not you, reset your password now: ${d.resetUrl}`,
    `See where your account is signed in: ${d.sessionsUrl}`,
    `${settingsText}: ${settingsUrl}`,
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<table>${facts.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`,
      `<p>If this was not you, <a href="${esc(d.resetUrl)}">reset your password now</a>.</p>`,
      `<p><a href="${esc(d.sessionsUrl)}">See where your account is signed in</a></p>`,
      `<p><a href="${esc(settingsUrl)}">${esc(settingsText)}</a></p>`,
    ].join('\n'),
  );
  return { kind: 'mfa_changed', subject, text, html };
}

export interface CredentialAddedDetails {
  product: string;
  change: 'app_connected' | 'device_sign_in_approved' | 'token_created';
  /** The app's or token's name: chosen by others (an app's registrar) or the user; kept on one line. */
  name: string;
  at: number;
  ip: string | null;
  /** "near Frankfurt, DE", when known. */
  place: string | null;
  sessionsUrl: string;
  resetUrl: string;
}

const CREDENTIAL_CHANGES = {
  app_connected: {
    subject: (p: string) => `A new app was connected to your ${p} account`,
    lead: 'An app was given access to your account:',
  },
  device_sign_in_approved: {
    subject: (p: string) => `A command-line or device sign-in to your ${p} account was approved`,
    lead: 'A sign-in on a device or command line was approved for your account:',
  },
  token_created: {
    subject: (p: string) => `A personal access token was made for your ${p} account`,
    lead: 'A personal access token was made for your account:',
  },
} as const;

/**
 * Something new can now act for the account past the session list (an app, a device, a token):
 * the owner hears of it, as of a new device, with one place to end it (the Active sessions page).
 */
export function credentialAddedMail(d: CredentialAddedDetails): MailContent {
  const { subject: subjectOf, lead } = CREDENTIAL_CHANGES[d.change];
  const subject = subjectOf(d.product);
  const facts: [string, string][] = [
    ['Name', line(d.name)],
    ['Time', formatTime(d.at)],
    ...(d.place === null ? [] : [['Place', line(d.place)] as [string, string]]),
    ...(d.ip === null ? [] : [['IP address', d.ip] as [string, string]]),
  ];
  const text = [
    lead,
    '',
    ...facts.map(([k, v]) => `${k}: ${line(v)}`),
    '',
    `If this was not you, end it and reset your password: ${d.sessionsUrl}`,
    `Reset your password: ${d.resetUrl}`,
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<table>${facts.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`,
      `<p>If this was not you, <a href="${esc(d.sessionsUrl)}">end it on the Active sessions page</a> and <a href="${esc(d.resetUrl)}">reset your password</a>.</p>`,
    ].join('\n'),
  );
  return { kind: 'credential_added', subject, text, html };
}

/** "2026-03-01 09:00 UTC": unambiguous in every locale. */
export interface WorkspaceInvitationDetails {
  product: string;
  /** Chosen by the workspace's owner: escaped and kept on one line like any request value. */
  workspace: string;
  inviter: string;
  role: 'owner' | 'security_admin' | 'member';
  joinUrl: string;
  expiresInDays: number;
}

const ROLE_NAMES = { owner: 'an owner', security_admin: 'a security admin', member: 'a member' } as const;

/** An invitation to a workspace: the link works once, for the invited address only. */
export function workspaceInvitationMail(d: WorkspaceInvitationDetails): MailContent {
  const workspace = line(d.workspace);
  const subject = `Join ${workspace} on ${d.product}`;
  const lead = `${line(d.inviter)} invited you to join the workspace "${workspace}" on ${d.product} as ${ROLE_NAMES[d.role]}.`;
  const after = `Sign in with this address, then open the link. It works once and expires in ${d.expiresInDays} days.`;
  const ignore = 'If you do not expect this, ignore this message: nothing changes until the link is used.';
  const text = [lead, '', `Join the workspace: ${d.joinUrl}`, '', after, ignore].join('\n');
  const html = page(
    subject,
    [
      `<p>${esc(lead)}</p>`,
      `<p><a href="${esc(d.joinUrl)}">Join the workspace</a></p>`,
      `<p>${esc(after)}</p>`,
      `<p>${esc(ignore)}</p>`,
    ].join('\n'),
  );
  return { kind: 'workspace_invitation', subject, text, html };
}

export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One line of plain text: no CR/LF (a device name must not add a fake "This wasn't me" line). */
function line(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>\n${body}\n</body></html>`;
}

/** "London, England, GB (approximate)"; the parts a GeoIP lookup did not know are left out. */
export function describeLocation(location: { city: string | null; region: string | null; country: string | null } | null): string {
  const parts = [location?.city, location?.region, location?.country].filter((p): p is string => !!p);
  return parts.length ? `${parts.join(', ')} (approximate)` : 'Unknown location';
}

/** "Chrome on Windows" or the device name a native app gave. */
export function describeDevice(device: { name: string; os: string; browser: string | null } | null): string {
  if (!device) return 'Unknown device';
  return device.browser ? `${device.browser} on ${device.os}` : device.name;
}
