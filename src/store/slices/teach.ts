/**
 * Teaching the pack a new class (docs/teach.md): 3–10 dropped images and a starting word →
 * the classifier's new head row (pooled features of the images and augmented copies, engine;
 * trained against the pack's bank, teach Worker) → their VAE posteriors (engine) → textual
 * inversion in the teach Worker (tfjs) → a learned class that the class picker, the top-5, CAM and
 * GenPromp know, with its map on the first dropped image.
 *
 * A refused or failed teach changes nothing learned so far. Learned classes belong to the pack
 * they were taught on: they are kept per pack in IndexedDB (restored after a pack load),
 * exported and imported as one file, and can be forgotten.
 */
import { getEngine } from '../../engine-client';
import { cancelTeach, checkTeachWord, learnConcept, learnHeadRow } from '../../engine-client/teach';
import type { ImagePixels, LearnedClass } from '@shared/api';
import { EngineError } from '@shared/errors';
import { aggregateAttention, type AttentionMaps } from '@shared/genpromp/aggregate';
import { genprompMapsRequest } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { TEACH_IMAGES, type TeachProgress } from '@shared/teach/api';
import { hashFloat32 } from '../keys';
import { selectTopK } from '../topK';
import {
  exportClasses,
  importClasses,
  indexed,
  loadStoredClasses,
  packFingerprint,
  saveStoredClasses,
  type StoredClass,
} from '../persist/learnedClasses';
import type { Slice } from '../types';

export type TeachStatus = 'idle' | 'encoding' | 'training' | 'done' | 'cancelled' | 'failed';

export interface LearnedEntry extends LearnedClass {
  /** The learned class's GenPromp map on the first image it was taught from, with that image. */
  preview: { image: ImageBitmap; map: Float32Array; size: [number, number]; hash: string } | null;
  losses: number[];
  msPerStep: number;
}

export type TeachDecode = (blob: Blob, name: string) => Promise<{ pixels: ImagePixels; bitmap: ImageBitmap }>;

export interface TeachState {
  status: TeachStatus;
  progress: TeachProgress | null;
  /** The running (or last) teach's loss per step. */
  losses: number[];
  /** Why the last teach stopped or was refused. */
  message: string | null;
  /** While training: the class's map on the first image with the row learned so far (refreshed every few steps). */
  preview: LearnedEntry['preview'];
  /** The classifier half's progress (it runs beside the inversion), or null. */
  classifier: string | null;
}

export interface TeachSlice {
  teach: TeachState;
  learned: LearnedEntry[];
  /** The `packGen` whose stored learned classes have been read (found, none or failed): a lesson link waits for it. */
  learnedRestoredFor: number;
  /** `decode` turns a chosen file into pixels and a bitmap (the page's decoder, with its checks). */
  startTeach(files: File[], name: string, word: string, decode: TeachDecode, steps?: number): Promise<void>;
  cancelTeach(): void;
  /** After a pack load: the classes this browser keeps for the pack (IndexedDB), given to the engine. */
  restoreLearned(): Promise<void>;
  /** Remove a learned class (here and in storage); those after it move up one index. */
  forgetLearned(id: string): Promise<void>;
  /** The learned classes as one JSON file's text (null when there are none). */
  exportLearned(): string | null;
  /** Add the classes of an exported file; a file of another pack, a taken name or a bad row is refused whole. */
  importLearned(file: File): Promise<void>;
}

/** The augmented copies' seed: the same images give the same classifier row. */
const HEAD_ROW_SEED = 0;

const newLearnedId = (): string => globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** What storage and the export file keep of a learned entry (not its preview bitmap). */
const toStored = (c: LearnedEntry): StoredClass => ({
  id: c.id,
  name: c.name,
  word: c.word,
  conceptRow: c.conceptRow,
  head: c.head,
  losses: c.losses,
  msPerStep: c.msPerStep,
});

/** What the engine needs of a learned entry (not its preview bitmap or loss curve). */
export const toLearnedClass = ({ id, index, name, word, conceptRow, head }: LearnedClass): LearnedClass => ({
  id,
  index,
  name,
  word,
  conceptRow,
  head,
});

/** The store's entries for `classes` (indexed from `stored`), with the previews drawn so far. */
const entriesOf = (classes: LearnedClass[], stored: StoredClass[], previews: Map<string, LearnedEntry['preview']>): LearnedEntry[] =>
  classes.map((c, i) => ({ ...c, preview: previews.get(c.id) ?? null, losses: stored[i]!.losses, msPerStep: stored[i]!.msPerStep }));

const IDLE: TeachState = { status: 'idle', progress: null, losses: [], message: null, preview: null, classifier: null };

export const createTeachSlice: Slice<TeachSlice> = (set, get) => {
  const fail = (err: unknown) =>
    set((s) => ({ teach: { ...s.teach, status: 'failed', progress: null, message: String((err as Error)?.message ?? err) } }));

  const busy = () => get().teach.status === 'encoding' || get().teach.status === 'training';

  /** Make `stored` the learned list: indices after the pack's, the engine told, storage written. */
  const commit = async (stored: StoredClass[], previews: Map<string, LearnedEntry['preview']>): Promise<void> => {
    const pack = get().pack;
    if (!pack) return;
    const classes = indexed(pack.manifest, stored);
    await getEngine().setLearnedClasses(classes);
    set({ learned: entriesOf(classes, stored, previews) });
    await persist();
  };

  const persist = async (): Promise<void> => {
    const pack = get().pack;
    if (!pack) return;
    try {
      await saveStoredClasses(packFingerprint(pack.manifest), get().learned.map(toStored));
    } catch (err) {
      get().reportError(err, 'Keeping the learned classes in this browser');
    }
  };

  const previewsOf = () => new Map(get().learned.map((c) => [c.id, c.preview]));

  return {
    teach: IDLE,
    learned: [],
    learnedRestoredFor: -1,
    async restoreLearned() {
      const pack = get().pack;
      const packGen = get().packGen;
      const done = (): void => {
        if (get().packGen === packGen) set({ learnedRestoredFor: packGen });
      };
      if (!pack?.manifest.teach) return done();
      try {
        const stored = await loadStoredClasses(packFingerprint(pack.manifest));
        if (stored.length === 0 || get().packGen !== packGen) return done();
        const classes = indexed(pack.manifest, stored);
        await getEngine().setLearnedClasses(classes);
        if (get().packGen !== packGen) return;
        set({ learned: entriesOf(classes, stored, new Map()) });
      } catch (err) {
        get().reportError(err, 'Reading the classes this browser learned for the pack');
      }
      done();
    },
    async forgetLearned(id) {
      if (busy()) return;
      const s = get();
      const at = s.learned.findIndex((c) => c.id === id);
      if (at < 0) return;
      const shownId = s.learned.find((c) => c.index === s.params.classIndex)?.id;
      const rest = s.learned.filter((c) => c.id !== id);
      await commit(rest.map(toStored), previewsOf());
      // The class on screen keeps being shown under its new index; a forgotten one falls back to the top-1.
      const st = get();
      const now = shownId ? st.learned.find((c) => c.id === shownId)?.index : undefined;
      if (shownId) st.setClass(now ?? selectTopK(st)?.[0]?.index ?? 0);
    },
    exportLearned() {
      const s = get();
      if (!s.pack || s.learned.length === 0) return null;
      return exportClasses(s.pack.manifest, s.learned.map(toStored));
    },
    async importLearned(file) {
      const s = get();
      if (!s.pack || busy()) return;
      try {
        const incoming = importClasses(s.pack.manifest, await file.text(), newLearnedId);
        const taken = new Set([
          ...s.pack.manifest.classes.map((c) => c.displayName.toLowerCase()),
          ...s.learned.map((c) => c.name.toLowerCase()),
        ]);
        const clash = incoming.filter((c) => taken.has(c.name.toLowerCase())).map((c) => `"${c.name}"`);
        if (clash.length > 0) {
          throw new EngineError(
            'InvalidInput',
            `${clash.join(', ')} ${clash.length === 1 ? 'is' : 'are'} already a class here; forget or rename ${clash.length === 1 ? 'it' : 'them'} first. Nothing was imported`,
          );
        }
        await commit([...s.learned.map(toStored), ...incoming], previewsOf());
        set((st) => ({ teach: { ...st.teach, message: `Imported ${incoming.map((c) => `"${c.name}"`).join(', ')} from ${file.name}.` } }));
      } catch (err) {
        get().reportError(err, `Importing learned classes from ${file.name}`);
      }
    },
    cancelTeach() {
      if (get().teach.status === 'training') cancelTeach();
    },
    async startTeach(files, name, word, decode, steps) {
      const s = get();
      const pack = s.pack;
      if (!pack || s.packStatus !== 'ready' || s.teach.status === 'encoding' || s.teach.status === 'training') return;
      const d = diffusionOf(pack.manifest);
      try {
        if (!d || !pack.manifest.teach) throw new EngineError('InvalidInput', `Pack ${pack.manifest.id} cannot learn new classes`);
        if (files.length < TEACH_IMAGES.min || files.length > TEACH_IMAGES.max) {
          throw new EngineError(
            'InvalidInput',
            `Teaching takes ${TEACH_IMAGES.min}–${TEACH_IMAGES.max} images; ${files.length} were chosen`,
          );
        }
        const label = name.trim();
        if (!label) throw new EngineError('InvalidInput', 'Name the new class first');
        const taken = [...pack.manifest.classes.map((c) => c.displayName), ...get().learned.map((c) => c.name)];
        if (taken.some((t) => t.toLowerCase() === label.toLowerCase())) {
          throw new EngineError('InvalidInput', `"${label}" is already a class; choose another name`);
        }
        set({ teach: { ...IDLE, status: 'encoding', message: null } });
        await checkTeachWord(pack.baseUrl, pack.manifest, word); // before seconds of work on the images
        const decoded: Awaited<ReturnType<TeachDecode>>[] = [];
        for (const f of files) decoded.push(await decode(f, f.name));
        const engine = getEngine();
        const pixels = decoded.map((x) => x.pixels);
        const posteriors = await engine.posteriors(pixels);
        const imageKey = (await engine.analyzeImage(decoded[0]!.pixels)).imageKey;
        const before = get().learned;
        const index = pack.manifest.classes.length + before.length;
        const id = newLearnedId();
        set({ teach: { ...get().teach, status: 'training' } });

        // The classifier's new row, beside the inversion: its features run on ORT in the engine's
        // Worker while tfjs (one thread) trains the concept row in the teach Worker, whose 10 small
        // head-row steps slot in between two inversion steps. Measured: it takes ~12 s alone.
        const headRow = pack.manifest.teach.headRow;
        let head: LearnedClass['head'] = null;
        const classifierLine = (text: string) => set((st) => ({ teach: { ...st.teach, classifier: text } }));
        const headDone: Promise<unknown> = headRow
          ? (async () => {
              const positives = await engine.pooledFeatures(pixels, headRow.augmentCopies, HEAD_ROW_SEED, (done, total) =>
                classifierLine(`Classifier: features of image ${done} of ${total} (with augmented copies)`),
              );
              const learnedRow = await learnHeadRow({ baseUrl: pack.baseUrl, manifest: pack.manifest, positives }, (p) =>
                classifierLine(p.phase === 'classifier' ? `${p.text} · loss ${p.loss?.toFixed(3)}` : p.text),
              );
              head = { row: learnedRow.row, bias: learnedRow.bias };
              classifierLine(`Classifier row learned in ${(learnedRow.ms / 1000).toFixed(1)} s of training`);
            })()
          : Promise.resolve();
        headDone.catch(() => undefined); // awaited below; a failure of the inversion first must not leave it unhandled
        const asClass = (conceptRow: Float32Array, w: string): LearnedClass => ({ id, index, name: label, word: w, conceptRow, head });
        const committed = before.map(toLearnedClass);
        /** The class's GenPromp map on the first image with `row` (the engine's learned set gets it first). */
        const mapWith = async (row: Float32Array, w: string) => {
          await engine.setLearnedClasses([...committed, asClass(row, w)]);
          const maps = await engine.maps(
            genprompMapsRequest(imageKey, index, { lambda: d.genpromp.lambda, timesteps: d.genpromp.timesteps }),
          );
          const map = aggregateAttention(maps.raw as AttentionMaps, {
            timesteps: d.genpromp.timesteps,
            resolutions: d.genpromp.resolutions,
            outputs: d.unetAttention,
            latentSize: d.vae.latentSize,
          });
          return map ? { image: decoded[0]!.bitmap, map, size: d.vae.latentSize, hash: hashFloat32(map) } : null;
        };
        const packGen = get().packGen;
        // Live map: the row every few steps; one refresh at a time, the newest row wins.
        let pendingRow: Float32Array | null = null;
        /** The live refresh running, if any: it drains `pendingRow` and ends. */
        let refreshing: Promise<void> | null = null;
        const drain = async () => {
          try {
            for (let row = pendingRow; row; row = pendingRow) {
              pendingRow = null;
              const preview = await mapWith(row, word.trim().toLowerCase());
              if (get().teach.status === 'training') set((st) => ({ teach: { ...st.teach, preview } }));
            }
          } catch {
            // A live map that fails leaves the last one; the teach goes on.
          } finally {
            refreshing = null;
          }
        };
        const refresh = () => {
          refreshing ??= drain();
        };
        let result: Awaited<ReturnType<typeof learnConcept>>;
        try {
          result = await learnConcept(
            { baseUrl: pack.baseUrl, manifest: pack.manifest, posteriors, word, ...(steps ? { steps } : {}) },
            (p) => {
              set((st) => ({
                teach: {
                  ...st.teach,
                  progress: p,
                  losses: p.phase === 'train' && p.loss !== undefined ? [...st.teach.losses, p.loss] : st.teach.losses,
                },
              }));
              if (p.row) {
                pendingRow = p.row;
                refresh();
              }
            },
          );
        } catch (err) {
          await headDone.catch(() => undefined);
          await engine.setLearnedClasses(committed).catch(() => undefined); // drop the live map's provisional class
          throw err;
        }
        await headDone;
        if (get().packGen !== packGen)
          return fail(new EngineError('InvalidInput', 'The pack changed during the teach; teach again on this pack'));
        if (result.losses.length === 0) {
          await engine.setLearnedClasses(committed);
          set((st) => ({
            teach: {
              ...st.teach,
              status: 'cancelled',
              progress: null,
              preview: null,
              message: 'Cancelled before the first step: nothing was learned.',
            },
          }));
          return;
        }
        await refreshing; // a live refresh finishes before the final map
        const entry: LearnedEntry = {
          ...asClass(result.row, result.word),
          preview: await mapWith(result.row, result.word),
          losses: result.losses,
          msPerStep: result.msPerStep,
        };
        set((st) => ({
          learned: [...before, entry],
          teach: {
            ...st.teach,
            status: result.cancelled ? 'cancelled' : 'done',
            progress: null,
            preview: null,
            message: result.cancelled ? `Cancelled after ${result.losses.length} steps: "${label}" keeps what it learned so far.` : null,
          },
        }));
        await persist();
      } catch (err) {
        fail(err);
      }
    },
  };
};
