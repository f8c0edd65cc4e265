/**
 * The guided tour's steps, in teaching order: CAM → threshold → box → IoU → τ curve →
 * GenPromp → λ strip → timestep × resolution grid. Each step says what to look at in two
 * sentences, names the element to highlight (the first of `targets` found on the page)
 * and sets the state it talks about as lesson-link fields (the same keys as the URL hash).
 */
export interface TourStep {
  id: string;
  title: string;
  /** Two sentences. */
  text: string;
  /** CSS selectors; the first one found on the page is highlighted (later ones are fallbacks). */
  targets: readonly string[];
  /** Lesson-link fields this step sets (`m=cam&tau=0.5`…); fields left out keep their values. */
  lesson: string;
  /** The step scores against ground truth: without any, it opens the first gallery image that has a box. */
  needsGt: boolean;
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'cam',
    title: 'CAM: the classifier’s own map',
    text: 'CAM weighs the classifier’s last feature maps by the chosen class’s weights, so bright areas are those that raised the class score. The network was trained to classify, not to localise: watch which part of the object lights up.',
    targets: ['[data-testid="map-canvas"]'],
    lesson: 'm=cam&view=single&box=largest&tau=0.5&gtShow=1&lab=none',
    needsGt: true,
  },
  {
    id: 'threshold',
    title: 'The threshold τ',
    text: 'τ cuts the normalised map: every pixel above it belongs to the object region. Drag the slider and watch the region, and its box, grow and shrink.',
    targets: ['[data-testid="threshold-slider"]'],
    lesson: 'm=cam&view=single',
    needsGt: true,
  },
  {
    id: 'box',
    title: 'From region to box',
    text: 'The cyan box encloses the largest connected region above τ (V1); “all regions” (V2) boxes the regions separately and keeps the best match. CAM often boxes only the most telling part of the object, the failure called “Part”.',
    targets: ['[data-testid="box-mode"]'],
    lesson: 'm=cam&view=single&box=largest',
    needsGt: true,
  },
  {
    id: 'iou',
    title: 'IoU with the ground truth',
    text: 'The dashed yellow box is the ground truth, and IoU is the area the two boxes share divided by the area they cover together. A localisation counts as correct when the IoU is at least 0.5.',
    targets: ['[data-testid="iou-readout"]', '[data-testid="gt-source"]'],
    lesson: 'm=cam&view=single&gtShow=1',
    needsGt: true,
  },
  {
    id: 'tau-curve',
    title: 'IoU against τ',
    text: 'The curve is the IoU at every τ for this image, and the star marks its best τ. Picking τ on the image you report is cheating: the protocol chooses it on validation images and keeps it for the test.',
    targets: ['[data-testid="tau-panel"]'],
    lesson: 'm=cam&view=single',
    needsGt: true,
  },
  {
    id: 'genpromp',
    title: 'GenPromp: diffusion attention',
    text: 'GenPromp asks a diffusion model where the class word attends while it denoises the image. Side by side with CAM, its box usually covers the whole object rather than a part.',
    targets: ['[data-testid="compare-view"]'],
    lesson: 'm=genpromp&view=compare&lab=none',
    needsGt: true,
  },
  {
    id: 'lambda',
    title: 'The λ strip',
    text: 'λ mixes the class’s learned prompt embedding into the plain class word: 0 is the word alone, 1 the learned prompt. The strip shows the map and its IoU at eleven λ values; click one to set λ.',
    targets: ['[data-testid="lambda-strip"]', '[data-testid="lab-panel"]', '[data-testid="lambda-slider"]'],
    lesson: 'm=genpromp&view=single&lab=lambdaStrip',
    needsGt: true,
  },
  {
    id: 'grid',
    title: 'Timesteps × resolutions',
    text: 'Rows are denoising timesteps and columns the UNet’s attention resolutions; GenPromp’s map is the plain mean of the ticked cells. Tick rows and columns to see which ones carry the object, or go back to the GenPromp default.',
    targets: ['[data-testid="timestep-grid"]', '[data-testid="lab-panel"]', '[role="group"][aria-label="Timesteps"]'],
    lesson: 'm=genpromp&view=single&lab=timestepGrid',
    needsGt: true,
  },
];
