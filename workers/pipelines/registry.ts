/** The worker side of each method that has one (see src/shared/methods/registry.ts for the full list). */
import type { MethodId } from '@shared/methods/registry';
import { createGenpromp } from './genpromp/pipeline';
import { createSat } from './sat/sat';
import type { MethodWorkerFactory } from './types';

export const WORKER_METHODS: Partial<Record<MethodId, MethodWorkerFactory>> = {
  genpromp: createGenpromp,
  sat: createSat,
};
