/**
 * A small map for the lab's small multiples: optionally over the image, with predicted and
 * ground-truth boxes, drawn like the main canvas (HeatmapCanvas's overlay and box strokes).
 * Test hook: data-map-hash on the canvas.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { Box } from '@shared/postprocess';
import type { Colormap } from '../../store/types';
import { overlayCanvas, strokeBoxes } from '../HeatmapCanvas';

export interface MapThumbProps {
  /** Drawn under the map, or null for the map alone. */
  image: ImageBitmap | null;
  /** [height, width] the map (and boxes) refer to. */
  mapSize: [number, number];
  /** Map in [0, 1], or null (not computed yet: the thumb stays blank). */
  map: Float32Array | null;
  mapHash: string;
  boxes: Box[];
  gtBoxes: Box[];
  colormap: Colormap;
  /** Map opacity over the image (1 without an image). */
  opacity: number;
  /** Canvas width in pixels; the height follows the image's (or the map's) aspect. */
  width: number;
}

export function MapThumb(p: MapThumbProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const overlay = useMemo(() => (p.map ? overlayCanvas(p.map, p.mapSize, p.colormap) : null), [p.map, p.mapSize, p.colormap]);
  const aspect = p.image ? p.image.height / p.image.width : p.mapSize[0] / p.mapSize[1];
  const W = p.width;
  const H = Math.max(1, Math.round(W * aspect));
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    if (p.image) ctx.drawImage(p.image, 0, 0, W, H);
    if (!overlay) return;
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = p.image ? p.opacity : 1;
    ctx.drawImage(overlay, 0, 0, W, H);
    ctx.globalAlpha = 1;
    const sx = W / p.mapSize[1];
    const sy = H / p.mapSize[0];
    strokeBoxes(ctx, p.gtBoxes, sx, sy, '#ffd400', 1.5, [4, 3]);
    strokeBoxes(ctx, p.boxes, sx, sy, '#00e5ff', 1.5, []);
  }, [overlay, p.image, p.opacity, p.boxes, p.gtBoxes, p.mapSize, W, H]);
  return <canvas ref={ref} className="map-thumb" width={W} height={H} data-map-hash={p.map ? p.mapHash : ''} />;
}
