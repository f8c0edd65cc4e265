/**
 * Integer pixel box `[x0, y0, x1, y1]`. Areas are inclusive, (x1−x0+1)·(y1−y0+1),
 * as in all three reference evaluators (TS-CAM, GenPromp, wsolevaluation).
 */
export type Box = [x0: number, y0: number, x1: number, y1: number];
