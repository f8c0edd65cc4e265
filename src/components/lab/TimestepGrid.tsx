/**
 * The timestep × resolution grid (GenPromp's Tables 4–5 for one image): rows are the pack's
 * timesteps, columns its attention groups (SD 1.x: 8×8 mid, 16×16 down, 16×16 up), each cell that
 * group's map at that timestep. Ticked rows and columns are what the main map averages, exactly,
 * from cached maps. Props only: the store computes the cells.
 *
 * Keyboard: every tick is a checkbox; the preset, step and play controls are buttons.
 */
import type { Colormap } from '../../store/types';
import { MapThumb } from './MapThumb';

export interface GridColumn {
  /** e.g. "16:down" (src/shared/genpromp/aggregate.ts). */
  key: string;
  resolution: number;
  block: string;
}

export interface TimestepGridProps {
  timesteps: readonly number[];
  columns: readonly GridColumn[];
  /** cells[row][col]: latent-size map in [0, 1], null while that timestep is not computed. */
  cells: ReadonlyArray<ReadonlyArray<Float32Array | null>>;
  size: [number, number];
  tickedRows: readonly number[];
  tickedColumns: readonly string[];
  /** True when the ticks are the pack's GenPromp defaults. */
  isDefault: boolean;
  colormap: Colormap;
  playing: boolean;
  /** True while the rows' maps are being computed. */
  busy: boolean;
  /** Shown but not operable (the precomputed first view, before the models are loaded). */
  disabled?: boolean;
  onToggleRow(t: number): void;
  onToggleColumn(key: string): void;
  onPreset(): void;
  onStep(direction: 1 | -1): void;
  onPlay(on: boolean): void;
}

const CELL_WIDTH = 72;

export const columnLabel = (c: GridColumn): string => `${c.resolution}×${c.resolution} ${c.block}`;

export function TimestepGrid(p: TimestepGridProps) {
  const rows = new Set(p.tickedRows);
  const cols = new Set(p.tickedColumns);
  return (
    <div className="timestep-grid" data-testid="timestep-grid" aria-busy={p.busy}>
      <div className="grid-tools">
        <button type="button" data-testid="grid-preset" onClick={p.onPreset} aria-pressed={p.isDefault} disabled={p.disabled}>
          GenPromp default
        </button>
        <button
          type="button"
          data-testid="grid-step-back"
          onClick={() => p.onStep(-1)}
          aria-label="Previous timestep"
          disabled={p.disabled}
        >
          ◀ step
        </button>
        <button
          type="button"
          data-testid="grid-play"
          disabled={p.disabled}
          onClick={() => p.onPlay(!p.playing)}
          aria-pressed={p.playing}
          aria-label={p.playing ? 'Stop stepping through timesteps' : 'Play through timesteps'}
        >
          {p.playing ? '■ stop' : '▶ play'}
        </button>
        <button type="button" data-testid="grid-step" onClick={() => p.onStep(1)} aria-label="Next timestep" disabled={p.disabled}>
          step ▶
        </button>
        {p.busy && (
          <span className="muted small" role="status">
            Running the UNet for every timestep in one batch…
          </span>
        )}
      </div>
      <table className="grid-table">
        <caption className="visually-hidden">
          Attention maps per timestep (rows) and attention group (columns); the ticked ones are averaged into the main map
        </caption>
        <thead>
          <tr>
            <th scope="col">t</th>
            {p.columns.map((c) => (
              <th scope="col" key={c.key}>
                <label className="grid-tick">
                  <input
                    type="checkbox"
                    checked={cols.has(c.key)}
                    disabled={p.disabled}
                    data-testid={`grid-col-${c.key}`}
                    onChange={() => p.onToggleColumn(c.key)}
                  />
                  {columnLabel(c)}
                </label>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.timesteps.map((t, r) => (
            <tr key={t} className={rows.has(t) ? 'grid-row-on' : undefined}>
              <th scope="row">
                <label className="grid-tick">
                  <input
                    type="checkbox"
                    checked={rows.has(t)}
                    disabled={p.disabled}
                    data-testid={`grid-row-${t}`}
                    onChange={() => p.onToggleRow(t)}
                  />
                  {t}
                </label>
              </th>
              {p.columns.map((c, k) => {
                const map = p.cells[r]?.[k] ?? null;
                const on = rows.has(t) && cols.has(c.key);
                return (
                  <td
                    key={c.key}
                    className={on ? 'grid-cell grid-cell-on' : 'grid-cell'}
                    data-testid={`grid-cell-${t}-${c.key}`}
                    data-computed={String(map !== null)}
                    aria-label={`t ${t}, ${columnLabel(c)}${on ? ', averaged' : ''}${map ? '' : ', not computed'}`}
                  >
                    <MapThumb
                      image={null}
                      mapSize={p.size}
                      map={map}
                      mapHash=""
                      boxes={[]}
                      gtBoxes={[]}
                      colormap={p.colormap}
                      opacity={1}
                      width={CELL_WIDTH}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
