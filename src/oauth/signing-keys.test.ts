/**
 * The provider's signing keys on a real SQLite store: made once and shared, the next one published
 * a day before it signs, the replaced one published a week more, never a private key in the JWKS.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyOidcStore } from '../adapters/kysely/kysely-oidc-store.js';
import { aesGcmSecretBox } from '../adapters/crypto/secret-box.js';
import type { OidcStore } from '../core/ports/oidc-store.js';
import { currentSigningKeys, KEY_LIFETIME_MS, KEY_PREPUBLISH_MS, KEY_RETIRED_PUBLISHED_MS } from './signing-keys.js';

const box = aesGcmSecretBox([randomBytes(32)]);
const T0 = Date.parse('2026-03-01T09:00:00Z');
const DAY = 24 * 3600 * 1000;
let store: OidcStore;

beforeEach(async () => {
  const { db } = connect('sqlite::memory:');
  await migrateToLatest(db);
  store = kyselyOidcStore(db);
});

const kids = (set: Awaited<ReturnType<typeof currentSigningKeys>>) => set.jwks.keys.map((k) => k.kid as string);

describe('signing keys', () => {
  it('makes one RS256 key at first start, stored sealed; a second node (or restart) uses the same', async () => {
    const first = await currentSigningKeys(store, box, T0);
    expect(first.jwks.keys).toHaveLength(1);
    expect(first.jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(first.jwks.keys[0]!.d).toBeDefined();
    const [stored] = await store.listKeys();
    expect(stored!.privateJwkSealed).not.toContain('"d"');
    expect(box.isSealed(stored!.privateJwkSealed)).toBe(true);
    expect(kids(await currentSigningKeys(store, box, T0 + DAY))).toEqual(kids(first));
  });

  it('publishes the next key a day before it signs, then signs with it and keeps the old one published a week', async () => {
    const first = kids(await currentSigningKeys(store, box, T0))[0]!;
    // A day before the lifetime ends: the next key is published, the old one still signs (first).
    const prepublish = T0 + KEY_LIFETIME_MS - KEY_PREPUBLISH_MS;
    const before = await currentSigningKeys(store, box, prepublish);
    expect(kids(before)).toHaveLength(2);
    expect(kids(before)[0]).toBe(first);
    const next = kids(before)[1]!;
    // Once it is active it signs; the old one stays published for a week, then goes.
    const switched = await currentSigningKeys(store, box, prepublish + KEY_PREPUBLISH_MS);
    expect(kids(switched)).toEqual([next, first]);
    expect(switched.fingerprint).not.toBe(before.fingerprint);
    const later = await currentSigningKeys(store, box, prepublish + KEY_PREPUBLISH_MS + KEY_RETIRED_PUBLISHED_MS + 1);
    expect(kids(later)).toEqual([next]);
  });

  it('two nodes that rotate at once both publish, and every node signs with the same key', async () => {
    await currentSigningKeys(store, box, T0);
    const due = T0 + KEY_LIFETIME_MS - KEY_PREPUBLISH_MS;
    const [a, b] = await Promise.all([currentSigningKeys(store, box, due), currentSigningKeys(store, box, due)]);
    const after = due + KEY_PREPUBLISH_MS;
    const [c, d] = await Promise.all([currentSigningKeys(store, box, after), currentSigningKeys(store, box, after)]);
    expect(kids(c)[0]).toBe(kids(d)[0]);
    expect(new Set([...kids(a), ...kids(b)]).size).toBeGreaterThanOrEqual(2);
  });
});
