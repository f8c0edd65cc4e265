/**
 * Teaching runs in its own Worker (workers/teach.worker.ts): a teach holds its thread for minutes,
 * and the engine's Worker keeps answering map requests meanwhile. Created on the first teach.
 */
import * as Comlink from 'comlink';
import type { Manifest } from '@shared/manifest';
import type { HeadRowLearned, HeadRowRequest, TeachApi, TeachProgress, TeachRequest, TeachResult } from '@shared/teach/api';

let remote: Comlink.Remote<TeachApi> | null = null;

function teacher(): Comlink.Remote<TeachApi> {
  // The literal `new Worker(new URL(…, import.meta.url))` is what Vite bundles as a worker.
  remote ??= Comlink.wrap<TeachApi>(
    new Worker(new URL('../../workers/teach.worker.ts', import.meta.url), { type: 'module', name: 'teach' }),
  );
  return remote;
}

export function learnConcept(req: TeachRequest, onProgress: (p: TeachProgress) => void): Promise<TeachResult> {
  return teacher().learnConcept(req, Comlink.proxy(onProgress));
}

export function cancelTeach(): void {
  if (remote) void remote.cancel();
}

export function learnHeadRow(req: HeadRowRequest, onProgress: (p: TeachProgress) => void): Promise<HeadRowLearned> {
  return teacher().learnHeadRow(req, Comlink.proxy(onProgress));
}

export function checkTeachWord(baseUrl: string, manifest: Manifest, word: string): Promise<string> {
  return teacher().checkWord(baseUrl, manifest, word);
}
