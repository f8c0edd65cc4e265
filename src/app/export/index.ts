/**
 * Export for slides: PNG contact sheets of what the lab shows and a JSON of the settings and
 * metrics. Each sheet is one entry of SHEETS: a name, and how to build its cells from the
 * store (or why it cannot now). Everything is drawn here, from the maps already derived.
 */
import { methodById } from '@shared/methods/registry';
import { useAppStore } from '../../store';
import { selectReadyResult } from '../../store/selectors';
import { visibleMethods } from '../../store/slices/results';
import type { AppState, MapResult } from '../../store/types';
import { lessonUrl } from '../lessonLink/sync';
import { exportSettings, methodMetrics, settingsLines } from './settings';
import { drawSheet, type SheetCell, sheetPng } from './sheet';

export interface SheetSource {
  id: string;
  /** Button text. */
  label: string;
  /** The sheet's cells and column count, or a sentence saying why there is nothing to export now. */
  cells(s: AppState): { cells: SheetCell[]; columns: number; title: string } | string;
}

/** "IoU 0.62 · Correct", or what the cell has instead. */
export function cellNote(r: Pick<MapResult, 'iou' | 'failure'>): string {
  return r.iou === null ? 'no ground truth' : `IoU ${r.iou.toFixed(3)}${r.failure ? ` · ${r.failure}` : ''}`;
}

export const SHEETS: readonly SheetSource[] = [
  {
    id: 'view',
    label: 'PNG of this view',
    cells(s) {
      const cells = visibleMethods(s).flatMap((def) => {
        const r = selectReadyResult(s, def.id);
        return r ? [{ title: def.label, note: cellNote(r), map: r }] : [];
      });
      if (cells.length === 0) return 'No map is ready yet: pick an image and wait for its map.';
      const cls = exportSettings(s).className;
      const shown = s.methods.layout === 'compare' ? 'every method side by side' : methodById(s.methods.method).label;
      return { cells, columns: 4, title: `${s.image?.name ?? ''}${cls ? ` · ${cls}` : ''} · ${shown}` };
    },
  },
];

const stem = (s: AppState): string => s.image?.name.replace(/\.[^.]+$/, '') ?? 'wsol';

/** Save bytes as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Why `sheet` cannot be exported now, or null. */
export function sheetUnavailable(s: AppState, sheet: SheetSource): string | null {
  if (!s.image) return 'Pick an image first.';
  const c = sheet.cells(s);
  return typeof c === 'string' ? c : null;
}

export async function downloadSheet(sheet: SheetSource): Promise<void> {
  const s = useAppStore.getState();
  const c = sheet.cells(s);
  if (!s.image || typeof c === 'string') return;
  const canvas = drawSheet({
    ...c,
    image: s.image.bitmap,
    colormap: s.view.colormap,
    opacity: s.view.opacity,
    showGt: s.view.showGt,
    settings: settingsLines(exportSettings(s)),
  });
  saveBlob(await sheetPng(canvas), `${stem(s)}-${sheet.id}.png`);
}

/** The settings and metrics of the view, with the lesson link that reopens it. */
export function exportRecord(s: AppState) {
  return {
    app: 'wsol-lab',
    exportedAt: new Date().toISOString(),
    lessonLink: lessonUrl(s),
    settings: exportSettings(s),
    metrics: methodMetrics(s),
  };
}

export function downloadJson(): void {
  const s = useAppStore.getState();
  const json = JSON.stringify(exportRecord(s), null, 2);
  saveBlob(new Blob([json], { type: 'application/json' }), `${stem(s)}-settings.json`);
}
