/** Errors (one banner) and notices (dismissible lines). */
import { isAbort } from '@shared/errors';
import { runtime } from '../runtime';
import type { AppError, Notice, Slice } from '../types';

export interface ErrorSlice {
  error: AppError | null;
  notices: Notice[];
  /** Show an error in the banner. AbortError ("superseded") is dropped silently. */
  reportError(err: unknown, context?: string | null): void;
  dismissError(): void;
  addNotice(text: string): void;
  dismissNotice(id: number): void;
}

export const createErrorSlice: Slice<ErrorSlice> = (set) => ({
  error: null,
  notices: [],
  reportError(err, context = null) {
    if (isAbort(err)) return;
    const e = err instanceof Error ? err : new Error(String(err));
    console.error(context ?? 'wsol-lab error', e);
    set({ error: { id: ++runtime.errorSeq, name: e.name || 'Error', message: e.message, context } });
  },
  dismissError: () => set({ error: null }),
  addNotice: (text) => set((s) => ({ notices: [...s.notices, { id: ++runtime.noticeSeq, text }] })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
