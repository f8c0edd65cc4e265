/**
 * Image sniffing: format, header dimensions and a few decoding-relevant facts,
 * read from the file's bytes WITHOUT decoding pixels.
 *
 * Pure (no DOM): the UI runs it before `createImageBitmap`, so zero-byte files,
 * non-images, truncated files and decompression bombs (a tiny file whose header
 * claims 30000×30000 pixels) are rejected with a message the user can act on,
 * before the browser allocates anything.
 *
 * Formats: PNG (APNG via acTL), JPEG (SOF components → CMYK; EXIF orientation;
 * Adobe APP14), GIF (frame count), WebP (VP8, VP8L, VP8X incl. animation),
 * BMP, AVIF/HEIC (ISO-BMFF `ftyp` brand + `ispe`), SVG (text).
 */
import { asciiAt, corrupt, type Draft, SniffFail, SUPPORTED, startsWith, truncated } from './bytes';
import { sniffBmff, sniffBmp, sniffSvg, sniffWebp } from './containers';
import { PNG_SIG, sniffGif, sniffJpeg, sniffPng } from './raster';
import { DEFAULT_LIMITS, type SniffLimits, type SniffResult } from './types';

export * from './types';

// ---------------------------------------------------------------------------

function recogniseOther(b: Uint8Array): string | null {
  if (asciiAt(b, 0, '%PDF')) return 'a PDF document';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive (or an Office document)';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'a TIFF image, which browsers cannot decode';
  if (asciiAt(b, 4, 'ftyp')) return 'a video or other media file';
  if (asciiAt(b, 0, 'GIF8')) return 'a GIF with an unknown version';
  if (asciiAt(b, 0, 'RIFF')) return 'a RIFF file that is not WebP (audio or video?)';
  return null;
}

function detect(b: Uint8Array): Draft {
  if (startsWith(b, PNG_SIG)) return sniffPng(b);
  if (startsWith(b, [0xff, 0xd8])) return sniffJpeg(b);
  if (asciiAt(b, 0, 'GIF87a') || asciiAt(b, 0, 'GIF89a')) return sniffGif(b);
  if (asciiAt(b, 0, 'RIFF') && asciiAt(b, 8, 'WEBP')) return sniffWebp(b);
  if (asciiAt(b, 0, 'BM') && b.length >= 14) return sniffBmp(b);
  if (asciiAt(b, 4, 'ftyp')) {
    const info = sniffBmff(b);
    if (info) return info;
  }
  const svg = sniffSvg(b);
  if (svg) return svg;
  // A file shorter than the PNG signature but matching its start: cut short.
  if (b.length < PNG_SIG.length && b.length >= 2 && b.every((x, i) => x === PNG_SIG[i])) throw truncated('PNG');
  const other = recogniseOther(b);
  throw new SniffFail(
    other?.includes('TIFF') ? 'unsupported' : 'not-image',
    other
      ? `This file looks like ${other}, not an image this app can read. Use a ${SUPPORTED} file.`
      : `This file is not a recognised image. Use a ${SUPPORTED} file.`,
  );
}

/**
 * Identify an image from its bytes and check its declared size against `limits`
 * before anything is decoded.
 */
export function sniffImage(bytes: Uint8Array, limits: SniffLimits = DEFAULT_LIMITS): SniffResult {
  try {
    if (bytes.length === 0) throw new SniffFail('empty', 'The file is empty (0 bytes). Pick another file.');
    const p = detect(bytes);
    const { extraDims, ...rest } = p;
    if (p.format !== 'svg' && (p.width === 0 || p.height === 0)) {
      throw corrupt(p.format.toUpperCase(), `its header says ${p.width}×${p.height} pixels`);
    }
    for (const [w, h] of [[p.width, p.height] as [number, number], ...(extraDims ?? [])]) {
      if (w > limits.maxSide || h > limits.maxSide || w * h > limits.maxPixels) {
        throw new SniffFail(
          'too-large',
          `This image claims to be ${w}×${h} pixels (${((w * h) / 1e6).toFixed(1)} MP); the limit is ${limits.maxSide} px per side and ` +
            `${(limits.maxPixels / 1e6).toFixed(0)} MP. Downscale it first. (Tiny files that claim huge sizes are "decompression bombs".)`,
        );
      }
    }
    const swap = p.orientation >= 5 && p.orientation <= 8;
    return {
      ok: true,
      info: { ...rest, displayWidth: swap ? p.height : p.width, displayHeight: swap ? p.width : p.height },
    };
  } catch (e) {
    if (e instanceof SniffFail) return { ok: false, error: { code: e.code, message: e.message } };
    throw e;
  }
}
