/** Sobel edges as a method of the app (a sanity baseline computed from the image's grey levels). */
import { sanityBaseline } from '../methods/sanity';
import { sobelEdgeMap } from './map';

export const sobel = sanityBaseline(
  'sobel',
  'Sobel edges',
  'sanity baseline: where the grey levels change fastest',
  ({ analysis, image }) => ({
    map: sobelEdgeMap(image, analysis.frame),
    size: analysis.frame,
  }),
);
