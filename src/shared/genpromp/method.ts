/**
 * GenPromp as a method of the app. Its raw maps are the UNet's class-token
 * cross-attention per (timestep, attention output), computed in the worker
 * (workers/pipelines/genpromp/) for one (class, λ); timesteps and resolutions only
 * change how they are averaged, which ./aggregate does exactly from cached maps.
 */
import type { MapsRequest } from '../api';
import { EngineError } from '../errors';
// From ./types, not the index: the validator imports the method registry.
import { diffusionOf } from '../manifest/types';
import type { EngineMethod } from '../methods/types';
import { aggregateAttention, type AttentionMaps } from './aggregate';

export interface GenprompParams {
  /** f = λ·f_r + (1 − λ)·f_d: the learned concept row's weight. */
  lambda: number;
  timesteps: number[];
  resolutions: number[];
  /**
   * A narrower choice of attention groups ("16:down"…, see ./aggregate) than every group at
   * `resolutions` (the t × resolution grid ticks groups); null: every group at `resolutions`.
   */
  groups: string[] | null;
}

/** What the worker is asked for: every selected timestep at one λ (it caches per timestep). */
export interface GenprompMapsParams {
  lambda: number;
  timesteps: number[];
  /**
   * More λ values to compute in the same batched UNet runs (the λ strip); the answer carries
   * their maps in `MapsResult.alsoComputed`, one entry per λ.
   */
  lambdas?: number[];
}

/** The λ strip's values, 0, 0.1, …, 1: computed together, then cached, so a snapped λ slider redraws from cache. */
export const LAMBDA_GRID: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 10);
/** Whether λ is one of the strip's values (else a slider value runs live). */
export const onLambdaGrid = (lambda: number): boolean => Math.abs(lambda * 10 - Math.round(lambda * 10)) < 1e-9;

/** Slider values are kept on a 0.01 grid so keys and requests agree exactly. */
export const round2 = (v: number): number => Math.round(v * 100) / 100;
export const sortedNums = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** Why a classifier-only pack cannot show GenPromp (shown next to the disabled choice). */
export const NEEDS_DIFFUSION_PACK =
  'GenPromp needs a Stable Diffusion pack (VAE, text encoder and UNet); this pack has a classifier only — see docs/make-a-real-pack.md';

export const genpromp: EngineMethod<'genpromp', GenprompParams, AttentionMaps> = {
  id: 'genpromp',
  label: 'GenPromp',
  blurb: 'diffusion cross-attention to the class token',
  source: 'engine',
  models: ['vae_encoder', 'text_encoder', 'unet'],
  classAgnostic: false,
  unavailable: (m) => (diffusionOf(m) ? null : NEEDS_DIFFUSION_PACK),
  packArrays: () => [],
  // Every pack load starts from the pack's own (validated) defaults; a classifier-only
  // pack has none, and its empty selection is never used (the method is unavailable).
  defaults: (m) => {
    const d = diffusionOf(m);
    if (!d) return { lambda: 0, timesteps: [], resolutions: [], groups: null };
    return {
      lambda: round2(clamp01(d.genpromp.lambda)),
      timesteps: sortedNums(d.genpromp.timesteps),
      resolutions: sortedNums(d.genpromp.resolutions),
      groups: null,
    };
  },
  // λ, timesteps and resolutions have their own controls (src/components/Controls.tsx).
  controls: [],
  rawKey: (own) => `l${own.lambda.toFixed(2)}`,
  aggKey: (own) =>
    `t${sortedNums(own.timesteps).join(',')}|r${sortedNums(own.resolutions).join(',')}${own.groups ? `|g${[...own.groups].sort().join(',')}` : ''}`,
  request(have, own): GenprompMapsParams | null {
    if (own.timesteps.every((t) => have?.[t])) return null;
    return { lambda: own.lambda, timesteps: sortedNums(own.timesteps) };
  },
  merge: (have, got) => ({ ...have, ...got }),
  aggregate(raw, own, manifest) {
    const m = diffusionOf(manifest);
    if (!m) throw new EngineError('InvalidInput', `GenPromp cannot run on pack ${manifest.id}: ${NEEDS_DIFFUSION_PACK}`);
    const map = aggregateAttention(raw, {
      timesteps: own.timesteps,
      resolutions: own.resolutions,
      groups: own.groups,
      outputs: m.unetAttention,
      latentSize: m.vae.latentSize,
    });
    if (!map) {
      throw new EngineError(
        'ModelIOMismatch',
        `No attention maps for timesteps [${own.timesteps.join(', ')}] at resolutions [${own.resolutions.join(', ')}]: ` +
          'the engine returned fewer maps than the pack manifest lists.',
      );
    }
    return { map, size: m.vae.latentSize };
  },
  note: ({ own }) => `λ = ${own.lambda.toFixed(2)}`,
};

/** A worker request for GenPromp's attention maps (tests and the benchmark call the engine directly). */
export function genprompMapsRequest(imageKey: string, classIndex: number, params: GenprompMapsParams): MapsRequest {
  return { method: 'genpromp', imageKey, classIndex, params };
}
