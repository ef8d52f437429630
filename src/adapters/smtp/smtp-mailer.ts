/** Mail over SMTP with nodemailer (`--smtp smtp://host:port`, or `smtps://` for implicit TLS). */
import nodemailer from 'nodemailer';
import type { Mailer } from '../../core/ports/mailer.js';

/** Bounded waits: a hung mail server must not hold a retry slot for minutes. */
const TIMEOUT_MS = 10_000;

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url, {
    from,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    async close() {
      transport.close();
    },
  };
}
