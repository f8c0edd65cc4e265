/**
 * SAT as a method of the app: its ViT runs once per image in the worker, on the first request
 * for the image's SAT map (workers/pipelines/sat/), and is created then too: a page that opens
 * on another method does not wait for it. The block masks are averaged (or one block picked) on
 * the UI thread; being class-agnostic, they serve every class.
 */
import type { ClassScore } from '../api';
import type { EngineMethod } from '../methods/types';
import type { FeatureMap } from '../tensor';
import { satMap } from './map';

export interface SatParams {
  /** The mean of the SQA blocks' masks (SAT's map) or one block (index into manifest.baselines.sat.blocks). */
  block: number | 'mean';
}

/** What SAT's per-image run returns: its raw maps. */
export interface SatImageData {
  /** Per-block masks [blocks, g, g]. */
  blockMaps: FeatureMap;
  /** SAT classifies too: its own top-5. */
  topK: ClassScore[];
}

export const sat: EngineMethod<'sat', SatParams, SatImageData> = {
  id: 'sat',
  label: 'SAT',
  blurb: "ViT spatial token's attention (class-agnostic)",
  source: 'engine',
  models: ['sat'],
  modelsOnFirstUse: true,
  classAgnostic: true,
  unavailable: (m) => (!m.baselines?.sat || !m.models.sat ? 'this model pack has no SAT model' : null),
  packArrays: () => [],
  defaults: (m, prev) => {
    const blocks = m.baselines?.sat?.blocks.length ?? 0;
    return prev && (prev.block === 'mean' || prev.block < blocks) ? prev : { block: 'mean' };
  },
  controls: [
    {
      kind: 'choice',
      key: 'block',
      label: 'SAT map from',
      testId: 'sat-block',
      choices: (m) => {
        const blocks = m.baselines?.sat?.blocks ?? [];
        return [
          { value: 'mean' as const, label: `mean of the last ${blocks.length} blocks (SAT)` },
          ...blocks.map((b, i) => ({ value: i, label: `block ${b + 1} only` })),
        ];
      },
    },
  ],
  rawKey: () => '',
  aggKey: (own) => `b${own.block}`,
  // One run gives every block: nothing more to ask for once it is there.
  request: (have) => (have ? null : {}),
  merge: (_have, got) => got,
  aggregate: (raw, own) => ({ map: satMap(raw.blockMaps, own.block), size: [raw.blockMaps.dims[1], raw.blockMaps.dims[2]] }),
  note(_inputs, raw) {
    const top = raw.topK[0];
    return top ? `SAT's own classifier: ${top.displayName} (${(100 * top.probability).toFixed(1)} %); its map ignores the class.` : null;
  },
};
