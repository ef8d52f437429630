/**
 * Personal access tokens on real parts (in-memory SQLite through the Kysely adapters): the secret's
 * shape and that only its hash is kept, what making a token checks, the cap on active tokens, who
 * may revoke, what verification refuses, and the timeline events. Only time and randomness are
 * faked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { connect, migrateToLatest } from '../adapters/kysely/connect.js';
import { kyselyPersonalTokenStore } from '../adapters/kysely/kysely-personal-token-store.js';
import { kyselyStore } from '../adapters/kysely/kysely-store.js';
import { Background } from './background.js';
import { SessiondError } from './errors.js';
import { Recorder, type DomainEvent, type RequestPlace } from './events.js';
import {
  looksLikePersonalToken,
  MAX_ACTIVE_TOKENS,
  PERSONAL_TOKEN_LENGTH,
  PersonalTokens,
  type NewPersonalToken,
} from './personal-tokens.js';
import type { Crypto } from './ports/crypto.js';
import type { PersonalTokenStore } from './ports/personal-token-store.js';
import type { Store } from './ports/store.js';
import type { Actor } from './security-events.js';
import { fixedClock, seededBytes, type TestClock } from './testing/fakes.js';
import { userRecord } from './testing/store.contract.js';
import { toBase64Url } from './token.js';

const DAY = 86_400_000;
const ACTOR: Actor = { kind: 'session', sessionId: 'session-1', ip: '81.2.69.160' };
const PLACE: RequestPlace = {
  ip: '81.2.69.160',
  location: { city: 'London', region: null, country: 'GB', latitude: 51.5, longitude: -0.12 },
};
const SEED = 7;
const INPUT: NewPersonalToken = { name: 'deploy script', scopes: ['api:read'], expiresInDays: 30 };

let clock: TestClock;
let store: Store;
let tokenStore: PersonalTokenStore;
let tokens: PersonalTokens;
let events: DomainEvent[];
let close: () => Promise<void>;

beforeEach(async () => {
  clock = fixedClock('2026-03-01T09:00:00Z');
  const { db } = connect('sqlite::memory:');
  await migrateToLatest(db);
  store = kyselyStore(db);
  tokenStore = kyselyPersonalTokenStore(db);
  events = [];
  const recorder = new Recorder(new Background(() => {}));
  recorder.add((e) => {
    events.push(e);
  });
  const crypto: Crypto = { randomBytes: seededBytes(SEED), sha256: nodeCrypto.sha256 };
  tokens = new PersonalTokens({ store: tokenStore, users: store, clock, crypto, recorder, scopes: ['api:read', 'api:write'] });
  close = () => store.close();
});
afterEach(async () => close());

async function user(): Promise<string> {
  const u = userRecord();
  await store.insertUser(u);
  return u.id;
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SessiondError) return err.code;
    throw err;
  }
  return 'ok';
}

const credentialEvents = () => events.filter((e) => e.type === 'credential_changed');

describe('making a token', () => {
  it('returns `sdpat_<id>.<secret>` from the Crypto port’s randomness, and keeps only sha256 of the secret', async () => {
    const u = await user();
    const { token, secret } = await tokens.create(u, INPUT, ACTOR, PLACE);
    // The secret, then the id, from the injected source: 32 bytes, then 16.
    const bytes = seededBytes(SEED);
    const secretPart = toBase64Url(bytes(32));
    const id = toBase64Url(bytes(16));
    expect(secret).toBe(`sdpat_${id}.${secretPart}`);
    expect(secret).toHaveLength(PERSONAL_TOKEN_LENGTH);
    expect(looksLikePersonalToken(secret)).toBe(true);
    expect(token).toEqual({
      id,
      userId: u,
      name: 'deploy script',
      tokenHash: nodeCrypto.sha256(secretPart),
      scopes: ['api:read'],
      createdAt: clock.now(),
      expiresAt: clock.now() + 30 * DAY,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: null,
    });
    const stored = await tokenStore.findPersonalToken(id);
    expect(stored).toEqual(token);
    expect(JSON.stringify(stored)).not.toContain(secretPart);
  });

  it('is on the owner’s timeline by its name, with where it was made and by whom', async () => {
    const u = await user();
    await tokens.create(u, { ...INPUT, name: '  laptop  ' }, ACTOR, PLACE);
    expect(credentialEvents()).toEqual([
      { type: 'credential_changed', at: clock.now(), userId: u, change: 'token_created', name: 'laptop', place: PLACE, actor: ACTOR },
    ]);
  });

  it('takes a trimmed name of 1 to 64 characters on one line, and refuses anything else without writing', async () => {
    const u = await user();
    const name = async (text: string) => {
      clock.advance(1);
      return code(tokens.create(u, { ...INPUT, name: text }, ACTOR, PLACE));
    };
    for (const bad of [
      '',
      '   ',
      'x'.repeat(65),
      'two\nlines',
      'tab\there',
      'nul\u0000',
      'bell\u0007',
      'rtl\u202eexe.txt',
      'sep\u2028x',
      'del\u007f',
    ])
      expect(await name(bad), JSON.stringify(bad)).toBe('invalid_request');
    expect(await tokens.list(u)).toEqual([]);
    expect(credentialEvents()).toEqual([]);
    // 64 characters, counted as characters (each emoji is two UTF-16 units), and trimmed first.
    expect(await name('🔑'.repeat(64))).toBe('ok');
    expect(await name(` ${'y'.repeat(64)} `)).toBe('ok');
    expect(await name('Grüße — CI (staging)')).toBe('ok');
    expect((await tokens.list(u)).map((t) => t.name)).toEqual(['Grüße — CI (staging)', 'y'.repeat(64), '🔑'.repeat(64)]);
  });

  it('takes a non-empty subset of the configured scopes, each once in the configured order', async () => {
    const u = await user();
    const scopes = async (list: string[]) => code(tokens.create(u, { ...INPUT, scopes: list }, ACTOR, PLACE));
    for (const bad of [[], ['admin'], ['api:read', 'api:admin'], ['API:READ'], [' api:read']])
      expect(await scopes(bad), JSON.stringify(bad)).toBe('invalid_request');
    const made = await tokens.create(u, { ...INPUT, scopes: ['api:write', 'api:read', 'api:write'] }, ACTOR, PLACE);
    expect(made.token.scopes).toEqual(['api:read', 'api:write']);
    expect(tokens.scopes).toEqual(['api:read', 'api:write']);
  });

  it('expires in 1 to 365 whole days, or never', async () => {
    const u = await user();
    const days = async (n: number | null) => code(tokens.create(u, { ...INPUT, expiresInDays: n }, ACTOR, PLACE));
    for (const bad of [0, -1, 366, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(await days(bad), String(bad)).toBe('invalid_request');
    const one = await tokens.create(u, { ...INPUT, expiresInDays: 1 }, ACTOR, PLACE);
    const year = await tokens.create(u, { ...INPUT, expiresInDays: 365 }, ACTOR, PLACE);
    const never = await tokens.create(u, { ...INPUT, expiresInDays: null }, ACTOR, PLACE);
    expect(one.token.expiresAt).toBe(clock.now() + DAY);
    expect(year.token.expiresAt).toBe(clock.now() + 365 * DAY);
    expect(never.token.expiresAt).toBeNull();
  });

  it(`allows ${MAX_ACTIVE_TOKENS} active tokens per account; revoked and expired ones do not count`, async () => {
    const u = await user();
    const other = await user();
    const first = await tokens.create(u, { ...INPUT, expiresInDays: 1 }, ACTOR, PLACE);
    for (let i = 1; i < MAX_ACTIVE_TOKENS; i++) await tokens.create(u, { ...INPUT, name: `t${i}` }, ACTOR, PLACE);
    const refused = tokens.create(u, INPUT, ACTOR, PLACE);
    await expect(refused).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining(`${MAX_ACTIVE_TOKENS}`) });
    expect(await tokens.list(u)).toHaveLength(MAX_ACTIVE_TOKENS);
    expect(credentialEvents()).toHaveLength(MAX_ACTIVE_TOKENS);
    // Someone else's cap is their own.
    expect(await code(tokens.create(other, INPUT, ACTOR, PLACE))).toBe('ok');
    // The first one expires: room for one more, and only one.
    clock.advance(DAY);
    expect(await code(tokens.create(u, INPUT, ACTOR, PLACE))).toBe('ok');
    expect(await code(tokens.create(u, INPUT, ACTOR, PLACE))).toBe('forbidden');
    const newest = (await tokens.list(u))[0]!;
    await tokens.revoke(u, newest.id, ACTOR);
    expect(await code(tokens.create(u, INPUT, ACTOR, PLACE))).toBe('ok');
    expect(await tokens.verify(first.secret, null)).toBeNull();
  });
});

describe('the list', () => {
  it('shows the account’s active tokens newest first; an expired or revoked one leaves it', async () => {
    const u = await user();
    const other = await user();
    const a = await tokens.create(u, { ...INPUT, name: 'a', expiresInDays: 2 }, ACTOR, PLACE);
    clock.advance(1_000);
    const b = await tokens.create(u, { ...INPUT, name: 'b', expiresInDays: null }, ACTOR, PLACE);
    clock.advance(1_000);
    const c = await tokens.create(u, { ...INPUT, name: 'c' }, ACTOR, PLACE);
    await tokens.create(other, { ...INPUT, name: 'theirs' }, ACTOR, PLACE);
    expect((await tokens.list(u)).map((t) => t.name)).toEqual(['c', 'b', 'a']);
    await tokens.revoke(u, c.token.id, ACTOR);
    expect((await tokens.list(u)).map((t) => t.id)).toEqual([b.token.id, a.token.id]);
    clock.set(a.token.expiresAt!);
    expect((await tokens.list(u)).map((t) => t.id)).toEqual([b.token.id]);
  });
});

describe('revoking', () => {
  it('ends one token at once, by its owner only; another’s, unknown or revoked ids are not_found', async () => {
    const u = await user();
    const other = await user();
    const mine = await tokens.create(u, INPUT, ACTOR, PLACE);
    const theirs = await tokens.create(other, { ...INPUT, name: 'theirs' }, ACTOR, PLACE);
    events.length = 0;
    expect(await code(tokens.revoke(u, theirs.token.id, ACTOR))).toBe('not_found');
    expect(await code(tokens.revoke(u, 'AAAAAAAAAAAAAAAAAAAAAA', ACTOR))).toBe('not_found');
    expect(await tokens.verify(theirs.secret, null)).not.toBeNull();
    expect(credentialEvents()).toEqual([]);
    await tokens.revoke(u, mine.token.id, ACTOR, PLACE);
    expect(await tokens.verify(mine.secret, null)).toBeNull();
    expect(await code(tokens.revoke(u, mine.token.id, ACTOR))).toBe('not_found');
    expect(credentialEvents()).toEqual([
      {
        type: 'credential_changed',
        at: clock.now(),
        userId: u,
        change: 'token_revoked',
        name: 'deploy script',
        place: PLACE,
        actor: ACTOR,
      },
    ]);
  });

  it('revokeAll ends every active token of the account, each on the timeline, and nobody else’s', async () => {
    const u = await user();
    const other = await user();
    const made = [];
    for (const name of ['one', 'two', 'three']) {
      clock.advance(1);
      made.push(await tokens.create(u, { ...INPUT, name }, ACTOR, PLACE));
    }
    await tokens.revoke(u, made[2]!.token.id, ACTOR);
    const theirs = await tokens.create(other, INPUT, ACTOR, PLACE);
    events.length = 0;
    const signOut: Actor = { kind: 'session', sessionId: 'session-2', ip: '8.8.8.8' };
    expect(await tokens.revokeAll(u, signOut)).toBe(2);
    for (const m of made) expect(await tokens.verify(m.secret, null)).toBeNull();
    expect(await tokens.list(u)).toEqual([]);
    expect(await tokens.verify(theirs.secret, null)).not.toBeNull();
    expect(credentialEvents().map((e) => e.type === 'credential_changed' && [e.change, e.name, e.actor])).toEqual([
      ['token_revoked', 'two', signOut],
      ['token_revoked', 'one', signOut],
    ]);
    expect(await tokens.revokeAll(u, signOut)).toBe(0);
  });
});

describe('verification', () => {
  it('answers whose token it is, its scopes and times; records the use at most once a minute', async () => {
    const u = await user();
    const { token, secret } = await tokens.create(u, { ...INPUT, scopes: ['api:read', 'api:write'] }, ACTOR, PLACE);
    clock.advance(5_000);
    expect(await tokens.verify(secret, '198.51.100.7')).toEqual({
      userId: u,
      tokenId: token.id,
      scopes: ['api:read', 'api:write'],
      expiresAt: token.expiresAt,
      createdAt: token.createdAt,
    });
    const firstUse = clock.now();
    expect(await tokenStore.findPersonalToken(token.id)).toMatchObject({ lastUsedAt: firstUse, lastUsedIp: '198.51.100.7' });
    clock.advance(59_999);
    expect(await tokens.verify(secret, '203.0.113.9')).not.toBeNull();
    expect(await tokenStore.findPersonalToken(token.id)).toMatchObject({ lastUsedAt: firstUse, lastUsedIp: '198.51.100.7' });
    clock.advance(1);
    expect(await tokens.verify(secret, '203.0.113.9')).not.toBeNull();
    expect(await tokenStore.findPersonalToken(token.id)).toMatchObject({ lastUsedAt: clock.now(), lastUsedIp: '203.0.113.9' });
    expect((await tokens.list(u))[0]).toMatchObject({ lastUsedAt: clock.now(), lastUsedIp: '203.0.113.9' });
  });

  it('refuses anything but the exact secret of a live token', async () => {
    const u = await user();
    const { token, secret } = await tokens.create(u, INPUT, ACTOR, PLACE);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [
      flip(secret, secret.length - 1),
      flip(secret, 10),
      secret.slice('sdpat_'.length),
      `swk_${secret.slice('sdpat_'.length)}`,
      `${secret}x`,
      secret.slice(0, -1),
      `sdpat_${token.id}.${'_'.repeat(43)}`,
      '',
    ])
      expect(await tokens.verify(bad, null), bad).toBeNull();
    expect((await tokenStore.findPersonalToken(token.id))?.lastUsedAt).toBeNull();
    expect(await tokens.verify(secret, null)).not.toBeNull();
  });

  it('refuses a token from its expiry on', async () => {
    const u = await user();
    const { token, secret } = await tokens.create(u, { ...INPUT, expiresInDays: 1 }, ACTOR, PLACE);
    clock.set(token.expiresAt! - 1);
    expect(await tokens.verify(secret, null)).not.toBeNull();
    clock.set(token.expiresAt!);
    expect(await tokens.verify(secret, null)).toBeNull();
  });

  it('a never-expiring token stays live until revoked', async () => {
    const u = await user();
    const { secret } = await tokens.create(u, { ...INPUT, expiresInDays: null }, ACTOR, PLACE);
    clock.advance(10 * 365 * DAY);
    expect(await tokens.verify(secret, null)).toMatchObject({ expiresAt: null });
  });

  it('refuses the tokens of a disabled account for as long as it is disabled', async () => {
    const u = await user();
    const { secret } = await tokens.create(u, INPUT, ACTOR, PLACE);
    await store.disableUser(u, clock.now(), 'admin');
    expect(await tokens.verify(secret, null)).toBeNull();
    await store.enableUser(u);
    expect(await tokens.verify(secret, null)).not.toBeNull();
  });
});
