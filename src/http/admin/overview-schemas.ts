/** The security overview's answer (core/overview.ts), for the admin pages and API clients. */
import { Type } from 'typebox';
import { FIGURE_IDS, OVERVIEW_RANGES, SERIES_IDS, type FigureId, type OverviewRange, type SeriesId } from '../../core/overview.js';
import { Nullable } from '../schemas.js';

const Range = Type.Unsafe<OverviewRange>({
  type: 'string',
  enum: [...OVERVIEW_RANGES],
  description: 'The last 24 hours (15-minute steps) or the last 7 days (hourly steps); default 24h',
});

export const OverviewQuery = Type.Object({ range: Type.Optional(Range) }, { additionalProperties: false });

const Ms = (description: string) => Type.Integer({ description });

const Figure = Type.Object({
  id: Type.Unsafe<FigureId>({ type: 'string', enum: [...FIGURE_IDS] }),
  current: Nullable(
    Type.Number({
      description: 'This period; null when it cannot be computed (no sign-ins for a rate, no observations for a percentile)',
    }),
  ),
  previous: Nullable(Type.Number({ description: 'The same period one week earlier' })),
});

const Breakdown = Type.Object({ key: Type.String(), current: Type.Number({ minimum: 0 }), previous: Type.Number({ minimum: 0 }) });

const Series = Type.Object({
  id: Type.Unsafe<SeriesId>({ type: 'string', enum: [...SERIES_IDS] }),
  t: Type.Array(Type.Integer(), { description: 'Start of each step, ms since the epoch' }),
  current: Type.Array(Nullable(Type.Number()), { description: 'One value per step of this period' }),
  previous: Type.Array(Nullable(Type.Number()), { description: 'The same steps one week earlier' }),
});

export const OverviewAnswer = Type.Object(
  {
    scope: Type.Union([Type.Literal('workspace'), Type.Literal('instance')]),
    range: Range,
    from: Ms('Start of this period, ms since the epoch'),
    to: Ms('End of this period (exclusive): the end of the current step'),
    previous_from: Ms('Start of the same period one week earlier'),
    previous_to: Ms('End of the same period one week earlier'),
    step_ms: Type.Integer({ description: 'Chart step: 900000 (24h) or 3600000 (7d)' }),
    figures: Type.Array(Figure, {
      description:
        'Fixed ids in a fixed order. Counts, rates (0..1), seconds, milliseconds (median_alert_to_review_ms). Latency, revocation lag, mail, database and cost figures are the instance’s, also on a workspace’s overview.',
    }),
    failures_by_reason: Type.Array(Breakdown, { description: 'Failed sign-ins by the error code the caller saw, largest first' }),
    revocations_by_actor: Type.Array(Breakdown, { description: 'Sessions ended by who ended them: user, admin, policy, system' }),
    series: Type.Array(Series),
  },
  { $id: 'SecurityOverview' },
);
