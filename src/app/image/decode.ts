/**
 * Image decoding on the UI thread (DOM): bytes → sniff (reject early) → bitmap
 * → straight-alpha RGBA.
 *
 * - Raster formats go through `createImageBitmap` with EXIF orientation applied
 *   and colours converted to sRGB; grey, 16-bit, CMYK and palette images come out
 *   as 8-bit RGBA. Alpha is passed on as is: the worker composites it.
 * - SVG is rasterised through an <img> (which never runs scripts or loads
 *   external resources) at 512 px on the long side.
 * - Animated images: the first frame is used, and a notice says so.
 */
import type { ImagePixels } from '@shared/api';
import { EngineError } from '@shared/errors';
import { sniffImage, type ImageInfo } from '@shared/image/sniff';

export interface DecodedImage {
  name: string;
  pixels: ImagePixels;
  bitmap: ImageBitmap;
  info: ImageInfo;
  notices: string[];
}

/** Larger files are refused before being read into memory. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
export const SVG_LONG_SIDE = 512;

const invalid = (message: string) => new EngineError('InvalidImage', message);

export async function decodeImage(blob: Blob, name: string): Promise<DecodedImage> {
  if (blob.size > MAX_FILE_BYTES) {
    throw invalid(`The file is ${(blob.size / 1e6).toFixed(0)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB. Downscale or re-compress it.`);
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw invalid(sniffed.error.message);
  const info = sniffed.info;

  const notices: string[] = [];
  if (info.animated) {
    const what = info.format === 'gif' ? 'GIF' : info.format === 'apng' ? 'PNG (APNG)' : info.format.toUpperCase();
    notices.push(
      `"${name}" is an animated ${what}${info.frames > 1 ? ` with ${info.frames} frames` : ''}: only the first frame is analysed.`,
    );
  }
  if (info.cmyk) notices.push(`"${name}" is a CMYK JPEG: the browser converted it to RGB, so colours may differ slightly from print.`);

  const bitmap = info.format === 'svg' ? await rasteriseSvg(bytes, info) : await decodeRaster(bytes, info);
  try {
    const pixels = readPixels(bitmap);
    return { name, pixels, bitmap, info, notices };
  } catch (e) {
    bitmap.close();
    throw e;
  }
}

async function decodeRaster(bytes: Uint8Array, info: ImageInfo): Promise<ImageBitmap> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: info.mime });
  try {
    return await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'default',
      premultiplyAlpha: 'none',
    });
  } catch {
    const hint =
      info.format === 'heic'
        ? ' This browser cannot decode HEIC; export the photo as JPEG or PNG.'
        : info.format === 'avif'
          ? ' If the file is fine, this browser may not support this AVIF variant; try PNG or JPEG.'
          : '';
    throw invalid(`The image could not be decoded: the ${info.format.toUpperCase()} file is corrupt or truncated.${hint}`);
  }
}

async function rasteriseSvg(bytes: Uint8Array, info: ImageInfo): Promise<ImageBitmap> {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    try {
      await img.decode();
    } catch {
      throw invalid('The SVG could not be rendered: it is malformed or uses features an <img> cannot show.');
    }
    // Size: the SVG's own aspect (attributes or viewBox), else what the <img> reports, else square.
    const aw = info.width || img.naturalWidth || 1;
    const ah = info.height || img.naturalHeight || 1;
    const scale = SVG_LONG_SIDE / Math.max(aw, ah);
    const w = Math.max(1, Math.round(aw * scale));
    const h = Math.max(1, Math.round(ah * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw invalid('This browser could not create a 2D canvas to render the SVG.');
    ctx.drawImage(img, 0, 0, w, h);
    return await createImageBitmap(canvas, { premultiplyAlpha: 'none' });
  } finally {
    URL.revokeObjectURL(url);
  }
}

function readPixels(bitmap: ImageBitmap): ImagePixels {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw invalid('This browser could not create a 2D canvas to read the image.');
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { width, height, rgba: data.data };
}
