/**
 * Performance marks of the first maps a page paints, read by `npm run bench` (bench/run.mjs) to time
 * page open → first painted map (precomputed or live) and page open → first live map. A mark's
 * startTime is measured from the navigation start.
 */
export const FIRST_MAP_MARK = 'wsol:first-map-painted';
export const FIRST_LIVE_MAP_MARK = 'wsol:first-live-map-painted';

export function markMapPainted(live: boolean): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  const once = (name: string) => {
    if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
  };
  once(FIRST_MAP_MARK);
  if (live) once(FIRST_LIVE_MAP_MARK);
}
