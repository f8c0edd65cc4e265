/** WSOL metrics with the reference codebases' exact conventions (TS-CAM/GenPromp and wsolevaluation; see docs/results-toyworld.md for the definitions). */
export type { Box } from '../postprocess/types';
export { bestMatch, iog, iop, iou, maxIou } from './iou';
export { ERROR_CATEGORIES, errorCategory, type ErrorCase, type ErrorCategory } from './errors';
export { locMetrics, type LocMetrics, type LocOptions, type LocRecord } from './loc';
export {
  boxAccCurves,
  BoxAccumulator,
  boxIouCurve,
  maxBoxAccV2,
  thresholdGrid,
  type BoxAccOptions,
  type BoxAccResult,
} from './boxAcc';
