/** Workspace records -> wire shapes (snake_case, ISO 8601 UTC). Only what the schemas allow leaves. */
import type { AuditCursor, AuditEntry, MemberSummary, WorkspaceRecord } from '../../core/workspaces.js';
import { SessiondError } from '../../core/errors.js';
import { iso } from '../views.js';
import type { AuditEntryView, MemberView, WorkspaceView } from './schemas.js';

export function workspaceView(w: WorkspaceRecord): WorkspaceView {
  return { id: w.id, name: w.name, security_owner_id: w.securityOwnerId, created_at: iso(w.createdAt) };
}

export function memberView(m: MemberSummary): MemberView {
  const { membership, user } = m;
  return {
    user_id: user.id,
    email: user.email,
    name: user.name,
    role: membership.role,
    status: membership.status,
    joined_at: iso(membership.joinedAt),
    disabled_at: membership.disabledAt === null ? null : iso(membership.disabledAt),
    active_sessions: m.activeSessions,
    last_active_at: m.lastActiveAt === null ? null : iso(m.lastActiveAt),
    mfa_enabled: m.mfaEnabled,
    trusted_devices: m.trustedDevices,
    last_reviewed_at: m.lastReviewedAt === null ? null : iso(m.lastReviewedAt),
  };
}

/** The store's `seq` stays inside the cursor; entries are named by their id. */
export function auditEntryView(e: AuditEntry): AuditEntryView {
  return {
    id: e.id,
    at: iso(e.at),
    actor_id: e.actorId,
    action: e.action,
    target_kind: e.targetKind,
    target_id: e.targetId,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: { ...e.details },
  };
}

/** Opaque to clients: base64url of the entry's place in the log (its `seq`). */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(String(cursor.seq)).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,64}$/;

/** 400 for anything that is not a cursor this server would issue (garbage is a client mistake, never a 500). */
export function decodeAuditCursor(text: string): AuditCursor {
  const decoded = BASE64URL.test(text) ? Buffer.from(text, 'base64url').toString() : '';
  const seq = /^[1-9][0-9]{0,15}$/.test(decoded) ? Number(decoded) : NaN;
  // Only the canonical spelling: one cursor, one text (base64url has a few for the same bytes).
  if (!Number.isSafeInteger(seq) || encodeAuditCursor({ seq }) !== text)
    throw new SessiondError('invalid_request', 'cursor is not valid; start again without it');
  return { seq };
}

/** The columns of the CSV export, in order; `details` is the JSON of the entry's details. */
export const CSV_COLUMNS = [
  'id',
  'at',
  'actor_id',
  'action',
  'target_kind',
  'target_id',
  'ip',
  'user_agent',
  'request_id',
  'details',
] as const satisfies readonly (keyof AuditEntryView)[];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * A cell a spreadsheet would run as a formula (= + - @, or a tab or carriage return before one;
 * OWASP "CSV Injection") gets a leading `'`, as does one that already starts with `'` so that a
 * reader removes exactly one leading `'` to get the value back.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(cells: readonly (string | null)[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function auditCsvRow(view: AuditEntryView): string {
  return csvRow(CSV_COLUMNS.map((column) => (column === 'details' ? JSON.stringify(view.details) : view[column])));
}

/**
 * The whole trail from `first` on, page by page, newest first: the next page is asked for only
 * while a page comes back full. `next` is the use case itself, so each page is authorised again.
 */
export async function* wholeTrail(
  first: AuditEntry[],
  pageSize: number,
  next: (after: AuditCursor) => Promise<AuditEntry[]>,
): AsyncGenerator<AuditEntry> {
  let page = first;
  for (;;) {
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || last === undefined) return;
    page = await next({ seq: last.seq });
  }
}
