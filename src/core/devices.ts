/**
 * Device replacement: a phone or laptop was lost, stolen or handed in. Every session of the user
 * on that device ends (one statement, through Revocation, so every node refuses them at once and
 * the timeline names them) and the device loses its trust, so whoever holds it next must pass the
 * second factor again. The device is named by one of its sessions, as the user and admins see
 * them in the Active sessions list (device ids are not shown: a browser's is the hash of its
 * cookie). Entry points: the member on their own page, and a workspace admin (Workspaces).
 */
import type { Mfa } from './mfa.js';
import type { SessionStore } from './ports/store.js';
import type { Revocation } from './revocation.js';
import type { Actor } from './security-events.js';
import type { RevokeReason } from './session.js';

export interface DeviceDeps {
  store: Pick<SessionStore, 'findSession'>;
  revocation: Pick<Revocation, 'endMatching'>;
  mfa: Pick<Mfa, 'trustedDeviceIds' | 'untrustDevice'>;
}

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
