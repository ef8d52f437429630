/**
 * The MfaStore port's contract, as one suite every adapter runs (`test/integration/mfa-store.test.ts`
 * runs it on SQLite and PostgreSQL). Each case names a promise of the port that the Mfa use cases
 * rely on: a TOTP step, a recovery code and a sign-in challenge are each good once, even when two
 * requests race (ASVS 5.0 6.5.1, NIST SP 800-63B §5.1.4.2 replay resistance); turning MFA off takes
 * the factor, its codes and every device's trust together; trust and challenges end at their time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MfaChallengeRecord, MfaStore } from '../ports/mfa-store.js';
import type { Store } from '../ports/store.js';
import type { SessionRecord } from '../session.js';
import type { UserRecord } from '../user.js';
import { sessionRecord, userRecord } from './store.contract.js';

export interface MfaStoreFixture {
  /** The store under test. */
  mfa: MfaStore;
  /** The session store of the same database: users, sessions and devices are made through it. */
  store: Store;
  /** Closes both and removes the database. */
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 3_600_000;

let counter = 0;
/** Unique within a run and across runs sharing a database. */
function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 10)}`.padEnd(22, 'x').slice(0, 22);
}

function challengeRecord(userId: string, overrides: Partial<MfaChallengeRecord> = {}): MfaChallengeRecord {
  return {
    id: uniqueId('c'),
    userId,
    secretHash: 'hash-of-challenge-secret',
    clientId: 'web',
    transport: 'cookie',
    device: null,
    createdAt: T0,
    expiresAt: T0 + 5 * MINUTE,
    usedAt: null,
    ...overrides,
  };
}

export function runMfaStoreContract(name: string, makeStore: () => Promise<MfaStoreFixture>): void {
  describe(`MfaStore contract: ${name}`, () => {
    let fixture: MfaStoreFixture;
    let mfa: MfaStore;
    let store: Store;

    beforeAll(async () => {
      fixture = await makeStore();
      mfa = fixture.mfa;
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    async function newUser(): Promise<UserRecord> {
      const user = userRecord();
      expect(await store.insertUser(user)).toBe(true);
      return user;
    }

    async function newSession(userId: string, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
      const session = sessionRecord(userId, overrides);
      await store.insertSession(session);
      return session;
    }

    /** A user with TOTP on (last step 1000) and the given recovery codes. */
    async function userWithTotp(codes: string[] = ['code-a', 'code-b']): Promise<UserRecord> {
      const user = await newUser();
      expect(await mfa.savePendingTotp(user.id, 'JBSWY3DPEHPK3PXP', T0)).toBe(true);
      expect(await mfa.enableTotp(user.id, 1000, codes, T0 + 1)).toBe(true);
      return user;
    }

    describe('TOTP factor', () => {
      it('findTotp() is null for a user who never enrolled', async () => {
        const user = await newUser();
        expect(await mfa.findTotp(user.id)).toBeNull();
        expect(await mfa.findTotp('no-such-user')).toBeNull();
      });

      it('savePendingTotp() stores a factor that is not enabled yet and has no used step', async () => {
        const user = await newUser();
        expect(await mfa.savePendingTotp(user.id, 'JBSWY3DPEHPK3PXP', T0 + 5)).toBe(true);
        expect(await mfa.findTotp(user.id)).toEqual({
          userId: user.id,
          secret: 'JBSWY3DPEHPK3PXP',
          createdAt: T0 + 5,
          enabledAt: null,
          lastUsedStep: null,
        });
      });

      it('savePendingTotp() restarts a pending enrolment with the new secret', async () => {
        const user = await newUser();
        await mfa.savePendingTotp(user.id, 'FIRSTSECRETAAAAA', T0);
        expect(await mfa.savePendingTotp(user.id, 'SECONDSECRETBBBB', T0 + MINUTE)).toBe(true);
        expect(await mfa.findTotp(user.id)).toMatchObject({ secret: 'SECONDSECRETBBBB', createdAt: T0 + MINUTE, enabledAt: null });
      });

      it('savePendingTotp() is refused once a factor is enabled, and the enabled factor stays as it was', async () => {
        const user = await userWithTotp();
        const before = await mfa.findTotp(user.id);
        expect(await mfa.savePendingTotp(user.id, 'ATTACKERSECRETCC', T0 + MINUTE)).toBe(false);
        expect(await mfa.findTotp(user.id)).toEqual(before);
      });

      it('enableTotp() turns the pending factor on, records the confirming step and stores the codes unused', async () => {
        const user = await newUser();
        await mfa.savePendingTotp(user.id, 'JBSWY3DPEHPK3PXP', T0);
        expect(await mfa.enableTotp(user.id, 1234, ['h1', 'h2', 'h3'], T0 + 7)).toBe(true);
        expect(await mfa.findTotp(user.id)).toEqual({
          userId: user.id,
          secret: 'JBSWY3DPEHPK3PXP',
          createdAt: T0,
          enabledAt: T0 + 7,
          lastUsedStep: 1234,
        });
        const codes = await mfa.listRecoveryCodes(user.id);
        expect(codes.map((c) => c.codeHash).sort()).toEqual(['h1', 'h2', 'h3']);
        expect(codes.every((c) => c.usedAt === null)).toBe(true);
      });

      it('enableTotp() is false without a pending factor, and for one already enabled (codes unchanged)', async () => {
        const never = await newUser();
        expect(await mfa.enableTotp(never.id, 1, ['h'], T0)).toBe(false);
        expect(await mfa.findTotp(never.id)).toBeNull();
        expect(await mfa.listRecoveryCodes(never.id)).toEqual([]);

        const user = await userWithTotp(['old-1', 'old-2']);
        expect(await mfa.enableTotp(user.id, 2000, ['new-1'], T0 + DAY)).toBe(false);
        expect(await mfa.findTotp(user.id)).toMatchObject({ enabledAt: T0 + 1, lastUsedStep: 1000 });
        expect((await mfa.listRecoveryCodes(user.id)).map((c) => c.codeHash).sort()).toEqual(['old-1', 'old-2']);
      });

      it('savePendingTotp() racing the confirmation never replaces the factor that was just enabled', async () => {
        // A second "set up an authenticator" tab, or a retry, arriving while the first confirms:
        // whichever lands first, a confirmation that answered true leaves the factor on.
        for (let round = 0; round < 20; round++) {
          const user = await newUser();
          await mfa.savePendingTotp(user.id, 'FIRSTSECRETAAAAA', T0);
          const [enabled, restarted] = await Promise.all([
            mfa.enableTotp(user.id, 1000, ['code'], T0 + 1),
            mfa.savePendingTotp(user.id, 'SECONDSECRETBBBB', T0 + 2),
          ]);
          const factor = await mfa.findTotp(user.id);
          if (enabled) expect(factor?.enabledAt).toBe(T0 + 1);
          else expect(factor).toMatchObject({ secret: 'SECONDSECRETBBBB', enabledAt: null });
          expect(enabled || restarted).toBe(true);
        }
      });

      it('concurrent restarts of one enrolment both succeed; one secret is left pending', async () => {
        for (let round = 0; round < 20; round++) {
          const user = await newUser();
          const results = await Promise.all([
            mfa.savePendingTotp(user.id, 'SECRETONEAAAAAAA', T0),
            mfa.savePendingTotp(user.id, 'SECRETTWOBBBBBBB', T0),
          ]);
          expect(results).toEqual([true, true]);
          const factor = await mfa.findTotp(user.id);
          expect(['SECRETONEAAAAAAA', 'SECRETTWOBBBBBBB']).toContain(factor?.secret);
          expect(factor?.enabledAt).toBeNull();
        }
      });

      it('enableTotp() replaces codes left from an earlier enrolment', async () => {
        const user = await userWithTotp(['first-1', 'first-2']);
        await mfa.disableTotp(user.id);
        await mfa.replaceRecoveryCodes(user.id, ['stray'], T0); // as if a stray row had survived
        await mfa.savePendingTotp(user.id, 'JBSWY3DPEHPK3PXP', T0 + 1);
        expect(await mfa.enableTotp(user.id, 5, ['second-1'], T0 + 2)).toBe(true);
        expect((await mfa.listRecoveryCodes(user.id)).map((c) => c.codeHash)).toEqual(['second-1']);
      });
    });

    describe('sealing the secret again (key rotation)', () => {
      it('replaceTotpSecret() replaces the stored secret only while it is still the one read, and keeps the factor on', async () => {
        const user = await userWithTotp();
        const before = (await mfa.findTotp(user.id))!;
        expect(await mfa.replaceTotpSecret(user.id, before.secret, 'v1.sealed-under-the-new-key')).toBe(true);
        expect(await mfa.findTotp(user.id)).toEqual({ ...before, secret: 'v1.sealed-under-the-new-key' });
        // A second node that read the old value loses the race and changes nothing.
        expect(await mfa.replaceTotpSecret(user.id, before.secret, 'v1.another-sealing')).toBe(false);
        expect((await mfa.findTotp(user.id))?.secret).toBe('v1.sealed-under-the-new-key');
        expect(await mfa.replaceTotpSecret('no-such-user', before.secret, 'x')).toBe(false);
      });
    });

    describe('TOTP steps (replay)', () => {
      it('the step that confirmed enrolment cannot be used again to sign in', async () => {
        const user = await userWithTotp();
        expect(await mfa.useTotpStep(user.id, 1000)).toBe(false);
      });

      it('useTotpStep() accepts only a step newer than the last one used, and records it', async () => {
        const user = await userWithTotp();
        expect(await mfa.useTotpStep(user.id, 1001)).toBe(true);
        expect((await mfa.findTotp(user.id))?.lastUsedStep).toBe(1001);
        expect(await mfa.useTotpStep(user.id, 1001)).toBe(false); // the same code again: replay
        expect(await mfa.useTotpStep(user.id, 999)).toBe(false); // an older code after a newer one
        expect(await mfa.useTotpStep(user.id, 1000)).toBe(false);
        expect((await mfa.findTotp(user.id))?.lastUsedStep).toBe(1001);
        expect(await mfa.useTotpStep(user.id, 1003)).toBe(true);
        expect(await mfa.useTotpStep(user.id, 1002)).toBe(false); // skipped steps stay spent
        expect((await mfa.findTotp(user.id))?.lastUsedStep).toBe(1003);
      });

      it('useTotpStep() is false for a user without a factor', async () => {
        const user = await newUser();
        expect(await mfa.useTotpStep(user.id, 1)).toBe(false);
        expect(await mfa.findTotp(user.id)).toBeNull();
      });

      it("one user's steps do not spend another's", async () => {
        const a = await userWithTotp();
        const b = await userWithTotp();
        expect(await mfa.useTotpStep(a.id, 1500)).toBe(true);
        expect(await mfa.useTotpStep(b.id, 1200)).toBe(true);
        expect((await mfa.findTotp(a.id))?.lastUsedStep).toBe(1500);
      });

      it('of concurrent uses of one step exactly one succeeds', async () => {
        const user = await userWithTotp();
        const results = await Promise.all(Array.from({ length: 8 }, () => mfa.useTotpStep(user.id, 1001)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('steps beyond 2^31 (far-future clocks) are kept exactly', async () => {
        const user = await userWithTotp();
        const step = 2 ** 33 + 7;
        expect(await mfa.useTotpStep(user.id, step)).toBe(true);
        expect((await mfa.findTotp(user.id))?.lastUsedStep).toBe(step);
        expect(await mfa.useTotpStep(user.id, step)).toBe(false);
      });
    });

    describe('recovery codes', () => {
      it('useRecoveryCode() spends a code once and records when', async () => {
        const user = await userWithTotp(['c1', 'c2']);
        expect(await mfa.useRecoveryCode(user.id, 'c1', T0 + 9)).toBe(true);
        expect(await mfa.useRecoveryCode(user.id, 'c1', T0 + 10)).toBe(false);
        const codes = await mfa.listRecoveryCodes(user.id);
        expect(codes.find((c) => c.codeHash === 'c1')).toEqual({ codeHash: 'c1', usedAt: T0 + 9 });
        expect(codes.find((c) => c.codeHash === 'c2')).toEqual({ codeHash: 'c2', usedAt: null });
      });

      it("useRecoveryCode() is false for an unknown code and for another user's code", async () => {
        const owner = await userWithTotp(['mine']);
        const other = await userWithTotp(['theirs']);
        expect(await mfa.useRecoveryCode(owner.id, 'not-a-code', T0)).toBe(false);
        expect(await mfa.useRecoveryCode(owner.id, 'theirs', T0)).toBe(false);
        expect((await mfa.listRecoveryCodes(other.id))[0]?.usedAt).toBeNull();
      });

      it('of concurrent uses of one code exactly one succeeds', async () => {
        const user = await userWithTotp(['only-once']);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => mfa.useRecoveryCode(user.id, 'only-once', T0 + i)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('replaceRecoveryCodes() drops every old code, used or not, and stores the new ones unused', async () => {
        const user = await userWithTotp(['old-1', 'old-2']);
        await mfa.useRecoveryCode(user.id, 'old-1', T0 + 1);
        await mfa.replaceRecoveryCodes(user.id, ['new-1', 'new-2', 'new-3'], T0 + 2);
        const codes = await mfa.listRecoveryCodes(user.id);
        expect(codes.map((c) => c.codeHash).sort()).toEqual(['new-1', 'new-2', 'new-3']);
        expect(codes.every((c) => c.usedAt === null)).toBe(true);
        expect(await mfa.useRecoveryCode(user.id, 'old-2', T0 + 3)).toBe(false);
        expect(await mfa.useRecoveryCode(user.id, 'new-2', T0 + 3)).toBe(true);
      });

      it('replaceRecoveryCodes() with no codes leaves none', async () => {
        const user = await userWithTotp(['old-1']);
        await mfa.replaceRecoveryCodes(user.id, [], T0 + 1);
        expect(await mfa.listRecoveryCodes(user.id)).toEqual([]);
        expect(await mfa.useRecoveryCode(user.id, 'old-1', T0 + 2)).toBe(false);
      });

      it("replaceRecoveryCodes() leaves other users' codes alone", async () => {
        const a = await userWithTotp(['a-1']);
        const b = await userWithTotp(['b-1']);
        await mfa.replaceRecoveryCodes(a.id, ['a-2'], T0 + 1);
        expect((await mfa.listRecoveryCodes(b.id)).map((c) => c.codeHash)).toEqual(['b-1']);
      });

      it('listRecoveryCodes() is empty for a user without codes', async () => {
        const user = await newUser();
        expect(await mfa.listRecoveryCodes(user.id)).toEqual([]);
      });
    });

    describe('disableTotp()', () => {
      it('removes the factor, its codes and the trust of every device of the user in one go', async () => {
        const user = await userWithTotp(['c1', 'c2']);
        await newSession(user.id, { deviceId: 'laptop-device' });
        await newSession(user.id, { deviceId: 'phone-device' });
        expect(await mfa.setDeviceTrust(user.id, 'laptop-device', T0 + 30 * DAY)).toBe(true);
        expect(await mfa.setDeviceTrust(user.id, 'phone-device', T0 + 30 * DAY)).toBe(true);

        expect(await mfa.disableTotp(user.id)).toBe(true);
        expect(await mfa.findTotp(user.id)).toBeNull();
        expect(await mfa.listRecoveryCodes(user.id)).toEqual([]);
        expect(await mfa.trustedDeviceIds(user.id, T0)).toEqual([]);
        // The devices themselves are still known: only their trust ended.
        expect(await store.isKnownDevice(user.id, 'laptop-device')).toBe(true);
        // A session on such a device no longer reads as trusted.
        const s = await newSession(user.id, { deviceId: 'laptop-device' });
        expect((await store.findSession(s.id))?.session.deviceTrustedUntil).toBeNull();
      });

      it('is false when there was no factor to remove', async () => {
        const user = await newUser();
        expect(await mfa.disableTotp(user.id)).toBe(false);
      });

      it('also removes a factor still pending', async () => {
        const user = await newUser();
        await mfa.savePendingTotp(user.id, 'JBSWY3DPEHPK3PXP', T0);
        expect(await mfa.disableTotp(user.id)).toBe(true);
        expect(await mfa.findTotp(user.id)).toBeNull();
      });

      it("touches nothing of another user's", async () => {
        const a = await userWithTotp(['a-1']);
        const b = await userWithTotp(['b-1']);
        await newSession(b.id, { deviceId: 'b-device' });
        await mfa.setDeviceTrust(b.id, 'b-device', T0 + DAY);
        await mfa.disableTotp(a.id);
        expect(await mfa.findTotp(b.id)).not.toBeNull();
        expect((await mfa.listRecoveryCodes(b.id)).map((c) => c.codeHash)).toEqual(['b-1']);
        expect(await mfa.trustedDeviceIds(b.id, T0)).toEqual(['b-device']);
      });

      it('lets the user enrol again afterwards', async () => {
        const user = await userWithTotp();
        await mfa.disableTotp(user.id);
        expect(await mfa.savePendingTotp(user.id, 'NEWSECRETDDDDDDD', T0 + DAY)).toBe(true);
        expect(await mfa.enableTotp(user.id, 10, ['fresh'], T0 + DAY)).toBe(true);
        // The step counter starts over with the new factor.
        expect(await mfa.useTotpStep(user.id, 11)).toBe(true);
      });
    });

    describe('challenges', () => {
      it('insertChallenge() then findChallenge() returns every field', async () => {
        const user = await newUser();
        const cookie = challengeRecord(user.id);
        const bearer = challengeRecord(user.id, {
          transport: 'bearer',
          clientId: 'mobile',
          device: JSON.stringify({ id: 'phone-1', name: "Zoë's 📱 <b>" }),
        });
        await mfa.insertChallenge(cookie);
        await mfa.insertChallenge(bearer);
        expect(await mfa.findChallenge(cookie.id)).toEqual(cookie);
        expect(await mfa.findChallenge(bearer.id)).toEqual(bearer);
      });

      it('findChallenge() is null for an unknown id', async () => {
        expect(await mfa.findChallenge('no-such-challenge-xxxx')).toBeNull();
      });

      it('consumeChallenge() uses a live challenge once and records when', async () => {
        const user = await newUser();
        const c = challengeRecord(user.id);
        await mfa.insertChallenge(c);
        expect(await mfa.consumeChallenge(c.id, T0 + MINUTE)).toBe(true);
        expect(await mfa.consumeChallenge(c.id, T0 + MINUTE + 1)).toBe(false);
        expect((await mfa.findChallenge(c.id))?.usedAt).toBe(T0 + MINUTE);
      });

      it('consumeChallenge() is false from the moment the challenge expires, and leaves it unused', async () => {
        const user = await newUser();
        const c = challengeRecord(user.id);
        await mfa.insertChallenge(c);
        expect(await mfa.consumeChallenge(c.id, c.expiresAt)).toBe(false);
        expect(await mfa.consumeChallenge(c.id, c.expiresAt + 1)).toBe(false);
        expect((await mfa.findChallenge(c.id))?.usedAt).toBeNull();
        expect(await mfa.consumeChallenge(c.id, c.expiresAt - 1)).toBe(true);
      });

      it('consumeChallenge() is false for an unknown id', async () => {
        expect(await mfa.consumeChallenge('no-such-challenge-xxxx', T0)).toBe(false);
      });

      it('of concurrent consumes of one challenge exactly one succeeds', async () => {
        const user = await newUser();
        const c = challengeRecord(user.id);
        await mfa.insertChallenge(c);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => mfa.consumeChallenge(c.id, T0 + i)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('trusted devices', () => {
      it('setDeviceTrust() trusts a known device of the user until the given time, and only past `now` counts', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'laptop-device' });
        const until = T0 + 30 * DAY;
        expect(await mfa.setDeviceTrust(user.id, 'laptop-device', until)).toBe(true);
        expect(await mfa.trustedDeviceIds(user.id, T0)).toEqual(['laptop-device']);
        expect(await mfa.trustedDeviceIds(user.id, until - 1)).toEqual(['laptop-device']);
        expect(await mfa.trustedDeviceIds(user.id, until)).toEqual([]);
        expect(await mfa.trustedDeviceIds(user.id, until + 1)).toEqual([]);
      });

      it("sessions on a trusted device read the device's trust", async () => {
        const user = await newUser();
        const s = await newSession(user.id, { deviceId: 'desk-device' });
        await mfa.setDeviceTrust(user.id, 'desk-device', T0 + DAY);
        expect((await store.findSession(s.id))?.session.deviceTrustedUntil).toBe(T0 + DAY);
      });

      it('setDeviceTrust() is false for a device the user never used, and trusts nothing', async () => {
        const user = await newUser();
        const other = await newUser();
        await newSession(other.id, { deviceId: 'someone-elses-device' });
        expect(await mfa.setDeviceTrust(user.id, 'never-seen-device', T0 + DAY)).toBe(false);
        expect(await mfa.setDeviceTrust(user.id, 'someone-elses-device', T0 + DAY)).toBe(false);
        expect(await mfa.trustedDeviceIds(user.id, T0)).toEqual([]);
        expect(await mfa.trustedDeviceIds(other.id, T0)).toEqual([]);
      });

      it('setDeviceTrust(null) ends the trust; clearing trust that is not there answers false', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'tablet-device' });
        await mfa.setDeviceTrust(user.id, 'tablet-device', T0 + DAY);
        expect(await mfa.setDeviceTrust(user.id, 'tablet-device', null)).toBe(true);
        expect(await mfa.trustedDeviceIds(user.id, T0)).toEqual([]);
        expect(await mfa.setDeviceTrust(user.id, 'tablet-device', null)).toBe(false);
        expect(await mfa.setDeviceTrust(user.id, 'never-seen-device', null)).toBe(false);
      });

      it('findDeviceTrust() answers the grant (client, token id, secret hash) while the trust lasts, for that user only', async () => {
        const user = await newUser();
        const other = await newUser();
        await newSession(user.id, { deviceId: 'granted-device' });
        await newSession(other.id, { deviceId: 'granted-device' });
        const grant = { clientId: 'desktop', tokenId: 'token-id-0000000000001', secretHash: 'hash-of-the-secret' };
        expect(await mfa.setDeviceTrust(user.id, 'granted-device', T0 + DAY, grant)).toBe(true);
        expect(await mfa.findDeviceTrust(user.id, 'granted-device', T0)).toEqual({ trustedUntil: T0 + DAY, ...grant });
        expect(await mfa.findDeviceTrust(user.id, 'granted-device', T0 + DAY)).toBeNull();
        expect(await mfa.findDeviceTrust(other.id, 'granted-device', T0)).toBeNull();
        expect(await mfa.findDeviceTrust(user.id, 'never-seen-device', T0)).toBeNull();
        // A browser's grant names the client only.
        await mfa.setDeviceTrust(user.id, 'granted-device', T0 + 2 * DAY, { clientId: 'web', tokenId: null, secretHash: null });
        expect(await mfa.findDeviceTrust(user.id, 'granted-device', T0)).toEqual({
          trustedUntil: T0 + 2 * DAY,
          clientId: 'web',
          tokenId: null,
          secretHash: null,
        });
      });

      it('findDeviceTrust() honours no trust without a grant, and clearing trust clears its grant', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'old-trust-device' });
        await mfa.setDeviceTrust(user.id, 'old-trust-device', T0 + DAY);
        expect(await mfa.trustedDeviceIds(user.id, T0)).toEqual(['old-trust-device']);
        expect(await mfa.findDeviceTrust(user.id, 'old-trust-device', T0)).toBeNull();
        await mfa.setDeviceTrust(user.id, 'old-trust-device', T0 + DAY, { clientId: 'desktop', tokenId: 'tid', secretHash: 'h' });
        expect(await mfa.setDeviceTrust(user.id, 'old-trust-device', null)).toBe(true);
        // Trust set again without a grant does not bring the old grant back.
        await mfa.setDeviceTrust(user.id, 'old-trust-device', T0 + DAY);
        expect(await mfa.findDeviceTrust(user.id, 'old-trust-device', T0)).toBeNull();
      });

      it('trustedDeviceIds() lists only the devices of that user still trusted', async () => {
        const user = await newUser();
        const other = await newUser();
        for (const d of ['dev-a', 'dev-b', 'dev-c', 'dev-d']) await newSession(user.id, { deviceId: d });
        await newSession(other.id, { deviceId: 'dev-a' });
        await mfa.setDeviceTrust(user.id, 'dev-a', T0 + DAY);
        await mfa.setDeviceTrust(user.id, 'dev-b', T0 + 2 * DAY);
        await mfa.setDeviceTrust(user.id, 'dev-c', T0 - 1); // trust that has already run out
        await mfa.setDeviceTrust(other.id, 'dev-a', T0 + DAY);
        expect((await mfa.trustedDeviceIds(user.id, T0)).sort()).toEqual(['dev-a', 'dev-b']);
        expect(await mfa.trustedDeviceIds(user.id, T0 + DAY)).toEqual(['dev-b']);
      });

      it('a later sign-in on a trusted device keeps its trust', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'kept-device' });
        await mfa.setDeviceTrust(user.id, 'kept-device', T0 + DAY);
        await newSession(user.id, { deviceId: 'kept-device', signedInAt: T0 + 1, lastActiveAt: T0 + 1 });
        expect(await mfa.trustedDeviceIds(user.id, T0 + 2)).toEqual(['kept-device']);
      });

      it('findDeviceTrust() answers with what the trust was granted to, while it lasts past `now`', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'phone-device' });
        await newSession(user.id, { deviceId: 'browser-device' });
        const native = { clientId: 'mobile', tokenId: 'device-token-id-00001', secretHash: 'hash-of-device-secret' };
        const browser = { clientId: 'web', tokenId: null, secretHash: null };
        expect(await mfa.setDeviceTrust(user.id, 'phone-device', T0 + DAY, native)).toBe(true);
        expect(await mfa.setDeviceTrust(user.id, 'browser-device', T0 + DAY, browser)).toBe(true);
        expect(await mfa.findDeviceTrust(user.id, 'phone-device', T0)).toEqual({ trustedUntil: T0 + DAY, ...native });
        expect(await mfa.findDeviceTrust(user.id, 'browser-device', T0 + DAY - 1)).toEqual({ trustedUntil: T0 + DAY, ...browser });
        expect(await mfa.findDeviceTrust(user.id, 'phone-device', T0 + DAY)).toBeNull();
      });

      it("findDeviceTrust() is null for a device without trust, never used, or another user's", async () => {
        const user = await newUser();
        const other = await newUser();
        await newSession(user.id, { deviceId: 'plain-device' });
        await newSession(other.id, { deviceId: 'their-device' });
        await mfa.setDeviceTrust(other.id, 'their-device', T0 + DAY, { clientId: 'web', tokenId: null, secretHash: null });
        expect(await mfa.findDeviceTrust(user.id, 'plain-device', T0)).toBeNull();
        expect(await mfa.findDeviceTrust(user.id, 'never-seen-device', T0)).toBeNull();
        expect(await mfa.findDeviceTrust(user.id, 'their-device', T0)).toBeNull();
      });

      it('a new grant replaces the previous one; clearing the trust clears its grant', async () => {
        const user = await newUser();
        await newSession(user.id, { deviceId: 'regranted-device' });
        await mfa.setDeviceTrust(user.id, 'regranted-device', T0 + DAY, {
          clientId: 'mobile',
          tokenId: 'old-token-id-00000001',
          secretHash: 'old',
        });
        await mfa.setDeviceTrust(user.id, 'regranted-device', T0 + 2 * DAY, {
          clientId: 'desktop',
          tokenId: 'new-token-id-00000001',
          secretHash: 'new',
        });
        expect(await mfa.findDeviceTrust(user.id, 'regranted-device', T0)).toEqual({
          trustedUntil: T0 + 2 * DAY,
          clientId: 'desktop',
          tokenId: 'new-token-id-00000001',
          secretHash: 'new',
        });
        await mfa.setDeviceTrust(user.id, 'regranted-device', null);
        expect(await mfa.findDeviceTrust(user.id, 'regranted-device', T0)).toBeNull();
        // Trust set again without a grant is not honoured by findDeviceTrust: the old grant is gone.
        await mfa.setDeviceTrust(user.id, 'regranted-device', T0 + DAY);
        expect(await mfa.findDeviceTrust(user.id, 'regranted-device', T0)).toBeNull();
      });

      it('disableTotp() ends granted trust too', async () => {
        const user = await userWithTotp();
        await newSession(user.id, { deviceId: 'granted-device' });
        await mfa.setDeviceTrust(user.id, 'granted-device', T0 + DAY, { clientId: 'web', tokenId: null, secretHash: null });
        await mfa.disableTotp(user.id);
        expect(await mfa.findDeviceTrust(user.id, 'granted-device', T0)).toBeNull();
      });

      it("Store.changePassword() with endDeviceTrust ends every device's trust of that user with the password (a reset)", async () => {
        const user = await newUser();
        const other = await newUser();
        await newSession(user.id, { deviceId: 'reset-laptop' });
        await newSession(user.id, { deviceId: 'reset-phone' });
        await newSession(other.id, { deviceId: 'reset-laptop' });
        for (const d of ['reset-laptop', 'reset-phone']) await mfa.setDeviceTrust(user.id, d, T0 + DAY);
        await mfa.setDeviceTrust(other.id, 'reset-laptop', T0 + DAY);

        // A change keeps trust unless asked; a reset asks.
        await store.changePassword(user.id, 'changed-hash', T0 + 1, null, 'password_changed');
        expect((await mfa.trustedDeviceIds(user.id, T0 + 2)).sort()).toEqual(['reset-laptop', 'reset-phone']);
        expect(
          await store.changePassword(user.id, 'reset-hash', T0 + 2, { userId: user.id }, 'password_reset', { endDeviceTrust: true }),
        ).toBe(2);
        expect(await mfa.trustedDeviceIds(user.id, T0 + 3)).toEqual([]);
        expect(await store.isKnownDevice(user.id, 'reset-laptop')).toBe(true);
        expect(await mfa.trustedDeviceIds(other.id, T0 + 3)).toEqual(['reset-laptop']);
      });
    });

    describe('recent authentication', () => {
      it('authenticatedAt() is null until set, then the time set (the latest)', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        const sibling = await newSession(user.id);
        expect(await mfa.authenticatedAt(s.id)).toBeNull();
        await mfa.setAuthenticatedAt(s.id, T0 + MINUTE);
        expect(await mfa.authenticatedAt(s.id)).toBe(T0 + MINUTE);
        await mfa.setAuthenticatedAt(s.id, T0 + 2 * MINUTE);
        expect(await mfa.authenticatedAt(s.id)).toBe(T0 + 2 * MINUTE);
        expect(await mfa.authenticatedAt(sibling.id)).toBeNull();
      });

      it('authenticatedAt() is null for an unknown session; setting it for one does nothing', async () => {
        await mfa.setAuthenticatedAt('no-such-session-id-xx', T0);
        expect(await mfa.authenticatedAt('no-such-session-id-xx')).toBeNull();
      });

      it('re-authenticating changes nothing else about the session', async () => {
        const user = await newUser();
        const s = await newSession(user.id);
        await mfa.setAuthenticatedAt(s.id, T0 + MINUTE);
        expect((await store.findSession(s.id))?.session).toEqual(s);
      });

      it('Store.rotateSession() carries the time to the new session', async () => {
        const user = await newUser();
        const old = await newSession(user.id);
        await mfa.setAuthenticatedAt(old.id, T0 + 7);
        const next = await store.rotateSession(old.id, user.id, { id: uniqueId('s'), secretHash: 'rotated' }, T0 + 8, 'rotated');
        expect(await mfa.authenticatedAt(next!.id)).toBe(T0 + 7);
      });
    });
  });
}
