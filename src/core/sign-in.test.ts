/**
 * The sign-in use case on real parts (SQLite store, argon2, otpauth): the order of its steps,
 * what it records, and the gates that must hold at both the password and the code step.
 */
import { TOTP, Secret } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSessiondError } from './errors.js';
import type { DomainEvent } from './events.js';
import type { SignedIn, SignInResult } from './sign-in.js';
import { context, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
let n = 0;
const email = () => `user-${++n}@example.com`;

beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

const types = (events: DomainEvent[] = u.events) => events.map((e) => e.type);
const signedIn = (r: SignInResult): SignedIn => {
  if (r.kind !== 'session') throw new Error(`expected a session, got ${r.kind}`);
  return r;
};
async function codeOf(error: Promise<unknown>): Promise<string> {
  try {
    await error;
  } catch (err) {
    if (isSessiondError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function account() {
  const e = email();
  const user = await u.accounts.signUp({ email: e, password: PASSWORD });
  return { e, user };
}

const password = (e: string, extra: Partial<{ password: string; clientId: string; transport: 'cookie' | 'bearer' }> = {}) => ({
  email: e,
  password: extra.password ?? PASSWORD,
  clientId: extra.clientId ?? 'web',
  transport: extra.transport ?? 'cookie',
  device: null,
});

/** Turns on TOTP for the user and returns a function that gives the current code. */
async function enrolTotp(user: { id: string; email: string }) {
  const { secret } = await u.mfa.startTotpEnrolment(user);
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  const code = () => totp.generate({ timestamp: u.clock.now() });
  await u.mfa.confirmTotpEnrolment(user.id, code(), { kind: 'system' });
  // Each step is good once: the next code comes from the next step.
  u.clock.advance(30_000);
  return code;
}

describe('SignIn with a password', () => {
  it('creates a session, records it once on the timeline, and returns the token only here', async () => {
    const { e, user } = await account();
    const result = signedIn(await u.signIn.withPassword(password(e), context()));
    expect(result.session).toMatchObject({ userId: user.id, clientId: 'web', authMethod: 'password', revokedAt: null });
    expect(await u.sessions.validateSessionToken(result.token)).not.toBeNull();
    expect(types()).toEqual(['signed_in']);
    const page = await u.signals.listEvents(user.id, null, 10);
    expect(page.events.map((ev) => ev.kind)).toEqual(['sign_in']);
    expect(page.events[0]).toMatchObject({ sessionId: result.session.id, ip: '81.2.69.160', clientId: 'web' });
  });

  it('refuses a wrong password, records the failure, creates nothing and never asks for the device', async () => {
    const { e, user } = await account();
    const ctx = context();
    expect(await codeOf(u.signIn.withPassword(password(e, { password: 'not the password at all' }), ctx))).toBe('invalid_credentials');
    expect(u.events).toEqual([
      expect.objectContaining({ type: 'sign_in_failed', step: 'password', outcome: 'invalid_credentials', email: e }),
    ]);
    expect(ctx.origins).toBe(0);
    await u.idle();
    // A known account's failure is on its timeline (written after the answer).
    expect((await u.signals.listEvents(user.id, null, 10)).events.map((ev) => ev.kind)).toEqual(['sign_in_failed']);
  });

  it('refuses an unknown app before checking anything', async () => {
    const { e } = await account();
    expect(await codeOf(u.signIn.withPassword(password(e, { clientId: 'not-an-app' }), context()))).toBe('unknown_client');
    expect(u.events).toEqual([]);
  });

  it('ends the session this browser already had (no fixation) and records that it ended', async () => {
    const { e, user } = await account();
    const first = signedIn(await u.signIn.withPassword(password(e), context()));
    const second = signedIn(
      await u.signIn.withPassword(password(e), context({ replaces: { userId: user.id, sessionId: first.session.id } })),
    );
    expect(second.session.id).not.toBe(first.session.id);
    expect(await u.sessions.validateSessionToken(first.token)).toBeNull();
    expect(types()).toEqual(['signed_in', 'session_ended', 'signed_in']);
    expect(u.events[1]).toMatchObject({ type: 'session_ended', reason: 'sign_out', session: { id: first.session.id } });
  });

  it('keeps a reported account out until its password changes, and leaves the browser’s session alone', async () => {
    const { e, user } = await account();
    const first = signedIn(await u.signIn.withPassword(password(e), context()));
    const intruder = signedIn(await u.signIn.withPassword(password(e), context({ deviceId: 'another-device-00000001' })));
    expect(await u.revocation.reportSession(user.id, intruder.session.id, { kind: 'session', sessionId: first.session.id, ip: null })).toBe(
      true,
    );
    u.events.length = 0;
    const ctx = context({ replaces: { userId: user.id, sessionId: first.session.id } });
    expect(await codeOf(u.signIn.withPassword(password(e), ctx))).toBe('password_change_required');
    // The gate comes before rotation: the session the browser had is not ended by a refused sign-in.
    expect(await u.sessions.validateSessionToken(first.token)).not.toBeNull();
    expect(ctx.origins).toBe(0);
    expect(u.events).toEqual([expect.objectContaining({ type: 'sign_in_failed', step: 'password', outcome: 'password_change_required' })]);
  });

  it('clears the account’s failure count when the sign-in is over', async () => {
    const { e } = await account();
    for (let i = 0; i < 4; i++) await codeOf(u.signIn.withPassword(password(e, { password: `wrong password number ${i}` }), context()));
    signedIn(await u.signIn.withPassword(password(e), context()));
    // Five more failures are allowed again before the account is locked (limit 5).
    for (let i = 0; i < 5; i++)
      expect(await codeOf(u.signIn.withPassword(password(e, { password: `wrong again ${i} xxxxxx` }), context()))).toBe(
        'invalid_credentials',
      );
    expect(await codeOf(u.signIn.withPassword(password(e), context()))).toBe('rate_limited');
  });
});

describe('SignIn with a second factor', () => {
  it('asks for a code and makes no session, then the code step makes one (auth method mfa)', async () => {
    const { e, user } = await account();
    const code = await enrolTotp(user);
    u.events.length = 0;
    const ctx = context();
    const step = await u.signIn.withPassword(password(e, { transport: 'bearer' }), ctx);
    expect(step.kind).toBe('second_factor');
    expect(ctx.origins).toBe(0);
    expect(types()).toEqual(['second_factor_required']);
    if (step.kind !== 'second_factor') return;
    const done = await u.signIn.withSecondFactor(step.token, code(), context());
    expect(done).toMatchObject({ kind: 'session', transport: 'bearer', session: { authMethod: 'mfa', userId: user.id } });
    expect(u.events.at(-1)).toMatchObject({ type: 'signed_in', secondFactor: 'totp' });
  });

  it('refuses the code step of a reported account even with a right code (the gate holds at both steps)', async () => {
    const { e, user } = await account();
    const code = await enrolTotp(user);
    const step = await u.signIn.withPassword(password(e), context());
    if (step.kind !== 'second_factor') throw new Error('expected the code step');
    // Reported from the link in an alert mail while the code step is open.
    const owner = await u.store.findUserById(user.id);
    await u.store.setPasswordChangeRequired(owner!.id, true);
    const ctx = context();
    expect(await codeOf(u.signIn.withSecondFactor(step.token, code(), ctx))).toBe('password_change_required');
    expect(ctx.origins).toBe(0);
    expect(u.events.at(-1)).toMatchObject({ type: 'sign_in_failed', step: 'code', outcome: 'password_change_required' });
  });

  it('a right password neither counts nor clears the wrong codes: the limit holds across password steps', async () => {
    const { e, user } = await account();
    await enrolTotp(user);
    const step = await u.signIn.withPassword(password(e), context());
    if (step.kind !== 'second_factor') throw new Error('expected the code step');
    for (let i = 0; i < 4; i++) expect(await codeOf(u.signIn.withSecondFactor(step.token, '000000', context()))).toBe('invalid_code');
    // The password step reserves an attempt and gives it back when the password is right.
    for (let i = 0; i < 3; i++) expect((await u.signIn.withPassword(password(e), context())).kind).toBe('second_factor');
    expect(await codeOf(u.signIn.withSecondFactor(step.token, '000000', context()))).toBe('invalid_code');
    expect(await codeOf(u.signIn.withSecondFactor(step.token, '000000', context()))).toBe('rate_limited');
    expect(await codeOf(u.signIn.withPassword(password(e), context()))).toBe('rate_limited');
  });

  it('records a wrong code as a failed sign-in and a trusted device skips the code', async () => {
    const { e, user } = await account();
    const code = await enrolTotp(user);
    const step = await u.signIn.withPassword(password(e), context());
    if (step.kind !== 'second_factor') throw new Error('expected the code step');
    expect(await codeOf(u.signIn.withSecondFactor(step.token, '000000', context()))).toBe('invalid_code');
    expect(u.events.at(-1)).toMatchObject({ type: 'sign_in_failed', step: 'code', outcome: 'invalid_code' });
    const done = await u.signIn.withSecondFactor(step.token, code(), context());
    await u.mfa.trustDevice(done.session, { kind: 'session', sessionId: done.session.id, ip: null });
    const next = await u.signIn.withPassword(password(e), context());
    expect(next).toMatchObject({ kind: 'session', session: { authMethod: 'password', trusted: true } });
    // Another device still needs the code.
    expect((await u.signIn.withPassword(password(e), context({ deviceId: 'other-device-0000000001' }))).kind).toBe('second_factor');
  });
});
