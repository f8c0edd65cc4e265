/** Teaching's Worker boundary (workers/teach.worker.ts ↔ src/engine-client/teach.ts). */
import type { PooledFeatures, Posteriors } from '../api';
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
  phase: 'download' | 'prepare' | 'train' | 'classifier';
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

/** A new row of the classifier's head (the pack's `teach.headRow`). */
export interface HeadRowRequest {
  baseUrl: string;
  manifest: Manifest;
  /** Pooled features of the new class's images and their augmented copies (engine.pooledFeatures). */
  positives: PooledFeatures;
}

export interface HeadRowLearned {
  row: Float32Array;
  bias: number;
  losses: number[];
  ms: number;
}

export interface TeachApi {
  learnConcept(req: TeachRequest, onProgress?: (p: TeachProgress) => void): Promise<TeachResult>;
  /** The starting word, normalised, if it is one token of the pack's vocabulary; else an InvalidInput naming words it knows. */
  checkWord(baseUrl: string, manifest: Manifest, word: string): Promise<string>;
  /** Train the new class's classifier row against the pack's bank of negatives (seconds). */
  learnHeadRow(req: HeadRowRequest, onProgress?: (p: TeachProgress) => void): Promise<HeadRowLearned>;
  /** Stop the running teach after its current step; what it learned so far is returned. */
  cancel(): boolean;
}
