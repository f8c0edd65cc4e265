/** PNG (and APNG), JPEG (with EXIF orientation) and GIF headers. */
import { asciiAt, corrupt, type Draft, Reader, still, SniffFail, truncated } from './bytes';

// ---------------------------------------------------------------------------
// PNG / APNG

export const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export function sniffPng(b: Uint8Array): Draft {
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

export function sniffJpeg(b: Uint8Array): Draft {
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

export function sniffGif(b: Uint8Array): Draft {
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
