/**
 * The hover probe: one point shared by every visible map, as fractions of the image's width
 * and height (so it means the same pixel in every method's frame). Moving it re-derives
 * nothing: panels read the value under it from their already derived frame maps.
 */
import type { Slice } from '../types';

export interface ProbePoint {
  /** 0 ≤ x < 1, left to right. */
  x: number;
  /** 0 ≤ y < 1, top to bottom. */
  y: number;
}

export interface ProbeSlice {
  probe: ProbePoint | null;
  setProbe(p: ProbePoint | null): void;
}

const clampUnit = (v: number): number => (Number.isFinite(v) ? Math.min(Math.max(v, 0), 1 - 1e-9) : 0);

export const createProbeSlice: Slice<ProbeSlice> = (set) => ({
  probe: null,
  setProbe: (p) => set({ probe: p ? { x: clampUnit(p.x), y: clampUnit(p.y) } : null }),
});
