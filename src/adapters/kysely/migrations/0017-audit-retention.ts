import { sql, type Kysely, type Migration } from 'kysely';
import { databaseNowMs, dropIndex, engineOf } from '../engine.js';

/**
 * The audit log's retention (issue 9, "a retention setting"): `workspaces.audit_retention_days`
 * (365 unless an owner changes it; core/workspaces.ts bounds it to 30..3650), and the one way an
 * entry ever leaves the log, the sanctioned purge of entries older than their workspace's
 * retention (`purgeExpiredAudit` in kysely-workspace-store.ts).
 *
 * The database keeps refusing everything else. A DELETE on `audit_log` passes only when both
 * hold, checked by the trigger itself for each row:
 * - the purging transaction said so: on PostgreSQL `set local sessiond.audit_purge = 'on'`, on
 *   SQLite and MySQL a row in `audit_purge_permit` that the same transaction writes and removes
 *   again (no other connection ever sees it);
 * - the row is older than its workspace's retention by the database's own clock, so not even the
 *   sanctioned path removes a recent entry, nor one of a workspace that does not exist.
 * UPDATE (and TRUNCATE on PostgreSQL) stay refused, whoever asks.
 */
const DAY_MS = 86_400_000;

export const auditRetention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('workspaces')
      .addColumn('audit_retention_days', 'integer', (c) => c.notNull().defaultTo(365))
      .execute();
    // The purge looks for each workspace's entries older than a time.
    await db.schema.createIndex('audit_log_workspace_at').on('audit_log').columns(['workspace_id', 'at']).execute();

    const engine = engineOf(db);
    if (engine === 'postgres') {
      await sql`
        create or replace function audit_log_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' then
            if coalesce(current_setting('sessiond.audit_purge', true), '') = 'on' and exists (
              select 1 from workspaces w
              where w.id = old.workspace_id
                and old.at < (extract(epoch from now()) * 1000)::bigint - w.audit_retention_days::bigint * ${sql.lit(DAY_MS)}
            ) then
              return old;
            end if;
          end if;
          raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
        end
        $$`.execute(db);
    } else {
      await db.schema
        .createTable('audit_purge_permit')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .execute();
      await sql`drop trigger audit_log_no_delete`.execute(db);
    }
    if (engine === 'mysql')
      await sql`create trigger audit_log_no_delete before delete on audit_log for each row
        begin
          if not (
            exists (select 1 from audit_purge_permit)
            and exists (
              select 1 from workspaces w
              where w.id = old.workspace_id
                and old.at < ${databaseNowMs(engine)} - w.audit_retention_days * ${sql.lit(DAY_MS)}
            )
          ) then
            signal sqlstate '45000' set message_text = 'audit_log is append-only: DELETE is not allowed';
          end if;
        end`.execute(db);
    if (engine === 'sqlite') {
      await sql`create trigger audit_log_no_delete before delete on audit_log
        when not (
          exists (select 1 from audit_purge_permit)
          and exists (
            select 1 from workspaces w
            where w.id = old.workspace_id
              and old.at < cast(strftime('%s', 'now') as integer) * 1000 - w.audit_retention_days * ${sql.lit(DAY_MS)}
          )
        )
        begin select raise(abort, 'audit_log is append-only: DELETE is not allowed'); end`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    const engine = engineOf(db);
    if (engine === 'postgres') {
      await sql`
        create or replace function audit_log_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
        end
        $$`.execute(db);
    } else if (engine === 'mysql') {
      await sql`drop trigger audit_log_no_delete`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log for each row
        signal sqlstate '45000' set message_text = 'audit_log is append-only: DELETE is not allowed'`.execute(db);
      await db.schema.dropTable('audit_purge_permit').execute();
    } else {
      await sql`drop trigger audit_log_no_delete`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log
        begin select raise(abort, 'audit_log is append-only: DELETE is not allowed'); end`.execute(db);
      await db.schema.dropTable('audit_purge_permit').execute();
    }
    await dropIndex(db, 'audit_log_workspace_at', 'audit_log').execute();
    await db.schema.alterTable('workspaces').dropColumn('audit_retention_days').execute();
  },
};
