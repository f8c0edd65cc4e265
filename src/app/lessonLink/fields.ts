/**
 * Everything a lesson link carries, one entry per field: its URL key, codec, history kind, how
 * to read it from the store and how to put it back. Adding a field to lesson links is adding
 * one entry here (and a line to the tests).
 *
 * Two fields load something first and are awaited in order before the others apply: the pack
 * and the gallery sample. A dropped image cannot travel (it never leaves the device): the link
 * then has no `sample`, and everything else still applies.
 */
import { attentionGroups } from '@shared/genpromp/aggregate';
import { diffusionOf } from '@shared/manifest';
import { isMethodId, METHOD_IDS, type MethodId } from '@shared/methods/registry';
import type { Box } from '@shared/postprocess';
import { useAppStore } from '../../store';
import { intakeSample } from '../image/intake';
import { normalizePackUrl } from '../../store/slices/pack';
import { runtime } from '../../store/runtime';
import type { LabView } from '../../store/lab';
import type { AppState } from '../../store/types';
import {
  type Codec,
  flag,
  LessonFieldError,
  nameList,
  naturalList,
  naturalNumber,
  numberIn,
  oneOf,
  pixelBox,
  text,
  unitPoint,
} from './codecs';
import type { HashField } from './hash';

export interface LessonField<T> extends HashField {
  codec: Codec<T>;
  /** 'push': a deliberate change (sample, method, class…) gets a history entry; 'replace': a slider drag updates the current one. */
  history: 'push' | 'replace';
  /** The value to share, or undefined when there is none (the field is left out of the link). */
  read(s: AppState): T | undefined;
  /**
   * The state patch that applies `v` (undefined: the link has no such field). Fields that can be
   * absent return their "none" for undefined (no drawn box, no probe, tour closed); others null.
   * Throws LessonFieldError when the value does not fit the loaded pack or image.
   */
  write?(s: AppState, v: T | undefined): Partial<AppState> | null;
  /** Fields that load something (pack, sample) instead: awaited, in field order, before the patches. */
  load?(s: AppState, v: T): Promise<void>;
}

/** Type-check one entry against its codec's value type, then store it with the others. */
const field = <T>(f: LessonField<T>): LessonField<unknown> => f as LessonField<unknown>;

const bad = (msg: string): never => {
  throw new LessonFieldError(msg);
};

/** SAT's block choice: the mean of all blocks, or one block's index. */
const satBlock: Codec<number | 'mean'> = {
  format: String,
  parse: (raw) => (raw === 'mean' ? 'mean' : naturalNumber.parse(raw)),
};

const methodCodec: Codec<MethodId> = oneOf(METHOD_IDS);

/** The gallery once its index has been read (it loads beside the pack), or null after 10 s without one. */
function galleryLoaded(): Promise<AppState['samples']> {
  return new Promise((resolve) => {
    const done = (v: AppState['samples']) => {
      clearTimeout(timer);
      stop();
      resolve(v);
    };
    const stop = useAppStore.subscribe((st) => st.samples && done(st.samples));
    const timer = setTimeout(() => done(useAppStore.getState().samples), 10_000);
  });
}

/** The pack as its id in the pack list, else the URL it was loaded from; a folder pack cannot travel. */
function packRef(s: AppState): string | undefined {
  if (!s.pack) return undefined;
  if (s.packIndex.some((e) => e.id === s.pack?.manifest.id && e.path === runtime.lastPackUrl)) return s.pack.manifest.id;
  return runtime.lastPackUrl ?? undefined;
}

export const LESSON_FIELDS: readonly LessonField<unknown>[] = [
  field<string>({
    key: 'pack',
    label: 'model pack',
    codec: text,
    history: 'push',
    read: packRef,
    async load(s, v) {
      if (packRef(s) === v) return;
      const listed = s.packIndex.find((e) => e.id === v);
      const url = listed ? { ok: true as const, url: listed.path } : normalizePackUrl(v);
      if (!url.ok) bad(`"${v}" is neither a pack of this site nor a pack URL`);
      // Already loaded (the page opened on the link's pack, given as a relative URL): nothing to do.
      else if (s.pack && runtime.lastPackUrl === url.url) return;
      else if (!(await s.loadPack(url.url))) bad(`the pack "${v}" could not be loaded (the banner says why)`);
    },
  }),
  field<string>({
    key: 'sample',
    label: 'gallery image',
    codec: text,
    history: 'push',
    read: (s) => s.image?.sample?.file,
    async load(s, v) {
      if (s.image?.sample?.file === v) return;
      const samples = s.samples ?? (await galleryLoaded());
      const sample = samples?.find((x) => x.file === v);
      if (!sample) bad(`"${v}" is not in this site's gallery`);
      else await intakeSample(sample, s.samplesBase);
    },
  }),
  field<'own'>({
    key: 'img',
    label: 'image',
    // The link says that an image of the sender's own was on screen (never its name or pixels).
    codec: oneOf(['own'] as const),
    history: 'push',
    read: (s) => (s.image && !s.image.sample ? 'own' : undefined),
    write(s, v) {
      if (v !== 'own' || (s.image && !s.image.sample)) return null;
      const text =
        'This lesson was made on an image of its author’s own, which cannot travel in a link: drop the same image to see the same maps. Everything else is set.';
      return { notices: [...s.notices, { id: ++runtime.noticeSeq, text }] };
    },
  }),
  field<MethodId>({
    key: 'm',
    label: 'method',
    codec: methodCodec,
    history: 'push',
    read: (s) => s.methods.method,
    write: (s, v) => (v === undefined || !isMethodId(v) ? null : { methods: { ...s.methods, method: v } }),
  }),
  field<'single' | 'compare'>({
    key: 'view',
    label: 'view',
    codec: oneOf(['single', 'compare'] as const),
    history: 'push',
    read: (s) => s.methods.layout,
    write: (s, v) => (v === undefined ? null : { methods: { ...s.methods, layout: v } }),
  }),
  field<boolean>({
    key: 'base',
    label: 'sanity baselines switch',
    codec: flag,
    history: 'push',
    read: (s) => s.view.compareBaselines,
    write: (s, v) => (v === undefined ? null : { view: { ...s.view, compareBaselines: v } }),
  }),
  field<number>({
    key: 'cls',
    label: 'class',
    codec: naturalNumber,
    history: 'push',
    // A class taught in this browser travels by its name (`learned`), not by its index.
    read: (s) =>
      s.params.classIndex !== null && s.params.classIndex < (s.pack?.manifest.classes.length ?? 0) ? s.params.classIndex : undefined,
    write(s, v) {
      if (v === undefined) return null;
      const n = s.pack?.manifest.classes.length ?? 0;
      if (v >= n) bad(`class ${v} is not one of this pack's ${n} classes`);
      return { params: { ...s.params, classIndex: v } };
    },
  }),
  field<string>({
    key: 'learned',
    label: 'class learned in a browser',
    codec: text,
    history: 'push',
    read: (s) => s.learned.find((c) => c.index === s.params.classIndex)?.name,
    write(s, v) {
      if (v === undefined) return null;
      const here = s.learned.find((c) => c.name.toLowerCase() === v.toLowerCase());
      if (here) return { params: { ...s.params, classIndex: here.index } };
      // Not an error of the link: the class lives in its author's browser. Say how to get it.
      const text = `This lesson shows "${v}", a class taught in its author’s browser that this browser has not learned: import their learned-classes file (Teach a new class → Import…) to see its maps. Everything else is set.`;
      return { notices: [...s.notices, { id: ++runtime.noticeSeq, text }] };
    },
  }),
  field<number>({
    key: 'tau',
    label: 'threshold τ',
    codec: numberIn(0, 1, 2),
    history: 'replace',
    read: (s) => s.params.threshold,
    write: (s, v) => (v === undefined ? null : { params: { ...s.params, threshold: v } }),
  }),
  field<'largest' | 'all'>({
    key: 'box',
    label: 'box mode',
    codec: oneOf(['largest', 'all'] as const),
    history: 'push',
    read: (s) => s.params.boxMode,
    write: (s, v) => (v === undefined ? null : { params: { ...s.params, boxMode: v } }),
  }),
  field<number>({
    key: 'lam',
    label: 'GenPromp λ',
    codec: numberIn(0, 1, 2),
    history: 'replace',
    read: (s) => (s.pack?.manifest.genpromp ? s.own.genpromp.lambda : undefined),
    write: (s, v) => (v === undefined ? null : { own: { ...s.own, genpromp: { ...s.own.genpromp, lambda: v } } }),
  }),
  field<number[]>({
    key: 't',
    label: 'GenPromp timesteps',
    codec: naturalList,
    history: 'push',
    read: (s) => (s.own.genpromp.timesteps.length > 0 ? s.own.genpromp.timesteps : undefined),
    write: (s, v) => (v === undefined ? null : { own: { ...s.own, genpromp: { ...s.own.genpromp, timesteps: v } } }),
  }),
  field<number[]>({
    key: 'res',
    label: 'GenPromp resolutions',
    codec: naturalList,
    history: 'push',
    read: (s) => (s.own.genpromp.resolutions.length > 0 ? s.own.genpromp.resolutions : undefined),
    write: (s, v) => (v === undefined ? null : { own: { ...s.own, genpromp: { ...s.own.genpromp, resolutions: v } } }),
  }),
  field<string[]>({
    key: 'groups',
    label: 'grid columns (attention groups)',
    codec: nameList,
    history: 'push',
    read: (s) => s.own.genpromp.groups ?? undefined,
    write(s, v) {
      const m = s.pack ? diffusionOf(s.pack.manifest) : null;
      const known = m ? attentionGroups(m.unetAttention).map((g) => g.key) : [];
      const unknown = v?.filter((k) => !known.includes(k)) ?? [];
      if (unknown.length > 0)
        bad(`${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among this pack's groups (${known.join(', ')})`);
      // Left out of a whole state: every group at the chosen resolutions.
      return { own: { ...s.own, genpromp: { ...s.own.genpromp, groups: v ?? null } } };
    },
  }),
  field<LabView>({
    key: 'lab',
    label: 'lab view',
    codec: oneOf(['none', 'lambdaStrip', 'timestepGrid'] as const),
    history: 'push',
    read: (s) => s.lab.view,
    write(s, v) {
      if (v === undefined || v === s.lab.view) return null;
      // Playing steps the grid's rows on a timer: another view stops it, as the view switch does.
      if (s.lab.playing) s.setPlaying(false);
      return { lab: { ...s.lab, view: v, playing: false } };
    },
  }),
  field<boolean>({
    key: 'fine',
    label: 'fine λ switch',
    codec: flag,
    history: 'push',
    read: (s) => s.lab.fineLambda,
    write: (s, v) => (v === undefined ? null : { lab: { ...s.lab, fineLambda: v } }),
  }),
  field<boolean>({
    key: 'lpctx',
    label: 'LPCAM context switch',
    codec: flag,
    history: 'push',
    read: (s) => s.own.lpcam.context,
    write: (s, v) => (v === undefined ? null : { own: { ...s.own, lpcam: { context: v } } }),
  }),
  field<number | 'mean'>({
    key: 'sat',
    label: 'SAT block',
    codec: satBlock,
    history: 'push',
    read: (s) => s.own.sat.block,
    write(s, v) {
      if (v === undefined) return null;
      const blocks = s.pack?.manifest.baselines?.sat?.blocks.length ?? 0;
      if (v !== 'mean' && v >= blocks) bad(`block ${v} is not one of this pack's ${blocks} SAT blocks`);
      return { own: { ...s.own, sat: { block: v } } };
    },
  }),
  field<AppState['view']['colormap']>({
    key: 'cmap',
    label: 'colormap',
    codec: oneOf(['viridis', 'jet', 'gray'] as const),
    history: 'push',
    read: (s) => s.view.colormap,
    write: (s, v) => (v === undefined ? null : { view: { ...s.view, colormap: v } }),
  }),
  field<number>({
    key: 'alpha',
    label: 'overlay opacity',
    codec: numberIn(0, 1, 2),
    history: 'replace',
    read: (s) => s.view.opacity,
    write: (s, v) => (v === undefined ? null : { view: { ...s.view, opacity: v } }),
  }),
  field<boolean>({
    key: 'gtShow',
    label: 'ground-truth display switch',
    codec: flag,
    history: 'push',
    read: (s) => s.view.showGt,
    write: (s, v) => (v === undefined ? null : { view: { ...s.view, showGt: v } }),
  }),
  field<Box>({
    key: 'gt',
    label: 'drawn ground-truth box',
    codec: pixelBox,
    history: 'push',
    read: (s) => s.drawnGt ?? undefined,
    write(s, v) {
      const img = s.image?.pixels;
      if (v && img && (v[2] >= img.width || v[3] >= img.height))
        bad(`the box ${v.join(',')} does not fit the ${img.width}×${img.height} image`);
      return { drawnGt: v ?? null };
    },
  }),
  field<{ x: number; y: number }>({
    key: 'probe',
    label: 'probe position',
    codec: unitPoint,
    history: 'replace',
    read: (s) => s.probe ?? undefined,
    write: (_s, v) => ({ probe: v ?? null }),
  }),
  field<number>({
    key: 'tour',
    label: 'tour step',
    // 1-based in the link: what the tour card shows ("step 3 of 8").
    codec: { format: (v) => String(v + 1), parse: (raw) => Math.max(0, naturalNumber.parse(raw) - 1) },
    history: 'push',
    read: (s) => (s.tour.open ? s.tour.step : undefined),
    write: (s, v) => ({ tour: v === undefined ? { ...s.tour, open: false } : { step: v, open: true } }),
  }),
];
