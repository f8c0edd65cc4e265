/**
 * SAT as a method of the app: its model runs once per image in the worker
 * (workers/pipelines/sat/); the block masks arrive with the image's analysis and
 * are averaged (or one block picked) on the UI thread.
 */
import type { ClassScore } from '../api';
import { EngineError } from '../errors';
import type { LocalMethod } from '../methods/types';
import type { FeatureMap } from '../tensor';
import { satMap } from './map';

export interface SatParams {
  /** The mean of the SQA blocks' masks (SAT's map) or one block (index into manifest.baselines.sat.blocks). */
  block: number | 'mean';
}

/** What SAT's per-image run returns (ImageAnalysis.methodData.sat). */
export interface SatImageData {
  /** Per-block masks [blocks, g, g]. */
  blockMaps: FeatureMap;
  /** SAT classifies too: its own top-5. */
  topK: ClassScore[];
}

export const sat: LocalMethod<'sat', SatParams, FeatureMap> = {
  id: 'sat',
  label: 'SAT',
  blurb: "ViT spatial token's attention (class-agnostic)",
  source: 'local',
  models: ['sat'],
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
  raw({ analysis }) {
    const data = analysis.methodData.sat as SatImageData | undefined;
    if (!data) throw new EngineError('ModelIOMismatch', 'SAT is not available: the engine returned no SAT maps for this image');
    return data.blockMaps;
  },
  aggregate: (blockMaps, own) => ({ map: satMap(blockMaps, own.block), size: [blockMaps.dims[1], blockMaps.dims[2]] }),
  note({ analysis }) {
    const top = (analysis.methodData.sat as SatImageData | undefined)?.topK[0];
    return top ? `SAT's own classifier: ${top.displayName} (${(100 * top.probability).toFixed(1)} %); its map ignores the class.` : null;
  },
};
