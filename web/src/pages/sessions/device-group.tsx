/**
 * Several sessions on one device (a desktop app and a CLI on one laptop, one browser signed in
 * twice): listed together under the device's heading, as a nested list, each session still its
 * own row with its own Sign out. Which sessions share a device is the server's `device_group`
 * (an opaque name; device ids never leave the server). A device with one session is a plain row.
 */
import type { Session } from '../../api';
import { messages } from '../../messages';
import { SessionRow } from './session-row';

export type ListEntry = { kind: 'session'; session: Session } | { kind: 'device'; group: string; sessions: Session[] };

/**
 * The list as shown: `ordered` (current first, then most recent activity) with the sessions of a
 * device that holds two or more gathered where its first session stands. So the current device's
 * group comes first and the others follow their most recent activity; inside a group the order
 * is the list's own. Every session appears exactly once.
 */
export function groupByDevice(ordered: readonly Session[]): ListEntry[] {
  const byGroup = new Map<string, Session[]>();
  for (const s of ordered) {
    if (s.device_group == null) continue;
    const members = byGroup.get(s.device_group);
    if (members) members.push(s);
    else byGroup.set(s.device_group, [s]);
  }
  const entries: ListEntry[] = [];
  const placed = new Set<string>();
  for (const s of ordered) {
    const members = s.device_group == null ? undefined : byGroup.get(s.device_group);
    if (members === undefined || members.length < 2) {
      entries.push({ kind: 'session', session: s });
    } else if (!placed.has(s.device_group!)) {
      placed.add(s.device_group!);
      entries.push({ kind: 'device', group: s.device_group!, sessions: members });
    }
  }
  return entries;
}

export function deviceNameOf(session: Session): string {
  return session.device.name.trim() === '' ? messages.sessions.unknownDevice : session.device.name;
}

export interface DeviceGroupProps {
  group: string;
  sessions: Session[];
  now: Date;
  timeZone?: string;
  onSignOut: (session: Session, trigger: HTMLButtonElement) => void;
  onTrust?: (session: Session) => void;
  onUntrust?: (session: Session) => void;
  /** Ends every session on the device and its trust (the lost-device action); not offered for the device in use. */
  onSignOutDevice?: (sessions: Session[], trigger: HTMLButtonElement) => void;
}

/** One device's heading (name, system, how many sessions, "This device") and its sessions. */
export function DeviceGroup({ group, sessions, now, timeZone, onSignOut, onTrust, onUntrust, onSignOutDevice }: DeviceGroupProps) {
  const m = messages.sessions;
  const first = sessions[0]!;
  const name = deviceNameOf(first);
  const current = sessions.some((s) => s.current);
  // The group name is opaque and URL-safe (base64url), so it can name elements.
  const headingId = `device-${group}-name`;
  const os = first.device.os.trim();

  return (
    <li className={current ? 'device-group device-group-current' : 'device-group'} aria-labelledby={headingId}>
      <div className="device-group-head">
        <div className="device-group-title">
          <div className="session-head">
            <h3 id={headingId} className="session-name">
              {name}
            </h3>
            {current && <span className="badge badge-current">{m.thisDevice}</span>}
          </div>
          <p className="session-sub">
            {os !== '' && (
              <>
                <span>{os}</span>
                <span aria-hidden="true" className="sep">
                  ·
                </span>
              </>
            )}
            <span>{m.deviceSessions(sessions.length)}</span>
          </p>
        </div>
        {onSignOutDevice !== undefined && !current && (
          <button
            type="button"
            className="button"
            aria-label={m.signOutDeviceLabel(name, sessions.length)}
            onClick={(event) => onSignOutDevice(sessions, event.currentTarget)}
          >
            {m.signOutDevice}
          </button>
        )}
      </div>
      <ul className="sessions device-group-sessions" aria-label={m.deviceSessionsLabel(name)}>
        {sessions.map((s) => (
          <SessionRow
            key={s.id}
            session={s}
            now={now}
            timeZone={timeZone}
            headingLevel={4}
            onSignOut={onSignOut}
            onTrust={onTrust}
            onUntrust={onUntrust}
            // "Lost this device?" is the device's action here, once, on its heading.
          />
        ))}
      </ul>
    </li>
  );
}
