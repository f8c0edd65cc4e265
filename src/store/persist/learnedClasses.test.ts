/**
 * Learned classes travel as one JSON file: exported here, imported in another browser of the same
 * pack. The file names its pack and the models its rows were learned through; anything else is refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@shared/manifest';
import { EXPORT_FORMAT, exportClasses, importClasses, indexed, packFingerprint, type StoredClass } from './learnedClasses';

const manifest = parseManifest(
  JSON.parse(readFileSync(new URL('../../../public/models/toyworld/manifest.json', import.meta.url), 'utf8')),
  'toyworld/manifest.json',
);
const ramp = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) / 3);
const snail: StoredClass = {
  id: 'a',
  name: 'snail',
  word: 'animal',
  conceptRow: ramp(64, 1),
  head: { row: ramp(1280, 2), bias: -0.75 },
  losses: [0.2, 0.1],
  msPerStep: 2500,
};
const goat: StoredClass = { ...snail, id: 'b', name: 'Goat', conceptRow: ramp(64, 3), head: null };
let ids = 0;
const newId = () => `new-${++ids}`;

describe('learned-classes file', () => {
  it('round-trips names, words and every float32 bit of the rows, with fresh ids', () => {
    const text = exportClasses(manifest, [snail, goat]);
    expect(JSON.parse(text).format).toBe(EXPORT_FORMAT);
    expect(text.length).toBeLessThan(16_000); // "one small file"
    const back = importClasses(manifest, text, newId);
    expect(back.map((c) => [c.name, c.word, c.head === null])).toEqual([
      ['snail', 'animal', false],
      ['Goat', 'animal', true],
    ]);
    expect(back[0]!.conceptRow).toEqual(snail.conceptRow);
    expect(back[0]!.head!.row).toEqual(snail.head!.row);
    expect(back[0]!.head!.bias).toBe(-0.75);
    expect(back[1]!.conceptRow).toEqual(goat.conceptRow);
    expect(back.map((c) => c.id)).toEqual(['new-1', 'new-2']);
  });

  it('gives learned classes the indices after the pack’s', () => {
    expect(indexed(manifest, [snail, goat]).map((c) => c.index)).toEqual([30, 31]);
  });

  it('refuses another pack, another build of this pack, and malformed rows, saying which', () => {
    const file = JSON.parse(exportClasses(manifest, [snail]));
    const variant = (patch: (f: typeof file) => void) => {
      const f = structuredClone(file);
      patch(f);
      return JSON.stringify(f);
    };
    expect(() => importClasses(manifest, 'not json', newId)).toThrow(/not JSON/);
    expect(() => importClasses(manifest, '{"format":"x"}', newId)).toThrow(/format is "x"/);
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.pack.id = 'imagenet-lite0')),
        newId,
      ),
    ).toThrow(/made on the pack "imagenet-lite0"; load that pack/);
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.pack.fingerprint += 'x')),
        newId,
      ),
    ).toThrow(/another build of "toyworld"/);
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.classes = [])),
        newId,
      ),
    ).toThrow(/lists no classes/);
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.classes[0].conceptRow = 'AAAAAA==')),
        newId,
      ),
    ).toThrow(/concept row has 1 values, this pack's embeddings 64/);
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.classes[0].head.row = '%%%')),
        newId,
      ),
    ).toThrow(/not base64/);
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.classes[0].head.bias = 'x')),
        newId,
      ),
    ).toThrow(/classifier row is malformed/);
    const nan = btoa(String.fromCharCode(...new Uint8Array(Float32Array.from({ length: 64 }, () => Number.NaN).buffer)));
    expect(() =>
      importClasses(
        manifest,
        variant((f) => (f.classes[0].conceptRow = nan)),
        newId,
      ),
    ).toThrow(/not a finite number/);
  });

  it('a fingerprint names the models a row depends on', () => {
    expect(packFingerprint(manifest)).toContain(manifest.teach!.unet.sha256);
    expect(packFingerprint(manifest)).toContain(manifest.baselines!.cam.head.sha256);
    const other = {
      ...manifest,
      baselines: {
        ...manifest.baselines!,
        cam: { ...manifest.baselines!.cam, head: { ...manifest.baselines!.cam.head, sha256: '0'.repeat(64) } },
      },
    };
    expect(packFingerprint(other)).not.toBe(packFingerprint(manifest));
  });
});
