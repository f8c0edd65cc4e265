/**
 * What the three sanity baselines share: no model, no pack data, no parameters, the same
 * map for every class. Only their maps differ (src/shared/{gaussian,random,sobel}/map.ts).
 */
import type { LocalMethod, MapInputs, NativeMap } from './types';

export type NoParams = Record<string, never>;

export function sanityBaseline<Id extends string>(
  id: Id,
  label: string,
  blurb: string,
  map: (inputs: MapInputs<NoParams>) => NativeMap,
): LocalMethod<Id, NoParams, NativeMap> {
  return {
    id,
    label,
    blurb,
    kind: 'sanity',
    source: 'local',
    models: [],
    classAgnostic: true,
    unavailable: () => null,
    packArrays: () => [],
    defaults: () => ({}),
    controls: [],
    rawKey: () => '',
    aggKey: () => '',
    raw: map,
    aggregate: (raw) => raw,
    note: () => 'Sanity baseline: it ignores the class and knows nothing about objects. A method should beat it.',
  };
}
