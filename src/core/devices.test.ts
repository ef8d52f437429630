/**
 * Device replacement on real parts: every session of the user on the lost device ends — not
 * those on other devices, not other users' — and the device loses its trust; a workspace admin
 * can do it for a member, audited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from './security-events.js';
import { context, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

let u: UseCases;
beforeEach(async () => {
  u = await useCases();
});
afterEach(async () => u.close());

const LOST = 'lost-phone-cookie-000001';
const KEPT = 'laptop-cookie-0000000001';

async function person(email: string) {
  const user = await u.accounts.signUp({ email, password: PASSWORD });
  const signIn = async (deviceId: string | null, clientId = 'web') => {
    const issued = await u.signIn.withPassword(
      { email, password: PASSWORD, clientId, transport: clientId === 'web' ? 'cookie' : 'bearer', device: null },
      context({ deviceId }),
    );
    if (issued.kind !== 'session') throw new Error('no session');
    return issued;
  };
  return { user, signIn };
}

const valid = async (token: string) => (await u.sessions.validateSessionToken(token)) !== null;

describe('Devices.replace', () => {
  it('ends every session on that device and its trust, nothing else', async () => {
    const ada = await person('ada@example.com');
    const bo = await person('bo@example.com');
    const lost1 = await ada.signIn(LOST);
    const lost2 = await ada.signIn(LOST);
    const kept = await ada.signIn(KEPT);
    const other = await bo.signIn(LOST);
    await u.mfaStore.setDeviceTrust(ada.user.id, lost1.session.deviceId!, u.clock.now() + 86_400_000, {
      clientId: 'web',
      tokenId: null,
      secretHash: null,
    });
    const actor: Actor = { kind: 'session', sessionId: kept.session.id, ip: '203.0.113.8' };
    u.events.length = 0;
    const replaced = await u.devices.replace(ada.user.id, lost2.session.id, actor, 'revoked_by_user');
    expect(replaced).toEqual({ deviceId: lost1.session.deviceId, revoked: 2, untrusted: true });
    expect(await valid(lost1.token)).toBe(false);
    expect(await valid(lost2.token)).toBe(false);
    expect(await valid(kept.token)).toBe(true);
    expect(await valid(other.token)).toBe(true);
    expect(await u.mfa.trustedDeviceIds(ada.user.id)).toEqual(new Set());
    expect(u.events.map((e) => e.type)).toEqual(['sessions_ended', 'mfa_changed']);
    expect(u.events[0]).toMatchObject({ scope: 'matching', count: 2, reason: 'revoked_by_user', actor });
    // Again, from an ended session of that device: nothing left to end, nothing to untrust.
    expect(await u.devices.replace(ada.user.id, lost1.session.id, actor, 'revoked_by_user')).toEqual({
      deviceId: lost1.session.deviceId,
      revoked: 0,
      untrusted: false,
    });
    // Another user's session is not theirs to name.
    expect(await u.devices.replace(ada.user.id, other.session.id, actor, 'revoked_by_user')).toBeNull();
    expect(await valid(other.token)).toBe(true);
  });

  it('ends only the named session when it has no device', async () => {
    const ada = await person('ada@example.com');
    const cli = await ada.signIn(null, 'cli');
    const cli2 = await ada.signIn(null, 'cli');
    const replaced = await u.devices.replace(ada.user.id, cli.session.id, { kind: 'system' }, 'admin');
    expect(replaced).toEqual({ deviceId: null, revoked: 1, untrusted: false });
    expect(await valid(cli.token)).toBe(false);
    expect(await valid(cli2.token)).toBe(true);
  });

  it('lets a workspace admin replace a member’s device, audited; a member may not', async () => {
    const owner = await person('owner@example.com');
    const ws = await u.workspaces.create({ userId: owner.user.id, ip: null, userAgent: null, requestId: null }, 'Acme');
    const member = await person('member@example.com');
    const caller = (id: string, email: string) => ({ userId: id, email, ip: '198.51.100.1', userAgent: null, requestId: 'r' });
    await u.workspaces.invite(caller(owner.user.id, 'owner@example.com'), ws.id, 'member@example.com', 'member');
    await u.idle();
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(u.mail.at(-1)!.text)![1]!);
    await u.workspaces.accept(caller(member.user.id, 'member@example.com'), token);
    const lost = await member.signIn(LOST);
    const kept = await member.signIn(KEPT);
    await expect(
      u.workspaces.replaceMemberDevice(caller(member.user.id, 'member@example.com'), ws.id, member.user.id, lost.session.id),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const done = await u.workspaces.replaceMemberDevice(caller(owner.user.id, 'owner@example.com'), ws.id, member.user.id, lost.session.id);
    expect(done).toMatchObject({ revoked: 1, untrusted: false });
    expect(await valid(lost.token)).toBe(false);
    expect(await valid(kept.token)).toBe(true);
    const [entry] = await u.workspaces.audit(caller(owner.user.id, 'owner@example.com'), ws.id, null, 1);
    expect(entry).toMatchObject({ action: 'device.replaced', targetId: lost.session.id, details: { member: member.user.id, revoked: 1 } });
    await expect(
      u.workspaces.replaceMemberDevice(caller(owner.user.id, 'owner@example.com'), ws.id, member.user.id, 'AAAAAAAAAAAAAAAAAAAAAA'),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
