/**
 * An in-process retry queue in front of a Mailer: `send` only enqueues, so a slow or failing
 * mail server never blocks or fails the request that caused the mail. Each message is tried up
 * to `attempts` times with exponential backoff; a message that still fails is logged and dropped.
 *
 * Limits (documented in docs/security-signals.md): the queue lives in memory, so mail queued
 * when the process stops is lost, and delivery is at-least-once only within one process's life
 * (a retry after a timeout may deliver twice). A durable outbox table would close both gaps.
 */
import type { Logger } from 'pino';
import type { Mail, Mailer, MailKind } from '../../core/ports/mailer.js';

export interface RetryOptions {
  attempts: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** Beyond this many queued messages new mail is dropped (and logged): memory stays bounded. */
  maxQueued: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 1_000, maxQueued: 10_000 };

/** Each mail's fate, once: accepted by the mail server, or failed (given up after its retries, or dropped). */
export type OnMailOutcome = (outcome: 'sent' | 'failed', kind: MailKind) => void;

export interface RetryingMailer extends Mailer {
  /** Mail waiting to be sent or retried. */
  readonly queued: number;
}

export function retryingMailer(
  inner: Mailer,
  log: Logger,
  options: RetryOptions = DEFAULT_RETRY,
  onOutcome: OnMailOutcome = () => {},
): RetryingMailer {
  const inFlight = new Set<Promise<void>>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  async function deliver(mail: Mail): Promise<void> {
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      try {
        await inner.send(mail);
        onOutcome('sent', mail.kind);
        return;
      } catch (err) {
        // The subject only: bodies can carry link tokens.
        const context = { err, event: 'mail_failed', subject: mail.subject, attempt, of: options.attempts };
        if (attempt === options.attempts || closed) {
          log.error(context, 'mail not delivered; giving up');
          onOutcome('failed', mail.kind);
          return;
        }
        log.warn(context, 'mail not delivered; will retry');
        await sleep(options.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  return {
    get queued() {
      return inFlight.size;
    },
    async send(mail) {
      if (inFlight.size >= options.maxQueued) {
        log.error({ event: 'mail_dropped', subject: mail.subject }, 'mail queue full; message dropped');
        onOutcome('failed', mail.kind);
        return;
      }
      const task: Promise<void> = deliver(mail).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async flush() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      // Waiting retries get one last attempt now, then give up.
      closed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      await inner.close?.();
    },
  };
}
