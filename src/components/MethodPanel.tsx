/** One method in the side-by-side view: its name, map with boxes, and IoU when the image has ground truth. */
import type { Box } from '../shared/postprocess';
import type { CanvasState, Colormap, Method } from '../store/types';
import { HeatmapCanvas } from './HeatmapCanvas';
import { METHOD_BLURBS, METHOD_LABELS } from './MethodPicker';

export interface MethodPanelProps {
  method: Method;
  image: ImageBitmap | null;
  frame: [number, number] | null;
  map: Float32Array | null;
  mapHash: string;
  boxes: Box[];
  gtBoxes: Box[];
  iou: number | null;
  colormap: Colormap;
  opacity: number;
  state: CanvasState;
  statusText: string;
  /** A line under the title, e.g. SAT's own top-1 class. */
  note: string | null;
  /** Why this method shows nothing (pack lacks it, or it failed). */
  unavailable: string | null;
  downloadName: string;
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
        <HeatmapCanvas
          image={p.image}
          frame={p.frame}
          map={p.map}
          mapHash={p.mapHash}
          boxes={p.boxes}
          gtBoxes={p.gtBoxes}
          colormap={p.colormap}
          opacity={p.opacity}
          state={p.state}
          stale={false}
          statusText={p.statusText}
          downloadName={`${p.downloadName}-${p.method}`}
        />
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
