/** One method in the side-by-side view: its name, map with boxes, and IoU when the image has ground truth. */
import type { Method } from '../store/types';
import { HeatmapCanvas, type HeatmapCanvasProps } from './HeatmapCanvas';
import { METHOD_BLURBS, METHOD_LABELS } from './MethodPicker';

export interface MethodPanelProps extends Omit<HeatmapCanvasProps, 'stale'> {
  method: Method;
  iou: number | null;
  /** A line under the title, e.g. SAT's own top-1 class. */
  note: string | null;
  /** Why this method shows nothing (pack lacks it, or it failed). */
  unavailable: string | null;
}

export function MethodPanel(p: MethodPanelProps) {
  return (
    <section className="method-panel" data-testid={`panel-${p.method}`} aria-label={METHOD_LABELS[p.method]}>
      <header>
        <h3>{METHOD_LABELS[p.method]}</h3>
        <span className="muted small">{METHOD_BLURBS[p.method]}</span>
      </header>
      {p.unavailable ? (
        <p className="muted small method-unavailable">{p.unavailable}</p>
      ) : (
        <HeatmapCanvas {...p} stale={false} downloadName={`${p.downloadName}-${p.method}`} />
      )}
      {p.note && <p className="muted small">{p.note}</p>}
      {p.iou !== null && p.state === 'ready' && (
        <p className={`iou ${p.iou >= 0.5 ? 'iou-hit' : 'iou-miss'}`} data-testid={`iou-${p.method}`} data-iou={p.iou.toFixed(4)}>
          IoU <strong>{p.iou.toFixed(3)}</strong> {p.iou >= 0.5 ? '✓' : '✗'}
        </p>
      )}
    </section>
  );
}
