/**
 * Performance marks of the first maps a page paints, read by `npm run bench` (bench/run.mjs) to time
 * page open → first painted map (precomputed or live) and page open → first live map. A mark's
 * startTime is measured from the navigation start.
 */
export const FIRST_MAP_MARK = 'wsol:first-map-painted';
export const FIRST_LIVE_MAP_MARK = 'wsol:first-live-map-painted';

/** Steps on the way to the first live map, so the bench can say where page open → live map goes. */
export const STARTUP_MARKS = {
  engineStart: 'wsol:engine-start',
  engineReady: 'wsol:engine-ready',
  packLoadStart: 'wsol:pack-load-start',
  /** Its detail is the pack's load breakdown (PackSummary.loadTimings). */
  packReady: 'wsol:pack-ready',
  /** The first image's classification and per-image steps are back from the engine (detail: their timings). */
  analysisReady: 'wsol:analysis-ready',
  /** The first engine maps (any method) are back (detail: the method and its timings). */
  mapsReady: 'wsol:maps-ready',
} as const;

/** Marks `name` the first time only: later reloads and repaints are not the page's start. */
export function markOnce(name: string, detail?: unknown): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name, detail === undefined ? undefined : { detail });
}

export function markMapPainted(live: boolean): void {
  markOnce(FIRST_MAP_MARK);
  if (live) markOnce(FIRST_LIVE_MAP_MARK);
}
