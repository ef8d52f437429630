/**
 * Without `--smtp`, mail is printed, not sent: a plain-text block on stderr with To, Subject and
 * the body as a mail client would show it, so a developer can follow a reset, sign-up or "This
 * wasn't me" link by copying it. This is the one place a link token is ever written out:
 * configure SMTP in production. The log gets one line per mail, without the body.
 */
import type { Logger } from 'pino';
import type { Mailer } from '../../core/ports/mailer.js';

/** What the block is written to: stderr, or what a test captures. */
export interface TextSink {
  write(text: string): unknown;
}

const RULE = '-'.repeat(72);

export function formatMailBlock(mail: { to: string; subject: string; text: string }): string {
  return (
    `${RULE}\nmail (no --smtp configured: printed here, not sent)\n` +
    `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text.replace(/\s+$/, '')}\n${RULE}\n`
  );
}

export function logMailer(log: Logger, sink: TextSink = process.stderr): Mailer {
  return {
    async send(mail) {
      sink.write(formatMailBlock(mail));
      log.info({ event: 'mail', to: mail.to, subject: mail.subject }, 'mail printed on stderr (no --smtp configured)');
    },
  };
}
