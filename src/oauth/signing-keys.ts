/**
 * The provider's signing keys: stored in the database (sealed by the secret box), shared by every
 * node, rotated without a flag day.
 *
 * A key is *published* (in the JWKS) from when it is made, and *signs* from `activatesAt`. A new
 * key is made a day before it takes over, so relying parties that cache the JWKS already hold it
 * when the first token signed with it arrives; the key it replaces keeps being published for a
 * week, so tokens it signed (ID tokens, logout tokens: minutes to an hour) still verify. Two nodes
 * that rotate at the same moment each add a key; both are published and every node signs with the
 * same one (the newest active, ties broken by kid), so nothing breaks.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { OidcKeyRecord, OidcStore } from '../core/ports/oidc-store.js';
import type { SecretBox } from '../core/ports/secret-box.js';

const DAY_MS = 24 * 3600 * 1000;
/** How long a key signs before the next one takes over. */
export const KEY_LIFETIME_MS = 90 * DAY_MS;
/** How long a new key is published before it signs. */
export const KEY_PREPUBLISH_MS = DAY_MS;
/** How long a replaced key stays published. */
export const KEY_RETIRED_PUBLISHED_MS = 7 * DAY_MS;

/** RS256: what OpenID Connect requires every relying party to accept for ID tokens. */
const ALG = 'RS256';

export interface SigningKeySet {
  /** Private JWKs, the signing key first (oidc-provider signs with the first key that fits). */
  jwks: { keys: Record<string, unknown>[] };
  /** Changes whenever the published set or the signing key changes. */
  fingerprint: string;
}

function context(kid: string): string {
  return `oidc_keys:${kid}`;
}

function newKey(box: SecretBox, now: number, activatesAt: number): OidcKeyRecord {
  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: ALG, use: 'sig' };
  return { kid, alg: ALG, privateJwkSealed: box.seal(JSON.stringify(jwk), context(kid)), createdAt: now, activatesAt, retiresAt: null };
}

/** The key that signs at `now`: the newest active one; ties broken by kid so every node agrees. */
function signingKey(keys: readonly OidcKeyRecord[], now: number): OidcKeyRecord | null {
  const active = keys.filter((k) => k.activatesAt <= now && (k.retiresAt === null || k.retiresAt > now));
  active.sort((a, b) => b.activatesAt - a.activatesAt || (a.kid < b.kid ? 1 : -1));
  return active[0] ?? null;
}

/**
 * Brings the stored keys up to date for `now` (makes the first key, pre-publishes the next,
 * retires the replaced) and returns what the provider should use.
 */
export async function currentSigningKeys(store: OidcStore, box: SecretBox, now: number): Promise<SigningKeySet> {
  let keys = await store.listKeys();
  let signer = signingKey(keys, now);
  if (!signer) {
    await store.insertKey(newKey(box, now, now));
    keys = await store.listKeys();
    signer = signingKey(keys, now)!;
  }
  // The next key, published a day before it signs.
  const pending = keys.some((k) => k.activatesAt > now && k.retiresAt === null);
  if (!pending && signer.activatesAt + KEY_LIFETIME_MS - KEY_PREPUBLISH_MS <= now) {
    await store.insertKey(newKey(box, now, now + KEY_PREPUBLISH_MS));
    keys = await store.listKeys();
  }
  // Keys a newer active key replaced: published a week more, then gone.
  for (const key of keys) {
    if (key.retiresAt === null && key.activatesAt < signer.activatesAt) {
      await store.retireKey(key.kid, now + KEY_RETIRED_PUBLISHED_MS);
      key.retiresAt = now + KEY_RETIRED_PUBLISHED_MS;
    }
  }
  const published = keys.filter((k) => k.retiresAt === null || k.retiresAt > now);
  const ordered = [signer, ...published.filter((k) => k.kid !== signer.kid).sort((a, b) => (a.kid < b.kid ? -1 : 1))];
  return {
    jwks: { keys: ordered.map((k) => JSON.parse(box.open(k.privateJwkSealed, context(k.kid))) as Record<string, unknown>) },
    fingerprint: ordered.map((k) => k.kid).join(','),
  };
}
