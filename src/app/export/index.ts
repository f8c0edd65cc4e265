/**
 * Export for slides: PNG contact sheets of what the lab shows and a JSON of the settings and
 * metrics. Each sheet is one entry of SHEETS: a name, and how to build its cells from the
 * store (or why it cannot now). Everything is drawn here, from the maps already derived.
 */
import { methodById } from '@shared/methods/registry';
import { tickedGroups } from '../../store/lab';
import { useAppStore } from '../../store';
import { selectReadyResult } from '../../store/selectors';
import { visibleMethods } from '../../store/slices/results';
import type { AppState, MapResult } from '../../store/types';
import { selectGrid, selectStrip } from '../labPanel';
import { lessonUrl } from '../lessonLink/sync';
import { exportSettings, methodMetrics, settingsLines } from './settings';
import { drawSheet, type SheetSpec, sheetPng, unscoredMap } from './sheet';

export interface SheetSource {
  id: string;
  /** Button text. */
  label: string;
  /** The sheet's cells and layout, or a sentence saying why there is nothing to export now. */
  cells(
    s: AppState,
  ): (Pick<SheetSpec, 'cells' | 'columns' | 'title'> & Partial<Pick<SheetSpec, 'cellLongSide' | 'scaleNote' | 'boxes'>>) | string;
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
  {
    id: 'lambda-strip',
    label: 'PNG of the λ strip',
    cells(s) {
      const strip = selectStrip(s);
      if (s.lab.view !== 'lambdaStrip' || !strip) return 'Open the λ strip (GenPromp lab) and wait for its maps.';
      const base = { frame: strip.frame, gtBoxes: strip.gtBoxes, boxMode: s.params.boxMode, failure: null } as const;
      const cells = strip.cells.map((c) => ({
        title: `λ = ${c.lambda.toFixed(1)}`,
        note: cellNote({ iou: c.iou, failure: null }),
        map: {
          ...base,
          frameMap: c.frameMap,
          mapHash: c.mapHash,
          boxes: c.boxes,
          iou: c.iou,
          gtSource: null,
          rawRange: [0, 1] as [number, number],
          tauCurve: null,
        },
      }));
      return { cells, columns: 6, cellLongSide: 192, title: `${s.image?.name ?? ''} · GenPromp λ strip, λ = 0 … 1` };
    },
  },
  {
    id: 'grid',
    label: 'PNG of the t × resolution grid',
    cells(s) {
      const grid = selectGrid(s);
      if (s.lab.view !== 'timestepGrid' || !grid) return 'Open the t × resolution grid (GenPromp lab) and wait for its maps.';
      const rows = new Set(s.own.genpromp.timesteps);
      const cols = new Set(tickedGroups(s.own.genpromp, grid.groups));
      const cells = grid.timesteps.flatMap((t, i) =>
        grid.groups.map((g, j) => {
          const map = grid.cells[i]?.[j] ?? null;
          return {
            title: `t ${t} · ${g.resolution}×${g.resolution} ${g.block}`,
            note: !map ? 'not computed' : rows.has(t) && cols.has(g.key) ? 'averaged (ticked)' : 'not averaged',
            // Group maps are latent-sized and divided by their max: drawn as they are, without boxes.
            map: unscoredMap(grid.size, map ?? new Float32Array(grid.size[0] * grid.size[1]), [], s.params.boxMode),
          };
        }),
      );
      return {
        cells,
        columns: grid.groups.length,
        cellLongSide: 160,
        scaleNote: 'map value ÷ its max (group maps carry no boxes)',
        boxes: false,
        title: `${s.image?.name ?? ''} · GenPromp maps per timestep (rows) and attention group (columns)`,
      };
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

/** The λ strip's IoU and map per λ, when it is open and current. */
function stripMetrics(s: AppState) {
  const strip = s.lab.view === 'lambdaStrip' ? selectStrip(s) : null;
  return strip ? strip.cells.map((c) => ({ lambda: c.lambda, iou: c.iou, mapHash: c.mapHash, boxes: c.boxes.map((b) => [...b]) })) : null;
}

/** The grid's rows and columns and which are averaged into the main map, when it is open and current. */
function gridSummary(s: AppState) {
  const grid = s.lab.view === 'timestepGrid' ? selectGrid(s) : null;
  if (!grid) return null;
  return {
    timesteps: grid.timesteps,
    groups: grid.groups.map((g) => g.key),
    computed: grid.timesteps.filter((_, i) => grid.cells[i]?.some((c) => c !== null)),
    ticked: { timesteps: s.own.genpromp.timesteps, groups: tickedGroups(s.own.genpromp, grid.groups) },
  };
}

/** The settings and metrics of the view, with the lesson link that reopens it. */
export function exportRecord(s: AppState) {
  return {
    app: 'wsol-lab',
    exportedAt: new Date().toISOString(),
    lessonLink: lessonUrl(s),
    settings: exportSettings(s),
    metrics: methodMetrics(s),
    lambdaStrip: stripMetrics(s),
    grid: gridSummary(s),
  };
}

export function downloadJson(): void {
  const s = useAppStore.getState();
  const json = JSON.stringify(exportRecord(s), null, 2);
  saveBlob(new Blob([json], { type: 'application/json' }), `${stem(s)}-settings.json`);
}
