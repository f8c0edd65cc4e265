/**
 * Connected panels of the lesson tools: lesson link and export, and the guided tour (its
 * launcher and its card). Same pattern as ./panels.tsx: narrow selectors in, actions out.
 */
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ShareExport } from '../components/ShareExport';
import { TourCard } from '../components/tour/TourCard';
import { TOUR_STEPS } from '../components/tour/steps';
import { useAppStore } from '../store';
import { actions } from '../store/actions';
import { runtime } from '../store/runtime';
import type { AppState } from '../store/types';
import { downloadJson, downloadSheet, SHEETS, sheetUnavailable } from './export';
import { applyLessonText, lessonHash, lessonUrl } from './lessonLink/sync';

/** What the lesson link cannot carry right now. */
function leftOut(s: AppState): string[] {
  const out: string[] = [];
  if (s.image && !s.image.sample)
    out.push(
      `Your own image (${s.image.name}) cannot travel in a link: it never leaves this device. The link says so and keeps everything else; whoever opens it drops the same image in.`,
    );
  if (s.pack && runtime.lastPackFolder) out.push('The pack was opened from a folder: whoever opens the link opens that folder too.');
  return out;
}

export function LessonLinkPanel() {
  // The hash stands for the whole shared state: re-render only when it changes.
  const hash = useAppStore(lessonHash);
  const notes = useAppStore(useShallow(leftOut));
  const sheets = useAppStore(useShallow((s) => SHEETS.map((sh) => sheetUnavailable(s, sh))));
  const jsonUnavailable = useAppStore((s) => (s.pack ? null : 'Wait for the model pack.'));
  const link = hash === null ? '' : lessonUrl();
  return (
    <ShareExport
      link={link}
      leftOut={notes}
      onCopy={async () => {
        try {
          await navigator.clipboard.writeText(lessonUrl());
          return true;
        } catch {
          return false;
        }
      }}
      sheets={SHEETS.map((sh, i) => ({ id: sh.id, label: sh.label, unavailable: sheets[i] ?? null }))}
      onSheet={(id) => {
        const sheet = SHEETS.find((sh) => sh.id === id);
        if (sheet) void downloadSheet(sheet).catch((err: unknown) => actions().reportError(err, 'Exporting a PNG'));
      }}
      jsonUnavailable={jsonUnavailable}
      onJson={downloadJson}
    />
  );
}

/** Go to a tour step: open it there and set the state it talks about. */
export function goToTourStep(step: number): void {
  const n = Math.min(Math.max(0, step), TOUR_STEPS.length - 1);
  actions().openTour(n);
  const s = useAppStore.getState();
  const extra = new Map<string, unknown>();
  const hasGt = s.drawnGt !== null || (s.image?.sample?.boxes?.length ?? 0) > 0;
  const needsGt = TOUR_STEPS[n]!.needsGt;
  const sample = needsGt && !hasGt ? s.samples?.find((x) => (x.boxes?.length ?? 0) > 0) : undefined;
  if (sample) extra.set('sample', sample.file);
  // Score the class the sample shows, where the pack has it (GT-known, as the steps explain it): the
  // sample it opens, or the gallery sample on screen (the classifier's top-1 may be another class).
  const shown = sample ?? (needsGt ? s.image?.sample : undefined);
  if (shown) {
    const cls = s.pack?.manifest.classes.findIndex((c) => c.displayName.toLowerCase() === shown.label.toLowerCase()) ?? -1;
    if (cls >= 0) extra.set('cls', cls);
  }
  void applyLessonText(TOUR_STEPS[n]!.lesson, extra);
}

export function TourLauncher() {
  const tour = useAppStore(useShallow((s) => ({ ...s.tour, ready: s.pack !== null })));
  if (tour.open) return null;
  const resume = tour.step > 0;
  return (
    <button
      type="button"
      className="tour-launch"
      data-testid="tour-start"
      disabled={!tour.ready}
      onClick={() => goToTourStep(tour.step)}
      aria-label={resume ? `Resume the guided tour at step ${tour.step + 1} of ${TOUR_STEPS.length}` : 'Take the guided tour'}
    >
      {resume ? `Resume the tour (step ${tour.step + 1} of ${TOUR_STEPS.length})` : 'Take the tour'}
    </button>
  );
}

export function TourPanel() {
  const tour = useAppStore((s) => s.tour);
  const onClose = useCallback(() => actions().closeTour(), []);
  if (!tour.open) return null;
  return <TourCard steps={TOUR_STEPS} step={Math.min(tour.step, TOUR_STEPS.length - 1)} onStep={goToTourStep} onClose={onClose} />;
}
