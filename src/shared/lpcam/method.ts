/** LPCAM as a method of the app: the image's classifier features against the pack's prototypes, on the UI thread. */
import { NO_BASELINES } from '../cam/method';
import { EngineError } from '../errors';
import { requireArray, requireFeatures } from '../methods/inputs';
import type { LocalMethod, NativeMap } from '../methods/types';
import { lpcamMap } from './map';

export interface LpcamParams {
  /** Subtract the mean cosine to the class's context prototypes. */
  context: boolean;
}

export const lpcam: LocalMethod<'lpcam', LpcamParams, NativeMap> = {
  id: 'lpcam',
  label: 'LPCAM',
  blurb: 'cosine to local class prototypes, minus context',
  source: 'local',
  models: [],
  classAgnostic: false,
  unavailable: (m) => (!m.baselines ? NO_BASELINES : !m.baselines.lpcam ? 'this model pack has no LPCAM prototypes' : null),
  packArrays: (m) => (m.baselines?.lpcam ? [m.baselines.lpcam.prototypes] : []),
  defaults: (_m, prev) => prev ?? { context: true },
  controls: [{ kind: 'toggle', key: 'context', label: 'LPCAM: subtract context prototypes', testId: 'lpcam-context' }],
  rawKey: (own) => `ctx${own.context}`,
  aggKey: () => '',
  raw({ pack, analysis, classIndex, learned, own }) {
    if (learned)
      throw new EngineError('InvalidInput', `LPCAM has no prototypes for "${learned.name}", a class taught here; CAM and GenPromp show it`);
    const spec = pack.manifest.baselines!.lpcam!;
    const ranges = spec.ranges[classIndex];
    if (!ranges) throw new EngineError('InvalidInput', `LPCAM has no prototypes for class ${classIndex}`);
    const f = requireFeatures(analysis, 'LPCAM');
    const prototypes = requireArray(pack, spec.prototypes, 'LPCAM');
    return { map: lpcamMap(f, prototypes, ranges, own.context), size: [f.dims[1], f.dims[2]] };
  },
  aggregate: (raw) => raw,
  note: () => null,
};
