/**
 * The image with the localisation map as a colour overlay, predicted boxes and
 * ground-truth boxes, drawn on one canvas (so "Download PNG" saves what you see).
 *
 * Test hooks on the canvas: data-state (empty | updating | ready), data-map-hash
 * (fingerprint of the drawn Float32 map, '' when none) and data-box (JSON of the
 * drawn predicted boxes in frame pixels).
 */
import { useEffect, useMemo, useRef } from 'react';
import { applyColormap, type Box } from '@shared/postprocess';
import type { CanvasState, Colormap } from '../store/types';

export interface HeatmapCanvasProps {
  image: ImageBitmap | null;
  /** [height, width] of the frame that map and boxes refer to. */
  frame: [number, number] | null;
  /** Frame-sized map in [0, 1], or null to draw the image only. */
  map: Float32Array | null;
  mapHash: string;
  boxes: Box[];
  gtBoxes: Box[];
  colormap: Colormap;
  opacity: number;
  state: CanvasState;
  /** Draw the map faded: it is not the result of the current parameters. */
  stale: boolean;
  /** Shown over the canvas while updating, e.g. "Running the UNet…". */
  statusText: string;
  /** File name stem for "Download PNG". */
  downloadName: string;
}

/** The canvas's long side in device-independent pixels (CSS scales it down to fit). */
const LONG_SIDE = 768;

function displaySize(image: ImageBitmap | null): [number, number] {
  if (!image) return [LONG_SIDE, Math.round((LONG_SIDE * 3) / 4)];
  const s = LONG_SIDE / Math.max(image.width, image.height);
  return [Math.max(1, Math.round(image.width * s)), Math.max(1, Math.round(image.height * s))];
}

/** The colour overlay as a frame-sized canvas; rebuilt only when the map or colormap changes. */
function overlayCanvas(map: Float32Array, frame: [number, number], colormap: Colormap): OffscreenCanvas | HTMLCanvasElement | null {
  const [h, w] = frame;
  if (map.length !== h * w) return null;
  const rgba = applyColormap(map, colormap);
  const c =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(w, h)
      : Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) return null;
  ctx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return c;
}

function strokeBoxes(
  ctx: CanvasRenderingContext2D,
  boxes: Box[],
  sx: number,
  sy: number,
  color: string,
  width: number,
  dash: number[],
): void {
  ctx.save();
  ctx.setLineDash(dash);
  for (const [x0, y0, x1, y1] of boxes) {
    const x = x0 * sx;
    const y = y0 * sy;
    const w = (x1 - x0) * sx;
    const h = (y1 - y0) * sy;
    ctx.lineWidth = width + 2;
    ctx.strokeStyle = 'rgba(0,0,0,0.75)';
    ctx.strokeRect(x, y, w, h);
    ctx.lineWidth = width;
    ctx.strokeStyle = color;
    ctx.strokeRect(x, y, w, h);
  }
  ctx.restore();
}

export function HeatmapCanvas(props: HeatmapCanvasProps) {
  const { image, frame, map, colormap } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlay = useMemo(() => (map && frame ? overlayCanvas(map, frame, colormap) : null), [map, frame, colormap]);

  // Draw in the next animation frame; a newer render cancels an older pending draw.
  const latest = useRef({ props, overlay });
  latest.current = { props, overlay };
  useEffect(() => {
    const id = requestAnimationFrame(() => {
      const canvas = canvasRef.current;
      if (!canvas) return;
      const { props: p, overlay: ov } = latest.current;
      const [W, H] = displaySize(p.image);
      if (canvas.width !== W) canvas.width = W;
      if (canvas.height !== H) canvas.height = H;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, W, H);
      if (!p.image) return;
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(p.image, 0, 0, W, H);
      if (!p.frame) return;
      const sx = W / p.frame[1];
      const sy = H / p.frame[0];
      const lw = Math.max(2, Math.round(W / 256));
      if (ov) {
        ctx.globalAlpha = p.opacity * (p.stale ? 0.35 : 1);
        ctx.drawImage(ov, 0, 0, W, H);
        ctx.globalAlpha = 1;
      }
      strokeBoxes(ctx, p.gtBoxes, sx, sy, '#ffd400', lw, [lw * 3, lw * 2]);
      if (ov && !p.stale) strokeBoxes(ctx, p.boxes, sx, sy, '#00e5ff', lw, []);
    });
    return () => cancelAnimationFrame(id);
  });

  const download = () => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    canvas.toBlob((blob) => {
      if (!blob) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${props.downloadName || 'wsol'}-overlay.png`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    }, 'image/png');
  };

  const drawnMap = overlay !== null;
  return (
    <figure className="heatmap" aria-busy={props.state === 'updating'}>
      <div className="heatmap-stage">
        <canvas
          ref={canvasRef}
          data-testid="map-canvas"
          data-state={props.state}
          data-map-hash={drawnMap ? props.mapHash : ''}
          data-box={JSON.stringify(drawnMap && !props.stale ? props.boxes : [])}
          role="img"
          aria-label={
            image
              ? `Image with the localisation map${props.boxes.length ? ` and ${props.boxes.length} predicted box(es)` : ''}`
              : 'No image yet'
          }
        />
        {!image && <div className="heatmap-empty">Drop, paste or pick an image, or choose a sample.</div>}
        {props.state === 'updating' && (
          <div className="heatmap-status" role="status">
            <span className="spinner" aria-hidden="true" /> {props.statusText || 'Updating…'}
          </div>
        )}
      </div>
      <figcaption className="heatmap-legend">
        <span className="legend-item">
          <span className="swatch swatch-pred" /> predicted box
        </span>
        {props.gtBoxes.length > 0 && (
          <span className="legend-item">
            <span className="swatch swatch-gt" /> ground truth
          </span>
        )}
        <span className={`colorbar colorbar-${colormap}`} title="low → high attention" />
        <button type="button" className="link-button" onClick={download} disabled={!image}>
          Download PNG
        </button>
      </figcaption>
    </figure>
  );
}
