/**
 * The Sobel-edges sanity baseline: gradient magnitude of the image's grey levels. It "finds"
 * whatever has contrast, object or not, with no model at all.
 */
import type { ImagePixels } from '../api';
import { resizeBilinear } from '../postprocess/resize';

/** Grey levels as PIL's convert('L') weights them (ITU-R 601-2 luma), in float32, 0…255. */
export function greyLevels(img: ImagePixels): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    out[i] = (img.rgba[o] * 299 + img.rgba[o + 1] * 587 + img.rgba[o + 2] * 114) / 1000;
  }
  return out;
}

/** OpenCV's default border (BORDER_REFLECT_101): …2 1 | 0 1 2 … n−1 | n−2 … */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  if (i < 0) return -i;
  if (i >= n) return 2 * n - 2 - i;
  return i;
}

/**
 * √(gx² + gy²) with cv2.Sobel's 3×3 kernels (ksize 3, BORDER_REFLECT_101) on a float32
 * height×width grey image; float32 results, as cv2.Sobel(…, CV_32F) and np.sqrt in float32.
 */
export function sobelMagnitude(grey: Float32Array, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const ym = reflect101(y - 1, height) * width;
    const y0 = y * width;
    const yp = reflect101(y + 1, height) * width;
    for (let x = 0; x < width; x++) {
      const xm = reflect101(x - 1, width);
      const xp = reflect101(x + 1, width);
      const gx = Math.fround(grey[ym + xp] - grey[ym + xm] + 2 * (grey[y0 + xp] - grey[y0 + xm]) + (grey[yp + xp] - grey[yp + xm]));
      const gy = Math.fround(grey[yp + xm] - grey[ym + xm] + 2 * (grey[yp + x] - grey[ym + x]) + (grey[yp + xp] - grey[ym + xp]));
      out[y0 + x] = Math.sqrt(Math.fround(Math.fround(gx * gx) + Math.fround(gy * gy)));
    }
  }
  return out;
}

/** Sobel edges of an image at the model frame: grey levels, bilinear resize to the frame, magnitude. */
export function sobelEdgeMap(img: ImagePixels, frame: [number, number]): Float32Array {
  const grey = resizeBilinear(greyLevels(img), img.height, img.width, frame[0], frame[1]);
  return sobelMagnitude(grey, frame[0], frame[1]);
}
