/**
 * The revocation wire format, shared by the Redis and PostgreSQL buses, the SSE stream and the
 * SDK. Ids only, never tokens; and `at`, when the revoking node committed (readers that do not
 * know it ignore it, and messages without it are read as before).
 */
import type { RevocationEvent, RevocationSubject } from './ports/revocation-bus.js';

export const CHANNEL = 'sessiond_revocations';

/**
 * The Redis channel of a deployment: `<prefix>:revocations`, the prefix being sessiond's
 * `--redis-prefix` (by default named after the database). Pub/sub channels are global to a Redis
 * server, whatever database number is selected, so deployments sharing one Redis must differ in
 * prefix or they hear each other's revocations. The SDK computes the same name from the same prefix.
 */
export function redisRevocationChannel(prefix: string): string {
  return `${prefix}:revocations`;
}

export type WireMessage = RevocationEvent | { kind: 'heartbeat'; node: string };

export function encode(message: WireMessage): string {
  return JSON.stringify(message);
}

export function decode(text: string): WireMessage | null {
  try {
    const m = JSON.parse(text) as Partial<Record<string, unknown>>;
    const event = subject(m);
    if (event) return typeof m.at === 'number' && Number.isFinite(m.at) ? { ...event, at: m.at } : event;
    if (m.kind === 'heartbeat' && typeof m.node === 'string') return { kind: 'heartbeat', node: m.node };
  } catch {
    // fall through: a message we cannot read is ignored
  }
  return null;
}

/** The known fields of a revocation, nothing else; `at` is optional (older publishers omit it). */
function subject(m: Partial<Record<string, unknown>>): RevocationSubject | null {
  if (m.kind === 'session' && typeof m.userId === 'string' && typeof m.sessionId === 'string')
    return { kind: 'session', userId: m.userId, sessionId: m.sessionId };
  if (m.kind === 'user' && typeof m.userId === 'string') return { kind: 'user', userId: m.userId };
  if (m.kind === 'policies' && typeof m.workspaceId === 'string') return { kind: 'policies', workspaceId: m.workspaceId };
  if (m.kind === 'service-key' && typeof m.keyId === 'string') return { kind: 'service-key', keyId: m.keyId };
  return null;
}
