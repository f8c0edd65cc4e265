/**
 * The app store: one zustand store made of slices, each owning its state and
 * actions (./slices). Runtime state that is not UI state lives in ./runtime.
 */
import { create } from 'zustand';
import { runtime } from './runtime';
import { createBenchmarkSlice } from './slices/benchmark';
import { createEngineSlice } from './slices/engine';
import { createErrorSlice } from './slices/errors';
import { createFirstViewSlice } from './slices/firstView';
import { createImageSlice } from './slices/image';
import { createLabSlice } from './slices/lab';
import { createPackSlice } from './slices/pack';
import { createParamsSlice } from './slices/params';
import { createProbeSlice } from './slices/probe';
import { createResultsSlice } from './slices/results';
import { createTeachSlice } from './slices/teach';
import { createTourSlice } from './slices/tour';
import type { AppState } from './types';

const createState = (...a: Parameters<typeof createEngineSlice>): AppState => ({
  ...createEngineSlice(...a),
  ...createPackSlice(...a),
  ...createProbeSlice(...a),
  ...createImageSlice(...a),
  ...createParamsSlice(...a),
  ...createResultsSlice(...a),
  ...createErrorSlice(...a),
  ...createTourSlice(...a),
  ...createLabSlice(...a),
  ...createBenchmarkSlice(...a),
  ...createFirstViewSlice(...a),
  ...createTeachSlice(...a),
});

export const useAppStore = create<AppState>()(createState);

/** Back to a fresh page load: initial state, fresh actions, empty runtime (tests). */
export function resetStore(): void {
  runtime.reset();
  useAppStore.setState(createState(useAppStore.setState, useAppStore.getState, useAppStore), true);
}

export type { AppState } from './types';
