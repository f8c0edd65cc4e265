/**
 * The classroom lab's latencies through the app's own store (the same actions a slider or a
 * click calls) and its own canvas painting (HeatmapCanvas's overlay and box strokes):
 *
 * - λ strip, cold: from choosing a class with the strip open (11 λ × the pack's timesteps, one
 *   batched worker request, no map cached; the class's text embeddings are) to every cell derived
 *   and painted;
 * - λ slider on a cached strip value: from `setLambda` to the main map painted — the store
 *   derives once per animation frame, so this includes the wait for that frame;
 * - t × resolution toggle: from `toggleTimestep`/`toggleGroup` on cached maps to painted;
 * - probe move: from `setProbe` to the value under it read and the crosshair drawn.
 *
 * The image is dropped (no ground truth), as in the rest of the benchmark: with ground truth a
 * map seen for the first time also traces its τ curve (tens of ms, cached afterwards).
 */
import type { ImagePixels } from '@shared/api';
import { attentionGroups } from '@shared/genpromp/aggregate';
import { LAMBDA_GRID, genprompMapsRequest } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { probeReading } from '@shared/postprocess/probe';
import { mulberry32 } from '@shared/random/map';
import { overlayCanvas, strokeBoxes } from '../src/components/HeatmapCanvas';
import { useAppStore } from '../src/store';
import { actions } from '../src/store/actions';
import { methodKeys } from '../src/store/keys';
import { runtime, type RawEntry } from '../src/store/runtime';
import { getEngine } from '../src/engine-client';
import { labKey } from '../src/store/lab';
import { methodById } from '@shared/methods/registry';
import type { AppState, MapResult } from '../src/store/types';

const now = () => performance.now();
const W = 768;

/** Resolve when the store reaches `cond` (checked on every store change). */
function storeReaches(cond: (s: AppState) => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cond(useAppStore.getState())) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`bench: timed out waiting for ${what}`));
    }, timeoutMs);
    const stop = useAppStore.subscribe((s) => {
      if (!cond(s)) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

const genpromp = methodById('genpromp');
const mainReady = (s: AppState): boolean => {
  const keys = methodKeys(s, genpromp);
  return !!keys && s.results.genpromp?.key === keys.displayKey;
};

/** What HeatmapCanvas draws: the image, the colour overlay and the boxes. */
function paint(ctx: CanvasRenderingContext2D, image: ImageBitmap, r: MapResult, colormap: AppState['view']['colormap']): void {
  ctx.drawImage(image, 0, 0, W, W);
  const ov = overlayCanvas(r.frameMap, r.frame, colormap);
  if (ov) {
    ctx.globalAlpha = 0.55;
    ctx.drawImage(ov, 0, 0, W, W);
    ctx.globalAlpha = 1;
  }
  strokeBoxes(ctx, r.boxes, W / r.frame[1], W / r.frame[0], '#00e5ff', 3, []);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
};
const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });

export async function labLatencies(packUrl: string, pixels: ImagePixels, changes: number) {
  const ctx = new OffscreenCanvas(W, W).getContext('2d') as unknown as CanvasRenderingContext2D;
  const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(pixels.rgba), pixels.width, pixels.height));
  // The bench page started the engine itself: the store takes it over as the app's boot would.
  useAppStore.setState({ engineStatus: 'ready', device: await getEngine().device() });
  if (!(await actions().loadPack(packUrl))) throw new Error(`bench: the store could not load ${packUrl}`);
  const m = diffusionOf(useAppStore.getState().pack!.manifest)!;
  actions().acceptImage({ name: 'bench.png', pixels, bitmap, info: { format: 'png' } as never, notices: [] }, null);
  await storeReaches(mainReady, 'the first GenPromp map');

  /**
   * From `act()` to the main map painted: the store derives in the next animation frame, then the
   * map is drawn as the canvas does. The action comes at a random point of a frame, as a key press
   * or a click does (the store then waits for the next frame: 0–16.7 ms at 60 Hz). `work` is the
   * part inside that frame: derive and paint, from the frame's start.
   */
  const random = mulberry32(13);
  const timeChange = async (act: () => void, what: string): Promise<{ total: number; work: number }> => {
    await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => setTimeout(r, random() * 16));
    let frameStart = Number.NaN;
    // Registered before the store's own callback, so it runs first in the same frame.
    requestAnimationFrame(() => {
      frameStart = now();
    });
    const t0 = now();
    act();
    await storeReaches(mainReady, what);
    const s = useAppStore.getState();
    paint(ctx, bitmap, s.results.genpromp!, s.view.colormap);
    const t1 = now();
    return { total: t1 - t0, work: t1 - (Number.isNaN(frameStart) ? t0 : Math.max(frameStart, t0)) };
  };

  // λ strip, cold: on a class with no map yet, so all 11 λ × the pack's timesteps run (one batched
  // request). Its f_d and f_r are encoded beforehand: the λ path never runs the text encoder.
  const s0 = useAppStore.getState();
  const cls = m.classes.find((c) => c.index !== s0.params.classIndex)!.index;
  await getEngine().maps(genprompMapsRequest(s0.analysis!.imageKey, cls, { lambda: 0.05, timesteps: [m.genpromp.timesteps[0]!] }));
  const t0 = now();
  useAppStore.setState((s) => ({ lab: { ...s.lab, view: 'lambdaStrip' } }));
  actions().setClass(cls);
  await storeReaches((s) => s.labStrip !== null && s.labStrip.key === labKey(s) && mainReady(s), 'the λ strip');
  const strip = useAppStore.getState().labStrip!;
  for (const c of strip.cells) {
    const thumb = overlayCanvas(c.frameMap, strip.frame, 'viridis');
    if (thumb) ctx.drawImage(thumb, 0, 0, 96, 96);
    strokeBoxes(ctx, c.boxes, 96 / strip.frame[1], 96 / strip.frame[0], '#00e5ff', 1.5, []);
  }
  const stripColdMs = now() - t0;
  const s1 = useAppStore.getState();
  const stripKeys = methodKeys(s1, genpromp, { ...s1.own.genpromp, lambda: 0 });
  const batch = (runtime.maps.get(`raw|${stripKeys?.rawKey}`) as RawEntry | undefined)?.timings;

  // λ slider over cached strip values: never the current one, so every change derives a map.
  const lambdaMs: Array<{ total: number; work: number }> = [];
  for (let i = 0; i < changes; i++) {
    const cur = useAppStore.getState().own.genpromp.lambda;
    const next = LAMBDA_GRID[(LAMBDA_GRID.indexOf(cur) + 3 + i) % LAMBDA_GRID.length]!;
    const target = next === cur ? LAMBDA_GRID[(LAMBDA_GRID.indexOf(next) + 1) % LAMBDA_GRID.length]! : next;
    lambdaMs.push(await timeChange(() => actions().setLambda(target), `λ ${target}`));
  }

  // t × resolution toggles over cached maps (the grid asks for every timestep row first).
  actions().setLabView('timestepGrid');
  await storeReaches((s) => !!s.labGrid?.cells.every((row) => row.every((c) => c !== null)), 'the grid');
  await storeReaches(mainReady, 'the grid’s main map');
  const rows = m.genpromp.timestepChoices.filter((t) => !m.genpromp.timesteps.includes(t));
  const groups = attentionGroups(m.unetAttention).map((g) => g.key);
  const toggleMs: Array<{ total: number; work: number }> = [];
  for (let i = 0; i < changes; i++) {
    const act =
      i % 2 === 0
        ? () => actions().toggleTimestep(rows[(i >> 1) % rows.length]!)
        : () => actions().toggleGroup(groups[(i >> 1) % groups.length]!);
    toggleMs.push(await timeChange(act, `toggle ${i}`));
  }

  // Probe moves: the store update, the reading under it, the canvas redrawn with the crosshair.
  const probeMs: number[] = [];
  for (let i = 0; i < changes; i++) {
    const p = { x: ((i * 37) % 100) / 100, y: ((i * 61) % 100) / 100 };
    const t = now();
    actions().setProbe(p);
    const s = useAppStore.getState();
    const r = s.results.genpromp!;
    probeReading(r.frameMap, r.frame, r.rawRange, r.boxes, r.gtBoxes, s.probe!.x, s.probe!.y);
    paint(ctx, bitmap, r, s.view.colormap);
    ctx.strokeRect(s.probe!.x * W, 0, 1, W);
    ctx.strokeRect(0, s.probe!.y * W, W, 1);
    probeMs.push(now() - t);
  }
  actions().setLabView('none');

  return {
    lambdaStripColdMs: stripColdMs,
    lambdaStripUnet: { largestBatch: batch?.unetBatch, runs: batch?.unetRuns, ms: batch?.unet },
    lambdaChangeCachedMs: stats(lambdaMs.map((x) => x.total)),
    lambdaChangeCachedWorkMs: stats(lambdaMs.map((x) => x.work)),
    timestepResolutionToggleMs: stats(toggleMs.map((x) => x.total)),
    timestepResolutionToggleWorkMs: stats(toggleMs.map((x) => x.work)),
    probeMoveMs: stats(probeMs),
  };
}
