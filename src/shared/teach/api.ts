/** Teaching's Worker boundary (workers/teach.worker.ts ↔ src/engine-client/teach.ts). */
import type { Posteriors } from '../api';
import type { Manifest } from '../manifest';

/** Images a class may be taught from. */
export const TEACH_IMAGES = { min: 3, max: 10 } as const;

export interface TeachRequest {
  /** The pack's base URL (ends with /) and its manifest, as the engine loaded them. */
  baseUrl: string;
  manifest: Manifest;
  posteriors: Posteriors;
  /** The starting word: one token of the pack's vocabulary (a superclass word or a class name). */
  word: string;
  /** Default: the pack's `teach.inversion.steps`. */
  steps?: number;
  seed?: number;
}

export interface TeachProgress {
  phase: 'download' | 'prepare' | 'train';
  text: string;
  /** Steps done and in all (train), or bytes (download). */
  done: number;
  total: number;
  loss?: number;
  etaSeconds?: number;
  /** The row as learned so far, every few steps (TEACH_PREVIEW_EVERY) and at the last: for a live map. */
  row?: Float32Array;
}

/** Steps between the rows a teach reports for its live map. */
export const TEACH_PREVIEW_EVERY = 5;

export interface TeachResult {
  row: Float32Array;
  losses: number[];
  cancelled: boolean;
  word: string;
  wordId: number;
  backend: string;
  msPerStep: number;
}

export interface TeachApi {
  learnConcept(req: TeachRequest, onProgress?: (p: TeachProgress) => void): Promise<TeachResult>;
  /** Stop the running teach after its current step; what it learned so far is returned. */
  cancel(): boolean;
}
