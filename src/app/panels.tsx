/**
 * Connected panels: each reads a few narrow selectors from the store and passes
 * props to a presentational component; events go to store actions.
 */
import { useMemo } from 'react';
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
import { TopK } from '../components/TopK';
import { useAppStore } from '../store';
import {
  clearModelCache,
  dismissError,
  dismissNotice,
  loadPack,
  loadPackFromUrl,
  restartEngine,
  setBoxMode,
  setClass,
  setColormap,
  setLambda,
  setLayout,
  setLpcamContext,
  setMethod,
  setOpacity,
  setSatBlock,
  setShowGt,
  setThreshold,
  toggleResolution,
  toggleTimestep,
} from '../store/actions';
import {
  aggregateProgress,
  selectCanvasState,
  selectClasses,
  selectDrawnDisplay,
  selectModelBusy,
  selectResolutionChoices,
  selectTimestepChoices,
  selectTopK,
} from '../store/selectors';
import { BASELINE_METHODS, baselineUnavailable, computeBaselineDisplay, type BaselineMethod } from '../store/baselines';
import type { AppState, BaselineDisplay, CanvasState, LoadedImage, MapResult, Method, ViewParams } from '../store/types';
import { describeError } from './errorMessages';
import { intakeFiles, intakeSample } from './image/intake';

export function Backend() {
  const device = useAppStore((s) => s.device);
  const status = useAppStore((s) => s.engineStatus);
  return <BackendBadge device={device} status={status} onRestart={restartEngine} />;
}

export function Banners() {
  const error = useAppStore((s) => s.error);
  const notices = useAppStore((s) => s.notices);
  const msg = error ? { id: error.id, name: error.name, ...describeError(error.name, error.message, error.context) } : null;
  return (
    <div className="banners">
      <ErrorBanner error={msg} onDismiss={dismissError} />
      <NoticeBanner notices={notices} onDismiss={dismissNotice} />
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

function IouReadout({ iou }: { iou: number }) {
  return (
    <p className={`iou ${iou >= 0.5 ? 'iou-hit' : 'iou-miss'}`} data-testid="iou-readout" data-iou={iou.toFixed(4)}>
      IoU with ground truth: <strong>{iou.toFixed(3)}</strong> {iou >= 0.5 ? '✓ correct (≥ 0.5)' : '✗ below 0.5'}
    </p>
  );
}

/** The main view: GenPromp or one baseline large, or all four side by side. */
export function Viewer() {
  const layout = useAppStore((s) => s.methods.layout);
  const method = useAppStore((s) => s.methods.method);
  if (layout === 'compare') return <CompareViewer />;
  return method === 'genpromp' ? <GenprompViewer /> : <BaselineViewer method={method} />;
}

function GenprompViewer() {
  const image = useAppStore((s) => s.image);
  const state = useAppStore(selectCanvasState);
  const display = useAppStore(selectDrawnDisplay);
  const busy = useAppStore((s) => selectModelBusy(s) || s.packStatus === 'loading' || s.engineStatus === 'starting');
  const text = useAppStore((s) => (selectCanvasState(s) === 'updating' ? statusText(s) : ''));
  const view = useAppStore((s) => s.view);
  const stale = state !== 'ready' && busy;
  const iou = state === 'ready' ? (display?.iou ?? null) : null;
  const t = display?.timings;
  const timing = t
    ? [
        ['classifier', fmtMs(t.classifier)],
        ['VAE', fmtMs(t.vae)],
        ['text', fmtMs(t.textEncoder)],
        ['UNet', fmtMs(t.unet)],
      ]
        .filter(([, v]) => v)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')
    : '';
  return (
    <section className="panel viewer" aria-label="Localisation">
      <HeatmapCanvas {...mapProps(image, display, view)} state={state} stale={stale} statusText={text} downloadName={stem(image)} />
      <div className="viewer-foot">
        {iou !== null && <IouReadout iou={iou} />}
        {image && (
          <p className="muted small">
            {image.name} · {image.pixels.width}×{image.pixels.height}
            {display ? ` · map frame ${display.frame[1]}×${display.frame[0]}` : ''}
            {timing && state === 'ready' ? ` · ${timing}` : ''}
          </p>
        )}
      </div>
    </section>
  );
}

interface BaselineView {
  display: BaselineDisplay | null;
  state: CanvasState;
  /** Why nothing is drawn (pack without this baseline, or a failed computation). */
  problem: string | null;
  note: string | null;
}

/** A baseline's result for the current image, class, threshold and parameters (computed on render, memoised). */
function useBaseline(method: BaselineMethod): BaselineView {
  const s = useAppStore(
    useShallow((st) => ({
      pack: st.pack,
      packGen: st.packGen,
      analysis: st.analysis,
      image: st.image,
      classIndex: st.params.classIndex,
      threshold: st.params.threshold,
      boxMode: st.params.boxMode,
      methods: st.methods,
    })),
  );
  return useMemo((): BaselineView => {
    const unavailable = baselineUnavailable(s.pack, method);
    if (unavailable) return { display: null, state: 'empty', problem: `Not available: ${unavailable}.`, note: null };
    if (!s.image) return { display: null, state: 'empty', problem: null, note: null };
    const a = s.analysis;
    if (!a || a.imageId !== s.image.id || a.packGen !== s.packGen || s.classIndex === null) {
      return { display: null, state: 'updating', problem: null, note: null };
    }
    const sat = a.baselines?.sat;
    const note = method === 'sat' && sat?.topK[0] ? `SAT's own classifier: ${sat.topK[0].displayName} (${(100 * sat.topK[0].probability).toFixed(1)} %); its map ignores the class.` : null;
    try {
      const display = computeBaselineDisplay({
        method,
        pack: s.pack!,
        packGen: s.packGen,
        analysis: a,
        image: s.image,
        classIndex: s.classIndex,
        threshold: s.threshold,
        boxMode: s.boxMode,
        methods: s.methods,
      });
      return { display, state: 'ready', problem: null, note };
    } catch (err) {
      return { display: null, state: 'empty', problem: `Could not compute ${method.toUpperCase()}: ${String((err as Error).message ?? err)}`, note };
    }
  }, [s, method]);
}

function BaselineViewer({ method }: { method: BaselineMethod }) {
  const image = useAppStore((s) => s.image);
  const view = useAppStore((s) => s.view);
  const { display, state, problem, note } = useBaseline(method);
  return (
    <section className="panel viewer" aria-label="Localisation">
      <HeatmapCanvas {...mapProps(image, display, view)} state={state} stale={false} statusText="Classifying the image…" downloadName={`${stem(image)}-${method}`} />
      <div className="viewer-foot">
        {problem && <p className="muted small">{problem}</p>}
        {note && <p className="muted small">{note}</p>}
        {display && display.iou !== null && <IouReadout iou={display.iou} />}
      </div>
    </section>
  );
}

function BaselinePanel({ method }: { method: BaselineMethod }) {
  const image = useAppStore((s) => s.image);
  const view = useAppStore((s) => s.view);
  const { display, state, problem, note } = useBaseline(method);
  return (
    <MethodPanel
      method={method}
      {...mapProps(image, display, view)}
      iou={display?.iou ?? null}
      state={state}
      statusText="Classifying the image…"
      note={note}
      unavailable={problem}
      downloadName={stem(image)}
    />
  );
}

function GenprompPanel() {
  const image = useAppStore((s) => s.image);
  const state = useAppStore(selectCanvasState);
  const display = useAppStore(selectDrawnDisplay);
  const text = useAppStore((s) => (selectCanvasState(s) === 'updating' ? statusText(s) : ''));
  const view = useAppStore((s) => s.view);
  const lambda = useAppStore((s) => s.params.lambda);
  return (
    <MethodPanel
      method="genpromp"
      {...mapProps(image, state === 'ready' ? display : null, view)}
      iou={display?.iou ?? null}
      state={state}
      statusText={text}
      note={`λ = ${lambda.toFixed(2)}`}
      unavailable={null}
      downloadName={stem(image)}
    />
  );
}

/** All four methods on the same image, class and threshold, each with its box (and IoU with ground truth). */
function CompareViewer() {
  const image = useAppStore((s) => s.image);
  const cls = useAppStore((s) => (s.params.classIndex === null ? null : (s.pack?.manifest.classes[s.params.classIndex]?.displayName ?? null)));
  const threshold = useAppStore((s) => s.params.threshold);
  return (
    <section className="panel viewer compare" aria-label="All four methods side by side" data-testid="compare-view">
      <p className="small compare-caption">
        {image ? `${image.name} · class ${cls ?? '…'} · threshold ${threshold.toFixed(2)}` : 'Drop, paste or pick an image, or choose a sample.'}
      </p>
      <div className="compare-grid">
        <GenprompPanel />
        {BASELINE_METHODS.map((m) => (
          <BaselinePanel key={m} method={m} />
        ))}
      </div>
    </section>
  );
}

export function MethodsPanel() {
  const methods = useAppStore((s) => s.methods);
  const pack = useAppStore((s) => s.pack);
  const disabled = !pack;
  const b = pack?.manifest.baselines;
  const features = b ? pack!.manifest.models.classifier.outputs.find((o) => o.name === b.cam.featureOutput) : undefined;
  const unavailable = {
    cam: baselineUnavailable(pack, 'cam'),
    lpcam: baselineUnavailable(pack, 'lpcam'),
    sat: baselineUnavailable(pack, 'sat'),
  };
  return (
    <MethodPicker
      methods={methods}
      unavailable={unavailable}
      satBlocks={b?.sat?.blocks.map((i) => `block ${i + 1}`) ?? []}
      camLayer={features ? `${features.name}, ${features.dims.slice(1).join('×')}` : null}
      disabled={disabled}
      onMethod={(m: Method) => setMethod(m)}
      onLayout={setLayout}
      onLpcamContext={setLpcamContext}
      onSatBlock={setSatBlock}
    />
  );
}

export function TopKPanel() {
  const items = useAppStore(selectTopK);
  const selected = useAppStore((s) => s.params.classIndex);
  const busy = useAppStore((s) => s.pending.analyze || s.decoding);
  return <TopK items={items} selected={selected} busy={busy} onSelect={setClass} />;
}

export function ControlsPanel() {
  const params = useAppStore((s) => s.params);
  const view = useAppStore((s) => s.view);
  const classes = useAppStore(selectClasses);
  const tsChoices = useAppStore(selectTimestepChoices);
  const resChoices = useAppStore(selectResolutionChoices);
  const computed = useAppStore((s) => s.computedTimesteps);
  const hasGt = useAppStore((s) => (s.image?.sample?.boxes?.length ?? 0) > 0);
  const disabled = useAppStore((s) => !s.pack);
  // Offer the pack's defaults even if its choices list omits them.
  const timestepChoices = [...new Set([...tsChoices, ...params.timesteps])].sort((a, b) => a - b);
  const resolutionChoices = [...new Set([...resChoices, ...params.resolutions])].sort((a, b) => a - b);
  return (
    <Controls
      disabled={disabled}
      classes={classes}
      classIndex={params.classIndex}
      lambda={params.lambda}
      timesteps={params.timesteps}
      timestepChoices={timestepChoices}
      computedTimesteps={computed}
      resolutions={params.resolutions}
      resolutionChoices={resolutionChoices}
      threshold={params.threshold}
      boxMode={params.boxMode}
      colormap={view.colormap}
      opacity={view.opacity}
      showGt={view.showGt}
      hasGt={hasGt}
      onClass={setClass}
      onLambda={setLambda}
      onToggleTimestep={toggleTimestep}
      onToggleResolution={toggleResolution}
      onThreshold={setThreshold}
      onBoxMode={setBoxMode}
      onColormap={setColormap}
      onOpacity={setOpacity}
      onShowGt={setShowGt}
    />
  );
}

export function PackPanel() {
  const { packs, pack, status, loadingUrl } = useAppStore(
    useShallow((s) => ({ packs: s.packIndex, pack: s.pack, status: s.packStatus, loadingUrl: s.loadingUrl })),
  );
  const progress = useAppStore((s) => s.progress);
  const phase = useAppStore((s) => (s.packStatus === 'loading' ? (s.progressPhase ?? 'manifest') : s.packStatus));
  return (
    <PackStatus
      packs={packs}
      pack={pack}
      status={status}
      loadingUrl={loadingUrl}
      progress={aggregateProgress(progress)}
      phase={phase}
      onSelect={(e) => void loadPack(e.path)}
      onLoadUrl={loadPackFromUrl}
      onClearCache={() => void clearModelCache()}
    />
  );
}
