/**
 * The Store port over Kysely, for SQLite, PostgreSQL and MySQL alike. Bulk revocations are single
 * UPDATE statements (atomic, and never capped by a page size); password change and its
 * revocations share one transaction. Where MySQL lacks a form (UPDATE … RETURNING, a statement
 * reading the table it changes), it writes first and reads the rows it holds locked, in one
 * transaction (engine.ts).
 */
import { sql, type CompiledQuery, type ExpressionBuilder, type Updateable } from 'kysely';
import type { RevokeSelector, ServiceKeyRecord, SessionWithUser, Store } from '../../core/ports/store.js';
import type { RevokeReason, SessionRecord } from '../../core/session.js';
import type { UserProfile, UserRecord } from '../../core/user.js';
import type { Database, Db, ServiceKeysTable, SessionAddressesTable, SessionsTable, UsersTable } from './database.js';
import { deleteBatch, engineOf, retryingDeadlocks } from './engine.js';
import { kyselySecurityStore } from './kysely-security-store.js';
import { sessionLookups } from './session-lookups.js';
import type { StatementCounter } from './statement-counter.js';

export interface KyselyStoreOptions {
  /**
   * PostgreSQL: how long session validation reads and the readiness ping wait before failing
   * with an `ETIMEDOUT` error (503, fail closed). A silent partition otherwise holds them for
   * the pool's query timeout. The read itself is not cancelled: its connection stays busy
   * until the driver's own timeout, which writes keep. Unset: no deadline (SQLite is local).
   */
  readTimeoutMs?: number;
  /**
   * The statement counter `db` carries, if any: where session lookups are read together
   * (PostgreSQL, MySQL: session-lookups.ts), each request that asked is counted the one
   * statement its own lookup would have been.
   */
  statements?: StatementCounter;
}

/** A database read that has not answered within its deadline: fail closed, 503. */
export class ReadDeadlineError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(what: string, ms: number) {
    super(`${what}: no answer from the database within ${ms} ms`);
    this.name = 'ReadDeadlineError';
  }
}

/** Runs a read that fails with ReadDeadlineError if it has not answered within `ms` (none when unset). */
export function withDeadline<T>(read: () => Promise<T>, ms: number | undefined, what: string): Promise<T> {
  if (ms === undefined) return read();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadDeadlineError(what, ms)), ms);
  });
  const pending = read();
  // The read may still fail after the deadline won; that late failure is expected, not unhandled.
  pending.catch(() => undefined);
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

/** Rows per INSERT of a bulk insert: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

/**
 * Sessions (or addresses) per statement of a background flush. After a busy minute a flush of
 * last activity or addresses names thousands of sessions; on SQLite each statement runs on the
 * event loop, so a flush goes in bounded statements and lets requests in between (issue 13: no
 * validation waits behind a whole flush).
 */
const FLUSH_CHUNK = 200;

/**
 * Lets requests that arrived meanwhile run before the next statement of a background write. A
 * validation answered from the cache needs no database, so it need not wait for the whole write.
 */
const letRequestsIn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function kyselyStore(db: Db, options: KyselyStoreOptions = {}): Store {
  const { readTimeoutMs } = options;
  // MySQL has no UPDATE … RETURNING: there the row is updated, then read back under its lock.
  const engine = engineOf(db);
  const returning = engine !== 'mysql';
  // Built and compiled once: building and compiling it took as long as SQLite takes to run it.
  const sessionLookup = sessionRows(db).where('sessions.id', '=', '').compile();
  const lookupOne = async (id: string) => (await db.executeQuery(withParameters(sessionLookup, [id]))).rows[0];
  // Over a connection, the lookups asked together go as one statement (session-lookups.ts).
  const lookup =
    engine === 'sqlite'
      ? lookupOne
      : sessionLookups(
          async (ids) =>
            ids.length === 1
              ? [await lookupOne(ids[0]!)].filter((row) => row !== undefined)
              : sessionRows(db).where('sessions.id', 'in', ids).execute(),
          options.statements,
        );
  /**
   * Ends the user's live session `id` and returns its row as ended: with the UPDATE itself where
   * the engine has RETURNING (SQLite 3.35+, PostgreSQL); on MySQL read back after it, so `trx`
   * must be a transaction there (the UPDATE's lock holds the row until it commits).
   */
  const endLive = async (trx: Db, id: string, userId: string, now: number, set: Updateable<SessionsTable>) => {
    const end = trx
      .updateTable('sessions')
      .set(set)
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now);
    if (returning) return end.returningAll().executeTakeFirst();
    if (Number((await end.executeTakeFirst()).numUpdatedRows) === 0) return undefined;
    return trx.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  };
  return {
    ...kyselySecurityStore(db),

    async insertSession(s) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('sessions').values(toSessionRow(s)).execute();
        // Its first address, seen at sign-in; later ones come in batches (recordSessionAddresses).
        await trx.insertInto('session_addresses').values(signInAddressRow(s)).execute();
        if (s.deviceId) {
          await trx
            .insertInto('devices')
            .values({
              user_id: s.userId,
              id: s.deviceId,
              name: s.device.name,
              first_seen_at: s.signedInAt,
              last_seen_at: s.signedInAt,
              trusted_until: null,
            })
            .onConflict((oc) => oc.columns(['user_id', 'id']).doUpdateSet({ last_seen_at: s.signedInAt, name: s.device.name }))
            .execute();
        }
      });
    },

    async findSession(id) {
      const row = await withDeadline(() => lookup(id), readTimeoutMs, 'session lookup');
      if (!row) return null;
      const user: UserProfile = {
        id: row.user_id,
        email: row.u_email,
        name: row.u_name,
        isAdmin: row.u_is_admin === 1,
        createdAt: row.u_created_at,
        passwordChangedAt: row.u_password_changed_at,
      };
      return { session: fromSessionRow(row), user } satisfies SessionWithUser;
    },

    async listActiveSessions(userId, now) {
      const rows = await db
        .selectFrom('sessions')
        .leftJoin('devices', (join) =>
          join.onRef('devices.user_id', '=', 'sessions.user_id').onRef('devices.id', '=', 'sessions.device_id'),
        )
        .selectAll('sessions')
        .select('devices.trusted_until as d_trusted_until')
        .where('sessions.user_id', '=', userId)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .execute();
      return rows.map(fromSessionRow);
    },

    async listActiveSessionStates(userId, now) {
      // Five columns, not the whole row: reading 1,000 whole rows was most of a list request.
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'signed_in_at', 'last_active_at', 'expires_at', 'device_id'])
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        signedInAt: r.signed_in_at,
        lastActiveAt: r.last_active_at,
        expiresAt: r.expires_at,
        deviceId: r.device_id,
      }));
    },

    async listTrustedDevices(userId, now) {
      const rows = await db
        .selectFrom('devices')
        .select(['id', 'trusted_until'])
        .where('user_id', '=', userId)
        .where('trusted_until', '>', now)
        .execute();
      return new Map(rows.map((r) => [r.id, r.trusted_until!]));
    },

    async listActiveSessionPage(userId, _now, { limit, after, exceptId }) {
      let query = db
        .selectFrom('sessions')
        .leftJoin('devices', (join) =>
          join.onRef('devices.user_id', '=', 'sessions.user_id').onRef('devices.id', '=', 'sessions.device_id'),
        )
        .selectAll('sessions')
        .select('devices.trusted_until as d_trusted_until')
        .where('sessions.user_id', '=', userId)
        .where('sessions.revoked_at', 'is', null);
      // No expiry condition here: with one, SQLite picks the (user_id, expires_at) index and sorts
      // every row of the user; without, it walks (user_id, last_active_at, id) and stops at
      // `limit`. Expired rows are few and the caller filters them (Sessions applies the policy).
      if (exceptId) query = query.where('sessions.id', '!=', exceptId);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('sessions.last_active_at', '<', after.lastActiveAt),
            eb.and([eb('sessions.last_active_at', '=', after.lastActiveAt), eb('sessions.id', '<', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('sessions.last_active_at', 'desc').orderBy('sessions.id', 'desc').limit(limit).execute();
      return rows.map(fromSessionRow);
    },

    async touchSessions(touches) {
      // The latest value per session, in id order, as every writer of several sessions locks
      // them: two flushes (or a flush and a revocation) never wait on each other in a circle.
      const latest = new Map<string, number>();
      for (const { id, lastActiveAt } of touches) latest.set(id, Math.max(lastActiveAt, latest.get(id) ?? lastActiveAt));
      const ordered = [...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (let i = 0; i < ordered.length; i += FLUSH_CHUNK) {
        if (i > 0) await letRequestsIn();
        const chunk = ordered.slice(i, i + FLUSH_CHUNK);
        // One statement per chunk, atomic on its own. The values are integer literals, so every
        // engine reads them as the bigint they are (a bound parameter in a CASE has no type).
        const value = sql<number>`(case id ${sql.join(
          chunk.map(([id, at]) => sql`when ${id} then ${sql.lit(wholeMs(at))}`),
          sql` `,
        )} end)`;
        await retryingDeadlocks(() =>
          db
            .updateTable('sessions')
            .set({ last_active_at: value })
            .where(
              'id',
              'in',
              chunk.map(([id]) => id),
            )
            // Monotonic: a late write from a slower node never moves activity backwards.
            .where('last_active_at', '<', value)
            .execute(),
        );
      }
    },

    async revokeSession(id, userId, reason, now, detail = null) {
      const set = { revoked_at: now, revoke_reason: reason, revoke_detail: detail };
      const ended = await retryingDeadlocks(() =>
        returning ? endLive(db, id, userId, now, set) : db.transaction().execute((trx) => endLive(trx, id, userId, now, set)),
      );
      return ended ? fromSessionRow(ended) : null;
    },

    async revokeSessions(selector, reason, now) {
      return retryingDeadlocks(() => revokeMatching(db, selector, reason, now));
    },

    async revokeListedSessions(listed, reason, now, progress) {
      const lost = new Error('another process recorded this batch first');
      return retryingDeadlocks(() =>
        db
          .transaction()
          .execute(async (trx) => {
            const live = (eb: ExpressionBuilder<Database, 'sessions'>) =>
              eb.and([
                eb(
                  'id',
                  'in',
                  listed.map((s) => s.id),
                ),
                eb('user_id', 'in', [...new Set(listed.map((s) => s.userId))]),
                eb('revoked_at', 'is', null),
                eb('expires_at', '>', now),
              ]);
            const end = () => trx.updateTable('sessions').set({ revoked_at: now, revoke_reason: reason }).where(live);
            let ended: { id: string; user_id: string }[] = [];
            if (listed.length > 0 && returning) ended = await end().returning(['id', 'user_id']).execute();
            else if (listed.length > 0) {
              // Locked as they are read: no other writer ends one of them in between.
              ended = await trx.selectFrom('sessions').select(['id', 'user_id']).where(live).forUpdate().execute();
              if (ended.length > 0) await end().execute();
            }
            if (progress) {
              const advance = trx
                .updateTable('incident_operations')
                .set((eb) => ({
                  revoked: eb('revoked', '+', ended.length),
                  batches: eb('batches', '+', 1),
                  cursor: progress.cursor,
                }))
                .where('id', '=', progress.incidentId)
                .where('batches', '=', progress.batchesBefore);
              const moved = returning
                ? await advance.returning('revoked').executeTakeFirst()
                : Number((await advance.executeTakeFirst()).numUpdatedRows) === 0
                  ? undefined
                  : await trx.selectFrom('incident_operations').select('revoked').where('id', '=', progress.incidentId).executeTakeFirst();
              // Rolls the batch back: its sessions stay as they were.
              if (!moved) throw lost;
              const { revoked } = moved;
              const { audit } = progress;
              await trx
                .insertInto('audit_log')
                .values({
                  id: audit.id,
                  workspace_id: audit.workspaceId,
                  at: audit.at,
                  actor_id: audit.actorId,
                  action: audit.action,
                  target_kind: audit.targetKind,
                  target_id: audit.targetId,
                  ip: audit.ip,
                  user_agent: audit.userAgent,
                  request_id: audit.requestId,
                  details: JSON.stringify({ ...audit.details, revoked: ended.length, total: Number(revoked) }),
                })
                .execute();
            }
            return ended.map((r) => ({ id: r.id, userId: r.user_id }));
          })
          .catch((err: unknown) => {
            if (err === lost) return null;
            throw err;
          }),
      );
    },

    async insertSessions(list) {
      if (list.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < list.length; i += INSERT_CHUNK)
          await trx
            .insertInto('sessions')
            .values(list.slice(i, i + INSERT_CHUNK).map(toSessionRow))
            .execute();
        for (let i = 0; i < list.length; i += INSERT_CHUNK)
          await trx
            .insertInto('session_addresses')
            .values(list.slice(i, i + INSERT_CHUNK).map(signInAddressRow))
            .execute();
        // One row per device (a statement may not upsert the same row twice), last seen at its latest sign-in.
        const devices = new Map<string, SessionRecord>();
        for (const s of list) {
          if (!s.deviceId) continue;
          const key = `${s.userId}\u0000${s.deviceId}`;
          const seen = devices.get(key);
          if (!seen || seen.signedInAt < s.signedInAt) devices.set(key, s);
        }
        const rows = [...devices.values()].map((s) => ({
          user_id: s.userId,
          id: s.deviceId!,
          name: s.device.name,
          first_seen_at: s.signedInAt,
          last_seen_at: s.signedInAt,
          trusted_until: null,
        }));
        for (let i = 0; i < rows.length; i += INSERT_CHUNK)
          await trx
            .insertInto('devices')
            .values(rows.slice(i, i + INSERT_CHUNK))
            .onConflict((oc) =>
              oc
                .columns(['user_id', 'id'])
                .doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at'), name: eb.ref('excluded.name') })),
            )
            .execute();
      });
    },

    async rotateSession(id, userId, next, now, reason) {
      return retryingDeadlocks(() =>
        db.transaction().execute(async (trx) => {
          // The row as it ended comes back with the UPDATE; its successor copies every column, so
          // whatever a session carries (recent authentication, a hold) moves with it.
          const ended = await endLive(trx, id, userId, now, { revoked_at: now, revoke_reason: reason });
          if (!ended) return null;
          const row: SessionsTable = {
            ...ended,
            id: next.id,
            secret_hash: next.secretHash,
            last_active_at: now,
            revoked_at: null,
            revoke_reason: null,
          };
          await trx.insertInto('sessions').values(row).execute();
          // The addresses it was seen from go with it: they are the sign-in's, whatever its id.
          await trx.updateTable('session_addresses').set({ session_id: next.id }).where('session_id', '=', id).execute();
          const device = ended.device_id
            ? await trx
                .selectFrom('devices')
                .select('trusted_until')
                .where('user_id', '=', userId)
                .where('id', '=', ended.device_id)
                .executeTakeFirst()
            : undefined;
          return fromSessionRow({ ...row, d_trusted_until: device?.trusted_until ?? null });
        }),
      );
    },

    async recordSessionAddresses(seen, keep) {
      if (seen.length === 0) return;
      await retryingDeadlocks(() =>
        db.transaction().execute(async (trx) => {
          const ids = [...new Set(seen.map((s) => s.sessionId))];
          // The id each address is recorded against: the session's own, or, when a rotation
          // replaced it after the address was noted, the id its sign-in carries on with.
          const target = new Map<string, string>();
          const rotated = new Map<string, string>();
          for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
            const rows = await trx
              .selectFrom('sessions')
              .select(['id', 'sign_in_id', 'revoke_reason'])
              .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
              .execute();
            for (const r of rows) {
              if (r.revoke_reason === 'rotated') rotated.set(r.id, r.sign_in_id ?? r.id);
              else target.set(r.id, r.id);
            }
          }
          const signIns = [...new Set(rotated.values())];
          const successor = new Map<string, string>();
          for (let i = 0; i < signIns.length; i += INSERT_CHUNK) {
            const rows = await trx
              .selectFrom('sessions')
              .select(['id', 'sign_in_id'])
              .where('sign_in_id', 'in', signIns.slice(i, i + INSERT_CHUNK))
              .where((eb) => eb.or([eb('revoke_reason', 'is', null), eb('revoke_reason', '<>', 'rotated')]))
              .execute();
            for (const r of rows) if (r.sign_in_id != null) successor.set(r.sign_in_id, r.id);
          }
          for (const [id, signIn] of rotated) {
            const next = successor.get(signIn);
            if (next !== undefined) target.set(id, next);
          }
          // One row per (session, address): two old ids of one sign-in may name the same pair.
          const rows = new Map<string, SessionAddressesTable>();
          for (const s of seen) {
            const sessionId = target.get(s.sessionId);
            // Purged since it was seen: nothing to record it against.
            if (sessionId === undefined) continue;
            const key = `${sessionId} ${s.ip}`;
            const known = rows.get(key);
            if (known) {
              known.first_seen_at = Math.min(known.first_seen_at, s.at);
              known.last_seen_at = Math.max(known.last_seen_at, s.at);
              continue;
            }
            const { city, region, country } = s.place;
            rows.set(key, { session_id: sessionId, ip: s.ip, city, region, country, first_seen_at: s.at, last_seen_at: s.at });
          }
          // In session order, as touches lock sessions (each new address checks its session's row).
          const list = [...rows.values()].sort((a, b) =>
            a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0,
          );
          for (let i = 0; i < list.length; i += FLUSH_CHUNK) {
            await letRequestsIn();
            await trx
              .insertInto('session_addresses')
              .values(list.slice(i, i + FLUSH_CHUNK))
              // Monotonic, as for last activity: a late write from a slower node never moves it back.
              .onConflict((oc) =>
                oc
                  .columns(['session_id', 'ip'])
                  .doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at') }))
                  .where((eb) => eb('session_addresses.last_seen_at', '<', eb.ref('excluded.last_seen_at'))),
              )
              .execute();
          }
          // Each session keeps its `keep` most recently seen: one statement per chunk of sessions.
          const written = [...new Set(list.map((r) => r.session_id))];
          for (let i = 0; i < written.length; i += FLUSH_CHUNK) {
            await letRequestsIn();
            await sql`delete from session_addresses where (session_id, ip) in (
                      select session_id, ip from (
                        select session_id, ip,
                               row_number() over (partition by session_id order by last_seen_at desc, ip desc) as n
                        from session_addresses
                        where session_id in (${sql.join(written.slice(i, i + FLUSH_CHUNK))})
                      ) ranked
                      where n > ${keep})`.execute(trx);
          }
        }),
      );
    },

    async listSessionAddresses(sessionId) {
      const rows = await db
        .selectFrom('session_addresses')
        .selectAll()
        .where('session_id', '=', sessionId)
        .orderBy('last_seen_at', 'desc')
        .orderBy('ip', 'desc')
        .execute();
      return rows.map((r) => ({
        ip: r.ip,
        place: { city: r.city, region: r.region, country: r.country },
        firstSeenAt: Number(r.first_seen_at),
        lastSeenAt: Number(r.last_seen_at),
      }));
    },

    async findSessionChain(userId, id) {
      const found = await db
        .selectFrom('sessions')
        .select(['id', 'sign_in_id'])
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!found) return null;
      const signInId = found.sign_in_id ?? found.id;
      const rows = await db
        .selectFrom('sessions')
        .leftJoin('devices', (join) =>
          join.onRef('devices.user_id', '=', 'sessions.user_id').onRef('devices.id', '=', 'sessions.device_id'),
        )
        .selectAll('sessions')
        .select('devices.trusted_until as d_trusted_until')
        .where('sessions.user_id', '=', userId)
        .where((eb) => eb.or([eb('sessions.sign_in_id', '=', signInId), eb('sessions.id', '=', found.id)]))
        .orderBy('sessions.last_active_at', 'desc')
        .execute();
      // The id it goes by now: the one no rotation replaced (live, or as it ended).
      const last = rows.find((r) => r.revoke_reason !== 'rotated') ?? rows[0]!;
      const ids = [signInId, ...rows.map((r) => r.id).filter((rowId) => rowId !== signInId)];
      return { session: fromSessionRow(last), signInId, ids };
    },

    async holdForPasswordChange(id, userId, now) {
      const result = await retryingDeadlocks(() =>
        db
          .updateTable('sessions')
          .set({ password_change_required: 1 })
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },

    async countActiveSessions(now) {
      const row = await db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async purgeEndedSessions(endedBefore, limit) {
      // Bounded batches (DELETE … LIMIT is not portable): never one huge delete holding locks.
      // Expired rows, then revoked ones, each found through its own index (`sessions_expires_at`,
      // `sessions_revoked_at`): one condition `revoked_at < t or expires_at < t` is served by
      // neither, and when few rows were left to find it read the whole table. Each batch is taken
      // in index order: unordered, PostgreSQL scans the table while most rows match, and past the
      // rows the batches before deleted (dead until vacuumed) that scan reads millions of them.
      const expired = await deleteBatch(
        db,
        'sessions',
        'id',
        db.selectFrom('sessions').select('id').where('expires_at', '<', endedBefore).orderBy('expires_at').limit(limit),
      );
      if (expired >= limit) return expired;
      const revoked = await deleteBatch(
        db,
        'sessions',
        'id',
        db
          .selectFrom('sessions')
          .select('id')
          .where('revoked_at', '<', endedBefore)
          .orderBy('revoked_at')
          .limit(limit - expired),
      );
      return expired + revoked;
    },

    async insertUser(user) {
      const result = await db
        .insertInto('users')
        .values(toUserRow(user))
        .onConflict((oc) => oc.column('email_key').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async findUserByEmailKey(emailKey) {
      const row = await db.selectFrom('users').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
      return row ? fromUserRow(row) : null;
    },

    async findUserById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromUserRow(row) : null;
    },

    async changePassword(userId, passwordHash, now, revoke, reason, options = {}) {
      return retryingDeadlocks(() =>
        db.transaction().execute(async (trx) => {
          // A new password answers "This wasn't me": the flag that blocked sign-in clears with it.
          await trx
            .updateTable('users')
            .set({ password_hash: passwordHash, password_changed_at: now, password_change_required: 0 })
            .where('id', '=', userId)
            .execute();
          // ... and so does the hold on the session that reported (it has changed the password).
          await trx
            .updateTable('sessions')
            .set({ password_change_required: 0 })
            .where('user_id', '=', userId)
            .where('password_change_required', '=', 1)
            .execute();
          if (options.endDeviceTrust) await trx.updateTable('devices').set({ trusted_until: null }).where('user_id', '=', userId).execute();
          return revoke ? revokeMatching(trx, revoke, reason, now) : 0;
        }),
      );
    },

    async disableUser(userId, now, reason) {
      return retryingDeadlocks(() =>
        db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable('users')
            .set({ disabled_at: now })
            .where('id', '=', userId)
            .where('disabled_at', 'is', null)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) return null;
          return revokeMatching(trx, { userId }, reason, now);
        }),
      );
    },

    async enableUser(userId) {
      const result = await db
        .updateTable('users')
        .set({ disabled_at: null })
        .where('id', '=', userId)
        .where('disabled_at', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async isUserDisabled(userId) {
      const row = await db.selectFrom('users').select('disabled_at').where('id', '=', userId).executeTakeFirst();
      return row?.disabled_at !== null && row?.disabled_at !== undefined;
    },

    async insertServiceKey(key) {
      await db
        .insertInto('service_keys')
        .values({ id: key.id, name: key.name, secret_hash: key.secretHash, created_at: key.createdAt, revoked_at: key.revokedAt })
        .execute();
    },

    async findServiceKey(id) {
      const row = await db.selectFrom('service_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? serviceKeyFrom(row) : null;
    },

    async listServiceKeys() {
      const rows = await db.selectFrom('service_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(serviceKeyFrom);
    },

    async revokeServiceKey(id, at) {
      const result = await db
        .updateTable('service_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async ping() {
      await withDeadline(() => sql`select 1`.execute(db), readTimeoutMs, 'readiness ping');
    },

    async close() {
      await db.destroy();
    },
  };
}

/** The same query with other values for its parameters (a query compiled once, run many times). */
function withParameters<O>(query: CompiledQuery<O>, parameters: readonly unknown[]): CompiledQuery<O> {
  return { ...query, parameters };
}

/** Sessions with their device's trust and their user, as findSession reads them; the caller adds which (by primary key). */
function sessionRows(db: Db) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('devices', (join) => join.onRef('devices.user_id', '=', 'sessions.user_id').onRef('devices.id', '=', 'sessions.device_id'))
    .selectAll('sessions')
    .select([
      'devices.trusted_until as d_trusted_until',
      'users.email as u_email',
      'users.name as u_name',
      'users.is_admin as u_is_admin',
      'users.created_at as u_created_at',
      'users.password_changed_at as u_password_changed_at',
    ]);
}

async function revokeMatching(db: Db, selector: RevokeSelector, reason: RevokeReason, now: number): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('user_id', '=', selector.userId)
    .where('revoked_at', 'is', null)
    // Only live sessions: an expired one is already over and must not inflate `{revoked: n}`.
    .where('expires_at', '>', now);
  if (selector.exceptSessionId) query = query.where('id', '!=', selector.exceptSessionId);
  const deviceOf = selector.deviceOfSessionId;
  if (deviceOf !== undefined) {
    // That session, and the user's others whose device is its device (none when it has no device).
    const device = db
      .selectFrom('sessions as d')
      .select('d.device_id')
      .where('d.id', '=', deviceOf)
      .where('d.user_id', '=', selector.userId);
    // MySQL refuses an UPDATE that reads its own table: there the device is read first (a
    // session's device never changes, so nothing can move in between).
    const deviceId = engineOf(db) === 'mysql' ? ((await device.executeTakeFirst())?.device_id ?? null) : device;
    query = query.where((eb) => eb.or([eb('id', '=', deviceOf), eb('device_id', '=', deviceId)]));
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A time in whole milliseconds, checked before it is written into SQL as a literal. */
function wholeMs(ms: number): number {
  if (!Number.isSafeInteger(ms)) throw new TypeError(`not a time in whole milliseconds: ${ms}`);
  return ms;
}

function toSessionRow(s: SessionRecord): SessionsTable {
  return {
    id: s.id,
    user_id: s.userId,
    secret_hash: s.secretHash,
    client_id: s.clientId,
    auth_method: s.authMethod,
    device_id: s.deviceId,
    device_name: s.device.name,
    device_os: s.device.os,
    device_browser: s.device.browser,
    device_type: s.device.type,
    ip: s.ip,
    city: s.location.city,
    region: s.location.region,
    country: s.location.country,
    latitude: s.location.latitude,
    longitude: s.location.longitude,
    user_agent: s.userAgent,
    signed_in_at: s.signedInAt,
    last_active_at: s.lastActiveAt,
    expires_at: s.expiresAt,
    revoked_at: s.revokedAt,
    revoke_reason: s.revokeReason,
    password_change_required: s.passwordChangeRequired ? 1 : 0,
    // A new sign-in is its own; rotation copies the column to each successor.
    sign_in_id: s.id,
  };
}

/** A session's sign-in address, first and last seen at its sign-in. */
function signInAddressRow(s: SessionRecord): SessionAddressesTable {
  return {
    session_id: s.id,
    ip: s.ip,
    city: s.location.city,
    region: s.location.region,
    country: s.location.country,
    first_seen_at: s.signedInAt,
    last_seen_at: s.signedInAt,
  };
}

/** `d_trusted_until` is the device row's, when the query joined it in. */
export function fromSessionRow(r: SessionsTable & { d_trusted_until?: number | null }): SessionRecord {
  return {
    id: r.id,
    userId: r.user_id,
    secretHash: r.secret_hash,
    clientId: r.client_id,
    authMethod: r.auth_method,
    deviceId: r.device_id,
    device: { name: r.device_name, os: r.device_os, browser: r.device_browser, type: r.device_type },
    ip: r.ip,
    location: { city: r.city, region: r.region, country: r.country, latitude: r.latitude, longitude: r.longitude },
    userAgent: r.user_agent,
    signedInAt: r.signed_in_at,
    lastActiveAt: r.last_active_at,
    expiresAt: r.expires_at,
    // Derived from deviceTrustedUntil at read time (Sessions); nothing about trust is stored here.
    trusted: false,
    deviceTrustedUntil: r.d_trusted_until ?? null,
    revokedAt: r.revoked_at,
    revokeReason: r.revoke_reason,
    // Present only on a session a policy ended, so a live session reads back exactly as issued.
    ...(r.revoke_detail ? { revokeDetail: r.revoke_detail } : {}),
    passwordChangeRequired: Number(r.password_change_required ?? 0) === 1,
  };
}

function toUserRow(u: UserRecord): UsersTable {
  return {
    id: u.id,
    email: u.email,
    email_key: u.emailKey,
    name: u.name,
    password_hash: u.passwordHash,
    is_admin: u.isAdmin ? 1 : 0,
    created_at: u.createdAt,
    password_changed_at: u.passwordChangedAt,
  };
}

function fromUserRow(r: UsersTable): UserRecord {
  return {
    id: r.id,
    email: r.email,
    emailKey: r.email_key,
    name: r.name,
    passwordHash: r.password_hash,
    isAdmin: r.is_admin === 1,
    createdAt: r.created_at,
    passwordChangedAt: r.password_changed_at,
  };
}

function serviceKeyFrom(r: ServiceKeysTable): ServiceKeyRecord {
  return { id: r.id, name: r.name, secretHash: r.secret_hash, createdAt: r.created_at, revokedAt: r.revoked_at };
}
