/**
 * Connected panels: each reads a few narrow selectors from the store and passes
 * props to a presentational component; events go to store actions.
 */
import { useShallow } from 'zustand/react/shallow';
import { BackendBadge } from '../components/BackendBadge';
import { Controls } from '../components/Controls';
import { ErrorBanner, NoticeBanner } from '../components/ErrorBanner';
import { HeatmapCanvas } from '../components/HeatmapCanvas';
import { ImageDrop } from '../components/ImageDrop';
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
  setOpacity,
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
import type { AppState } from '../store/types';
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

export function Viewer() {
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
      <HeatmapCanvas
        image={image?.bitmap ?? null}
        frame={display?.frame ?? null}
        map={display?.frameMap ?? null}
        mapHash={display?.mapHash ?? ''}
        boxes={display?.boxes ?? []}
        gtBoxes={view.showGt ? (display?.gtBoxes ?? []) : []}
        colormap={view.colormap}
        opacity={view.opacity}
        state={state}
        stale={stale}
        statusText={text}
        downloadName={image?.name.replace(/\.[^.]+$/, '') ?? 'wsol'}
      />
      <div className="viewer-foot">
        {iou !== null && (
          <p className={`iou ${iou >= 0.5 ? 'iou-hit' : 'iou-miss'}`} data-testid="iou-readout" data-iou={iou.toFixed(4)}>
            IoU with ground truth: <strong>{iou.toFixed(3)}</strong> {iou >= 0.5 ? '✓ correct (≥ 0.5)' : '✗ below 0.5'}
          </p>
        )}
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
