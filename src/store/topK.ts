/**
 * The classifier's top-5 of the current image, with the classes taught here among them. Its own
 * module: the results slice picks an image's first class from it, and the selectors show it.
 */
import type { ClassScore } from '@shared/api';
import { learnedLogits, poolFeatures, topKWithLearned } from '@shared/teach/learnedScores';
import type { AppState } from './types';

/** The top-5, with the classes taught here among them (memoised on the analysis and the learned list). */
let topKCache: { analysis: unknown; learned: unknown; value: ClassScore[] } | null = null;
export const selectTopK = (s: AppState): ClassScore[] | null => {
  const a = s.analysis;
  if (!a || !s.image || a.imageId !== s.image.id || a.packGen !== s.packGen || !s.pack) return null;
  if (!a.features || !s.learned.some((c) => c.head)) return a.topK;
  if (topKCache?.analysis !== a || topKCache.learned !== s.learned) {
    const extra = learnedLogits(poolFeatures(a.features), s.learned);
    topKCache = { analysis: a, learned: s.learned, value: topKWithLearned(s.pack.manifest.classes, a.logits, extra, s.learned) };
  }
  return topKCache.value;
};
