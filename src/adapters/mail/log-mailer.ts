/**
 * Without `--smtp`, mail goes to the log (info) with its text body, so a developer can follow a
 * reset or "This wasn't me" link. This is the one place a link token is ever logged: configure
 * SMTP in production.
 */
import type { Logger } from 'pino';
import type { Mailer } from '../../core/ports/mailer.js';

export function logMailer(log: Logger): Mailer {
  return {
    async send(mail) {
      log.info({ event: 'mail', to: mail.to, subject: mail.subject, text: mail.text }, 'mail (no --smtp configured: written to the log)');
    },
  };
}
