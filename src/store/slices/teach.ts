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
}

export interface TeachSlice {
  teach: TeachState;
  learned: LearnedEntry[];
  /** `decode` turns a chosen file into pixels and a bitmap (the page's decoder, with its checks). */
  startTeach(files: File[], name: string, word: string, decode: TeachDecode, steps?: number): Promise<void>;
  cancelTeach(): void;
}

const IDLE: TeachState = { status: 'idle', progress: null, losses: [], message: null };

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
        const decoded = [];
        for (const f of files) decoded.push(await decode(f, f.name));
        const engine = getEngine();
        const posteriors = await engine.posteriors(decoded.map((x) => x.pixels));
        set({ teach: { ...get().teach, status: 'training' } });
        const packGen = get().packGen;
        const result = await learnConcept(
          { baseUrl: pack.baseUrl, manifest: pack.manifest, posteriors, word, ...(steps ? { steps } : {}) },
          (p) =>
            set((st) => ({
              teach: {
                ...st.teach,
                progress: p,
                losses: p.phase === 'train' && p.loss !== undefined ? [...st.teach.losses, p.loss] : st.teach.losses,
              },
            })),
        );
        if (get().packGen !== packGen)
          return fail(new EngineError('InvalidInput', 'The pack changed during the teach; teach again on this pack'));
        if (result.losses.length === 0) {
          set((st) => ({
            teach: { ...st.teach, status: 'cancelled', progress: null, message: 'Cancelled before the first step: nothing was learned.' },
          }));
          return;
        }
        const entry: LearnedEntry = {
          index: pack.manifest.classes.length + get().learned.length,
          name: label,
          word: result.word,
          conceptRow: result.row,
          preview: null,
          losses: result.losses,
          msPerStep: result.msPerStep,
        };
        const learned = [...get().learned, entry];
        await engine.setLearnedClasses(learned.map(({ index, name: n, word: w, conceptRow }) => ({ index, name: n, word: w, conceptRow })));
        // Its map on the first image, at the pack's λ and timesteps.
        const analysis = await engine.analyzeImage(decoded[0]!.pixels);
        const maps = await engine.maps(
          genprompMapsRequest(analysis.imageKey, entry.index, { lambda: d.genpromp.lambda, timesteps: d.genpromp.timesteps }),
        );
        const map = aggregateAttention(maps.raw as AttentionMaps, {
          timesteps: d.genpromp.timesteps,
          resolutions: d.genpromp.resolutions,
          outputs: d.unetAttention,
          latentSize: d.vae.latentSize,
        });
        entry.preview = map ? { image: decoded[0]!.bitmap, map, size: d.vae.latentSize, hash: hashFloat32(map) } : null;
        set((st) => ({
          learned,
          teach: {
            ...st.teach,
            status: result.cancelled ? 'cancelled' : 'done',
            progress: null,
            message: result.cancelled ? `Cancelled after ${result.losses.length} steps: "${label}" keeps what it learned so far.` : null,
          },
        }));
      } catch (err) {
        fail(err);
      }
    },
  };
};
