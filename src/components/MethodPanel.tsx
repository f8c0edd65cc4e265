/** One method in the side-by-side view: its name, map with boxes, and IoU when the image has ground truth. */
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
}

export function MethodPanel(p: MethodPanelProps) {
  return (
    <section className="method-panel" data-testid={`panel-${p.method}`} aria-label={p.label}>
      <header>
        <h3>{p.label}</h3>
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
        </p>
      )}
    </section>
  );
}
