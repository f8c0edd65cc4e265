/**
 * The classroom lab's GenPromp views (../lab.ts): which one is open, the λ slider's fine mode and
 * the grid's play state, plus what they show, derived once per frame with the main maps.
 * The grid's ticked rows and columns are GenPromp's own `timesteps` and `groups` (params slice):
 * ticking re-averages the main map exactly from cached maps.
 */
import { attentionGroups } from '@shared/genpromp/aggregate';
import { sortedNums } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { type LabView, type LambdaStrip, type TimestepGrid, gridTimesteps, tickedGroups } from '../lab';
import { runtime } from '../runtime';
import type { Slice } from '../types';

export interface LabState {
  view: LabView;
  /** λ slider in 0.01 steps (values between the strip's run live) instead of snapping to the strip's 0.1 grid. */
  fineLambda: boolean;
  /** The grid steps its single selected row through the timesteps. */
  playing: boolean;
}

export interface LabSlice {
  lab: LabState;
  /** The λ strip of the current parameters (current while its key matches, ../lab.ts). */
  labStrip: LambdaStrip | null;
  labGrid: TimestepGrid | null;
  setLabView(view: LabView): void;
  setFineLambda(on: boolean): void;
  /** Tick or untick one attention group (a grid column); at least one stays ticked. */
  toggleGroup(key: string): void;
  /** The pack's GenPromp timesteps and resolutions, every group at them. */
  setGenprompDefault(): void;
  /** Select the next (+1) or previous (−1) timestep row alone, wrapping round. */
  stepTimestep(direction: 1 | -1): void;
  setPlaying(on: boolean): void;
}

/** One step of "play" through cached timesteps: slow enough to read each map. */
export const PLAY_STEP_MS = 800;

export const INITIAL_LAB: LabState = { view: 'none', fineLambda: false, playing: false };

export const createLabSlice: Slice<LabSlice> = (set, get) => {
  const stopPlaying = (): void => {
    if (runtime.labPlayTimer !== null) clearInterval(runtime.labPlayTimer);
    runtime.labPlayTimer = null;
  };
  return {
    lab: INITIAL_LAB,
    labStrip: null,
    labGrid: null,
    setLabView(view) {
      if (view !== 'timestepGrid') get().setPlaying(false);
      set((s) => ({ lab: { ...s.lab, view } }));
      get().ensureResult();
    },
    setFineLambda: (fineLambda) => set((s) => ({ lab: { ...s.lab, fineLambda } })),
    toggleGroup(key) {
      const m = get().pack ? diffusionOf(get().pack!.manifest) : null;
      if (!m) return;
      const groups = attentionGroups(m.unetAttention);
      const ticked = tickedGroups(get().own.genpromp, groups);
      const next = ticked.includes(key) ? ticked.filter((k) => k !== key) : [...ticked, key];
      if (next.length === 0) return;
      const chosen = groups.filter((g) => next.includes(g.key));
      const resolutions = sortedNums([...new Set(chosen.map((g) => g.resolution))]);
      // Every group at those resolutions is plain `resolutions` (the key the main controls use).
      const whole = groups.filter((g) => resolutions.includes(g.resolution)).length === chosen.length;
      get().setOwn('genpromp', { resolutions, groups: whole ? null : chosen.map((g) => g.key) });
    },
    setGenprompDefault() {
      const m = get().pack ? diffusionOf(get().pack!.manifest) : null;
      if (!m) return;
      get().setOwn('genpromp', {
        timesteps: sortedNums(m.genpromp.timesteps),
        resolutions: sortedNums(m.genpromp.resolutions),
        groups: null,
      });
    },
    stepTimestep(direction) {
      const s = get();
      const rows = gridTimesteps(s);
      if (rows.length === 0) return;
      const at = rows.indexOf(s.own.genpromp.timesteps[0] ?? rows[0]!);
      const next = rows[(at + direction + rows.length) % rows.length]!;
      s.setOwn('genpromp', { timesteps: [next] });
    },
    setPlaying(on) {
      stopPlaying();
      if (on) {
        // Play steps one row: start from the first selected timestep alone.
        const first = get().own.genpromp.timesteps[0];
        if (first !== undefined && get().own.genpromp.timesteps.length > 1) get().setOwn('genpromp', { timesteps: [first] });
        runtime.labPlayTimer = setInterval(() => get().stepTimestep(1), PLAY_STEP_MS);
      }
      if (get().lab.playing !== on) set((s) => ({ lab: { ...s.lab, playing: on } }));
    },
  };
};
