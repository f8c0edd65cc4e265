/**
 * Series colours: the Okabe–Ito palette (safe for the common colour-vision deficiencies),
 * without its yellow, which is unreadable on white. Each series also gets its own dash
 * pattern, so curves stay apart in grey print too. styles.css repeats the colours as
 * `.series-N` classes for swatches (no inline styles under the app's CSP).
 */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#000000'] as const;

const DASHES: readonly number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 6], [1, 2]];

export interface SeriesStyle {
  /** Index into SERIES_COLOURS and the `.series-N` classes. */
  index: number;
  colour: string;
  dash: number[];
}

export function seriesStyle(index: number): SeriesStyle {
  const i = index % SERIES_COLOURS.length;
  return { index: i, colour: SERIES_COLOURS[i], dash: DASHES[i] ?? [] };
}
