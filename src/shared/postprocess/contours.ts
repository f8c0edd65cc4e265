/**
 * Suzuki–Abe border following, reproducing OpenCV 4
 * `cv2.findContours(mask, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)` on a binary mask:
 * 8-connected foreground, outer and hole borders, the same points in the same order,
 * the same contour order and the same hierarchy parents.
 */
import type { Box } from './types';

/** One border, as OpenCV returns it. */
export interface Contour {
  /** Polygon vertices as x,y pairs (CHAIN_APPROX_SIMPLE: only direction changes are kept). */
  points: Int32Array;
  /** true for a hole border (an odd level of the RETR_TREE hierarchy). */
  isHole: boolean;
  /** `cv2.contourArea(points)`: polygon area through pixel centres (one pixel → 0). */
  area: number;
  /** `cv2.boundingRect(points)` written `[x, y, x + w, y + h]`, one past the last pixel. */
  box: Box;
  /** Index of the enclosing contour in the returned array, −1 at the top level (`hierarchy[i][3]`). */
  parent: number;
}

/** Neighbour steps in OpenCV's chain-code order: 0 = right, then counter-clockwise on screen. */
const STEP_X = [1, 1, 0, -1, -1, -1, 0, 1];
const STEP_Y = [0, -1, -1, -1, 0, 1, 1, 1];

/** `cv2.contourArea` (shoelace, absolute value) of x,y pairs. */
export function contourArea(points: Int32Array | readonly number[]): number {
  const n = points.length >> 1;
  if (n === 0) return 0;
  let twice = 0;
  let px = points[2 * n - 2];
  let py = points[2 * n - 1];
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    twice += px * y - py * x;
    px = x;
    py = y;
  }
  return Math.abs(twice) / 2;
}

function boundingBox(points: Int32Array): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  return [x0, y0, x1 + 1, y1 + 1];
}

/**
 * Follows one border from pixel `start` (OpenCV `icvFetchContourEx`), labelling it in `img`:
 * `-label` where the right neighbour is background (that pixel can start no hole border),
 * `label` on other still-unlabelled pixels. Returns the vertices in padded coordinates.
 */
function followBorder(img: Int32Array, stride: number, start: number, isHole: boolean, label: number): number[] {
  const delta = STEP_X.map((dx, s) => dx + STEP_Y[s] * stride); // index offsets of the 8 neighbours
  const sx = start % stride;
  const sy = (start - sx) / stride;
  // Clockwise from the background neighbour that triggered the border (left for outer, right for hole).
  const first = isHole ? 0 : 4;
  let s = first;
  let i1 = start;
  do {
    s = (s - 1) & 7;
    i1 = start + delta[s];
  } while (img[i1] === 0 && s !== first);
  if (s === first) {
    img[start] = -label; // isolated pixel
    return [sx, sy];
  }

  const points: number[] = [];
  let [px, py] = [sx, sy];
  // OpenCV seeds the "previous direction" with the reverse of the first clockwise find, so the
  // start pixel is not a vertex when the border leaves it straight through.
  let prevDir = s ^ 4;
  let i3 = start;
  for (;;) {
    // Counter-clockwise from the pixel we came from, to the next border pixel.
    const from = s;
    let i4: number;
    do {
      s++;
      i4 = i3 + delta[s & 7];
    } while (img[i4] === 0);
    s &= 7;
    // The right neighbour was examined (and is background) iff the search wrapped past direction 0.
    if (s >= 1 && s <= from) img[i3] = -label;
    else if (img[i3] === 1) img[i3] = label;
    if (s !== prevDir) points.push(px, py);
    prevDir = s;
    px += STEP_X[s];
    py += STEP_Y[s];
    if (i4 === start && i3 === i1) return points;
    i3 = i4;
    s = (s + 4) & 7;
  }
}

/**
 * All borders of a binary mask (non-zero = foreground), pixels outside the mask count as
 * background (OpenCV pads by one zero pixel, so image-edge pixels are ordinary border pixels).
 * Order and parents match OpenCV's RETR_TREE output: a depth-first walk where siblings come
 * in reverse order of discovery.
 */
export function findContours(mask: Uint8Array, height: number, width: number): Contour[] {
  if (mask.length !== height * width) throw new RangeError(`mask has ${mask.length} values, expected ${height}×${width}`);
  const stride = width + 2;
  const img = new Int32Array(stride * (height + 2));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (mask[y * width + x] !== 0) img[(y + 1) * stride + x + 1] = 1;
  }

  // Borders in discovery order; label k + 2 is border k (labels 0/1 are pixel values, 1 is also the frame).
  const found: Border[] = [];
  const isHoleOf = (label: number) => (label === 1 ? true : found[label - 2].isHole);
  const parentOf = (label: number) => (label === 1 ? -1 : found[label - 2].parent);

  const follow = (i: number, isHole: boolean, lastLabel: number) => {
    // Suzuki–Abe Table 1: same kind as the last border met → its parent, else that border itself.
    const parent = isHoleOf(lastLabel) === isHole ? parentOf(lastLabel) : lastLabel - 2;
    const label = found.length + 2;
    found.push({ points: followBorder(img, stride, i, isHole, label), isHole, parent });
  };

  for (let y = 1; y <= height; y++) {
    let lastLabel = 1; // LNBD: label of the last border met on this row; the frame at row start
    for (let x = 1; x <= width; x++) {
      const i = y * stride + x;
      if (img[i] === 0) continue;
      if (img[i] === 1 && img[i - 1] === 0) {
        follow(i, false, lastLabel);
        lastLabel = Math.abs(img[i]);
      }
      // Checked with the current value, as OpenCV does, even right after an outer border.
      if (img[i] >= 1 && img[i + 1] === 0) {
        if (img[i] > 1) lastLabel = img[i];
        follow(i, true, lastLabel);
      }
      if (img[i] !== 1) lastLabel = Math.abs(img[i]);
    }
  }
  return inOpenCvOrder(found);
}

/** A traced border; `parent` indexes `found` (−1: the frame). */
interface Border {
  points: number[];
  isHole: boolean;
  parent: number;
}

/** Depth-first, children newest first (OpenCV prepends each child), with padding removed. */
function inOpenCvOrder(found: Border[]): Contour[] {
  const children: number[][] = found.map(() => []);
  const roots: number[] = [];
  for (const [k, b] of found.entries()) (b.parent < 0 ? roots : children[b.parent])!.push(k);
  const out: Contour[] = [];
  const visit = (k: number, parent: number) => {
    const b = found[k];
    const points = Int32Array.from(b.points, (v) => v - 1);
    const index = out.length;
    out.push({ points, isHole: b.isHole, area: contourArea(points), box: boundingBox(points), parent });
    for (const c of children[k].reverse()) visit(c, index);
  };
  for (const r of roots.reverse()) visit(r, -1);
  return out;
}
