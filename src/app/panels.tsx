/**
 * Connected panels: each reads a few narrow selectors from the store and passes
 * props to a presentational component; events go to store actions.
 */
import { useMemo, useState } from 'react';
import { FAILURE_MEANING, type FailureType } from '@shared/metrics/failure';
import { probeReading } from '@shared/postprocess/probe';
import { ProbeReadout } from '../components/ProbeReadout';
import { useShallow } from 'zustand/react/shallow';
import { BackendBadge } from '../components/BackendBadge';
import { Controls } from '../components/Controls';
import { ErrorBanner, NoticeBanner } from '../components/ErrorBanner';
import { HeatmapCanvas } from '../components/HeatmapCanvas';
import { ImageDrop } from '../components/ImageDrop';
import { MethodPanel } from '../components/MethodPanel';
import { MethodPicker } from '../components/MethodPicker';
import { PackStatus } from '../components/PackStatus';
import { SampleGallery } from '../components/SampleGallery';
import { TauCurvePanel, type TauRow } from '../components/TauCurvePanel';
import { seriesStyle } from '../components/plot/palette';
import { TopK } from '../components/TopK';
import { ALL_METHODS, isSanityBaseline, methodById, type AnyMethod, type MethodId } from '@shared/methods/registry';
import type { PackFolder } from '@shared/api';
import { directoryPicker, folderFromDirectoryHandle, folderFromDrop, folderFromFiles } from './packFolder';
import { useAppStore } from '../store';
import { comparedMethods, visibleMethods } from '../store/slices/results';
import { actions } from '../store/actions';
import {
  aggregateProgress,
  selectCanvasState,
  selectClasses,
  selectComputedTimesteps,
  selectDrawnResult,
  selectModelBusy,
  selectReadyResult,
  selectResolutionChoices,
  selectScoresSignature,
  selectTimestepChoices,
  selectTopK,
  selectUnavailable,
} from '../store/selectors';
import { selectPrecomputed, selectPrecomputedMethods, selectPrecomputedTopK } from '../store/slices/firstView';
import type { AppState, CanvasState, LoadedImage, MapResult, MethodResult, ViewParams } from '../store/types';
import { describeError } from './errorMessages';
import { intakeFiles, intakeSample } from './image/intake';
import { DocLinks } from '../components/DocLinks';
import { onLambdaGrid } from '@shared/genpromp/method';

export function Backend() {
  const device = useAppStore((s) => s.device);
  const status = useAppStore((s) => s.engineStatus);
  return <BackendBadge device={device} status={status} onRestart={() => actions().restartEngine()} />;
}

export function Banners() {
  const error = useAppStore((s) => s.error);
  const notices = useAppStore((s) => s.notices);
  const msg = error ? { id: error.id, name: error.name, ...describeError(error.name, error.message, error.context) } : null;
  return (
    <div className="banners">
      <ErrorBanner error={msg} onDismiss={() => actions().dismissError()} />
      <NoticeBanner notices={notices} onDismiss={(id) => actions().dismissNotice(id)} />
    </div>
  );
}

export function InputPanel() {
  const decoding = useAppStore((s) => s.decoding);
  const imageName = useAppStore((s) => s.image?.name ?? null);
  const samples = useAppStore((s) => s.samples);
  const samplesBase = useAppStore((s) => s.samplesBase);
  const activeFile = useAppStore((s) => s.image?.sample?.file ?? null);
  return (
    <div className="input-row">
      <ImageDrop busy={decoding} imageName={imageName} onFiles={intakeFiles} />
      {samples && samples.length > 0 && (
        <SampleGallery samples={samples} baseUrl={samplesBase} activeFile={activeFile} onPick={(s) => void intakeSample(s, samplesBase)} />
      )}
    </div>
  );
}

function statusText(s: AppState): string {
  if (s.decoding) return 'Opening the image…';
  if (s.engineStatus === 'starting') return 'Starting the engine…';
  if (s.packStatus === 'loading') return 'Loading the model pack…';
  if (s.pending.analyze) return 'Classifying and encoding the image…';
  if (s.pending.maps) return 'Running the UNet for the new settings…';
  return 'Updating…';
}

function fmtMs(v: number | undefined): string | null {
  return v === undefined ? null : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** What every view of a map passes to the canvas: the image, the map, its boxes and the view settings. */
function mapProps(image: LoadedImage | null, d: MapResult | null, view: ViewParams) {
  return {
    image: image?.bitmap ?? null,
    frame: d?.frame ?? null,
    map: d?.frameMap ?? null,
    mapHash: d?.mapHash ?? '',
    boxes: d?.boxes ?? [],
    gtBoxes: view.showGt ? (d?.gtBoxes ?? []) : [],
    colormap: view.colormap,
    opacity: view.opacity,
  };
}

const stem = (image: LoadedImage | null): string => image?.name.replace(/\.[^.]+$/, '') ?? 'wsol';

function IouReadout({ iou, failure }: { iou: number; failure: FailureType | null }) {
  return (
    <p className={`iou ${iou >= 0.5 ? 'iou-hit' : 'iou-miss'}`} data-testid="iou-readout" data-iou={iou.toFixed(4)}>
      IoU with ground truth: <strong>{iou.toFixed(3)}</strong> {iou >= 0.5 ? '✓ correct (≥ 0.5)' : '✗ below 0.5'}{' '}
      {failure && (
        <span
          className={`badge-failure failure-${failure === 'Correct' ? 'ok' : 'bad'}`}
          data-testid="failure-readout"
          data-failure={failure}
          title={FAILURE_MEANING[failure]}
        >
          {failure}
        </span>
      )}
    </p>
  );
}

/** The main view: one method large, or every method side by side. */
export function Viewer() {
  const layout = useAppStore((s) => s.methods.layout);
  const method = useAppStore((s) => s.methods.method);
  return layout === 'compare' ? <CompareViewer /> : <MethodViewer method={method} />;
}

/** Stage times of the runs behind a map, e.g. "classifier 25 ms · VAE 40 ms · UNet 41 ms". */
function timingText(r: MethodResult): string {
  const t = r.timings;
  if (!t) return '';
  return [
    ['classifier', fmtMs(t.classifier)],
    ['VAE', fmtMs(t.vae)],
    ['text', fmtMs(t.textEncoder)],
    ['UNet', fmtMs(t.unet)],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
}

/** The shared probe: its point, how to move it, and this map's reading under it (a lookup, no derive). */
function useProbe(result: MapResult | null) {
  const point = useAppStore((s) => s.probe);
  const reading =
    point && result ? probeReading(result.frameMap, result.frame, result.rawRange, result.boxes, result.gtBoxes, point.x, point.y) : null;
  return { probe: { point, onMove: (p: { x: number; y: number } | null) => actions().setProbe(p) }, reading };
}

/** What every view of one method reads from the store. */
function useMethodView(method: MethodId) {
  const image = useAppStore((s) => s.image);
  const live = useAppStore((s) => selectCanvasState(s, method));
  const drawn = useAppStore((s) => selectDrawnResult(s, method));
  // Until the live map is ready, the precomputed first view's map (if any) is shown, marked as such.
  const precomputed = useAppStore((s) => (live === 'ready' ? null : selectPrecomputed(s, method)));
  const state: CanvasState = precomputed ? 'precomputed' : live;
  const result = precomputed ?? drawn;
  const view = useAppStore((s) => s.view);
  const unavailable = useAppStore((s) => selectUnavailable(s, method));
  const busy = useAppStore((s) => selectModelBusy(s) || s.packStatus === 'loading' || s.engineStatus === 'starting');
  const text = useAppStore((s) => (selectCanvasState(s, method) === 'updating' ? statusText(s) : ''));
  const ready = live === 'ready' ? drawn : null;
  return { image, state, result, ready, view, unavailable, stale: live !== 'ready' && !precomputed && busy, text };
}

/** Draw, edit or clear a ground-truth box on the current image (it overrides a sample's boxes). */
function GtTools({ drawing, onDrawing }: { drawing: boolean; onDrawing: (on: boolean) => void }) {
  const drawn = useAppStore((s) => s.drawnGt);
  const sampleHasGt = useAppStore((s) => (s.image?.sample?.boxes?.length ?? 0) > 0);
  const hasImage = useAppStore((s) => s.image !== null);
  return (
    <div className="gt-tools small">
      <button
        type="button"
        className={`toggle-button${drawing ? ' toggle-on' : ''}`}
        aria-pressed={drawing}
        data-testid="gt-draw"
        disabled={!hasImage}
        onClick={() => onDrawing(!drawing)}
      >
        {drawing ? 'Done drawing' : drawn ? 'Edit ground truth' : 'Draw ground truth'}
      </button>
      {drawn && (
        <button type="button" className="link-button" data-testid="gt-clear" onClick={() => actions().setDrawnGt(null)}>
          Clear drawn box
        </button>
      )}
      <span className="muted" data-testid="gt-source">
        {drawn
          ? `Ground truth: your box (${drawn[2] - drawn[0] + 1}×${drawn[3] - drawn[1] + 1} px)${sampleHasGt ? ", instead of the sample's" : ''}.`
          : sampleHasGt
            ? "Ground truth: the sample's box. Draw your own to override it."
            : drawing
              ? 'Drag on the image to draw the object’s box.'
              : 'No ground truth: draw a box to score the methods.'}
      </span>
    </div>
  );
}

function MethodViewer({ method }: { method: MethodId }) {
  const { image, state, result, ready, view, unavailable, stale, text } = useMethodView(method);
  const [drawing, setDrawing] = useState(false);
  const drawnGt = useAppStore((s) => s.drawnGt);
  const { probe, reading } = useProbe(ready);
  // Stage times are the worker's runs behind an engine method's map (a UI-thread map costs ~1 ms).
  const timing = ready && methodById(method).source === 'engine' ? timingText(ready) : '';
  return (
    <section className="panel viewer" aria-label="Localisation">
      <HeatmapCanvas
        {...mapProps(image, result, view)}
        state={state}
        stale={stale}
        statusText={text}
        downloadName={`${stem(image)}-${method}`}
        gtDraw={{ active: drawing, box: drawnGt, onCommit: (box) => actions().setDrawnGt(box) }}
        probe={probe}
      />
      <div className="viewer-foot">
        <GtTools drawing={drawing} onDrawing={setDrawing} />
        {ready && <ProbeReadout method={method} reading={reading} hint />}
        {unavailable && (
          <p className="muted small">
            Not available: <DocLinks text={unavailable} />.
          </p>
        )}
        {ready?.note && (
          <p className="muted small" data-testid="viewer-note">
            {ready.note}
          </p>
        )}
        {ready && ready.iou !== null && <IouReadout iou={ready.iou} failure={ready.failure} />}
        {image && (
          <p className="muted small">
            {image.name} · {image.pixels.width}×{image.pixels.height}
            {result ? ` · map frame ${result.frame[1]}×${result.frame[0]}` : ''}
            {timing ? ` · ${timing}` : ''}
          </p>
        )}
      </div>
    </section>
  );
}

function ComparePanel({ def }: { def: AnyMethod }) {
  const { image, state, result, ready, view, unavailable, text } = useMethodView(def.id);
  const { probe, reading } = useProbe(ready);
  return (
    <MethodPanel
      method={def.id}
      label={def.label}
      blurb={def.blurb}
      {...mapProps(image, state === 'precomputed' ? result : ready, view)}
      iou={ready?.iou ?? null}
      state={state}
      statusText={text}
      note={ready?.note ?? null}
      unavailable={unavailable ? `Not available: ${unavailable}.` : null}
      downloadName={stem(image)}
      probe={probe}
      probeReadout={ready ? <ProbeReadout method={def.id} reading={reading} hint={false} /> : null}
      sanity={isSanityBaseline(def)}
      failure={ready?.failure ?? null}
    />
  );
}

/** Every method on the same image, class and threshold, each with its box (and IoU with ground truth). */
function CompareViewer() {
  const image = useAppStore((s) => s.image);
  const cls = useAppStore((s) => {
    if (s.params.classIndex !== null) return s.pack?.manifest.classes[s.params.classIndex]?.displayName ?? null;
    // Before the pack: the precomputed first view's class, named by its top-5.
    const fv = s.firstView;
    return selectPrecomputedTopK(s)?.find((c) => c.index === fv?.classIndex)?.displayName ?? null;
  });
  const threshold = useAppStore((s) => s.params.threshold);
  const withBaselines = useAppStore((s) => s.view.compareBaselines);
  return (
    <section className="panel viewer compare" aria-label="Every method side by side" data-testid="compare-view">
      <p className="small compare-caption">
        {image
          ? `${image.name} · class ${cls ?? '…'} · threshold ${threshold.toFixed(2)}`
          : 'Drop, paste or pick an image, or choose a sample.'}
      </p>
      <div className="compare-grid">
        {comparedMethods(withBaselines).map((def) => (
          <ComparePanel key={def.id} def={def} />
        ))}
      </div>
    </section>
  );
}

/** The τ curve and the per-method scores of every method on screen. */
export function TauPanel() {
  const signature = useAppStore(selectScoresSignature);
  const threshold = useAppStore((s) => s.params.threshold);
  const boxMode = useAppStore((s) => s.params.boxMode);
  const hasImage = useAppStore((s) => s.image !== null);
  // Rows change only with the signature (a result's key), not with every store update.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the signature stands for the results it was computed from
  const { rows, gtSource } = useMemo(() => {
    const s = useAppStore.getState();
    const out: TauRow[] = [];
    let source: MethodResult['gtSource'] = null;
    for (const def of visibleMethods(s)) {
      const r = selectReadyResult(s, def.id);
      if (!r?.tauCurve || r.iou === null) continue;
      source = r.gtSource;
      out.push({
        method: def.id,
        label: def.label,
        sanity: isSanityBaseline(def),
        style: seriesStyle(ALL_METHODS.indexOf(def)),
        curve: r.tauCurve,
        iou: r.iou,
        failure: r.failure,
      });
    }
    return { rows: out, gtSource: source };
  }, [signature]);
  return <TauCurvePanel rows={rows} threshold={threshold} boxMode={boxMode} gtSource={gtSource} hasImage={hasImage} />;
}

export function MethodsPanel() {
  const picked = useAppStore(
    useShallow((s) => ({ choice: s.methods, own: s.own, manifest: s.pack?.manifest ?? null, compareBaselines: s.view.compareBaselines })),
  );
  const precomputed = useAppStore(selectPrecomputedMethods);
  return (
    <MethodPicker
      methods={ALL_METHODS}
      {...picked}
      precomputed={precomputed}
      onCompareBaselines={(on) => actions().setCompareBaselines(on)}
      onMethod={(m) => actions().setMethod(m)}
      onLayout={(l) => actions().setLayout(l)}
      onOwn={(m, patch) => actions().setOwn(m, patch as never)}
    />
  );
}

export function TopKPanel() {
  const live = useAppStore(selectTopK);
  const precomputed = useAppStore(selectPrecomputedTopK);
  const selected = useAppStore((s) => s.params.classIndex ?? (s.analysis ? null : (s.firstView?.classIndex ?? null)));
  const busy = useAppStore((s) => s.pending.analyze || s.decoding);
  const imageName = useAppStore((s) => (live ? (s.image?.name ?? null) : null));
  return (
    <TopK
      items={live ?? precomputed}
      imageName={imageName}
      precomputed={!live && !!precomputed}
      selected={selected}
      busy={busy}
      onSelect={(i) => actions().setClass(i)}
    />
  );
}

export function ControlsPanel() {
  const params = useAppStore((s) => s.params);
  const gp = useAppStore((s) => s.own.genpromp);
  const view = useAppStore((s) => s.view);
  const classes = useAppStore(selectClasses);
  const tsChoices = useAppStore(selectTimestepChoices);
  const resChoices = useAppStore(selectResolutionChoices);
  const computed = useAppStore(selectComputedTimesteps);
  const hasGt = useAppStore((s) => (s.image?.sample?.boxes?.length ?? 0) > 0);
  const disabled = useAppStore((s) => !s.pack);
  const packId = useAppStore((s) => s.pack?.manifest.id ?? '');
  const genprompUnavailable = useAppStore((s) => (s.pack ? methodById('genpromp').unavailable(s.pack.manifest) : null));
  // With the λ strip open the slider snaps to its cached 0.1 grid, unless fine mode asks for live values.
  const strip = useAppStore((s) => s.lab.view === 'lambdaStrip');
  const fine = useAppStore((s) => s.lab.fineLambda);
  const lambdaStep = fine ? 0.01 : strip ? 0.1 : 0.05;
  const lambdaNote = strip ? (onLambdaGrid(gp.lambda) ? 'cached' : 'live (off-grid)') : null;
  // Offer the pack's defaults even if its choices list omits them.
  const timestepChoices = [...new Set([...tsChoices, ...gp.timesteps])].sort((x, y) => x - y);
  const resolutionChoices = [...new Set([...resChoices, ...gp.resolutions])].sort((x, y) => x - y);
  return (
    <Controls
      // A new pack starts with an empty class search (its classes are another list).
      key={packId}
      disabled={disabled}
      classes={classes}
      genprompUnavailable={genprompUnavailable}
      timestepChoices={timestepChoices}
      computedTimesteps={computed}
      resolutionChoices={resolutionChoices}
      {...params}
      {...gp}
      {...view}
      hasGt={hasGt}
      lambdaStep={lambdaStep}
      lambdaNote={lambdaNote}
      on={actions()}
    />
  );
}

export function PackPanel() {
  const picked = useAppStore(
    useShallow((s) => ({
      packs: s.packIndex,
      pack: s.pack,
      status: s.packStatus,
      loadingUrl: s.loadingUrl,
      cancelled: s.cancelledLoad,
      persistence: s.storagePersistence,
    })),
  );
  const progress = useAppStore((s) => s.progress);
  const phase = useAppStore((s) => (s.packStatus === 'loading' ? (s.progressPhase ?? 'manifest') : s.packStatus));
  const picker = directoryPicker();
  const loadFolder = (read: Promise<PackFolder>, context: string) =>
    read.then(
      (folder) => void actions().loadPackFolder(folder),
      (err: unknown) => {
        // Closing the picker is not an error.
        if ((err as Error)?.name !== 'AbortError') actions().reportError(err, context);
      },
    );
  return (
    <PackStatus
      {...picked}
      progress={aggregateProgress(progress)}
      phase={phase}
      onSelect={(e) => void actions().loadPack(e.path)}
      onLoadUrl={(url) => actions().loadPackFromUrl(url)}
      onClearCache={() => void actions().clearModelCache()}
      onCancel={() => actions().cancelPackLoad()}
      onResume={(url) => void actions().loadPack(url)}
      canPickDirectory={picker !== null}
      onPickDirectory={() => picker && void loadFolder(picker().then(folderFromDirectoryHandle), 'Opening a pack folder')}
      onFolderFiles={(files) => void actions().loadPackFolder(folderFromFiles(files))}
      onDropFolder={(dt) => void loadFolder(folderFromDrop(dt), 'Reading a dropped pack folder')}
    />
  );
}
