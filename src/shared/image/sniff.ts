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

const SUPPORTED = 'PNG, JPEG, GIF, WebP, BMP, AVIF or SVG';

class SniffFail extends Error {
  constructor(
    readonly code: SniffErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const truncated = (what: string): SniffFail =>
  new SniffFail(
    'truncated',
    `The ${what} file is truncated (it ends inside its header or data). Re-download or re-export it and try again.`,
  );
const corrupt = (what: string, detail: string): SniffFail =>
  new SniffFail('corrupt', `The ${what} file is corrupt (${detail}). Re-export it from an image editor and try again.`);

/** Bounds-checked big/little-endian reads that throw `truncated` past the end. */
class Reader {
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

function startsWith(b: Uint8Array, sig: readonly number[], off = 0): boolean {
  if (b.length < off + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[off + i] !== sig[i]) return false;
  return true;
}

function asciiAt(b: Uint8Array, off: number, s: string): boolean {
  if (b.length < off + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

type Draft = Omit<ImageInfo, 'displayWidth' | 'displayHeight'> & { extraDims?: Array<[number, number]> };

function still(format: ImageFormat, mime: string, width: number, height: number): Draft {
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

// ---------------------------------------------------------------------------
// PNG / APNG

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function sniffPng(b: Uint8Array): Draft {
  const r = new Reader(b, 'PNG');
  // 1. IHDR must be the first chunk: length 13, then width, height, depth, colour type.
  r.need(8, 8 + 13);
  if (r.u32be(8) !== 13 || r.ascii(12, 4) !== 'IHDR') throw corrupt('PNG', 'the first chunk is not a valid IHDR');
  const width = r.u32be(16);
  const height = r.u32be(20);
  const bitDepth = r.u8(24);
  const colorType = r.u8(25);
  if (![1, 2, 4, 8, 16].includes(bitDepth) || ![0, 2, 3, 4, 6].includes(colorType)) {
    throw corrupt('PNG', `bit depth ${bitDepth} / colour type ${colorType} is not valid`);
  }
  const info = still('png', 'image/png', width, height);
  info.bitDepth = bitDepth;
  info.grey = colorType === 0 || colorType === 4;
  info.hasAlpha = colorType === 4 || colorType === 6;

  // 2. Walk the chunk headers (not their data) to IEND: acTL before IDAT marks
  //    an APNG; running off the end means the file was cut short.
  let off = 8;
  let sawIdat = false;
  for (;;) {
    if (off + 8 > b.length) throw truncated('PNG');
    const len = r.u32be(off);
    const type = r.ascii(off + 4, 4);
    if (len > 0x7fffffff) throw corrupt('PNG', `chunk ${JSON.stringify(type)} has an impossible length`);
    if (type === 'acTL' && !sawIdat) {
      r.need(off + 8, 8);
      const frames = r.u32be(off + 8);
      info.format = 'apng';
      info.mime = 'image/apng';
      info.frames = Math.max(1, frames);
      info.animated = frames > 1;
    } else if (type === 'tRNS') {
      info.hasAlpha = true;
    } else if (type === 'IDAT') {
      sawIdat = true;
    } else if (type === 'IEND') {
      if (!sawIdat) throw corrupt('PNG', 'it has no image data (IDAT)');
      break;
    }
    const next = off + 12 + len;
    if (next > b.length) throw truncated('PNG');
    off = next;
  }
  return info;
}

// ---------------------------------------------------------------------------
// JPEG

function isSof(m: number): boolean {
  // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function exifOrientation(b: Uint8Array, start: number, end: number): number {
  // start points at the TIFF header ("II*\0" or "MM\0*").
  const r = new Reader(b.subarray(0, end), 'JPEG');
  try {
    const le = r.ascii(start, 2) === 'II';
    if (!le && r.ascii(start, 2) !== 'MM') return 1;
    const u16 = (o: number) => (le ? r.u16le(start + o) : r.u16be(start + o));
    const u32 = (o: number) => (le ? r.u32le(start + o) : r.u32be(start + o));
    if (u16(2) !== 42) return 1;
    const ifd = u32(4);
    const n = u16(ifd);
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      if (u16(e) === 0x0112) {
        const v = u16(e + 8);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
  } catch {
    // A broken EXIF block is not fatal: browsers ignore it too.
  }
  return 1;
}

function sniffJpeg(b: Uint8Array): Draft {
  const r = new Reader(b, 'JPEG');
  let off = 2;
  let orientation = 1;
  let adobe = false;
  let sof: { width: number; height: number; comps: number; precision: number } | null = null;
  // 1. Marker segments up to the first SOS.
  for (;;) {
    if (off >= b.length) throw truncated('JPEG');
    if (b[off] !== 0xff) throw corrupt('JPEG', `expected a marker at byte ${off}`);
    while (off < b.length && b[off] === 0xff) off++; // fill bytes
    const m = r.u8(off);
    off++;
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue; // no length
    if (m === 0xd9) throw corrupt('JPEG', 'it ends before any image data');
    const len = r.u16be(off);
    if (len < 2) throw corrupt('JPEG', `segment 0xFF${m.toString(16).toUpperCase()} has length ${len}`);
    const seg = off + 2;
    const segEnd = off + len;
    if (segEnd > b.length) throw truncated('JPEG');
    if (m === 0xe1 && len >= 8 && asciiAt(b, seg, 'Exif\0\0')) {
      orientation = exifOrientation(b, seg + 6, segEnd);
    } else if (m === 0xee && asciiAt(b, seg, 'Adobe')) {
      adobe = true;
    } else if (isSof(m)) {
      if (len < 8) throw corrupt('JPEG', 'its frame header is too short');
      sof = { precision: r.u8(seg), height: r.u16be(seg + 1), width: r.u16be(seg + 3), comps: r.u8(seg + 5) };
    } else if (m === 0xda) {
      off = segEnd;
      break;
    }
    off = segEnd;
  }
  if (!sof) throw corrupt('JPEG', 'it has no frame header (SOF) before the image data');
  if (sof.height === 0) {
    throw new SniffFail(
      'unsupported',
      'This JPEG defines its height later in the file (DNL marker), which browsers do not decode. Re-save it as a regular JPEG or PNG.',
    );
  }
  // 2. Entropy-coded data may not contain 0xFF 0xD9 (0xFF is stuffed), so
  //    a missing EOI after the first scan means the file was cut short.
  let eoi = false;
  for (let i = off; i + 1 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) {
      eoi = true;
      break;
    }
  }
  if (!eoi) throw truncated('JPEG');
  const info = still('jpeg', 'image/jpeg', sof.width, sof.height);
  info.orientation = orientation;
  info.cmyk = sof.comps === 4;
  info.grey = sof.comps === 1;
  info.bitDepth = sof.precision;
  void adobe; // Adobe APP14 only tells how the 4 channels are transformed; CMYK is set by the component count.
  return info;
}

// ---------------------------------------------------------------------------
// GIF

function sniffGif(b: Uint8Array): Draft {
  const r = new Reader(b, 'GIF');
  const width = r.u16le(6);
  const height = r.u16le(8);
  const packed = r.u8(10);
  let off = 13;
  if (packed & 0x80) off += 3 * (1 << ((packed & 7) + 1));
  const info = still('gif', 'image/gif', width, height);
  info.extraDims = [];
  let frames = 0;
  const skipSubBlocks = (o: number): number => {
    for (;;) {
      const n = r.u8(o);
      o += 1 + n;
      if (n === 0) return o;
    }
  };
  try {
    for (;;) {
      const t = r.u8(off);
      if (t === 0x3b) break; // trailer
      if (t === 0x21) {
        r.u8(off + 1);
        off = skipSubBlocks(off + 2);
      } else if (t === 0x2c) {
        const fw = r.u16le(off + 5);
        const fh = r.u16le(off + 7);
        info.extraDims.push([fw, fh]);
        const fp = r.u8(off + 9);
        off += 10;
        if (fp & 0x80) off += 3 * (1 << ((fp & 7) + 1));
        r.u8(off); // LZW minimum code size
        off = skipSubBlocks(off + 1);
        frames++;
      } else {
        throw corrupt('GIF', `unknown block 0x${t.toString(16)} at byte ${off}`);
      }
    }
  } catch (e) {
    // Browsers show the complete frames of a GIF with a missing tail; only a GIF
    // without a single complete frame is unusable.
    if (!(e instanceof SniffFail) || e.code !== 'truncated' || frames === 0) throw e;
  }
  if (frames === 0) throw corrupt('GIF', 'it contains no image frame');
  info.frames = frames;
  info.animated = frames > 1;
  return info;
}

// ---------------------------------------------------------------------------
// WebP

function sniffWebp(b: Uint8Array): Draft {
  const r = new Reader(b, 'WebP');
  const riffSize = r.u32le(4);
  if (riffSize + 8 > b.length) throw truncated('WebP');
  const fourcc = r.ascii(12, 4);
  const info = still('webp', 'image/webp', 0, 0);
  if (fourcc === 'VP8 ') {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) throw corrupt('WebP', 'the VP8 start code is missing');
    info.width = r.u16le(26) & 0x3fff;
    info.height = r.u16le(28) & 0x3fff;
  } else if (fourcc === 'VP8L') {
    if (r.u8(20) !== 0x2f) throw corrupt('WebP', 'the VP8L signature is missing');
    const v = r.u32le(21);
    info.width = (v & 0x3fff) + 1;
    info.height = ((v >>> 14) & 0x3fff) + 1;
    info.hasAlpha = ((v >>> 28) & 1) === 1;
  } else if (fourcc === 'VP8X') {
    const flags = r.u8(20);
    info.hasAlpha = (flags & 0x10) !== 0;
    info.animated = (flags & 0x02) !== 0;
    info.width = r.u24le(24) + 1;
    info.height = r.u24le(27) + 1;
    if (info.animated) {
      // Count ANMF chunks; each chunk is padded to an even size.
      let frames = 0;
      let off = 12;
      while (off + 8 <= b.length && off < riffSize + 8) {
        const id = r.ascii(off, 4);
        const size = r.u32le(off + 4);
        if (id === 'ANMF') frames++;
        off += 8 + size + (size & 1);
      }
      info.frames = Math.max(1, frames);
    }
  } else {
    throw corrupt('WebP', `unknown chunk ${JSON.stringify(fourcc)}`);
  }
  return info;
}

// ---------------------------------------------------------------------------
// BMP

function sniffBmp(b: Uint8Array): Draft {
  const r = new Reader(b, 'BMP');
  const dib = r.u32le(14);
  const info = still('bmp', 'image/bmp', 0, 0);
  if (dib === 12) {
    info.width = r.u16le(18);
    info.height = r.u16le(20);
    info.bitDepth = r.u16le(24);
  } else if (dib >= 40 && dib <= 124) {
    info.width = Math.abs(r.i32le(18));
    info.height = Math.abs(r.i32le(22)); // negative = top-down rows
    info.bitDepth = r.u16le(28);
  } else {
    throw corrupt('BMP', `unknown header size ${dib}`);
  }
  info.hasAlpha = info.bitDepth === 32;
  const dataOffset = r.u32le(10);
  if (dataOffset > b.length) throw truncated('BMP');
  return info;
}

// ---------------------------------------------------------------------------
// ISO-BMFF (AVIF, HEIC)

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

function sniffBmff(b: Uint8Array): Draft | null {
  const r = new Reader(b, 'AVIF/HEIC');
  const ftypSize = r.u32be(0);
  if (ftypSize < 16) return null;
  r.need(0, ftypSize);
  const brands = [r.ascii(8, 4)];
  for (let o = 16; o + 4 <= ftypSize; o += 4) brands.push(r.ascii(o, 4));
  let format: ImageFormat | null = null;
  if (brands.some((x) => AVIF_BRANDS.has(x))) format = 'avif';
  else if (brands.some((x) => HEIC_BRANDS.has(x))) format = 'heic';
  else if (brands.includes('mif1') || brands.includes('msf1')) format = 'heic';
  if (!format) return null;
  const info = still(format, format === 'avif' ? 'image/avif' : 'image/heic', 0, 0);
  info.animated = brands[0] === 'avis' || brands[0] === 'msf1' || brands[0] === 'hevs';
  info.extraDims = [];

  // Walk boxes: meta (full box) → iprp → ipco → ispe. Take the largest ispe
  // (grid images have one per tile plus one for the whole picture).
  const walk = (start: number, end: number, depth: number): void => {
    let o = start;
    while (o + 8 <= end) {
      let size = r.u32be(o);
      const type = r.ascii(o + 4, 4);
      let header = 8;
      if (size === 1) {
        const hi = r.u32be(o + 8);
        size = hi * 2 ** 32 + r.u32be(o + 12);
        header = 16;
      } else if (size === 0) {
        size = end - o;
      }
      if (size < header) throw corrupt(format === 'avif' ? 'AVIF' : 'HEIC', `box ${JSON.stringify(type)} has size ${size}`);
      const boxEnd = o + size;
      if (boxEnd > b.length && (type === 'meta' || depth > 0)) throw truncated(format === 'avif' ? 'AVIF' : 'HEIC');
      if (type === 'meta') walk(o + header + 4, boxEnd, depth + 1);
      else if (type === 'iprp' || type === 'ipco') walk(o + header, boxEnd, depth + 1);
      else if (type === 'ispe') {
        const w = r.u32be(o + header + 4);
        const h = r.u32be(o + header + 8);
        info.extraDims!.push([w, h]);
        if (w * h > info.width * info.height) {
          info.width = w;
          info.height = h;
        }
      }
      if (depth === 0 && type === 'meta') return;
      o = boxEnd;
    }
  };
  walk(0, b.length, 0);
  if (info.width === 0 || info.height === 0) {
    if (info.animated) {
      // Image sequences may carry sizes only in the track header; accept them
      // and let the decoder and the pixel check after decoding judge.
      return info;
    }
    throw truncated(format === 'avif' ? 'AVIF' : 'HEIC');
  }
  return info;
}

// ---------------------------------------------------------------------------
// SVG

function decodeHead(b: Uint8Array, n: number): string {
  let s = '';
  const end = Math.min(b.length, n);
  for (let i = 0; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function svgLength(v: string | undefined): number {
  if (!v) return 0;
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(px)?\s*$/i.exec(v);
  return m ? Number(m[1]) : 0;
}

function sniffSvg(b: Uint8Array): Draft | null {
  let start = 0;
  if (startsWith(b, [0xef, 0xbb, 0xbf])) start = 3;
  const head = decodeHead(b.subarray(start), 64 * 1024);
  if (head.includes('\0')) return null;
  // Optional XML declaration, comments, DOCTYPE and whitespace before <svg.
  const m = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*<svg\b([^>]*)>/i.exec(head);
  if (!m) return null;
  const attrs = m[1] ?? '';
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(attrs)?.[1];
  let width = svgLength(attr('width'));
  let height = svgLength(attr('height'));
  const vb = attr('viewBox')
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if (vb && vb.length === 4 && vb.every(Number.isFinite) && vb[2]! > 0 && vb[3]! > 0) {
    if (!width && !height) {
      width = vb[2]!;
      height = vb[3]!;
    } else if (!width) {
      width = (height * vb[2]!) / vb[3]!;
    } else if (!height) {
      height = (width * vb[3]!) / vb[2]!;
    }
  }
  const info = still('svg', 'image/svg+xml', Math.round(width), Math.round(height));
  info.hasAlpha = true;
  return info;
}

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
