/**
 * Device replacement: a phone or laptop was lost, stolen or handed in. Every session of the user
 * on that device ends (one statement, through Revocation, so every node refuses them at once and
 * the timeline names them) and the device loses its trust, so whoever holds it next must pass the
 * second factor again. The device is named by one of its sessions, as the user and admins see
 * them in the Active sessions list (device ids are not shown: a browser's is the hash of its
 * cookie). Entry points: the member on their own page, and a workspace admin (Workspaces).
 */
import type { Mfa } from './mfa.js';
import type { Crypto } from './ports/crypto.js';
import type { SecretBox } from './ports/secret-box.js';
import type { SessionStore } from './ports/store.js';
import type { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import type { RevokeReason } from './session.js';

export interface DeviceDeps {
  store: Pick<SessionStore, 'findSession'>;
  revocation: Pick<Revocation, 'endMatching'>;
  mfa: Pick<Mfa, 'trustedDeviceIds' | 'untrustDevice'>;
  crypto: Pick<Crypto, 'sha256'>;
  /** Keys the device group (`group`), so a guessable native `device.id` cannot be found from it. */
  secretBox: Pick<SecretBox, 'macs'>;
}

/** Length of a device group: 22 base64url characters, 132 bits of the keyed digest. */
const GROUP_LENGTH = 22;

export interface DeviceReplaced {
  /** The device's id; null when the session named no device (then only that session ended). */
  deviceId: string | null;
  /** Sessions that ended (0 when they had all ended already). */
  revoked: number;
  /** Whether the device was trusted (it no longer is). */
  untrusted: boolean;
}

export class Devices {
  readonly #deps: DeviceDeps;

  constructor(deps: DeviceDeps) {
    this.#deps = deps;
  }

  /**
   * Which of a user's sessions share a device, without naming the device: an opaque string, the
   * same for every session of `userId` with this device id (a browser's device cookie, a native
   * app's `device.id`), different for another device or another user; null without a device id.
   * A keyed digest (HMAC-SHA-256 under the secret key, then SHA-256, cut to 22 characters): it is
   * not the stored device id and cannot be turned back into it, even for a guessable native id.
   * Stable while the secret key is (a key rotation renames every group). It groups rows on a
   * page; it decides nothing: trust and revocation stay bound to the device id and the client.
   */
  group(userId: string, deviceId: string | null): string | null {
    if (deviceId === null) return null;
    const { secretBox, crypto } = this.#deps;
    return crypto.sha256(secretBox.macs(`device-group\u0000${userId}\u0000${deviceId}`)[0]!).slice(0, GROUP_LENGTH);
  }

  /** The device `sessionId` ran on, when it is a session (active or ended) of the user; else null. */
  async deviceOf(userId: string, sessionId: string): Promise<{ deviceId: string | null } | null> {
    const found = await this.#deps.store.findSession(sessionId);
    return found && found.session.userId === userId ? { deviceId: found.session.deviceId } : null;
  }

  /**
   * Ends every session of the user on the device `sessionId` ran on and untrusts the device.
   * Null when `sessionId` is not a session of the user (the caller answers 404).
   */
  async replace(userId: string, sessionId: string, actor: Actor, reason: RevokeReason): Promise<DeviceReplaced | null> {
    const { revocation, mfa } = this.#deps;
    const device = await this.deviceOf(userId, sessionId);
    if (!device) return null;
    const revoked = await revocation.endMatching({ userId, deviceOfSessionId: sessionId }, actor, reason);
    const { deviceId } = device;
    const untrusted = deviceId !== null && (await mfa.trustedDeviceIds(userId)).has(deviceId);
    if (deviceId !== null) await mfa.untrustDevice(userId, deviceId, actor);
    return { deviceId, revoked, untrusted };
  }
}
