/** The SecurityStore port over Kysely (SQLite, PostgreSQL and MySQL alike). */
import type { ActionTokenRecord, SecurityStore, SignUpRequestRecord } from '../../core/ports/security-store.js';
import type { PastSignIn } from '../../core/risk.js';
import { BULK_END_KINDS, DEVICE_TRUST_KINDS, SESSION_EVENT_KINDS, newestFirst, type SecurityEvent } from '../../core/security-events.js';
import type { Db, SecurityEventsTable } from './database.js';
import { deleteBatch } from './engine.js';

/** What `data` holds: the parts of an event that are shown but never queried by. */
type EventData = Pick<SecurityEvent, 'location' | 'device' | 'actor' | 'signals' | 'count' | 'reason'> & {
  secondFactor?: SecurityEvent['secondFactor'];
};

export function kyselySecurityStore(db: Db): SecurityStore {
  return {
    async appendSecurityEvent(e) {
      const data: EventData = {
        location: e.location,
        device: e.device,
        actor: e.actor,
        signals: e.signals,
        count: e.count,
        reason: e.reason,
        // Only where there is one: the other entries' data stays as it was.
        ...(e.secondFactor !== null ? { secondFactor: e.secondFactor } : {}),
      };
      await db
        .insertInto('security_events')
        .values({
          id: e.id,
          user_id: e.userId,
          kind: e.kind,
          at: e.at,
          session_id: e.sessionId,
          ip: e.ip,
          client_id: e.clientId,
          device_id: e.deviceId,
          data: JSON.stringify(data),
        })
        .execute();
    },

    async listSecurityEvents(userId, cursor, limit) {
      let query = db.selectFrom('security_events').selectAll().where('user_id', '=', userId);
      if (cursor) {
        query = query.where((eb) => eb.or([eb('at', '<', cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', '<', cursor.id)])]));
      }
      // One extra row says whether there is a next page without a count query.
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const events = rows.slice(0, limit).map(fromEventRow);
      const last = events.at(-1);
      return { events, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
    },

    async listSessionEvents(userId, about, limit) {
      // Three small indexed reads rather than one OR that no index serves: by session (user,
      // session), the device's trust changes within the session's life, and the bulk ends at its
      // end (user, at).
      const events = () => db.selectFrom('security_events').selectAll().where('user_id', '=', userId);
      const [bySession, byDevice, byEnd] = await Promise.all([
        about.sessionIds.length === 0
          ? []
          : events()
              .where('session_id', 'in', [...about.sessionIds])
              .where('kind', 'in', [...SESSION_EVENT_KINDS])
              .orderBy('at', 'desc')
              .orderBy('id', 'desc')
              .limit(limit)
              .execute(),
        about.deviceId === null
          ? []
          : events()
              .where('at', '>=', about.from)
              .where('at', '<=', about.to)
              .where('device_id', '=', about.deviceId)
              .where('kind', 'in', [...DEVICE_TRUST_KINDS])
              .orderBy('at', 'desc')
              .orderBy('id', 'desc')
              .limit(limit)
              .execute(),
        about.endedAt === null
          ? []
          : events()
              .where('at', '=', about.endedAt)
              .where('kind', 'in', [...BULK_END_KINDS])
              .limit(limit)
              .execute(),
      ]);
      const rows = new Map<string, SecurityEventsTable>();
      for (const row of [...bySession, ...byDevice, ...byEnd]) rows.set(row.id, row);
      return [...rows.values()].map(fromEventRow).sort(newestFirst).slice(0, limit);
    },

    async recentSignIns(userId, limit) {
      const rows = await db
        .selectFrom('security_events')
        .selectAll()
        .where('user_id', '=', userId)
        .where('kind', '=', 'sign_in')
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row): PastSignIn => {
        const e = fromEventRow(row);
        return {
          at: e.at,
          deviceId: e.deviceId,
          clientId: e.clientId,
          city: e.location?.city ?? null,
          country: e.location?.country ?? null,
          latitude: e.location?.latitude ?? null,
          longitude: e.location?.longitude ?? null,
        };
      });
    },

    async recentFailures(userId, since, limit) {
      const rows = await db
        .selectFrom('security_events')
        .select('at')
        .where('user_id', '=', userId)
        .where('kind', '=', 'sign_in_failed')
        .where('at', '>=', since)
        .orderBy('at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => Number(r.at));
    },

    async isKnownDevice(userId, deviceId) {
      const row = await db.selectFrom('devices').select('id').where('user_id', '=', userId).where('id', '=', deviceId).executeTakeFirst();
      return row !== undefined;
    },

    async insertActionToken(t) {
      await db
        .insertInto('action_tokens')
        .values({
          id: t.id,
          user_id: t.userId,
          purpose: t.purpose,
          secret_hash: t.secretHash,
          session_id: t.sessionId,
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          used_at: t.usedAt,
        })
        .execute();
    },

    async findActionToken(id) {
      const r = await db.selectFrom('action_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return {
        id: r.id,
        userId: r.user_id,
        purpose: r.purpose,
        secretHash: r.secret_hash,
        sessionId: r.session_id,
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
        usedAt: r.used_at === null ? null : Number(r.used_at),
      } satisfies ActionTokenRecord;
    },

    async consumeActionToken(id, now) {
      // One conditional UPDATE: of two concurrent uses, exactly one sees a row change.
      const result = await db
        .updateTable('action_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async consumeUserTokens(userId, purpose, now) {
      await db
        .updateTable('action_tokens')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute();
    },

    async insertSignUpRequest(r) {
      await db
        .insertInto('sign_up_requests')
        .values({
          id: r.id,
          email: r.email,
          email_key: r.emailKey,
          name: r.name,
          password_hash: r.passwordHash,
          secret_hash: r.secretHash,
          created_at: r.createdAt,
          expires_at: r.expiresAt,
          used_at: r.usedAt,
        })
        .execute();
    },

    async findSignUpRequest(id) {
      const r = await db.selectFrom('sign_up_requests').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return {
        id: r.id,
        email: r.email,
        emailKey: r.email_key,
        name: r.name,
        passwordHash: r.password_hash,
        secretHash: r.secret_hash,
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
        usedAt: r.used_at === null ? null : Number(r.used_at),
      } satisfies SignUpRequestRecord;
    },

    async consumeSignUpRequest(id, now) {
      // One conditional UPDATE, as for action tokens: of two concurrent uses, exactly one wins.
      const result = await db
        .updateTable('sign_up_requests')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async purgeSignUpRequests(now, limit) {
      // A bounded batch, as for sessions: DELETE … LIMIT is not portable.
      const batch = db
        .selectFrom('sign_up_requests')
        .select('id')
        .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
        .limit(limit);
      return deleteBatch(db, 'sign_up_requests', 'id', batch);
    },

    async setPasswordChangeRequired(userId, required) {
      await db
        .updateTable('users')
        .set({ password_change_required: required ? 1 : 0 })
        .where('id', '=', userId)
        .execute();
    },

    async isPasswordChangeRequired(userId) {
      const row = await db.selectFrom('users').select('password_change_required').where('id', '=', userId).executeTakeFirst();
      return row?.password_change_required === 1;
    },
  };
}

function fromEventRow(r: SecurityEventsTable): SecurityEvent {
  const data = JSON.parse(r.data) as EventData;
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    at: Number(r.at),
    sessionId: r.session_id,
    ip: r.ip,
    clientId: r.client_id,
    deviceId: r.device_id,
    location: data.location ?? null,
    device: data.device ?? null,
    actor: data.actor ?? null,
    signals: data.signals ?? [],
    count: data.count ?? null,
    reason: data.reason ?? null,
    secondFactor: data.secondFactor ?? null,
  };
}
