/** One method in the side-by-side view: its name, map with boxes, and IoU when the image has ground truth. */
import type { ReactNode } from 'react';
import { FAILURE_MEANING, type FailureType } from '@shared/metrics/failure';
import { HeatmapCanvas, type HeatmapCanvasProps } from './HeatmapCanvas';
import { DocLinks } from './DocLinks';

export interface MethodPanelProps extends Omit<HeatmapCanvasProps, 'stale'> {
  method: string;
  label: string;
  blurb: string;
  iou: number | null;
  /** A line under the map, e.g. SAT's own top-1 class. */
  note: string | null;
  /** Why this method shows nothing (the pack lacks it). */
  unavailable: string | null;
  /** The probe's reading under the map (rendered by the caller), or null. */
  probeReadout?: ReactNode;
  /** A sanity baseline, labelled as such. */
  sanity?: boolean;
  /** TS-CAM failure type of the box at the current τ, when there is ground truth. */
  failure?: FailureType | null;
}

export function MethodPanel(p: MethodPanelProps) {
  return (
    <section className="method-panel" data-testid={`panel-${p.method}`} aria-label={p.label}>
      <header>
        <h3>
          {p.label}
          {p.sanity && <span className="chip chip-sanity">sanity baseline</span>}
        </h3>
        <span className="muted small">{p.blurb}</span>
      </header>
      {p.unavailable ? (
        <p className="muted small method-unavailable">
          <DocLinks text={p.unavailable} />
        </p>
      ) : (
        <HeatmapCanvas {...p} stale={false} downloadName={`${p.downloadName}-${p.method}`} />
      )}
      {p.note && <p className="muted small">{p.note}</p>}
      {p.iou !== null && p.state === 'ready' && (
        <p className={`iou ${p.iou >= 0.5 ? 'iou-hit' : 'iou-miss'}`} data-testid={`iou-${p.method}`} data-iou={p.iou.toFixed(4)}>
          IoU <strong>{p.iou.toFixed(3)}</strong> {p.iou >= 0.5 ? '✓' : '✗'}
          {p.failure && (
            <span
              className={`badge-failure failure-${p.failure === 'Correct' ? 'ok' : 'bad'}`}
              data-testid={`panel-failure-${p.method}`}
              title={FAILURE_MEANING[p.failure]}
            >
              {p.failure}
            </span>
          )}
        </p>
      )}
      {p.probeReadout}
    </section>
  );
}
