/**
 * The revocation wire format, shared by the Redis and PostgreSQL buses, the SSE stream and the
 * SDK. Ids only, never tokens.
 */
import type { RevocationEvent } from './ports/revocation-bus.js';

export const CHANNEL = 'sessiond_revocations';

export type WireMessage = RevocationEvent | { kind: 'heartbeat'; node: string };

export function encode(message: WireMessage): string {
  return JSON.stringify(message);
}

export function decode(text: string): WireMessage | null {
  try {
    const m = JSON.parse(text) as Partial<WireMessage>;
    if (m.kind === 'session' && typeof m.userId === 'string' && typeof m.sessionId === 'string')
      return { kind: 'session', userId: m.userId, sessionId: m.sessionId };
    if (m.kind === 'user' && typeof m.userId === 'string') return { kind: 'user', userId: m.userId };
    if (m.kind === 'heartbeat' && typeof m.node === 'string') return { kind: 'heartbeat', node: m.node };
  } catch {
    // fall through: a message we cannot read is ignored
  }
  return null;
}
