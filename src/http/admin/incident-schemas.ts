/**
 * Wire shapes of incident response (core/incidents.ts): the workspace-wide session search, the
 * dry run, incident operations and the approval threshold. The filter has one spelling for the
 * query string and the CLI (`key=value`, lists comma-separated) and a JSON one for bodies; both
 * go through core's `parseSessionFilter`.
 */
import { Type, type Static } from 'typebox';
import { AUTH_METHODS, MAX_FILTER_VALUES } from '../../core/session-filter.js';
import { MAX_APPROVAL_THRESHOLD } from '../../core/incidents.js';
import { Session, Nullable } from '../schemas.js';
import { ID_PATTERN } from './schemas.js';

const Id = Type.String({ pattern: ID_PATTERN });
const List = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: MAX_FILTER_VALUES, description });
const Time = (description: string) =>
  Type.String({ minLength: 1, maxLength: 40, description: `${description}; ISO 8601 or milliseconds since the epoch` });

export const IncidentParams = Type.Object({ ws: Id, id: Id }, { additionalProperties: false });

const FILTER_DESCRIPTIONS = {
  app: 'The session’s app (client id): any of these',
  country: 'ISO 3166-1 alpha-2 of where it signed in: any of these',
  trusted: 'On a device trusted now (true) or not (false)',
  mfa: 'Signed in with more than a password (true: a second factor or a passkey) or with a password alone (false)',
  method: `How it signed in: any of ${AUTH_METHODS.join(', ')}`,
  signed_in_before: 'Signed in before this time',
  signed_in_after: 'Signed in at or after this time',
  last_active_before: 'Last active before this time',
  ip: 'The sign-in address is in any of these ranges: CIDR (IPv4 or IPv6) or one address',
  member: 'Sessions of these members (user ids) only',
} as const;

/** The filter in a JSON body: every condition given must hold; a list matches any of its values. */
export const SessionFilterBody = Type.Object(
  {
    app: Type.Optional(List(FILTER_DESCRIPTIONS.app)),
    country: Type.Optional(List(FILTER_DESCRIPTIONS.country)),
    trusted: Type.Optional(Type.Boolean({ description: FILTER_DESCRIPTIONS.trusted })),
    mfa: Type.Optional(Type.Boolean({ description: FILTER_DESCRIPTIONS.mfa })),
    method: Type.Optional(List(FILTER_DESCRIPTIONS.method)),
    signed_in_before: Type.Optional(Time(FILTER_DESCRIPTIONS.signed_in_before)),
    signed_in_after: Type.Optional(Time(FILTER_DESCRIPTIONS.signed_in_after)),
    last_active_before: Type.Optional(Time(FILTER_DESCRIPTIONS.last_active_before)),
    ip: Type.Optional(List(FILTER_DESCRIPTIONS.ip)),
    member: Type.Optional(List(FILTER_DESCRIPTIONS.member)),
  },
  {
    additionalProperties: false,
    $id: 'SessionFilter',
    description: 'Every condition given must hold; a list matches any of its values. Empty: every session.',
  },
);

const QueryText = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description }));

/** The filter in a query string: lists comma-separated. */
export const WorkspaceSessionQuery = Type.Object(
  {
    app: QueryText(`${FILTER_DESCRIPTIONS.app}; comma-separated`),
    country: QueryText(`${FILTER_DESCRIPTIONS.country}; comma-separated`),
    trusted: QueryText(`${FILTER_DESCRIPTIONS.trusted}`),
    mfa: QueryText(`${FILTER_DESCRIPTIONS.mfa}`),
    method: QueryText(`${FILTER_DESCRIPTIONS.method}; comma-separated`),
    signed_in_before: QueryText(`${FILTER_DESCRIPTIONS.signed_in_before}; ISO 8601 or milliseconds`),
    signed_in_after: QueryText(`${FILTER_DESCRIPTIONS.signed_in_after}; ISO 8601 or milliseconds`),
    last_active_before: QueryText(`${FILTER_DESCRIPTIONS.last_active_before}; ISO 8601 or milliseconds`),
    ip: QueryText(`${FILTER_DESCRIPTIONS.ip}; comma-separated`),
    member: QueryText(`${FILTER_DESCRIPTIONS.member}; comma-separated`),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'Page size, 1-200 (default 50)' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The `next_cursor` of the previous page' })),
  },
  { additionalProperties: false },
);

export const WorkspaceSession = Type.Object(
  { ...Session.properties, user_id: Type.String({ description: 'The member whose session it is' }) },
  { $id: 'WorkspaceSession' },
);

export const WorkspaceSessionPage = Type.Object({
  sessions: Type.Array(WorkspaceSession),
  next_cursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next page; null on the last page' })),
});

export const DryRunBody = Type.Object({ filter: SessionFilterBody }, { additionalProperties: false });

export const DryRunResult = Type.Object({
  count: Type.Integer({ description: 'Sessions that match now: what creating the operation must confirm' }),
  sample: Type.Array(WorkspaceSession, { description: 'The first few (by session id)' }),
});

export const CreateIncidentBody = Type.Object(
  {
    filter: SessionFilterBody,
    confirm_count: Type.Integer({
      minimum: 0,
      description: 'The count the dry run showed; 409 `count_mismatch` when it no longer matches',
    }),
  },
  { additionalProperties: false },
);

export const Incident = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([Type.Literal('pending_approval'), Type.Literal('running'), Type.Literal('done'), Type.Literal('refused')]),
    filter: Type.Record(Type.String(), Type.String(), { description: 'The filter, in its query-string spelling' }),
    matched: Type.Integer({ description: 'Sessions that matched when it was requested (the confirmed count)' }),
    threshold: Type.Integer({ description: 'The approval threshold it was judged against' }),
    requested_by: Type.String(),
    created_at: Type.String(),
    decided_by: Nullable(Type.String({ description: 'Who approved or refused it' })),
    decided_at: Nullable(Type.String()),
    started_at: Nullable(Type.String()),
    finished_at: Nullable(Type.String()),
    revoked: Type.Integer({ description: 'Sessions ended so far' }),
    batches: Type.Integer({ description: 'Batches committed so far' }),
  },
  { $id: 'Incident' },
);

export const IncidentAnswer = Type.Object({ incident: Incident });
export const IncidentList = Type.Object({ incidents: Type.Array(Incident) });

export const IncidentSettings = Type.Object(
  {
    approval_threshold: Type.Integer({
      minimum: 0,
      maximum: MAX_APPROVAL_THRESHOLD,
      description: 'An operation that would end more sessions than this waits for a second owner or security admin (default 100)',
    }),
  },
  { additionalProperties: false },
);

export type SessionFilterBodyView = Static<typeof SessionFilterBody>;
export type IncidentView = Static<typeof Incident>;
