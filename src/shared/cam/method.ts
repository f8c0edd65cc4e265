/** CAM as a method of the app: its map comes from the image's classifier run, on the UI thread. */
import { EngineError } from '../errors';
import { describeTensor, requireArray, requireFeatures } from '../methods/inputs';
import type { LocalMethod, NativeMap } from '../methods/types';
import { camMap } from './map';

/** CAM has no parameters of its own (the pack exports one feature layer). */
export type CamParams = Record<string, never>;

export const NO_BASELINES = 'this model pack has no baselines (the toy-world pack has them: python -m wsolkit.pack rebuild toyworld)';

export const cam: LocalMethod<'cam', CamParams, NativeMap> = {
  id: 'cam',
  label: 'CAM',
  blurb: 'classifier weights × last feature map',
  source: 'local',
  models: [],
  classAgnostic: false,
  unavailable: (m) => (m.baselines ? null : NO_BASELINES),
  packArrays: (m) => (m.baselines ? [m.baselines.cam.head] : []),
  defaults: () => ({}),
  controls: [
    {
      kind: 'info',
      testId: 'cam-layer',
      text: (m) => {
        const out = m.baselines && m.models.classifier.outputs.find((o) => o.name === m.baselines!.cam.featureOutput);
        return out ? `CAM layer: ${describeTensor(out.name, out.dims)} (the pack exports one)` : null;
      },
    },
  ],
  rawKey: () => '',
  aggKey: () => '',
  raw({ pack, analysis, classIndex, learned }) {
    const f = requireFeatures(analysis, 'CAM');
    if (learned) {
      // A class taught here weighs the features with its own new row of the head.
      if (!learned.head) throw new EngineError('InvalidInput', `"${learned.name}" was taught to GenPromp only: CAM has no head row for it`);
      return { map: camMap(f, learned.head.row, 0), size: [f.dims[1], f.dims[2]] };
    }
    const head = requireArray(pack, pack.manifest.baselines!.cam.head, 'CAM');
    return { map: camMap(f, head, classIndex), size: [f.dims[1], f.dims[2]] };
  },
  aggregate: (raw) => raw,
  note: () => null,
};
