/** A passkey as the API shows it to its owner (never the credential id or public key). */
import { authenticatorName } from '../../core/passkeys.js';
import type { PasskeyRecord } from '../../core/ports/passkey-store.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function passkeyView(p: PasskeyRecord) {
  return {
    id: p.id,
    name: p.name,
    created_at: iso(p.createdAt),
    last_used_at: p.lastUsedAt === null ? null : iso(p.lastUsedAt),
    backed_up: p.backedUp,
    authenticator: authenticatorName(p.aaguid),
  };
}
