/**
 * A security overview, for a workspace or the whole instance: the period switch (24 hours, 7
 * days), a table of every figure beside the same period one week earlier with the change and which
 * way is better, failures by reason and sessions ended by who ended them, then the charts (each
 * with last week as a dashed line). The table carries every number; the charts are pictures of
 * the same series with a sentence each for screen readers. Loaded by the page that names the scope.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, isUnauthenticated } from '../../api';
import type { Overview, OverviewRange } from '../../api';
import { messages } from '../../messages';
import { useLocation } from '../../router';
import { useServices } from '../../services';
import { errorText } from '../workspaces/wording';
import { Chart } from './chart';
import type { ChartLine } from './chart';
import { breakdownName, change, chartSummary, figureInfo, figureName, formatValue, seriesById } from './wording';
import type { FigureInfo, FigureKind } from './wording';

const RANGES: OverviewRange[] = ['24h', '7d'];

export function parseRange(value: string | null): OverviewRange {
  return value === '7d' ? '7d' : '24h';
}

export interface OverviewViewProps {
  scope: 'workspace' | 'instance';
  load: (range: OverviewRange) => Promise<Overview>;
  timeZone?: string | undefined;
}

export function OverviewView({ scope, load, timeZone }: OverviewViewProps) {
  const { navigate, onUnauthenticated } = useServices();
  const o = messages.overview;
  const { pathname, search } = useLocation();
  const range = parseRange(search.get('range'));
  const [overview, setOverview] = useState<Overview | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  const asked = useRef(0);

  const fetchRange = useCallback(
    async (wanted: OverviewRange) => {
      const ticket = ++asked.current;
      setLoading(true);
      try {
        const found = await load(wanted);
        if (!mounted.current || ticket !== asked.current) return;
        setOverview(found);
        setError(null);
      } catch (err) {
        if (!mounted.current || ticket !== asked.current) return;
        if (isUnauthenticated(err)) return onUnauthenticated(err);
        if (err instanceof ApiError && err.code === 'forbidden') {
          setError(scope === 'workspace' ? o.forbiddenWorkspace : o.forbiddenInstance);
        } else setError(`${o.loadError} ${errorText(err)}`);
        setOverview(null);
      } finally {
        if (mounted.current && ticket === asked.current) setLoading(false);
      }
    },
    [load, onUnauthenticated, scope, o],
  );

  useEffect(() => {
    mounted.current = true;
    void fetchRange(range);
    return () => {
      mounted.current = false;
    };
  }, [fetchRange, range]);

  function choose(next: OverviewRange) {
    if (next === range) return;
    const params = new URLSearchParams(search);
    params.set('range', next);
    navigate(`${pathname}?${params.toString()}`, { replace: true });
  }

  const when = useMemo(() => {
    const fmt = new Intl.DateTimeFormat(messages.locale, {
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      ...(timeZone === undefined ? {} : { timeZone }),
    });
    return (from: number, to: number) => fmt.formatRange(new Date(from), new Date(to));
  }, [timeZone]);

  return (
    <div className="overview">
      <div className="overview-toolbar">
        <div className="range-switch" role="group" aria-label={o.rangeLabel}>
          {RANGES.map((r) => (
            <button key={r} type="button" className="button button-small" aria-pressed={r === range} onClick={() => choose(r)}>
              {o.ranges[r]}
            </button>
          ))}
        </div>
        {overview !== null && (
          <p className="muted overview-period">
            {o.period(when(overview.from, overview.to), when(overview.previous_from, overview.previous_to))}
          </p>
        )}
      </div>

      <div className="notice-slot" role="status" aria-live="polite">
        {loading && <p className="muted">{o.loading}</p>}
      </div>

      {error !== null && (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
          <button type="button" className="button button-small" onClick={() => void fetchRange(range)}>
            {messages.common.retry}
          </button>
        </div>
      )}

      {scope === 'workspace' && <p className="alert alert-info overview-instance-note">{o.instanceWide}</p>}

      {overview !== null && <OverviewBody overview={overview} scope={scope} />}
    </div>
  );
}

function OverviewBody({ overview, scope }: { overview: Overview; scope: 'workspace' | 'instance' }) {
  const o = messages.overview;
  const rangeName = o.ranges[overview.range] ?? overview.range;
  return (
    <>
      <section aria-labelledby="figures-heading" className="overview-section">
        <h2 className="section-title" id="figures-heading">
          {o.figuresTitle}
        </h2>
        <table className="overview-table">
          <caption className="visually-hidden">{o.figuresCaption(rangeName)}</caption>
          <thead>
            <tr>
              <th scope="col">{o.columns.figure}</th>
              <th scope="col">{o.columns.current}</th>
              <th scope="col">{o.columns.previous}</th>
              <th scope="col">{o.columns.change}</th>
              <th scope="col">{o.columns.better}</th>
            </tr>
          </thead>
          <tbody>
            {overview.figures.map((f) => {
              const info = figureInfo(f.id);
              return (
                <tr key={f.id} data-figure={f.id}>
                  <th scope="row">
                    {figureName(f.id)}
                    {scope === 'workspace' && info.instanceWide && <span className="badge badge-instance">{o.instanceWideBadge}</span>}
                  </th>
                  <td data-label={o.columns.current} className="figure-current">
                    <Value value={f.current} kind={info.kind} />
                  </td>
                  <td data-label={o.columns.previous} className="figure-previous">
                    <Value value={f.previous} kind={info.kind} />
                  </td>
                  <td data-label={o.columns.change} className="figure-change">
                    <ChangeText current={f.current} previous={f.previous} info={info} />
                  </td>
                  <td data-label={o.columns.better} className="figure-better">
                    {o.better[info.better]}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <div className="overview-breakdowns">
        <Breakdown
          id="failures"
          title={o.failuresTitle}
          caption={o.failuresCaption}
          column={o.reasonColumn}
          none={o.failuresNone}
          rows={overview.failures_by_reason}
          names={o.reasons}
          better="lower"
        />
        <Breakdown
          id="actors"
          title={o.actorsTitle}
          caption={o.actorsCaption}
          column={o.actorColumn}
          none={o.actorsNone}
          rows={overview.revocations_by_actor}
          names={o.actors}
          better="none"
        />
      </div>

      <Charts overview={overview} scope={scope} />
    </>
  );
}

/** A figure as a person reads it, in a <data> element that keeps the exact number the server sent. */
function Value({ value, kind }: { value: number | null; kind: FigureKind }) {
  const text = formatValue(value, kind);
  return value === null ? <>{text}</> : <data value={String(value)}>{text}</data>;
}

/** "▲ 20% (worse)": the arrow is a picture, so screen readers hear "up 20%, worse". */
export function ChangeText({ current, previous, info }: { current: number | null; previous: number | null; info: FigureInfo }) {
  const o = messages.overview;
  const c = change(current, previous, info);
  if (c.direction === null) {
    return (
      <span className="change change-none" title={o.noBaselineHint}>
        <span aria-hidden="true">{o.noBaseline}</span>
        <span className="visually-hidden">{o.noBaselineHint}</span>
      </span>
    );
  }
  if (c.direction === 'same') return <span className="change change-same">{`${o.noChange} (${c.amount})`}</span>;
  return (
    <span className={`change change-${c.verdict ?? 'neutral'}`}>
      <span aria-hidden="true">{c.direction === 'up' ? '▲ ' : '▼ '}</span>
      <span className="visually-hidden">{`${c.direction === 'up' ? o.up : o.down} `}</span>
      {c.amount}
      {c.verdict !== null && <span className="change-verdict">{` ${o.verdict[c.verdict]}`}</span>}
    </span>
  );
}

function Breakdown({
  id,
  title,
  caption,
  column,
  none,
  rows,
  names,
  better,
}: {
  id: string;
  title: string;
  caption: string;
  column: string;
  none: string;
  rows: { key: string; current: number; previous: number }[];
  names: Record<string, string>;
  better: FigureInfo['better'];
}) {
  const o = messages.overview;
  const info: FigureInfo = { kind: 'count', better, instanceWide: false };
  return (
    <section className="card overview-breakdown" aria-labelledby={`${id}-heading`}>
      <h2 className="section-title" id={`${id}-heading`}>
        {title}
      </h2>
      {rows.length === 0 ? (
        <p className="empty">{none}</p>
      ) : (
        <table className="overview-table overview-table-compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col">{o.columns.current}</th>
              <th scope="col">{o.columns.previous}</th>
              <th scope="col">{o.columns.change}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-key={r.key}>
                <th scope="row">{breakdownName(r.key, names)}</th>
                <td data-label={o.columns.current}>
                  <Value value={r.current} kind="count" />
                </td>
                <td data-label={o.columns.previous}>
                  <Value value={r.previous} kind="count" />
                </td>
                <td data-label={o.columns.change}>
                  <ChangeText current={r.current} previous={r.previous} info={info} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface ChartSpec {
  key: string;
  /** The series drawn, each with last week's beside it; colours in this order. */
  series: string[];
  kind: FigureKind;
}

/** The charts, in reading order; series the server did not send are left out (a chart with none is not drawn). */
const CHARTS: ChartSpec[] = [
  { key: 'signIns', series: ['sign_ins', 'sign_in_failures'], kind: 'count' },
  { key: 'successRate', series: ['sign_in_success_rate'], kind: 'ratio' },
  { key: 'suspicious', series: ['suspicious_sign_ins'], kind: 'count' },
  { key: 'revocations', series: ['revocations'], kind: 'count' },
  { key: 'validation', series: ['validation_p50_seconds', 'validation_p99_seconds'], kind: 'seconds' },
  { key: 'lag', series: ['revocation_lag_p99_seconds'], kind: 'seconds' },
  { key: 'mails', series: ['alert_mails_sent', 'alert_mails_failed'], kind: 'count' },
];

function Charts({ overview, scope }: { overview: Overview; scope: 'workspace' | 'instance' }) {
  const o = messages.overview;
  const step = o.steps[overview.step_ms];
  const charts = useMemo(() => {
    const byId = seriesById(overview);
    return CHARTS.flatMap((spec) => {
      const found = spec.series.flatMap((id) => {
        const s = byId.get(id);
        return s === undefined ? [] : [s];
      });
      const first = found[0];
      if (first === undefined) return [];
      const lines: ChartLine[] = found.flatMap((s, i) => {
        const color = (i === 0 ? 1 : 2) as 1 | 2;
        const name = figureName(s.id);
        return [
          { label: `${name}, ${o.thisPeriod}`, values: s.current, color, dashed: false },
          { label: `${name}, ${o.lastWeek}`, values: s.previous, color, dashed: true },
        ];
      });
      const summary = found.map((s) => chartSummary(figureName(s.id), s, spec.kind)).join(' ');
      const instanceWide = found.some((s) => figureInfo(s.id).instanceWide);
      let title = o.charts[spec.key] ?? spec.key;
      if (spec.kind === 'count' && step !== undefined) title = `${title}, ${o.perStep(step)}`;
      if (scope === 'workspace' && instanceWide) title = `${title} (${o.instanceWideBadge.toLowerCase()})`;
      const format = (v: number) => formatValue(v, spec.kind);
      return [{ key: spec.key, title, summary, t: first.t, lines, format, ratio: spec.kind === 'ratio', whole: spec.kind === 'count' }];
    });
  }, [overview, scope, step, o]);

  return (
    <section aria-labelledby="charts-heading" className="overview-section">
      <h2 className="section-title" id="charts-heading">
        {o.chartsTitle}
      </h2>
      <p className="muted">{o.chartsIntro}</p>
      <div className="chart-grid">
        {charts.map((c) => (
          <Chart
            key={c.key}
            title={c.title}
            summary={c.summary}
            t={c.t}
            lines={c.lines}
            format={c.format}
            ratio={c.ratio}
            whole={c.whole}
          />
        ))}
      </div>
    </section>
  );
}
