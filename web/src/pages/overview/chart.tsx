/**
 * One time-series chart, drawn by uPlot: this period's lines solid, last week's dashed in the same
 * colour. The chart is an image with a one-sentence text alternative (its totals or highest
 * values); the legend is ordinary HTML; the numbers themselves are in the page's table. Colours
 * come from the stylesheet (--chart-*), so dark mode has its own, and the chart is drawn again
 * when the colour scheme or its width changes.
 */
import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  /** Which of the stylesheet's chart colours (--chart-1, --chart-2). */
  color: 1 | 2;
  /** Last week's line: dashed. */
  dashed: boolean;
}

export interface ChartProps {
  title: string;
  /** The text alternative: what the chart shows, in a sentence. */
  summary: string;
  /** Times of the points, ms since the epoch. */
  t: number[];
  lines: ChartLine[];
  /** An axis value as a person reads it. */
  format: (value: number) => string;
  /** Axis from 0 to 1 (a ratio), not fitted to the data. */
  ratio?: boolean;
  /** Counts: the axis marks whole numbers only. */
  whole?: boolean;
}

/** Steps between a count axis's marks: whole numbers, 1-2-5 (uPlot would also try 0.2, 0.5). */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7];

const HEIGHT = 200;

/** Whether this browser can draw on a canvas at all (a DOM without one still gets the text alternative). */
function canDraw(): boolean {
  try {
    return typeof ResizeObserver !== 'undefined' && document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

/** The indices of values whose neighbours are both missing. */
function isolated(values: (number | null)[]): number[] {
  return values.flatMap((v, i) => (v !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null ? [i] : []));
}

export function Chart({ title, summary, t, lines, format, ratio = false, whole = false }: ChartProps) {
  const id = useId();
  const plotRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = plotRef.current;
    if (el === null || !canDraw()) return;
    let plot: uPlot | null = null;
    const draw = () => {
      plot?.destroy();
      const style = getComputedStyle(el);
      const css = (name: string) => style.getPropertyValue(name).trim();
      const axis: uPlot.Axis = {
        stroke: css('--muted'),
        grid: { stroke: css('--border'), width: 1 },
        ticks: { stroke: css('--border'), width: 1 },
        font: `12px ${style.fontFamily}`,
      };
      plot = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height: HEIGHT,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: true }, y: ratio ? { range: [0, 1] } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max : 1] } },
          axes: [
            axis,
            { ...axis, size: 64, ...(whole ? { incrs: WHOLE_STEPS } : {}), values: (_u, splits) => splits.map((v) => format(v)) },
          ],
          series: [
            {},
            ...lines.map((line): uPlot.Series => ({
              label: line.label,
              stroke: css(`--chart-${line.color}`),
              width: 2,
              ...(line.dashed ? { dash: [6, 4] } : {}),
              // A value with no neighbour (the steps around it have no data) is a dot: a line needs two.
              points:
                isolated(line.values).length === 0
                  ? { show: false }
                  : { show: true, size: 6, fill: css(`--chart-${line.color}`), filter: isolated(line.values) },
              spanGaps: false,
            })),
          ],
        },
        [t.map((ms) => ms / 1000), ...lines.map((line) => line.values)],
        el,
      );
    };
    draw();
    let width = el.clientWidth;
    const resized = new ResizeObserver(() => {
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      plot?.setSize({ width: Math.max(200, width), height: HEIGHT });
    });
    resized.observe(el);
    const scheme = window.matchMedia?.('(prefers-color-scheme: dark)');
    scheme?.addEventListener('change', draw);
    return () => {
      resized.disconnect();
      scheme?.removeEventListener('change', draw);
      plot?.destroy();
    };
  }, [t, lines, format, ratio, whole]);

  return (
    <figure className="chart card" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 className="section-title" id={`${id}-title`}>
          {title}
        </h3>
        <ul className="chart-legend">
          {lines.map((line) => (
            <li key={line.label}>
              <svg width="28" height="10" aria-hidden="true" focusable="false">
                <line
                  x1="0"
                  y1="5"
                  x2="28"
                  y2="5"
                  className={`chart-legend-line-${line.color}`}
                  strokeWidth="2.5"
                  strokeDasharray={line.dashed ? '6 4' : undefined}
                />
              </svg>
              {line.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="chart-plot" ref={plotRef} role="img" aria-label={summary} />
    </figure>
  );
}
