/**
 * What an export says about the view: the settings (printed on every PNG and written in the
 * JSON) and the metrics of every method on screen.
 */
import { type MethodId, methodById } from '@shared/methods/registry';
import { BOX_ACC_DELTAS, boxAccHits } from '@shared/metrics/tauCurve';
import { selectReadyResult } from '../../store/selectors';
import { visibleMethods } from '../../store/slices/results';
import type { AppState } from '../../store/types';

export interface ExportSettings {
  pack: string | null;
  image: string | null;
  /** The gallery file, or null for an image of the user's own (it is not in the export). */
  sample: string | null;
  classIndex: number | null;
  className: string | null;
  method: MethodId;
  layout: AppState['methods']['layout'];
  lambda: number;
  timesteps: number[];
  resolutions: number[];
  /** Attention groups narrower than every group at `resolutions` (the grid's columns), or null. */
  groups: string[] | null;
  labView: AppState['lab']['view'];
  tau: number;
  boxMode: AppState['params']['boxMode'];
  groundTruth: 'sample' | 'drawn' | null;
}

export interface MethodMetrics {
  method: string;
  label: string;
  mapHash: string;
  /** [height, width] of the frame the boxes are in. */
  frame: [number, number];
  boxes: number[][];
  gtBoxes: number[][];
  iou: number | null;
  failure: string | null;
  bestTau: number | null;
  bestIou: number | null;
  /** Hit (IoU ≥ δ) at δ = 0.3 / 0.5 / 0.7, keyed "0.3"… */
  boxAcc: Record<string, boolean> | null;
}

export function exportSettings(s: AppState): ExportSettings {
  const cls = s.params.classIndex;
  const gp = s.own.genpromp;
  return {
    pack: s.pack?.manifest.id ?? null,
    image: s.image?.name ?? null,
    sample: s.image?.sample?.file ?? null,
    classIndex: cls,
    className: cls === null ? null : (s.pack?.manifest.classes[cls]?.displayName ?? null),
    method: s.methods.method,
    layout: s.methods.layout,
    lambda: gp.lambda,
    timesteps: gp.timesteps,
    resolutions: gp.resolutions,
    groups: gp.groups,
    labView: s.lab.view,
    tau: s.params.threshold,
    boxMode: s.params.boxMode,
    groundTruth: s.drawnGt ? 'drawn' : (s.image?.sample?.boxes?.length ?? 0) > 0 ? 'sample' : null,
  };
}

/** Settings as the lines printed on a slide. */
export function settingsLines(x: ExportSettings): string[] {
  return [
    `pack ${x.pack ?? '—'}`,
    `image ${x.image ?? '—'}${x.sample ? '' : ' (your own)'}`,
    `class ${x.className ?? '—'}${x.classIndex === null ? '' : ` (#${x.classIndex})`}`,
    x.layout === 'compare' ? 'every method side by side' : `method ${methodById(x.method).label}`,
    `λ ${x.lambda.toFixed(2)} · timesteps ${x.timesteps.join(', ') || '—'} · resolutions ${x.resolutions.map((r) => `${r}×${r}`).join(', ') || '—'}${x.groups ? ` (groups ${x.groups.join(', ')})` : ''}`,
    `τ ${x.tau.toFixed(2)} · box ${x.boxMode === 'largest' ? 'V1 (largest region)' : 'V2 (all regions)'} · ground truth ${x.groundTruth ?? 'none'}`,
  ];
}

/** Metrics of every method on screen whose map is current. */
export function methodMetrics(s: AppState): MethodMetrics[] {
  const out: MethodMetrics[] = [];
  for (const def of visibleMethods(s)) {
    const r = selectReadyResult(s, def.id);
    if (!r) continue;
    const curve = r.tauCurve;
    out.push({
      method: def.id,
      label: def.label,
      mapHash: r.mapHash,
      frame: r.frame,
      boxes: r.boxes.map((b) => [...b]),
      gtBoxes: r.gtBoxes.map((b) => [...b]),
      iou: r.iou,
      failure: r.failure,
      bestTau: curve ? Number(curve.taus[curve.bestIndex]!.toFixed(2)) : null,
      bestIou: curve ? curve.ious[curve.bestIndex]! : null,
      boxAcc: r.iou === null ? null : Object.fromEntries(boxAccHits(r.iou).map((hit, i) => [String(BOX_ACC_DELTAS[i]), hit])),
    });
  }
  return out;
}
