import { describe, expect, it } from 'vitest';
import { sniffImage, type ImageInfo, type SniffErrorCode } from './sniff';

// ---------------------------------------------------------------------------
// Byte builders (headers only; pixel data is filler: sniffing never decodes).

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u16be = (v: number) => [(v >>> 8) & 255, v & 255];
const u16le = (v: number) => [v & 255, (v >>> 8) & 255];
const u24le = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255];
const u32be = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const u32le = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const bytes = (...parts: Array<number[] | Uint8Array>): Uint8Array => {
  const flat: number[] = [];
  for (const p of parts) flat.push(...p);
  return Uint8Array.from(flat);
};

const pngChunk = (type: string, data: number[]) => [...u32be(data.length), ...ascii(type), ...data, 0, 0, 0, 0];
function png(w: number, h: number, o: { depth?: number; color?: number; actl?: number; chunks?: number[][]; noIdat?: boolean } = {}) {
  return bytes(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    pngChunk('IHDR', [...u32be(w), ...u32be(h), o.depth ?? 8, o.color ?? 2, 0, 0, 0]),
    o.actl !== undefined ? pngChunk('acTL', [...u32be(o.actl), ...u32be(0)]) : [],
    ...(o.chunks ?? []),
    o.noIdat ? [] : pngChunk('IDAT', [1, 2, 3, 4, 5]),
    pngChunk('IEND', []),
  );
}

const seg = (marker: number, data: number[]) => [0xff, marker, ...u16be(data.length + 2), ...data];
function exif(orientation: number, le = false) {
  const u16 = le ? u16le : u16be;
  const u32 = le ? u32le : u32be;
  const tiff = [
    ...ascii(le ? 'II' : 'MM'),
    ...u16(42),
    ...u32(8),
    ...u16(1),
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0),
  ];
  return seg(0xe1, [...ascii('Exif'), 0, 0, ...tiff]);
}
function jpeg(w: number, h: number, o: { comps?: number; orientation?: number; le?: boolean; adobe?: boolean; noEoi?: boolean } = {}) {
  const comps = o.comps ?? 3;
  const compSpecs: number[] = [];
  for (let i = 0; i < comps; i++) compSpecs.push(i + 1, 0x11, 0);
  return bytes(
    [0xff, 0xd8],
    o.orientation ? exif(o.orientation, o.le) : [],
    o.adobe ? seg(0xee, [...ascii('Adobe'), 0, 100, 0, 0, 0, 0, 2]) : [],
    seg(0xdb, new Array(65).fill(1)),
    seg(0xc0, [8, ...u16be(h), ...u16be(w), comps, ...compSpecs]),
    seg(0xda, [comps, ...new Array(comps * 2).fill(0), 0, 63, 0]),
    [0x12, 0x34, 0xff, 0x00, 0x56],
    o.noEoi ? [] : [0xff, 0xd9],
  );
}

function gifFrame(w: number, h: number) {
  return [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, ...u16le(0), ...u16le(0), ...u16le(w), ...u16le(h), 0, 2, 2, 0x4c, 0x01, 0];
}
function gif(w: number, h: number, frames: number, o: { trailer?: boolean; frameSize?: [number, number] } = {}) {
  const fr: number[] = [];
  for (let i = 0; i < frames; i++) fr.push(...gifFrame(...(o.frameSize ?? [w, h])));
  // Global colour table flag with 2 entries.
  return bytes(ascii('GIF89a'), u16le(w), u16le(h), [0x80, 0, 0], [0, 0, 0, 255, 255, 255], fr, o.trailer === false ? [] : [0x3b]);
}

function riff(chunks: number[]) {
  return bytes(ascii('RIFF'), u32le(chunks.length + 4), ascii('WEBP'), chunks);
}
const webpChunk = (id: string, data: number[]) => [...ascii(id), ...u32le(data.length), ...data, ...(data.length & 1 ? [0] : [])];
const vp8 = (w: number, h: number) => riff(webpChunk('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(w), ...u16le(h), 0, 0]));
function vp8l(w: number, h: number, alpha: boolean) {
  const v = ((w - 1) | ((h - 1) << 14) | ((alpha ? 1 : 0) << 28)) >>> 0;
  return riff(webpChunk('VP8L', [0x2f, ...u32le(v), 0, 0, 0]));
}
function vp8x(w: number, h: number, flags: number, anmf: number) {
  const frames: number[] = [];
  for (let i = 0; i < anmf; i++) frames.push(...webpChunk('ANMF', new Array(17).fill(0)));
  return riff([
    ...webpChunk('VP8X', [flags, 0, 0, 0, ...u24le(w - 1), ...u24le(h - 1)]),
    ...(anmf ? webpChunk('ANIM', [0, 0, 0, 0, 0, 0]) : []),
    ...frames,
  ]);
}

function bmp(w: number, h: number, bpp = 24) {
  return bytes(
    ascii('BM'),
    u32le(54 + 4),
    u32le(0),
    u32le(54),
    u32le(40),
    u32le(w),
    u32le(h >>> 0),
    u16le(1),
    u16le(bpp),
    new Array(24).fill(0),
    [0, 0, 0, 0],
  );
}

const box = (type: string, body: number[]) => [...u32be(body.length + 8), ...ascii(type), ...body];
function bmff(major: string, compat: string[], ispes: Array<[number, number]>) {
  const ftyp = box('ftyp', [...ascii(major), ...u32be(0), ...compat.flatMap(ascii)]);
  const ipco = box(
    'ipco',
    ispes.flatMap(([w, h]) => box('ispe', [0, 0, 0, 0, ...u32be(w), ...u32be(h)])),
  );
  const meta = box('meta', [0, 0, 0, 0, ...box('hdlr', new Array(24).fill(0)), ...box('iprp', ipco)]);
  return bytes(ftyp, meta, box('mdat', [1, 2, 3]));
}

const text = (s: string) => new TextEncoder().encode(s);

function ok(b: Uint8Array): ImageInfo {
  const r = sniffImage(b);
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.info;
}
function fails(b: Uint8Array, code: SniffErrorCode): string {
  const r = sniffImage(b);
  if (r.ok) throw new Error(`expected ${code}, got ${JSON.stringify(r.info)}`);
  expect(r.error.code).toBe(code);
  expect(r.error.message.length).toBeGreaterThan(20);
  return r.error.message;
}

// ---------------------------------------------------------------------------

describe('sniffImage: rejects before decoding', () => {
  it('zero-byte file', () => {
    expect(fails(new Uint8Array(0), 'empty')).toMatch(/empty/);
  });
  it('plain text is not an image', () => {
    expect(fails(text('hello, I am not a picture\n'), 'not-image')).toMatch(/PNG, JPEG/);
  });
  it('recognises a PDF and a TIFF with a helpful message', () => {
    expect(fails(text('%PDF-1.7\n...'), 'not-image')).toMatch(/PDF/);
    expect(fails(bytes([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'unsupported')).toMatch(/TIFF/);
  });
  it('truncated PNG header', () => {
    const full = png(10, 10);
    fails(full.subarray(0, 20), 'truncated');
    fails(full.subarray(0, 5), 'truncated');
  });
  it('PNG cut inside its data (no IEND) is truncated', () => {
    const full = png(10, 10);
    fails(full.subarray(0, full.length - 14), 'truncated');
  });
  it('PNG without IDAT is corrupt', () => {
    fails(png(4, 4, { noIdat: true }), 'corrupt');
  });
  it('PNG whose first chunk is not IHDR is corrupt', () => {
    const b = png(4, 4);
    b[12] = ascii('X')[0]!;
    fails(b, 'corrupt');
  });
  it('decompression bomb: tiny PNG claiming 30000×30000', () => {
    const b = png(30000, 30000);
    expect(b.length).toBeLessThan(100);
    expect(fails(b, 'too-large')).toMatch(/30000×30000/);
  });
  it('side limit and pixel limit are separate', () => {
    fails(png(20000, 10), 'too-large'); // 0.2 MP but a side > 16384
    fails(png(8000, 7000), 'too-large'); // 56 MP
    expect(ok(png(7000, 7000)).width).toBe(7000); // 49 MP
    expect(sniffImage(png(300, 300), { maxPixels: 1000, maxSide: 100 }).ok).toBe(false);
  });
  it('zero dimensions are corrupt', () => {
    fails(png(0, 10), 'corrupt');
  });
  it('JPEG with garbage after SOI is corrupt', () => {
    fails(bytes([0xff, 0xd8], [0x13, 0x37, 0x42, 0x99, 0x00, 0x11]), 'corrupt');
  });
  it('JPEG without EOI is truncated', () => {
    fails(jpeg(10, 10, { noEoi: true }), 'truncated');
    const full = jpeg(10, 10);
    fails(full.subarray(0, 30), 'truncated');
  });
  it('JPEG bomb', () => {
    fails(jpeg(60000, 60000), 'too-large');
  });
  it('GIF frame larger than its logical screen is checked too', () => {
    fails(gif(10, 10, 1, { frameSize: [20000, 20000] }), 'too-large');
  });
  it('GIF without any frame is corrupt', () => {
    fails(gif(10, 10, 0), 'corrupt');
  });
  it('WebP shorter than its RIFF size is truncated', () => {
    fails(vp8(10, 10).subarray(0, 25), 'truncated');
  });
});

describe('sniffImage: formats and header facts', () => {
  it('PNG RGB, grey 16-bit and RGBA', () => {
    expect(ok(png(640, 480))).toMatchObject({
      format: 'png',
      mime: 'image/png',
      width: 640,
      height: 480,
      animated: false,
      frames: 1,
      bitDepth: 8,
      hasAlpha: false,
      grey: false,
    });
    expect(ok(png(32, 16, { depth: 16, color: 0 }))).toMatchObject({ bitDepth: 16, grey: true, hasAlpha: false });
    expect(ok(png(32, 16, { color: 6 }))).toMatchObject({ hasAlpha: true });
    expect(ok(png(32, 16, { color: 3, chunks: [pngChunk('PLTE', [0, 0, 0]), pngChunk('tRNS', [0])] }))).toMatchObject({ hasAlpha: true });
  });
  it('APNG via acTL', () => {
    expect(ok(png(64, 64, { actl: 5 }))).toMatchObject({ format: 'apng', animated: true, frames: 5 });
    expect(ok(png(64, 64, { actl: 1 }))).toMatchObject({ format: 'apng', animated: false, frames: 1 });
  });
  it('JPEG baseline, grey, CMYK (Adobe, 4 components)', () => {
    expect(ok(jpeg(800, 600))).toMatchObject({ format: 'jpeg', width: 800, height: 600, cmyk: false, orientation: 1, bitDepth: 8 });
    expect(ok(jpeg(8, 8, { comps: 1 }))).toMatchObject({ grey: true, cmyk: false });
    expect(ok(jpeg(8, 8, { comps: 4, adobe: true }))).toMatchObject({ cmyk: true });
  });
  it('JPEG EXIF orientation (big- and little-endian) swaps display size for 5–8', () => {
    expect(ok(jpeg(800, 600, { orientation: 6 }))).toMatchObject({
      orientation: 6,
      width: 800,
      height: 600,
      displayWidth: 600,
      displayHeight: 800,
    });
    expect(ok(jpeg(800, 600, { orientation: 3, le: true }))).toMatchObject({ orientation: 3, displayWidth: 800, displayHeight: 600 });
    expect(ok(jpeg(800, 600, { orientation: 8, le: true }))).toMatchObject({ orientation: 8, displayWidth: 600 });
  });
  it('GIF frame count, including a missing trailer', () => {
    expect(ok(gif(40, 30, 1))).toMatchObject({ format: 'gif', width: 40, height: 30, frames: 1, animated: false });
    expect(ok(gif(40, 30, 3))).toMatchObject({ frames: 3, animated: true });
    expect(ok(gif(40, 30, 2, { trailer: false }))).toMatchObject({ frames: 2 });
  });
  it('WebP lossy, lossless with alpha, extended and animated', () => {
    expect(ok(vp8(320, 240))).toMatchObject({ format: 'webp', width: 320, height: 240, animated: false });
    expect(ok(vp8l(100, 50, true))).toMatchObject({ width: 100, height: 50, hasAlpha: true });
    expect(ok(vp8x(1000, 700, 0x10, 0))).toMatchObject({ width: 1000, height: 700, hasAlpha: true, animated: false });
    expect(ok(vp8x(64, 48, 0x02, 4))).toMatchObject({ animated: true, frames: 4 });
  });
  it('WebP bomb via VP8X canvas', () => {
    fails(vp8x(16000, 16000, 0, 0), 'too-large');
  });
  it('BMP bottom-up and top-down', () => {
    expect(ok(bmp(33, 17))).toMatchObject({ format: 'bmp', width: 33, height: 17, bitDepth: 24 });
    expect(ok(bmp(33, -17 >>> 0, 32))).toMatchObject({ height: 17, hasAlpha: true });
  });
  it('AVIF and HEIC brands with ispe', () => {
    expect(ok(bmff('avif', ['mif1', 'miaf'], [[1920, 1080]]))).toMatchObject({
      format: 'avif',
      mime: 'image/avif',
      width: 1920,
      height: 1080,
    });
    expect(
      ok(
        bmff(
          'mif1',
          ['mif1', 'heic'],
          [
            [512, 512],
            [4032, 3024],
          ],
        ),
      ),
    ).toMatchObject({ format: 'heic', width: 4032, height: 3024 });
    fails(bmff('avif', ['mif1'], [[40000, 40000]]), 'too-large');
    expect(sniffImage(bmff('isom', ['mp41'], [])).ok).toBe(false); // MP4 video
  });
  it('SVG text with size from attributes or viewBox', () => {
    expect(ok(text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"></svg>'))).toMatchObject({
      format: 'svg',
      width: 200,
      height: 100,
    });
    expect(ok(text('\uFEFF<?xml version="1.0"?>\n<!-- hi -->\n<!DOCTYPE svg>\n<svg viewBox="0 0 30 60"><rect/></svg>'))).toMatchObject({
      width: 30,
      height: 60,
    });
    expect(ok(text('<svg width="100%" height="100%"></svg>'))).toMatchObject({ format: 'svg', width: 0, height: 0 });
    expect(sniffImage(text('<html><body><svg></svg></body></html>')).ok).toBe(false);
  });
});
