/** Score-map post-processing with reference-exact semantics (OpenCV, numpy, TS-CAM, wsolevaluation). */
export type { Box } from './types';
export { resizeBicubic, resizeBilinear } from './resize';
export { normalizeMax, normalizeMinMax } from './normalize';
export { binarize, maxLevel, thresholdLevel, toUint8, type Arithmetic } from './threshold';
export { contourArea, findContours, type Contour } from './contours';
export {
  boxesAtThresholds,
  boxesFromMap,
  boxesFromMask,
  largestContour,
  TSCAM_BOX_RULE,
  WSOL_V1_BOX_RULE,
  WSOL_V2_BOX_RULE,
  type BoxRule,
} from './boxes';
export { scaleBox, scaleGtBox, type HW } from './boxScale';
export { applyColormap, colormapTable, overlayRgba, type ColormapName } from './colormap';
