/**
 * A contact sheet for slides, drawn on a canvas: a grid of maps over their image with
 * predicted and ground-truth boxes, a caption per cell, then a legend, the colour scale and
 * the settings as text, so the PNG explains itself out of the app.
 */
import { colormapTable } from '@shared/postprocess/colormap';
import { overlayCanvas, strokeBoxes } from '../../components/HeatmapCanvas';
import type { Colormap, MapResult } from '../../store/types';

export interface SheetCell {
  title: string;
  /** Second caption line, e.g. "IoU 0.62 · Correct". */
  note: string;
  map: MapResult;
}

export interface SheetSpec {
  title: string;
  image: ImageBitmap;
  cells: readonly SheetCell[];
  columns: number;
  colormap: Colormap;
  opacity: number;
  showGt: boolean;
  settings: readonly string[];
  /** A cell's long side in pixels (default 256). */
  cellLongSide?: number;
  /** What the colour scale's values are (default: min-max normalised, as the app draws maps). */
  scaleNote?: string;
  /** Whether the cells carry boxes (default true): without, the legend leaves them out. */
  boxes?: boolean;
}

const CELL_LONG_SIDE = 256;
const PAD = 16;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const PRED = '#00e5ff';
const GT = '#ffd400';
const INK = '#1b1f24';
const MUTED = '#57606a';

export function drawSheet(spec: SheetSpec): HTMLCanvasElement {
  const { image, cells } = spec;
  const scale = (spec.cellLongSide ?? CELL_LONG_SIDE) / Math.max(image.width, image.height);
  const cw = Math.round(image.width * scale);
  const ch = Math.round(image.height * scale);
  const cols = Math.max(1, Math.min(spec.columns, cells.length));
  const rows = Math.ceil(cells.length / cols);
  const captionH = 40;
  const headerH = 40;
  const footerH = 56 + spec.settings.length * 18;
  const width = Math.max(PAD + cols * (cw + PAD), 560);
  const height = headerH + rows * (ch + captionH + PAD) + footerH;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser gave no 2D canvas to draw the export on.');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = INK;
  ctx.font = `600 18px ${FONT}`;
  ctx.textBaseline = 'top';
  ctx.fillText(spec.title, PAD, 12);

  const lw = 2;
  cells.forEach((cell, i) => {
    const x = PAD + (i % cols) * (cw + PAD);
    const y = headerH + Math.floor(i / cols) * (ch + captionH + PAD);
    ctx.save();
    ctx.translate(x, y);
    ctx.drawImage(image, 0, 0, cw, ch);
    const { frame, frameMap } = cell.map;
    const overlay = overlayCanvas(frameMap, frame, spec.colormap);
    if (overlay) {
      ctx.globalAlpha = spec.opacity;
      ctx.drawImage(overlay, 0, 0, cw, ch);
      ctx.globalAlpha = 1;
    }
    const sx = cw / frame[1];
    const sy = ch / frame[0];
    if (spec.showGt) strokeBoxes(ctx, cell.map.gtBoxes, sx, sy, GT, lw, [lw * 3, lw * 2]);
    strokeBoxes(ctx, cell.map.boxes, sx, sy, PRED, lw, []);
    ctx.fillStyle = INK;
    ctx.font = `600 13px ${FONT}`;
    ctx.fillText(cell.title, 0, ch + 4, cw);
    ctx.fillStyle = MUTED;
    ctx.font = `12px ${FONT}`;
    ctx.fillText(cell.note, 0, ch + 21, cw);
    ctx.restore();
  });

  // Legend and colour scale.
  let y = headerH + rows * (ch + captionH + PAD) + 4;
  ctx.font = `12px ${FONT}`;
  ctx.lineWidth = 2;
  ctx.fillStyle = INK;
  const withBoxes = spec.boxes ?? true;
  if (withBoxes) {
    ctx.strokeStyle = PRED;
    ctx.setLineDash([]);
    ctx.strokeRect(PAD, y + 2, 22, 12);
    ctx.fillText('predicted box', PAD + 30, y + 2);
  }
  if (withBoxes && spec.showGt) {
    ctx.strokeStyle = GT;
    ctx.setLineDash([6, 4]);
    ctx.strokeRect(PAD + 130, y + 2, 22, 12);
    ctx.setLineDash([]);
    ctx.fillText('ground truth', PAD + 160, y + 2);
  }
  const barX = withBoxes ? PAD + 270 : PAD + 12;
  const barW = 200;
  const lut = colormapTable(spec.colormap);
  for (let i = 0; i < barW; i++) {
    const k = Math.round((i / (barW - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
    ctx.fillRect(barX + i, y + 2, 1, 12);
  }
  ctx.fillStyle = INK;
  ctx.fillText('0', barX - 12, y + 2);
  ctx.fillText(`1  ${spec.scaleNote ?? 'map value (min-max normalised)'}`, barX + barW + 6, y + 2);
  y += 28;
  ctx.fillStyle = MUTED;
  for (const line of spec.settings) {
    ctx.fillText(line, PAD, y, width - 2 * PAD);
    y += 18;
  }
  return canvas;
}

/** The canvas as PNG bytes. */
export function sheetPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The browser could not encode the export as PNG.'))), 'image/png'),
  );
}

/** A map drawn on a sheet as it is: no ground truth, no τ curve, no failure type. */
export function unscoredMap(
  frame: [number, number],
  frameMap: Float32Array,
  boxes: MapResult['boxes'],
  boxMode: MapResult['boxMode'],
): MapResult {
  return {
    frame,
    frameMap,
    mapHash: '',
    boxes,
    boxMode,
    gtBoxes: [],
    iou: null,
    gtSource: null,
    rawRange: [0, 1],
    tauCurve: null,
    failure: null,
  };
}
