/** Box coordinates between the original image and an evaluation frame. */
import type { Box } from './types';

/** [height, width] of an image or frame. */
export type HW = readonly [height: number, width: number];

/**
 * Scales a box from one frame to another (e.g. evaluation boxes back over the original image
 * for display). Coordinates scale linearly and are not rounded.
 */
export function scaleBox(box: Readonly<Box>, fromHW: HW, toHW: HW): Box {
  const sx = toHW[1] / fromHW[1];
  const sy = toHW[0] / fromHW[0];
  return [box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy];
}

/**
 * A ground-truth box (original pixels) in the evaluation frame, as the references do it:
 * - 'genpromp' (GenPromp `test_pipeline`): `x / W · size`, x0,y0 clipped below at 0, x1,y1 above
 *   at size−1, then truncated to int;
 * - 'wsolevaluation' (`resize_bbox`): `int(x · size / W)`, no clipping.
 * The two orders of × and ÷ can differ in the last bit, hence by one pixel after truncation.
 */
export function scaleGtBox(box: Readonly<Box>, imageHW: HW, frameHW: HW, convention: 'genpromp' | 'wsolevaluation' = 'genpromp'): Box {
  const [h, w] = imageHW;
  const [fh, fw] = frameHW;
  if (convention === 'wsolevaluation') {
    return [Math.trunc((box[0] * fw) / w), Math.trunc((box[1] * fh) / h), Math.trunc((box[2] * fw) / w), Math.trunc((box[3] * fh) / h)];
  }
  return [
    Math.trunc(Math.max((box[0] / w) * fw, 0)),
    Math.trunc(Math.max((box[1] / h) * fh, 0)),
    Math.trunc(Math.min((box[2] / w) * fw, fw - 1)),
    Math.trunc(Math.min((box[3] / h) * fh, fh - 1)),
  ];
}
