/**
 * Teaching the pack a new class (docs/teach.md): 3–10 dropped images and a starting word →
 * their VAE posteriors (engine) → textual inversion in the teach Worker (tfjs) → a learned class
 * the engine's GenPromp conditions on, and its map on the first dropped image.
 *
 * A refused or failed teach changes nothing learned so far. Learned classes belong to the pack
 * they were taught on: a pack change clears them (persistence comes with the next step).
 */
import { getEngine } from '../../engine-client';
import { cancelTeach, learnConcept } from '../../engine-client/teach';
import type { ImagePixels, LearnedClass } from '@shared/api';
import { EngineError } from '@shared/errors';
import { aggregateAttention, type AttentionMaps } from '@shared/genpromp/aggregate';
import { genprompMapsRequest } from '@shared/genpromp/method';
import { diffusionOf } from '@shared/manifest';
import { TEACH_IMAGES, type TeachProgress } from '@shared/teach/api';
import { hashFloat32 } from '../keys';
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
}

export interface TeachSlice {
  teach: TeachState;
  learned: LearnedEntry[];
  /** `decode` turns a chosen file into pixels and a bitmap (the page's decoder, with its checks). */
  startTeach(files: File[], name: string, word: string, decode: TeachDecode, steps?: number): Promise<void>;
  cancelTeach(): void;
}

const IDLE: TeachState = { status: 'idle', progress: null, losses: [], message: null, preview: null };

export const createTeachSlice: Slice<TeachSlice> = (set, get) => {
  const fail = (err: unknown) =>
    set((s) => ({ teach: { ...s.teach, status: 'failed', progress: null, message: String((err as Error)?.message ?? err) } }));

  return {
    teach: IDLE,
    learned: [],
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
        const decoded: Awaited<ReturnType<TeachDecode>>[] = [];
        for (const f of files) decoded.push(await decode(f, f.name));
        const engine = getEngine();
        const posteriors = await engine.posteriors(decoded.map((x) => x.pixels));
        const imageKey = (await engine.analyzeImage(decoded[0]!.pixels)).imageKey;
        const before = get().learned;
        const index = pack.manifest.classes.length + before.length;
        const asClass = (conceptRow: Float32Array, w: string): LearnedClass => ({ index, name: label, word: w, conceptRow });
        const committed = before.map(({ index: i, name: n, word: w, conceptRow }) => ({ index: i, name: n, word: w, conceptRow }));
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
        set({ teach: { ...get().teach, status: 'training' } });
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
          await engine.setLearnedClasses(committed).catch(() => undefined); // drop the live map's provisional class
          throw err;
        }
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
      } catch (err) {
        fail(err);
      }
    },
  };
};
