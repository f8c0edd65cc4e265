/** The image sniffer's result types (the sniffer itself: ./index). */
export type ImageFormat = 'png' | 'apng' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic' | 'svg';

export interface ImageInfo {
  format: ImageFormat;
  mime: string;
  /** Stored width/height in pixels (before EXIF rotation). 0 for an SVG without a usable size. */
  width: number;
  height: number;
  /** Width/height as displayed (EXIF orientation 5–8 swaps them). */
  displayWidth: number;
  displayHeight: number;
  animated: boolean;
  /** Number of frames when known (GIF, APNG, animated WebP); 1 for stills. */
  frames: number;
  /** EXIF orientation 1–8 (JPEG only; 1 when absent). */
  orientation: number;
  /** JPEG with 4 components (CMYK or YCCK). */
  cmyk: boolean;
  /** Bits per sample where the header says (PNG, BMP, JPEG precision). */
  bitDepth: number | null;
  /** True when the header declares an alpha channel (PNG colour types 4/6 or tRNS, WebP alpha, BMP 32-bit). */
  hasAlpha: boolean;
  /** Greyscale per header (PNG colour types 0/4, JPEG 1 component). */
  grey: boolean;
}

export type SniffErrorCode = 'empty' | 'not-image' | 'unsupported' | 'truncated' | 'corrupt' | 'too-large';

export interface SniffError {
  code: SniffErrorCode;
  /** A sentence for the user: what is wrong and what to do. */
  message: string;
}

export type SniffResult = { ok: true; info: ImageInfo } | { ok: false; error: SniffError };

export interface SniffLimits {
  /** Largest accepted width × height. */
  maxPixels: number;
  /** Largest accepted side. */
  maxSide: number;
}

export const DEFAULT_LIMITS: SniffLimits = { maxPixels: 50_000_000, maxSide: 16384 };
