/**
 * Which mail it is (mail-templates.ts): a closed set, so it can label the mail metric
 * (`sessiond_mail_total{kind}`) without an address or a subject.
 */
export const MAIL_KINDS = [
  'new_device',
  'suspicious_sign_in',
  'password_reset',
  'sign_up_confirm',
  'sign_up_attempt',
  'password_changed',
  'mfa_changed',
  'workspace_invitation',
  'credential_added',
] as const;

export type MailKind = (typeof MAIL_KINDS)[number];

/** Outgoing mail. `send` resolves once the message is accepted for delivery; it may throw. */
export interface Mail {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  /** Waits for queued mail (tests, shutdown); bounded by the adapter's own retry limit. */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}
