import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMap, encodeMap, FirstViewFormatError, parseFirstView } from './firstView';

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

describe('parseFirstView', () => {
  const committed = JSON.parse(readFileSync(new URL('../../public/first-view.json', import.meta.url), 'utf8'));

  it('accepts the committed file, whose maps decode to their sizes', () => {
    const f = parseFirstView(committed);
    expect(Object.keys(f.methods).sort()).toEqual(['cam', 'genpromp', 'lpcam', 'sat']);
    for (const m of Object.values(f.methods)) expect(decodeMap(m).map.length).toBe(m.size[0] * m.size[1]);
  });

  it('names the first malformed field', () => {
    expect(() => parseFirstView({ ...committed, format: 2 })).toThrow(/format/);
    expect(() => parseFirstView({ ...committed, frame: [0, 128] })).toThrow(/frame/);
    expect(() => parseFirstView({ ...committed, methods: { cam: { size: [2, 2] } } })).toThrow(/methods/);
    expect(() => parseFirstView(null)).toThrow(FirstViewFormatError);
  });
});
