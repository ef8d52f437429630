/**
 * An operator disables an account (ASVS 5.0 7.4.2): every session of it is refused at once, sign-in
 * is refused even with the right password (and a wrong one answers as always, telling a guesser
 * nothing), and enabling lets it sign in again without bringing the ended sessions back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessiondError } from './errors.js';
import type { Actor } from './security-events.js';
import { context, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

const OPERATOR: Actor = { kind: 'admin', adminId: null, ip: null };
const signIn = (email: string, password = PASSWORD) =>
  u.signIn.withPassword({ email, password, clientId: 'web', transport: 'cookie', device: null }, context());
const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    return err instanceof SessiondError ? err.code : err;
  }
  return 'signed in';
};

describe('disabling an account', () => {
  it('ends every session at once and refuses sign-in until enabled', async () => {
    const user = await u.accounts.signUp({ email: 'leaver@example.com', password: PASSWORD });
    const other = await u.accounts.signUp({ email: 'stays@example.com', password: PASSWORD });
    const a = await signIn('leaver@example.com');
    const b = await signIn('leaver@example.com');
    const kept = await signIn('stays@example.com');
    if (a.kind !== 'session' || b.kind !== 'session' || kept.kind !== 'session') throw new Error('no session');
    expect(await u.sessions.validateSessionToken(a.token)).not.toBeNull();
    u.events.length = 0;

    expect(await u.accounts.disable(user.id, OPERATOR)).toBe(true);
    expect(await u.sessions.validateSessionToken(a.token)).toBeNull();
    expect(await u.sessions.validateSessionToken(b.token)).toBeNull();
    expect(await u.sessions.validateSessionToken(kept.token)).not.toBeNull();
    expect(u.events).toEqual([
      expect.objectContaining({ type: 'sessions_ended', userId: user.id, scope: 'all', count: 2, reason: 'admin', actor: OPERATOR }),
      expect.objectContaining({ type: 'account_status_changed', userId: user.id, disabled: true, actor: OPERATOR }),
    ]);
    expect(await u.accounts.disable(user.id, OPERATOR)).toBe(false);

    expect(await refusal(signIn('leaver@example.com'))).toBe('forbidden');
    expect(await refusal(signIn('leaver@example.com', 'not the password at all'))).toBe('invalid_credentials');
    expect(await u.accounts.isDisabled(other.id)).toBe(false);

    expect(await u.accounts.enable(user.id, OPERATOR)).toBe(true);
    expect(await u.accounts.enable(user.id, OPERATOR)).toBe(false);
    expect(await refusal(signIn('leaver@example.com'))).toBe('signed in');
    expect(await u.sessions.validateSessionToken(a.token)).toBeNull();
  });
});
