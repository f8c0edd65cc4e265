/** The random map as a method of the app (a sanity baseline, seeded by the image's content key). */
import { sanityBaseline } from '../methods/sanity';
import { RANDOM_MAP_SIDE, randomMap, seedFromKey } from './map';

export const random = sanityBaseline('random', 'Random map', 'sanity baseline: coarse noise, the same for one image', ({ analysis }) => ({
  map: randomMap(seedFromKey(analysis.imageKey)),
  size: [RANDOM_MAP_SIDE, RANDOM_MAP_SIDE],
}));
