/**
 * Sign-up on real parts (SQLite store, argon2 at a test cost, the memory limiter, the real mail
 * templates and the SecuritySignals mail sink); only time is faked, and mail is captured where it
 * is handed to the mailer. What a user would notice:
 *
 * - `direct`: the account exists at once and can sign in; never an admin; a taken address says so.
 * - `email`: every plausible request answers the same (`link_sent`) whether or not the address has
 *   an account — a new address gets a single-use, expiring link that creates the account, the
 *   owner of a taken one is told someone tried. Limits per IP (429 with when to retry) and per
 *   address (still `link_sent`, but no more mail).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../adapters/crypto/node-crypto.js';
import { argon2PasswordHasher } from '../adapters/password/argon2-password-hasher.js';
import { memoryRateLimiter } from '../adapters/rate-limit/memory-rate-limiter.js';
import { Background } from './background.js';
import { isSessiondError } from './errors.js';
import type { RequestPlace } from './events.js';
import { describeLocation, signUpAttemptMail, signUpConfirmMail } from './mail-templates.js';
import type { Mail } from './ports/mailer.js';
import { SignUp, type SignUpMode } from './sign-up.js';
import { context, LONDON, PASSWORD, useCases, type UseCases } from '../../test/support/use-cases.js';

const TTL_MS = 30 * 60_000;
const IP_LIMIT = { limit: 4, windowMs: 60_000 };
const ADDRESS_LIMIT = { limit: 2, windowMs: 3_600_000 };
const LINKS = { productName: 'sessiond', publicUrl: 'https://sessiond.test', reportLinkTtlMs: 7 * 86_400_000 };
const NOWHERE = { city: null, region: null, country: null, latitude: null, longitude: null };
const at = (ip: string): RequestPlace => ({ ip, location: NOWHERE });

let u: UseCases;
let background: Background;
let n = 0;

beforeEach(async () => {
  u = await useCases();
  background = new Background((err) => u.reported.push(err));
});
afterEach(async () => {
  await background.idle();
  await u.close();
});

const address = () => `new-${++n}@example.com`;

/** A SignUp wired as the server wires it, over this test's store, clock, recorder and mail. */
function signUp(mode: SignUpMode, options: { send?: (m: Mail) => Promise<void> } = {}) {
  const passwords = argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  return new SignUp({
    mode,
    accounts: u.accounts,
    store: u.store,
    clock: u.clock,
    crypto: nodeCrypto,
    passwords,
    passwordPolicy: { minLength: 15, maxLength: 1024 },
    rateLimiter: memoryRateLimiter(u.clock),
    limits: { perIp: IP_LIMIT, perAddress: ADDRESS_LIMIT },
    ipv6LimitPrefix: 64,
    tokenTtlMs: TTL_MS,
    mailer: {
      send:
        options.send ??
        (async (m) => {
          u.mail.push(m);
        }),
    },
    background,
    links: LINKS,
    recorder: u.recorder,
  });
}

/** Waits for the sign-up's mail, then for what the recorded events set off (the "someone tried" mail). */
async function idle() {
  await background.idle();
  await u.idle();
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isSessiondError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

const mailTo = (to: string) => u.mail.filter((m) => m.to === to);

/** The token of the confirm link in a mail (undefined when the mail has none). */
const tokenIn = (mail: Mail) => {
  const m = /\/sign-up\/confirm\?token=([^\s"]+)/.exec(mail.text)?.[1];
  return m === undefined ? undefined : decodeURIComponent(m);
};

/** Requests sign-up by mail and returns the token of the link it mailed. */
async function requestLink(s: SignUp, email: string, extra: { name?: string | null; place?: RequestPlace } = {}) {
  expect(await s.request({ email, password: PASSWORD, name: extra.name }, extra.place ?? LONDON)).toEqual({ kind: 'link_sent' });
  await idle();
  const token = tokenIn(u.mail.at(-1)!);
  if (token === undefined) throw new Error('no link was mailed');
  return token;
}

/** Whether the password signs in to the address (false for `invalid_credentials`). */
async function canSignIn(email: string, password = PASSWORD): Promise<boolean> {
  try {
    return (
      (await u.signIn.withPassword({ email, password, clientId: 'web', transport: 'cookie', device: null }, context())).kind === 'session'
    );
  } catch (err) {
    if (isSessiondError(err) && err.code === 'invalid_credentials') return false;
    throw err;
  }
}

describe('SignUp in direct mode', () => {
  it('creates the account at once, which signs in with its password, and mails nothing', async () => {
    const s = signUp('direct');
    expect(s.mode).toBe('direct');
    const email = address();
    const result = await s.request({ email, password: PASSWORD, name: 'Ada' }, LONDON);
    if (result.kind !== 'created') throw new Error(`expected created, got ${result.kind}`);
    expect(result.user).toMatchObject({ email, name: 'Ada', isAdmin: false });
    expect(await u.store.findUserById(result.user.id)).toEqual(result.user);
    expect(await canSignIn(email)).toBe(true);
    await idle();
    expect(u.mail).toEqual([]);
  });

  it('never makes an admin, whatever the request carries', async () => {
    const s = signUp('direct');
    const input = { email: address(), password: PASSWORD, isAdmin: true } as unknown as Parameters<SignUp['request']>[0];
    const result = await s.request(input, LONDON);
    if (result.kind !== 'created') throw new Error('expected created');
    expect(result.user.isAdmin).toBe(false);
    expect((await u.store.findUserById(result.user.id))?.isAdmin).toBe(false);
  });

  it('says a taken address is taken (there is no mail to prove it with)', async () => {
    const s = signUp('direct');
    const email = address();
    await s.request({ email, password: PASSWORD }, LONDON);
    expect(await codeOf(s.request({ email: email.toUpperCase(), password: 'another long passphrase 1' }, LONDON))).toBe('email_taken');
    expect(await canSignIn(email)).toBe(true);
  });
});

describe('SignUp by mail: the request', () => {
  it('answers link_sent and mails a new address the confirm link (the real template, with the link’s lifetime); no account yet', async () => {
    const s = signUp('email');
    expect(s.mode).toBe('email');
    const email = address();
    const token = await requestLink(s, email);
    expect(u.mail).toHaveLength(1);
    const expected = signUpConfirmMail({
      product: LINKS.productName,
      confirmUrl: `${LINKS.publicUrl}/sign-up/confirm?token=${encodeURIComponent(token)}`,
      expiresInMinutes: TTL_MS / 60_000,
    });
    expect(u.mail[0]).toEqual({ to: email, ...expected });
    expect(await u.store.findUserByEmailKey(email)).toBeNull();
    expect(u.events).toEqual([]);
  });

  it('answers a taken address exactly as a new one, and tells its owner instead of mailing a link', async () => {
    const s = signUp('email');
    const owner = await u.accounts.signUp({ email: address(), password: PASSWORD });
    const fresh = address();
    const place = at('192.0.2.44');
    const forTaken = await s.request({ email: owner.email, password: 'someone else’s passphrase' }, place);
    const forFresh = await s.request({ email: fresh, password: 'someone else’s passphrase' }, place);
    expect(forTaken).toEqual(forFresh);
    await idle();

    // The owner gets one mail: "someone tried", with where from; no link that could create anything.
    const toOwner = mailTo(owner.email);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]).toEqual({
      to: owner.email,
      ...signUpAttemptMail({
        product: LINKS.productName,
        at: u.clock.now(),
        ip: place.ip,
        location: describeLocation(place.location),
        signInUrl: `${LINKS.publicUrl}/sign-in`,
        resetUrl: `${LINKS.publicUrl}/reset-password`,
      }),
    });
    expect(tokenIn(toOwner[0]!)).toBeUndefined();
    expect(u.events).toEqual([{ type: 'sign_up_attempted', at: u.clock.now(), user: { id: owner.id, email: owner.email }, place }]);
    // The new address got its link; the owner's account is as it was.
    expect(tokenIn(mailTo(fresh)[0]!)).toBeDefined();
    expect(await canSignIn(owner.email)).toBe(true);
  });

  it('finds the owner of a taken address however it is spelt (case, spaces)', async () => {
    const s = signUp('email');
    const owner = await u.accounts.signUp({ email: address(), password: PASSWORD });
    await s.request({ email: `  ${owner.email.toUpperCase()} `, password: PASSWORD }, LONDON);
    await idle();
    expect(u.mail.map((m) => m.to)).toEqual([owner.email]);
    expect(u.events.map((e) => e.type)).toEqual(['sign_up_attempted']);
  });

  it('refuses an implausible address or a weak password at once, the same for every address, and mails nothing', async () => {
    const s = signUp('email');
    const owner = await u.accounts.signUp({ email: address(), password: PASSWORD });
    await expect(s.request({ email: 'not-an-address', password: PASSWORD }, LONDON)).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/valid email address/),
    });
    for (const email of [owner.email, address()])
      await expect(s.request({ email, password: 'too short' }, LONDON)).rejects.toMatchObject({
        code: 'weak_password',
        message: expect.stringContaining('15'),
      });
    await idle();
    expect(u.mail).toEqual([]);
    expect(u.events).toEqual([]);
  });

  it('mails the address as typed (Unicode NFC, trimmed) but matches it by its key', async () => {
    const s = signUp('email');
    const typed = `  Jose\u0301-${++n}@Example.com `;
    const clean = typed.normalize('NFC').trim();
    const token = await requestLink(s, typed, { name: '  Ada Lovelace  ' });
    expect(u.mail.map((m) => m.to)).toEqual([clean]);
    const user = await s.confirm(token, LONDON);
    expect(user).toMatchObject({ email: clean, emailKey: clean.toLowerCase(), name: 'Ada Lovelace' });
    expect(await canSignIn(clean.toLowerCase())).toBe(true);
  });

  it('stores no name for a blank or missing one', async () => {
    const s = signUp('email');
    const blank = await s.confirm(await requestLink(s, address(), { name: '   ' }), LONDON);
    const missing = await s.confirm(await requestLink(s, address(), { name: undefined }), LONDON);
    expect(blank.name).toBeNull();
    expect(missing.name).toBeNull();
  });

  it('still answers link_sent when the mail cannot be sent; the failure is reported, not thrown', async () => {
    const s = signUp('email', {
      send: async () => {
        throw new Error('smtp down');
      },
    });
    expect(await s.request({ email: address(), password: PASSWORD }, LONDON)).toEqual({ kind: 'link_sent' });
    await idle();
    expect(u.reported).toEqual([expect.objectContaining({ message: 'smtp down' })]);
  });
});

describe('SignUp by mail: the link', () => {
  it('creates the account when used: the password signs in, it is no admin, and it is dated when the link was used', async () => {
    const s = signUp('email');
    const email = address();
    const token = await requestLink(s, email, { name: 'Grace' });
    u.clock.advance(10 * 60_000);
    const user = await s.confirm(token, LONDON);
    expect(user).toMatchObject({
      email,
      emailKey: email,
      name: 'Grace',
      isAdmin: false,
      createdAt: u.clock.now(),
      passwordChangedAt: u.clock.now(),
    });
    expect(await u.store.findUserByEmailKey(email)).toEqual(user);
    expect(await canSignIn(email)).toBe(true);
    // Two accounts from two links have two ids.
    const other = await s.confirm(await requestLink(s, address()), LONDON);
    expect(other.id).not.toBe(user.id);
  });

  it('works once', async () => {
    const s = signUp('email');
    const token = await requestLink(s, address());
    await s.confirm(token, LONDON);
    expect(await codeOf(s.confirm(token, LONDON))).toBe('invalid_token');
  });

  it('expires after its lifetime and creates nothing', async () => {
    const s = signUp('email');
    const early = await requestLink(s, address());
    const lateEmail = address();
    const late = await requestLink(s, lateEmail);
    u.clock.advance(TTL_MS - 1);
    await s.confirm(early, LONDON);
    u.clock.advance(1);
    expect(await codeOf(s.confirm(late, LONDON))).toBe('invalid_token');
    expect(await u.store.findUserByEmailKey(lateEmail)).toBeNull();
  });

  it('refuses a made-up or altered token', async () => {
    const s = signUp('email');
    const token = await requestLink(s, address());
    expect(await codeOf(s.confirm('not-a-token', LONDON))).toBe('invalid_token');
    const [id, secret] = token.split('.') as [string, string];
    const altered = `${id}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    expect(await codeOf(s.confirm(altered, LONDON))).toBe('invalid_token');
    // The real one still works.
    await s.confirm(token, LONDON);
  });

  it('says email_taken when the address got an account after the link was mailed, and makes no second one', async () => {
    const s = signUp('email');
    const email = address();
    const token = await requestLink(s, email);
    const first = await u.accounts.signUp({ email, password: 'the first owner’s passphrase' });
    expect(await codeOf(s.confirm(token, LONDON))).toBe('email_taken');
    expect(await u.store.findUserByEmailKey(email)).toEqual(first);
    expect(await canSignIn(email)).toBe(false);
  });
});

describe('SignUp limits', () => {
  it('per IP: over it, 429 with when to retry, before anything is checked; other IPs are not held', async () => {
    const s = signUp('direct');
    const ip = at('198.51.100.7');
    for (let i = 0; i < IP_LIMIT.limit; i++) await s.request({ email: address(), password: PASSWORD }, ip);
    u.clock.advance(20_500);
    const email = address();
    await expect(s.request({ email, password: PASSWORD }, ip)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: Math.ceil((IP_LIMIT.windowMs - 20_500) / 1000),
    });
    // Refused before the input is looked at, so a bad request says the same.
    expect(await codeOf(s.request({ email: 'nonsense', password: 'x' }, ip))).toBe('rate_limited');
    expect(await u.store.findUserByEmailKey(email)).toBeNull();
    expect((await s.request({ email, password: PASSWORD }, at('198.51.100.8'))).kind).toBe('created');
    // The window passes.
    u.clock.advance(IP_LIMIT.windowMs);
    expect((await s.request({ email: address(), password: PASSWORD }, ip)).kind).toBe('created');
  });

  it('per IP: counts an IPv6 client by its /64', async () => {
    const s = signUp('direct');
    for (let i = 0; i < IP_LIMIT.limit; i++) await s.request({ email: address(), password: PASSWORD }, at(`2001:db8:1:2::${i + 1}`));
    expect(await codeOf(s.request({ email: address(), password: PASSWORD }, at('2001:db8:1:2:ffff::9')))).toBe('rate_limited');
    expect((await s.request({ email: address(), password: PASSWORD }, at('2001:db8:1:3::1'))).kind).toBe('created');
  });

  it('per IP: confirming counts too, and a refused confirmation does not spend the link', async () => {
    const s = signUp('email');
    const ip = at('203.0.113.20');
    const email = address();
    const token = await requestLink(s, email, { place: ip });
    for (let i = 0; i < IP_LIMIT.limit - 1; i++) expect(await codeOf(s.confirm('not-a-token', ip))).toBe('invalid_token');
    expect(await codeOf(s.confirm(token, ip))).toBe('rate_limited');
    expect(await u.store.findUserByEmailKey(email)).toBeNull();
    const user = await s.confirm(token, at('203.0.113.21'));
    expect(user.email).toBe(email);
  });

  it('per address: over it the answer is the same, but no more mail goes out, for a new or a taken address', async () => {
    const s = signUp('email');
    const fresh = address();
    const owner = await u.accounts.signUp({ email: address(), password: PASSWORD });
    for (let i = 0; i < ADDRESS_LIMIT.limit + 2; i++) {
      // From many IPs, spelt differently: the address is what counts.
      const place = at(`192.0.2.${i + 1}`);
      expect(await s.request({ email: i % 2 ? fresh.toUpperCase() : fresh, password: PASSWORD }, place)).toEqual({ kind: 'link_sent' });
      expect(await s.request({ email: owner.email, password: PASSWORD }, place)).toEqual({ kind: 'link_sent' });
    }
    await idle();
    // Each link goes to the address as it was typed (the mails go out in the background, in any order).
    const links = u.mail.filter((m) => m.to.toLowerCase() === fresh).map((m) => m.to);
    expect(links.sort()).toEqual([fresh, fresh.toUpperCase()].sort());
    expect(mailTo(owner.email)).toHaveLength(ADDRESS_LIMIT.limit);
    expect(u.events).toHaveLength(ADDRESS_LIMIT.limit);
    // Another address is not held by these.
    await requestLink(s, address(), { place: at('192.0.2.200') });
  });
});

describe('SignUp.purgeStale', () => {
  it('deletes used and expired requests in batches until none are left, and keeps the live ones working', async () => {
    const s = signUp('email');
    const place = (i: number) => at(`192.0.2.${100 + i}`);
    // Three used, two that will expire, one still live at purge time.
    for (let i = 0; i < 3; i++) await s.confirm(await requestLink(s, address(), { place: place(i) }), place(i));
    const expiring = [await requestLink(s, address(), { place: place(3) }), await requestLink(s, address(), { place: place(4) })];
    u.clock.advance(TTL_MS / 2);
    const liveEmail = address();
    const live = await requestLink(s, liveEmail, { place: place(5) });
    u.clock.advance(TTL_MS / 2);

    expect(await s.purgeStale(1)).toBe(5);
    expect(await s.purgeStale(1)).toBe(0);
    for (const token of expiring) expect(await codeOf(s.confirm(token, place(6)))).toBe('invalid_token');
    expect((await s.confirm(live, place(7))).email).toBe(liveEmail);
  });

  it('counts across batches, including a batch that is exactly full', async () => {
    const s = signUp('email');
    for (let i = 0; i < 4; i++) {
      const p = at(`192.0.2.${150 + i}`);
      await s.confirm(await requestLink(s, address(), { place: p }), p);
    }
    expect(await s.purgeStale(2)).toBe(4);
    expect(await s.purgeStale()).toBe(0);
  });
});
