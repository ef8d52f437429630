/**
 * The retry queue in front of real SMTP: nodemailer (smtpMailer) talking to the in-test
 * smtp-server sink, whose `failNext` answers 451 (try again later) the way a busy mail server
 * does, and a TCP server that accepts and never answers (a hung mail server). Logs go through a
 * real pino logger into memory.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../../test/support/smtp-sink.js';
import type { SmtpSink } from '../../../test/support/smtp-sink.js';
import type { Mail } from '../../core/ports/mailer.js';
import { smtpMailer } from '../smtp/smtp-mailer.js';
import { retryingMailer } from './retrying-mailer.js';

const FROM = 'sessiond <no-reply@example.test>';

interface LogLine {
  level: number;
  msg: string;
  event?: string;
  subject?: string;
  attempt?: number;
  of?: number;
}

function memoryLog() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

let n = 0;
function mail(subject = 'Unusual sign-in'): Mail {
  n++;
  return {
    kind: 'suspicious_sign_in',
    to: `ada+${n}@example.test`,
    subject: `${subject} #${n}`,
    text: `Not you? https://sessiond.test/report-sign-in?token=secret-token-${n}`,
    html: `<p>Not you? <a href="https://sessiond.test/report-sign-in?token=secret-token-${n}">This wasn't me</a></p>`,
  };
}

describe('retryingMailer over SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterEach(() => sink.failNext(0));
  afterAll(async () => {
    await sink.close();
  });

  const received = (m: Mail) => sink.messages.filter((r) => r.subject === m.subject);

  it('retries a temporary failure and delivers the message exactly once', async () => {
    const { log, lines } = memoryLog();
    const mailer = retryingMailer(smtpMailer(sink.url, FROM), log, { attempts: 5, baseDelayMs: 20, maxQueued: 100 });
    const m = mail();
    sink.failNext(2);
    await mailer.send(m);
    await mailer.flush!();

    const got = received(m);
    expect(got).toHaveLength(1);
    expect(got[0]!.to).toEqual([m.to]);
    expect(got[0]!.text).toContain('secret-token-');
    const retries = lines.filter((l) => l.event === 'mail_failed');
    expect(retries.map((l) => [l.msg, l.attempt, l.of])).toEqual([
      ['mail not delivered; will retry', 1, 5],
      ['mail not delivered; will retry', 2, 5],
    ]);
    expect(retries.every((l) => l.level === 40)).toBe(true); // warn: it was still delivered
    await mailer.close!();
  });

  it('reports each mail once with its kind: sent after retries, failed after its last attempt; and how many wait', async () => {
    const { log } = memoryLog();
    const outcomes: [string, string][] = [];
    const mailer = retryingMailer(smtpMailer(sink.url, FROM), log, { attempts: 2, baseDelayMs: 50, maxQueued: 100 }, (outcome, kind) =>
      outcomes.push([outcome, kind]),
    );
    expect(mailer.queued).toBe(0);
    sink.failNext(1);
    await mailer.send({ ...mail(), kind: 'password_reset' });
    expect(mailer.queued).toBe(1);
    await mailer.flush!();
    expect(mailer.queued).toBe(0);
    expect(outcomes).toEqual([['sent', 'password_reset']]);

    sink.failNext(2);
    await mailer.send({ ...mail(), kind: 'new_device' });
    await mailer.flush!();
    expect(outcomes).toEqual([
      ['sent', 'password_reset'],
      ['failed', 'new_device'],
    ]);
    await mailer.close!();
  });

  it('gives up after its attempts, logs it once with the subject only, and keeps delivering other mail', async () => {
    const { log, lines } = memoryLog();
    const mailer = retryingMailer(smtpMailer(sink.url, FROM), log, { attempts: 3, baseDelayMs: 10, maxQueued: 100 });
    const lost = mail('Reset your password');
    sink.failNext(3);
    await mailer.send(lost);
    await mailer.flush!();
    expect(received(lost)).toEqual([]);

    const failures = lines.filter((l) => l.event === 'mail_failed');
    expect(failures.map((l) => l.attempt)).toEqual([1, 2, 3]);
    const gaveUp = failures.filter((l) => l.msg === 'mail not delivered; giving up');
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ level: 50, subject: lost.subject, attempt: 3, of: 3 });
    // Bodies carry single-use link tokens: never in the log.
    expect(JSON.stringify(lines)).not.toContain('secret-token-');

    const next = mail();
    await mailer.send(next);
    await mailer.flush!();
    expect(received(next)).toHaveLength(1);
    await mailer.close!();
  });

  it('returns to the caller at once while a retry waits, and close() makes that retry now', async () => {
    const { log, lines } = memoryLog();
    // A minute of backoff: a caller that waited for delivery would time this test out.
    const mailer = retryingMailer(smtpMailer(sink.url, FROM), log, { attempts: 5, baseDelayMs: 60_000, maxQueued: 100 });
    const m = mail();
    sink.failNext(1);
    const started = performance.now();
    await mailer.send(m);
    expect(performance.now() - started).toBeLessThan(100);
    // The first attempt fails; the retry now waits its minute.
    await expect.poll(() => lines.filter((l) => l.msg === 'mail not delivered; will retry').length, { timeout: 2_000 }).toBe(1);
    expect(received(m)).toEqual([]);

    await mailer.close!();
    await mailer.flush!();
    expect(received(m)).toHaveLength(1);
  });

  it('drops (and logs) mail beyond its queue bound instead of growing without limit', async () => {
    const { log, lines } = memoryLog();
    const mailer = retryingMailer(smtpMailer(sink.url, FROM), log, { attempts: 2, baseDelayMs: 10, maxQueued: 2 });
    const batch = [mail(), mail(), mail()];
    for (const m of batch) await mailer.send(m);
    await mailer.flush!();
    expect(batch.map((m) => received(m).length)).toEqual([1, 1, 0]);
    expect(lines.filter((l) => l.event === 'mail_dropped').map((l) => l.subject)).toEqual([batch[2]!.subject]);
    await mailer.close!();
  });
});

describe('retryingMailer with a hung mail server', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never sends the SMTP greeting.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('never blocks the caller: every send returns while the server has not even said hello', async () => {
    const { log, lines } = memoryLog();
    const { port } = server.address() as AddressInfo;
    const mailer = retryingMailer(smtpMailer(`smtp://127.0.0.1:${port}`, FROM), log, { attempts: 2, baseDelayMs: 10, maxQueued: 100 });
    const started = performance.now();
    for (let i = 0; i < 5; i++) await mailer.send(mail());
    expect(performance.now() - started).toBeLessThan(200);
    await expect.poll(() => sockets.size, { timeout: 2_000 }).toBeGreaterThan(0);

    // The server goes away: the hung attempts fail, the queue gives up and drains.
    await mailer.close!();
    for (const s of sockets) s.destroy();
    await mailer.flush!();
    expect(lines.filter((l) => l.msg === 'mail not delivered; giving up')).toHaveLength(5);
  });
});
