import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMap, encodeMap, encodeMapU8, FirstViewFormatError, parseFirstView } from './firstView';

describe('first view maps', () => {
  it('round-trip float32 bit-exactly through base64', () => {
    const map = Float32Array.from([0, -1.5, 3.4028234663852886e38, 1e-45, Math.PI, Number.NaN]);
    const back = decodeMap(encodeMap(map, [2, 3]));
    expect(back.size).toEqual([2, 3]);
    expect(new Uint32Array(back.map.buffer)).toEqual(new Uint32Array(map.buffer));
  });

  it('refuse a size that does not match the data', () => {
    expect(() => encodeMap(new Float32Array(5), [2, 3])).toThrow(RangeError);
    expect(() => decodeMap({ size: [3, 3], data: encodeMap(new Float32Array(6), [2, 3]).data })).toThrow(FirstViewFormatError);
  });
});

describe('8-bit first view maps', () => {
  it('round-trip within half a level of their range', () => {
    const map = Float32Array.from({ length: 12 }, (_, i) => -0.3 + Math.sin(i) * 2);
    const enc = encodeMapU8(map, [3, 4]);
    const back = decodeMap(enc).map;
    const [min, max] = enc.range!;
    for (let i = 0; i < map.length; i++) expect(Math.abs(back[i]! - map[i]!)).toBeLessThanOrEqual((max - min) / 510 + 1e-6);
    expect(back[map.indexOf(Math.max(...map))]).toBeCloseTo(max, 6);
  });

  it('refuse data of the wrong length', () => {
    const enc = encodeMapU8(new Float32Array(6), [2, 3]);
    expect(() => decodeMap({ ...enc, size: [3, 3] })).toThrow(FirstViewFormatError);
  });
});

describe('parseFirstView', () => {
  const committed = JSON.parse(readFileSync(new URL('../../public/first-view.json', import.meta.url), 'utf8'));

  it('accepts the committed file, whose maps decode to their sizes', () => {
    const f = parseFirstView(committed);
    expect(Object.keys(f.methods).sort()).toEqual(['cam', 'genpromp', 'lpcam', 'sat']);
    for (const m of Object.values(f.methods)) expect(decodeMap(m).map.length).toBe(m.size[0] * m.size[1]);
    expect(f.lambdaStrip?.maps.length).toBe(11);
    expect(f.timestepGrid?.maps.length).toBe(f.timestepGrid?.timesteps.length);
  });

  it('is preloaded by index.html with its sample image', () => {
    const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
    expect(html).toContain('href="/first-view.json"');
    expect(html).toContain(`href="/samples/${committed.sample.file}"`);
  });

  it('names the first malformed field', () => {
    expect(() => parseFirstView({ ...committed, format: 2 })).toThrow(/format/);
    expect(() => parseFirstView({ ...committed, frame: [0, 128] })).toThrow(/frame/);
    expect(() => parseFirstView({ ...committed, methods: { cam: { size: [2, 2] } } })).toThrow(/methods/);
    expect(() => parseFirstView(null)).toThrow(FirstViewFormatError);
    expect(() => parseFirstView({ ...committed, lambdaStrip: { lambdas: [0, 1], maps: [] } })).toThrow(/lambdaStrip/);
    const grid = committed.timestepGrid;
    expect(() => parseFirstView({ ...committed, timestepGrid: { ...grid, maps: grid.maps.slice(1) } })).toThrow(/timestepGrid/);
    expect(() => parseFirstView({ ...committed, timestepGrid: { ...grid, size: [0, 4] } })).toThrow(/timestepGrid/);
  });
});
