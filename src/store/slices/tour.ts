/**
 * The guided tour's place: which step, and whether it is open. Closing keeps the step, so the
 * tour resumes where it was left. What a step shows is the tour's business (src/components/tour).
 */
import type { Slice } from '../types';

export interface TourState {
  /** 0-based index of the current (or last open) step. */
  step: number;
  open: boolean;
}

export interface TourSlice {
  tour: TourState;
  /** Open the tour at `step` (clamped to ≥ 0; the tour knows its length). */
  openTour(step: number): void;
  closeTour(): void;
}

export const createTourSlice: Slice<TourSlice> = (set) => ({
  tour: { step: 0, open: false },
  openTour: (step) => set({ tour: { step: Math.max(0, Math.floor(step)), open: true } }),
  closeTour: () => set((s) => ({ tour: { ...s.tour, open: false } })),
});
