/** Shared pieces of the format sniffers: typed failures, bounds-checked reads, signatures. */
import type { ImageFormat, ImageInfo, SniffErrorCode } from './types';

export const SUPPORTED = 'PNG, JPEG, GIF, WebP, BMP, AVIF or SVG';

export class SniffFail extends Error {
  constructor(
    readonly code: SniffErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const truncated = (what: string): SniffFail =>
  new SniffFail(
    'truncated',
    `The ${what} file is truncated (it ends inside its header or data). Re-download or re-export it and try again.`,
  );
export const corrupt = (what: string, detail: string): SniffFail =>
  new SniffFail('corrupt', `The ${what} file is corrupt (${detail}). Re-export it from an image editor and try again.`);

/** Bounds-checked big/little-endian reads that throw `truncated` past the end. */
export class Reader {
  constructor(
    readonly b: Uint8Array,
    readonly what: string,
  ) {}
  need(off: number, n: number): void {
    if (off < 0 || off + n > this.b.length) throw truncated(this.what);
  }
  u8(off: number): number {
    this.need(off, 1);
    return this.b[off]!;
  }
  u16be(off: number): number {
    this.need(off, 2);
    return (this.b[off]! << 8) | this.b[off + 1]!;
  }
  u16le(off: number): number {
    this.need(off, 2);
    return this.b[off]! | (this.b[off + 1]! << 8);
  }
  u24le(off: number): number {
    this.need(off, 3);
    return this.b[off]! | (this.b[off + 1]! << 8) | (this.b[off + 2]! << 16);
  }
  u32be(off: number): number {
    this.need(off, 4);
    return ((this.b[off]! << 24) >>> 0) + ((this.b[off + 1]! << 16) | (this.b[off + 2]! << 8) | this.b[off + 3]!);
  }
  u32le(off: number): number {
    this.need(off, 4);
    return ((this.b[off + 3]! << 24) >>> 0) + ((this.b[off + 2]! << 16) | (this.b[off + 1]! << 8) | this.b[off]!);
  }
  i32le(off: number): number {
    return this.u32le(off) | 0;
  }
  ascii(off: number, n: number): string {
    this.need(off, n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.b[off + i]!);
    return s;
  }
}

export function startsWith(b: Uint8Array, sig: readonly number[], off = 0): boolean {
  if (b.length < off + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[off + i] !== sig[i]) return false;
  return true;
}

export function asciiAt(b: Uint8Array, off: number, s: string): boolean {
  if (b.length < off + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

export type Draft = Omit<ImageInfo, 'displayWidth' | 'displayHeight'> & { extraDims?: Array<[number, number]> };

export function still(format: ImageFormat, mime: string, width: number, height: number): Draft {
  return {
    format,
    mime,
    width,
    height,
    animated: false,
    frames: 1,
    orientation: 1,
    cmyk: false,
    bitDepth: null,
    hasAlpha: false,
    grey: false,
  };
}
