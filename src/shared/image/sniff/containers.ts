/** WebP, BMP, ISO-BMFF (AVIF, HEIC) and SVG headers. */
import { corrupt, type Draft, Reader, startsWith, still, truncated } from './bytes';
import type { ImageFormat } from './types';

// ---------------------------------------------------------------------------
// WebP

export function sniffWebp(b: Uint8Array): Draft {
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

export function sniffBmp(b: Uint8Array): Draft {
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

export function sniffBmff(b: Uint8Array): Draft | null {
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

export function sniffSvg(b: Uint8Array): Draft | null {
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
