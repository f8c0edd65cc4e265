/**
 * The lab's GenPromp views under the main map: the λ strip or the t × resolution grid (one at a
 * time: each asks the worker for its own batch of maps). Connected here, drawn by the props-only
 * components in components/lab/.
 */
import { type AttentionGroup, attentionGroups } from '@shared/genpromp/aggregate';
import { onLambdaGrid } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { LambdaStrip } from '../components/lab/LambdaStrip';
import { TimestepGrid } from '../components/lab/TimestepGrid';
import { useAppStore } from '../store';
import { actions } from '../store/actions';
import { type LabView, labKey, labNeedsGenpromp, tickedGroups } from '../store/lab';
import { selectPrecomputedLab, selectPrecomputedLabHas } from '../store/slices/firstView';
import type { AppState } from '../store/types';

const VIEWS: Array<{ view: LabView; label: string }> = [
  { view: 'none', label: 'Off' },
  { view: 'lambdaStrip', label: 'λ strip' },
  { view: 'timestepGrid', label: 't × resolution grid' },
];

export const selectStrip = (s: AppState) => (s.labStrip && s.labStrip.key === labKey(s) ? s.labStrip : null);
export const selectGrid = (s: AppState) => (s.labGrid && s.labGrid.key === labKey(s) ? s.labGrid : null);
/** The precomputed first view's strip and grid, shown (marked so) until the live ones exist. */
const selectPrecomputedStrip = (s: AppState) => (selectStrip(s) ? null : (selectPrecomputedLab(s)?.strip ?? null));
const selectPrecomputedGrid = (s: AppState) => (selectGrid(s) ? null : (selectPrecomputedLab(s)?.grid ?? null));
/** The pack's attention groups, memoised on its outputs (a selector must return a held reference). */
let groupsMemo: { outputs: unknown; groups: AttentionGroup[] | null } = { outputs: null, groups: null };
const selectGroups = (s: AppState): AttentionGroup[] | null => {
  const outputs = s.pack ? (diffusionOf(s.pack.manifest)?.unetAttention ?? null) : null;
  if (outputs !== groupsMemo.outputs) groupsMemo = { outputs, groups: outputs ? attentionGroups(outputs) : null };
  return groupsMemo.groups;
};

export function LabPanel() {
  const view = useAppStore((s) => s.lab.view);
  const active = useAppStore(labNeedsGenpromp);
  const hasPack = useAppStore((s) => s.pack !== null);
  const hasStrip = useAppStore((s) => selectPrecomputedLabHas(s, 'lambdaStrip'));
  const hasGrid = useAppStore((s) => selectPrecomputedLabHas(s, 'timestepGrid'));
  const shows = (v: LabView) => view === v && (active || (v === 'lambdaStrip' ? hasStrip : v === 'timestepGrid' && hasGrid));
  return (
    <section className="panel lab-panel" aria-labelledby="lab-title" data-testid="lab-panel">
      <div className="lab-head">
        <h2 id="lab-title">GenPromp lab</h2>
        <fieldset className="segmented" aria-label="Lab view">
          {VIEWS.map((v) => (
            <label key={v.view}>
              <input
                type="radio"
                name="lab-view"
                value={v.view}
                checked={view === v.view}
                disabled={!hasPack && !hasStrip && !hasGrid}
                data-testid={`lab-view-${v.view}`}
                onChange={() => actions().setLabView(v.view)}
              />
              {v.label}
            </label>
          ))}
        </fieldset>
      </div>
      {view !== 'none' && !active && !shows(view) && (
        <p className="muted small" data-testid="lab-inactive">
          The lab shows GenPromp: pick GenPromp (or the side-by-side view) on a Stable Diffusion pack, and an image.
        </p>
      )}
      {shows('lambdaStrip') && <StripView />}
      {shows('timestepGrid') && <GridView />}
    </section>
  );
}

const PrecomputedNote = () => (
  <p className="small" data-testid="lab-precomputed">
    <span className="chip chip-precomputed">Precomputed</span> Drawn from a file made by the live pipeline; it is replaced by the live
    result, and the controls work, once the models are loaded.
  </p>
);

function StripView() {
  const live = useAppStore(selectStrip);
  const precomputed = useAppStore(selectPrecomputedStrip);
  const strip = live ?? precomputed;
  const image = useAppStore((s) => s.image?.bitmap ?? null);
  const ownLambda = useAppStore((s) => s.own.genpromp.lambda);
  const lambda = precomputed?.lambda ?? ownLambda;
  const fine = useAppStore((s) => s.lab.fineLambda);
  const colormap = useAppStore((s) => s.view.colormap);
  const opacity = useAppStore((s) => s.view.opacity);
  const busy = useAppStore((s) => s.pending.maps || s.pending.local);
  return (
    <>
      {precomputed && <PrecomputedNote />}
      <p className="small lab-lambda-line">
        λ = {lambda.toFixed(2)}{' '}
        <span data-testid="lambda-source" className={onLambdaGrid(lambda) ? 'chip' : 'chip chip-live'}>
          {onLambdaGrid(lambda) ? 'from the strip (cached)' : 'live (off-grid)'}
        </span>{' '}
        <label className="small">
          <input
            type="checkbox"
            checked={fine}
            data-testid="lambda-fine"
            onChange={(e) => actions().setFineLambda(e.currentTarget.checked)}
          />{' '}
          fine λ (0.01 steps, runs live)
        </label>
      </p>
      <LambdaStrip
        image={image}
        frame={strip?.frame ?? [1, 1]}
        cells={strip?.cells ?? []}
        gtBoxes={strip?.gtBoxes ?? []}
        lambda={lambda}
        colormap={colormap}
        opacity={opacity}
        busy={busy}
        disabled={!!precomputed}
        onPick={(l) => actions().setLambda(l)}
      />
    </>
  );
}

function GridView() {
  const live = useAppStore(selectGrid);
  const precomputed = useAppStore(selectPrecomputedGrid);
  const packGroups = useAppStore(selectGroups);
  const own = useAppStore((s) => s.own.genpromp);
  const defaults = useAppStore((s) => (s.pack ? diffusionOf(s.pack.manifest)?.genpromp : null));
  const colormap = useAppStore((s) => s.view.colormap);
  const playing = useAppStore((s) => s.lab.playing);
  const busy = useAppStore((s) => s.pending.maps);
  if (precomputed && !live) {
    const idle = () => undefined;
    return (
      <>
        <PrecomputedNote />
        <TimestepGrid
          timesteps={precomputed.timesteps}
          columns={precomputed.columns}
          cells={precomputed.cells}
          size={precomputed.size}
          tickedRows={precomputed.ticked.timesteps}
          tickedColumns={precomputed.ticked.columns}
          isDefault
          colormap={colormap}
          playing={false}
          busy={false}
          disabled
          onToggleRow={idle}
          onToggleColumn={idle}
          onPreset={idle}
          onStep={idle}
          onPlay={idle}
        />
      </>
    );
  }
  if (!packGroups) return null;
  const isDefault =
    !!defaults &&
    own.groups === null &&
    own.timesteps.join() === [...defaults.timesteps].sort((a, b) => a - b).join() &&
    own.resolutions.join() === [...defaults.resolutions].sort((a, b) => a - b).join();
  return (
    <TimestepGrid
      timesteps={live?.timesteps ?? []}
      columns={packGroups}
      cells={live?.cells ?? []}
      size={live?.size ?? [1, 1]}
      tickedRows={own.timesteps}
      tickedColumns={tickedGroups(own, packGroups)}
      isDefault={isDefault}
      colormap={colormap}
      playing={playing}
      busy={busy || !live}
      onToggleRow={(t) => actions().toggleTimestep(t)}
      onToggleColumn={(k) => actions().toggleGroup(k)}
      onPreset={() => actions().setGenprompDefault()}
      onStep={(d) => actions().stepTimestep(d)}
      onPlay={(on) => actions().setPlaying(on)}
    />
  );
}
