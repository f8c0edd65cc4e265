/** The centre Gaussian as a method of the app (a sanity baseline, on the UI thread). */
import { sanityBaseline } from '../methods/sanity';
import { centreGaussianMap } from './map';

export const gaussian = sanityBaseline(
  'gaussian',
  'Centre Gaussian',
  'sanity baseline: a bump in the middle, whatever the image',
  ({ analysis }) => {
    const [h, w] = analysis.frame;
    return { map: centreGaussianMap(h, w), size: [h, w] };
  },
);
