/**
 * The λ strip (GenPromp's Fig. 8 for the current image and class): one map per λ = 0, 0.1, …, 1
 * with its box and, where there is ground truth, its IoU; an IoU-vs-λ sparkline above. Choosing
 * a cell sets λ (from cache). Props only: the store computes the cells, a contact sheet can
 * render the same component.
 *
 * Keyboard: the cells are buttons (Tab, Enter); ← and → move between them.
 */
import type { KeyboardEvent } from 'react';
import type { Box } from '@shared/postprocess';
import type { Colormap } from '../../store/types';
import { LinePlot } from '../plot/LinePlot';
import { seriesStyle } from '../plot/palette';
import { MapThumb } from './MapThumb';

export interface LambdaStripCellView {
  lambda: number;
  frameMap: Float32Array;
  mapHash: string;
  boxes: Box[];
  iou: number | null;
}

export interface LambdaStripProps {
  image: ImageBitmap | null;
  /** [height, width] of the frame the maps and boxes refer to. */
  frame: [number, number];
  /** Eleven cells once computed; empty while the batched run is on its way. */
  cells: readonly LambdaStripCellView[];
  gtBoxes: Box[];
  /** The current λ (the chosen cell, or a live off-grid value between two). */
  lambda: number;
  colormap: Colormap;
  opacity: number;
  /** True while the strip's maps are being computed. */
  busy: boolean;
  /** Shown but not operable (the precomputed first view): cells stay focusable, a click sets nothing. */
  disabled?: boolean;
  onPick(lambda: number): void;
}

/** Canvas width of one cell: eleven fit a 1024 px tablet's main column. */
const CELL_WIDTH = 96;

function onCellKey(e: KeyboardEvent<HTMLButtonElement>): void {
  const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
  if (!step) return;
  e.preventDefault();
  const sibling = step > 0 ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
  (sibling as HTMLButtonElement | null)?.focus();
}

export function LambdaStrip(p: LambdaStripProps) {
  const scored = p.cells.length > 0 && p.cells.every((c) => c.iou !== null);
  const ious = p.cells.map((c) => c.iou ?? Number.NaN);
  let best = -1;
  for (let i = 0; i < ious.length; i++) if (!Number.isNaN(ious[i]!) && (best < 0 || ious[i]! > ious[best]!)) best = i;
  return (
    <div className="lambda-strip" data-testid="lambda-strip" aria-busy={p.busy}>
      {p.cells.length === 0 ? (
        <p className="muted small" role="status" data-testid="lambda-strip-pending">
          {p.busy ? 'Running the UNet for λ = 0, 0.1, …, 1 in one batch…' : 'Pick an image to see the λ strip.'}
        </p>
      ) : (
        <>
          {scored ? (
            <LinePlot
              testId="lambda-sparkline"
              x={p.cells.map((c) => c.lambda)}
              series={[{ label: 'IoU', values: ious, style: seriesStyle(0), star: best >= 0 ? best : null }]}
              xLabel="λ"
              yLabel="IoU"
              xRange={[0, 1]}
              yRange={[0, 1]}
              xMarker={p.lambda}
              height={60}
              compact
              ariaLabel={`IoU against λ: ${p.cells.map((c) => `λ ${c.lambda.toFixed(1)} IoU ${c.iou!.toFixed(2)}`).join(', ')}`}
            />
          ) : (
            <p className="muted small" data-testid="lambda-strip-no-gt">
              No ground truth on this image: draw a box on it to score each λ.
            </p>
          )}
          <div className="lambda-cells" role="group" aria-label="Maps at λ = 0 to 1; choose one to set λ">
            {p.cells.map((c) => {
              const current = Math.abs(c.lambda - p.lambda) < 1e-9;
              return (
                <button
                  type="button"
                  key={c.lambda}
                  className={`lambda-cell${current ? ' lambda-cell-current' : ''}`}
                  aria-pressed={current}
                  aria-disabled={p.disabled}
                  aria-label={`λ ${c.lambda.toFixed(1)}${c.iou !== null ? `, IoU ${c.iou.toFixed(2)}` : ''}`}
                  data-testid={`lambda-cell-${c.lambda.toFixed(1)}`}
                  data-iou={c.iou === null ? '' : c.iou.toFixed(4)}
                  data-box={JSON.stringify(c.boxes)}
                  onClick={() => {
                    if (!p.disabled) p.onPick(c.lambda);
                  }}
                  onKeyDown={onCellKey}
                >
                  <MapThumb
                    image={p.image}
                    mapSize={p.frame}
                    map={c.frameMap}
                    mapHash={c.mapHash}
                    boxes={c.boxes}
                    gtBoxes={p.gtBoxes}
                    colormap={p.colormap}
                    opacity={p.opacity}
                    width={CELL_WIDTH}
                  />
                  <span className="lambda-cell-label">
                    λ {c.lambda.toFixed(1)}
                    {c.iou !== null && <span className={iouClass(c.iou)}>{c.iou.toFixed(2)}</span>}
                  </span>
                </button>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}

/** IoU ≥ 0.5 counts as a correct box (the usual δ). */
const iouClass = (iou: number): string => (iou >= 0.5 ? 'iou-hit' : 'iou-miss');
