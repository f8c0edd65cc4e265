/**
 * Line plots (curves and sparklines) through uPlot: canvas drawing, ~50 kB, no runtime
 * dependencies; it styles its own elements through CSSOM only, which the app's CSP
 * (style-src 'self') allows. React owns the container; uPlot owns what is inside it.
 * Markers (a vertical line, stars on points) are drawn in uPlot's draw hook.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SeriesStyle } from './palette';

export interface LineSeries {
  label: string;
  /** y per x, NaN for a gap. */
  values: ArrayLike<number>;
  style: SeriesStyle;
  /** Index into x of a point to mark with a star (e.g. the best τ), or null. */
  star: number | null;
}

export interface LinePlotProps {
  x: ArrayLike<number>;
  series: readonly LineSeries[];
  xLabel: string;
  yLabel: string;
  /** [min, max] of each axis. */
  xRange: [number, number];
  yRange: [number, number];
  /** x of a vertical marker (e.g. the current τ), or null. */
  xMarker: number | null;
  /** Dotted horizontal guides (e.g. δ = 0.3, 0.5, 0.7). */
  yGuides?: readonly number[];
  height: number;
  /** Sparkline: no axes, no legend, no cursor. */
  compact?: boolean;
  /** Also what a screen reader announces (the canvas itself is not readable). */
  ariaLabel: string;
  testId?: string;
}

function starPath(ctx: CanvasRenderingContext2D, cx: number, cy: number, r: number): void {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 === 0 ? r : r * 0.45;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    ctx.lineTo(cx + rad * Math.cos(a), cy + rad * Math.sin(a));
  }
  ctx.closePath();
}

/** What the draw hook reads: the latest props, not those the plot was created with. */
type Live = { current: LinePlotProps };

function drawMarkers(u: uPlot, live: Live): void {
  const p = live.current;
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const px = devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.lineWidth = px;
  ctx.setLineDash([2 * px, 3 * px]);
  ctx.strokeStyle = '#8a93a5';
  for (const g of p.yGuides ?? []) {
    const y = u.valToPos(g, 'y', true);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
  }
  if (p.xMarker !== null) {
    const x = u.valToPos(p.xMarker, 'x', true);
    ctx.setLineDash([]);
    ctx.lineWidth = 2 * px;
    ctx.strokeStyle = '#1d2330';
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const s of p.series) {
    if (s.star === null) continue;
    const xv = p.x[s.star];
    const yv = s.values[s.star];
    if (xv === undefined || yv === undefined || !Number.isFinite(yv)) continue;
    starPath(ctx, u.valToPos(xv, 'x', true), u.valToPos(yv, 'y', true), (p.compact ? 4 : 7) * px);
    ctx.fillStyle = s.style.colour;
    ctx.fill();
    ctx.lineWidth = px;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
  ctx.restore();
}

function options(p: LinePlotProps, width: number, live: Live): uPlot.Options {
  const axis = (label: string): uPlot.Axis => ({ label, stroke: '#5c6577', grid: { stroke: '#eceef2' }, ticks: { stroke: '#dde1e8' } });
  return {
    width,
    height: p.height,
    legend: { show: false },
    cursor: p.compact ? { show: false } : { drag: { x: false, y: false }, points: { show: false } },
    // Ranges read the live props, so a plot that grows (a loss curve) rescales on setData.
    scales: { x: { time: false, range: () => live.current.xRange }, y: { range: () => live.current.yRange } },
    axes: p.compact ? [{ show: false }, { show: false }] : [axis(p.xLabel), axis(p.yLabel)],
    series: [
      { label: p.xLabel },
      ...p.series.map((s) => ({ label: s.label, stroke: s.style.colour, dash: s.style.dash, width: 2, points: { show: false } })),
    ],
    hooks: { draw: [(u: uPlot) => drawMarkers(u, live)] },
  };
}

const toData = (p: LinePlotProps): uPlot.AlignedData => [
  Array.from(p.x),
  ...p.series.map((s) => Array.from(s.values, (v) => (Number.isFinite(v) ? v : null))),
];

export function LinePlot(props: LinePlotProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const live = useRef(props);
  live.current = props;
  // Rebuild only when the series set changes (labels, styles); data and markers update in place.
  const shape = `${props.compact ? 'c' : 'f'}|${props.height}|${props.series.map((s) => `${s.label}:${s.style.index}`).join(',')}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` is the trigger; the effect reads the live props
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const plot = new uPlot(options(live.current, Math.max(120, host.clientWidth), live), toData(live.current), host);
    plotRef.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(120, host.clientWidth), height: live.current.height }));
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plotRef.current?.setData(toData(props), true);
  });

  return (
    <div
      ref={hostRef}
      className={`line-plot${props.compact ? ' line-plot-compact' : ''}`}
      role="img"
      aria-label={props.ariaLabel}
      data-testid={props.testId}
    />
  );
}
