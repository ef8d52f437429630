/** Outgoing mail. `send` resolves once the message is accepted for delivery; it may throw. */
export interface Mail {
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
