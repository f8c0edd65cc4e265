/**
 * The image with the localisation map as a colour overlay, predicted boxes and
 * ground-truth boxes, drawn on one canvas (so "Download PNG" saves what you see).
 *
 * Test hooks on the canvas: data-state (empty | updating | ready | precomputed), data-map-hash
 * (fingerprint of the drawn Float32 map, '' when none) and data-box (JSON of the
 * drawn predicted boxes in frame pixels).
 *
 * Optional interactions: drawing a ground-truth box (pointer drag, mouse, pen or touch; drag
 * a corner handle to edit, drag elsewhere to redraw) and a hover probe (pointer, or arrow
 * keys while the canvas has focus) whose crosshair every panel draws at the same point.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { applyColormap, type Box } from '@shared/postprocess';
import type { CanvasState, Colormap } from '../store/types';
import { markMapPainted } from '@shared/perfMarks';

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
  /** Ground-truth drawing, where the view offers it. */
  gtDraw?: GtDrawProps;
  /** The shared hover probe, where the view offers it. */
  probe?: ProbeProps;
}

export interface GtDrawProps {
  /** Pointer drags draw (and the canvas stops scrolling the page under a finger). */
  active: boolean;
  /** The drawn box in the image's own pixels, or null. */
  box: Box | null;
  onCommit(box: Box): void;
}

export interface ProbeProps {
  /** Fractions of the image's width and height, or null when no probe is shown. */
  point: { x: number; y: number } | null;
  onMove(point: { x: number; y: number } | null): void;
}

type Drag = { fixed: [number, number] };

/** Corner handles answer within this many CSS pixels (finger-sized). */
const HANDLE_REACH = 16;

function imagePoint(e: PointerEvent<HTMLCanvasElement>, image: ImageBitmap): [number, number] {
  const r = e.currentTarget.getBoundingClientRect();
  const fx = (e.clientX - r.left) / Math.max(1, r.width);
  const fy = (e.clientY - r.top) / Math.max(1, r.height);
  return [
    Math.min(image.width - 1, Math.max(0, Math.floor(fx * image.width))),
    Math.min(image.height - 1, Math.max(0, Math.floor(fy * image.height))),
  ];
}

const boxFrom = (a: [number, number], b: [number, number]): Box => [
  Math.min(a[0], b[0]),
  Math.min(a[1], b[1]),
  Math.max(a[0], b[0]),
  Math.max(a[1], b[1]),
];

function strokeHandles(ctx: CanvasRenderingContext2D, [x0, y0, x1, y1]: Box, sx: number, sy: number, size: number): void {
  ctx.save();
  for (const [x, y] of [
    [x0, y0],
    [x1, y0],
    [x0, y1],
    [x1, y1],
  ] as const) {
    ctx.fillStyle = '#ffd400';
    ctx.strokeStyle = 'rgba(0,0,0,0.8)';
    ctx.lineWidth = 1.5;
    ctx.fillRect(x * sx - size / 2, y * sy - size / 2, size, size);
    ctx.strokeRect(x * sx - size / 2, y * sy - size / 2, size, size);
  }
  ctx.restore();
}

function strokeCrosshair(ctx: CanvasRenderingContext2D, x: number, y: number, W: number, H: number, lw: number): void {
  ctx.save();
  for (const [colour, width] of [
    ['rgba(0,0,0,0.8)', lw + 2],
    ['#ffffff', lw],
  ] as const) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(W, y);
    ctx.moveTo(x, 0);
    ctx.lineTo(x, H);
    ctx.stroke();
  }
  ctx.restore();
}

/** The canvas's long side in device-independent pixels (CSS scales it down to fit). */
const LONG_SIDE = 768;

function displaySize(image: ImageBitmap | null): [number, number] {
  if (!image) return [LONG_SIDE, Math.round((LONG_SIDE * 3) / 4)];
  const s = LONG_SIDE / Math.max(image.width, image.height);
  return [Math.max(1, Math.round(image.width * s)), Math.max(1, Math.round(image.height * s))];
}

/** The colour overlay as a frame-sized canvas; rebuilt only when the map or colormap changes (also drawn by the slide export). */
export function overlayCanvas(map: Float32Array, frame: [number, number], colormap: Colormap): OffscreenCanvas | HTMLCanvasElement | null {
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

export function strokeBoxes(
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
  // The box being dragged (image pixels): drawn live, committed on release.
  const [draft, setDraft] = useState<Box | null>(null);
  const drag = useRef<Drag | null>(null);

  // Draw in the next animation frame; a newer render cancels an older pending draw.
  const latest = useRef({ props, overlay, draft });
  latest.current = { props, overlay, draft };
  useEffect(() => {
    const id = requestAnimationFrame(() => {
      const canvas = canvasRef.current;
      if (!canvas) return;
      const { props: p, overlay: ov, draft: d } = latest.current;
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
      const ix = W / p.image.width;
      const iy = H / p.image.height;
      if (d) strokeBoxes(ctx, [d], ix, iy, '#ffd400', lw, [lw * 3, lw * 2]);
      else strokeBoxes(ctx, p.gtBoxes, sx, sy, '#ffd400', lw, [lw * 3, lw * 2]);
      if (ov && !p.stale) strokeBoxes(ctx, p.boxes, sx, sy, '#00e5ff', lw, []);
      if (ov && !p.stale && (p.state === 'ready' || p.state === 'precomputed')) markMapPainted(p.state === 'ready');
      const handles = d ?? p.gtDraw?.box;
      if (p.gtDraw?.active && handles) strokeHandles(ctx, handles, ix, iy, lw * 5);
      const pt = p.probe?.point;
      if (pt && !d) strokeCrosshair(ctx, pt.x * W, pt.y * H, W, H, Math.max(1, lw / 2));
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

  const gt = props.gtDraw;
  const drawing = !!(gt?.active && image);
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing || !image || !gt || e.button !== 0) return;
    e.preventDefault();
    // Touch pointers are captured implicitly; a mouse or pen must be, to end the drag outside the canvas.
    if (e.pointerType !== 'touch') e.currentTarget.setPointerCapture(e.pointerId);
    const at = imagePoint(e, image);
    // Near a corner of the drawn box: move that corner; elsewhere: start a new box.
    const r = e.currentTarget.getBoundingClientRect();
    const cssPerPx = r.width / image.width;
    let fixed: [number, number] = at;
    if (gt.box) {
      const [x0, y0, x1, y1] = gt.box;
      for (const [cx, cy, ox, oy] of [
        [x0, y0, x1, y1],
        [x1, y0, x0, y1],
        [x0, y1, x1, y0],
        [x1, y1, x0, y0],
      ] as const) {
        if (Math.hypot((at[0] - cx) * cssPerPx, (at[1] - cy) * cssPerPx) <= HANDLE_REACH) fixed = [ox, oy];
      }
    }
    drag.current = { fixed };
    setDraft(boxFrom(fixed, at));
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (drag.current && image) {
      setDraft(boxFrom(drag.current.fixed, imagePoint(e, image)));
      return;
    }
    if (props.probe && image && e.pointerType !== 'touch') {
      const r = e.currentTarget.getBoundingClientRect();
      props.probe.onMove({ x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height });
    }
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag.current || !image) return;
    const box = boxFrom(drag.current.fixed, imagePoint(e, image));
    drag.current = null;
    setDraft(null);
    // A click without a drag is not a box.
    if (box[2] - box[0] >= 2 && box[3] - box[1] >= 2) gt?.onCommit(box);
  };
  const onPointerCancel = () => {
    drag.current = null;
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const probe = props.probe;
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!probe || !step || !props.frame) return;
    e.preventDefault();
    // One frame pixel per press, ten with Shift.
    const n = e.shiftKey ? 10 : 1;
    const [h, w] = props.frame;
    const at = probe.point ?? { x: 0.5, y: 0.5 };
    probe.onMove({ x: at.x + (step[0]! * n) / w, y: at.y + (step[1]! * n) / h });
  };

  const drawnMap = overlay !== null;
  return (
    <figure className="heatmap" aria-busy={props.state === 'updating' || props.state === 'precomputed'}>
      <div className="heatmap-stage">
        <canvas
          ref={canvasRef}
          className={drawing ? 'heatmap-drawing' : undefined}
          tabIndex={props.probe && image ? 0 : undefined}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerCancel}
          onPointerLeave={() => !drag.current && props.probe?.onMove(null)}
          onKeyDown={onKeyDown}
          onFocus={() => props.probe && !props.probe.point && props.probe.onMove({ x: 0.5, y: 0.5 })}
          onBlur={() => props.probe?.onMove(null)}
          data-testid="map-canvas"
          data-state={props.state}
          data-map-hash={drawnMap ? props.mapHash : ''}
          data-box={JSON.stringify(drawnMap && !props.stale ? props.boxes : [])}
          role="img"
          aria-label={
            image
              ? `Image with the localisation map${props.boxes.length ? ` and ${props.boxes.length} predicted box(es)` : ''}${
                  props.probe ? '. Arrow keys move the probe (Shift: 10 pixels).' : ''
                }${drawing ? ' Drag to draw the ground-truth box; drag a corner to adjust it.' : ''}`
              : 'No image yet'
          }
        />
        {!image && <div className="heatmap-empty">Drop, paste or pick an image, or choose a sample.</div>}
        {props.state === 'precomputed' && (
          <div className="heatmap-status heatmap-precomputed" role="status" data-testid="precomputed-badge">
            Precomputed: the live map replaces it when the model pack is ready.
          </div>
        )}
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
