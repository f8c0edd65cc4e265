/**
 * Teaching's worker side: learns a concept row for a class the pack has never seen (GenPromp's
 * stage 1, textual inversion) with tfjs, from the images' VAE posteriors (computed by the engine
 * with ORT). It runs in its own Worker (workers/teach.worker.ts), so the engine keeps answering
 * map requests while it trains.
 *
 * The files it needs (the pack's fp32 text encoder and its teaching UNet) are fetched on the first
 * teach, verified and cached like the pack's (packLoader). The starting word must be one token of
 * the pack's vocabulary: the row starts from its embedding and takes its place in the templates.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '@shared/errors';
import { encodePrompt, singleTokenId } from '@shared/genpromp/prompts';
import { alphasCumprod } from '@shared/genpromp/scheduler';
import { diffusionOf, type FileRef, type Manifest } from '@shared/manifest';
import {
  TEACH_IMAGES,
  TEACH_PREVIEW_EVERY,
  type HeadRowLearned,
  type HeadRowRequest,
  type TeachApi,
  type TeachProgress,
  type TeachRequest,
  type TeachResult,
} from '@shared/teach/api';
import { DEFAULT_HEAD_ROW_CONFIG, trainHeadRow } from '@shared/teach/headRow';
import { type InversionConfig, invertConcept, startingRow } from '@shared/teach/inversion';
import { decodeOnnx } from '@shared/teach/onnxGraph/decode';
import { prepareGraph, type TfGraph } from '@shared/teach/onnxGraph/run';
import { loadTokenizer } from '../pipelines/genpromp/tokenizer';
import { type CacheLike, type FetchFn, loadFiles } from '../engine/packLoader';
import type { OnnxGraph } from '@shared/teach/onnxGraph/decode';

export interface TeacherDeps {
  fetch: FetchFn;
  openCache: () => Promise<CacheLike | null>;
  /** Start tfjs's backend (the worker: tfjsBackend.ts; Node tests: the wasm build from node_modules). */
  startBackend: () => Promise<void>;
}

interface Prepared {
  key: string;
  textOnnx: OnnxGraph;
  text: TfGraph;
  unet: TfGraph;
}

export class Teacher implements TeachApi {
  private prepared: Prepared | null = null;
  private backendStarted: Promise<void> | null = null;
  private cancelRequested = false;

  constructor(private readonly deps: TeacherDeps) {}

  cancel(): boolean {
    this.cancelRequested = true;
    return true;
  }

  async learnConcept(req: TeachRequest, onProgress?: (p: TeachProgress) => void): Promise<TeachResult> {
    this.cancelRequested = false;
    const m = req.manifest;
    const d = diffusionOf(m);
    if (!d || !m.teach) throw new EngineError('InvalidInput', `Pack ${m.id} cannot learn new classes (it has no teach section)`);
    const [n] = req.posteriors.shape;
    if (n < TEACH_IMAGES.min || n > TEACH_IMAGES.max) {
      throw new EngineError('InvalidInput', `Teaching takes ${TEACH_IMAGES.min}–${TEACH_IMAGES.max} images; ${n} were given`);
    }
    const [, c, h, w] = req.posteriors.shape;
    if (c !== d.vae.latentChannels || h !== d.vae.latentSize[0] || w !== d.vae.latentSize[1]) {
      throw new EngineError(
        'InvalidInput',
        `The posteriors are [${req.posteriors.shape}], not this pack's latents [n, ${c}, ${d.vae.latentSize}]`,
      );
    }
    const text = m.models.text_encoder?.variants.find((v) => v.precision === 'fp32' && v.externalData.length === 0);
    if (!text) throw new EngineError('ManifestInvalid', `Pack ${m.id} has no single-file fp32 text encoder to train through`);

    // Files: the tokenizer, the fp32 text encoder and the teaching UNet (cached after the first teach).
    const files: FileRef[] = [d.tokenizer.file, text, m.teach.unet];
    const cache = await this.deps.openCache();
    const { data } = await loadFiles({ fetch: this.deps.fetch, cache }, req.baseUrl, files, (p) =>
      onProgress?.({ phase: 'download', text: p.text, done: p.done, total: p.total }),
    );
    const tokenizer = tokenizerOf(data, d.tokenizer.file.path);
    const { word, wordId } = wordOf(tokenizer, m, req.word);

    onProgress?.({ phase: 'prepare', text: 'Preparing the text encoder and UNet in tfjs', done: 0, total: 1 });
    this.backendStarted ??= this.deps.startBackend();
    await this.backendStarted;
    const key = `${req.baseUrl}|${text.sha256}|${m.teach.unet.sha256}`;
    if (this.prepared?.key !== key) {
      this.dispose();
      const textOnnx = decodeOnnx(data.get(text.path)!);
      this.prepared = { key, textOnnx, text: prepareGraph(textOnnx), unet: prepareGraph(decodeOnnx(data.get(m.teach.unet.path)!)) };
    }
    const { textOnnx, text: textGraph, unet } = this.prepared;

    const config: InversionConfig = { ...m.teach.inversion, steps: req.steps ?? m.teach.inversion.steps, seed: req.seed ?? 0 };
    const templateIds = d.promptTemplates.map((t) => encodePrompt(tokenizer, d.tokenizer, t.replace('{}', word)));
    const start = performance.now();
    const result = await invertConcept(
      { text: textGraph, unet },
      {
        latentMean: req.posteriors.mean,
        latentLogvar: req.posteriors.logvar,
        latentShape: req.posteriors.shape,
        scaling: d.vae.scalingFactor,
        alphasCumprod: alphasCumprod(d.scheduler),
        templateIds,
        wordId,
        padId: d.tokenizer.padId,
      },
      startingRow(textOnnx, wordId),
      config,
      async (step, loss, row) => {
        const perStep = (performance.now() - start) / step;
        const preview = step % TEACH_PREVIEW_EVERY === 0 || step === config.steps;
        onProgress?.({
          phase: 'train',
          text: `Step ${step} of ${config.steps}`,
          done: step,
          total: config.steps,
          loss,
          etaSeconds: ((config.steps - step) * perStep) / 1000,
          ...(preview ? { row: row() } : {}),
        });
        // Let a cancel message in between steps (a step holds the thread for seconds).
        await new Promise((r) => setTimeout(r, 0));
        return this.cancelRequested ? false : undefined;
      },
    );
    return {
      ...result,
      word,
      wordId,
      backend: tf.getBackend(),
      msPerStep: result.losses.length ? (performance.now() - start) / result.losses.length : 0,
    };
  }

  async checkWord(baseUrl: string, m: Manifest, word: string): Promise<string> {
    const d = diffusionOf(m);
    if (!d) throw new EngineError('InvalidInput', `Pack ${m.id} has no text encoder to learn a word for`);
    const { data } = await loadFiles({ fetch: this.deps.fetch, cache: await this.deps.openCache() }, baseUrl, [d.tokenizer.file]);
    return wordOf(tokenizerOf(data, d.tokenizer.file.path), m, word).word;
  }

  async learnHeadRow(req: HeadRowRequest, onProgress?: (p: TeachProgress) => void): Promise<HeadRowLearned> {
    const m = req.manifest;
    const spec = m.teach?.headRow;
    const head = m.baselines?.cam.head;
    if (!spec || !head) throw new EngineError('InvalidInput', `Pack ${m.id} cannot teach its classifier (it has no teach.headRow)`);
    const [classes, dim] = head.shape as [number, number];
    if (req.positives.dim !== dim) {
      throw new EngineError('InvalidInput', `The new class's features have ${req.positives.dim} values, the head reads ${dim}`);
    }
    const cache = await this.deps.openCache();
    const { data } = await loadFiles({ fetch: this.deps.fetch, cache }, req.baseUrl, [head, spec.negatives], (p) =>
      onProgress?.({ phase: 'download', text: p.text, done: p.done, total: p.total }),
    );
    this.backendStarted ??= this.deps.startBackend();
    await this.backendStarted;
    const f32 = (path: string) => new Float32Array(data.get(path)!.slice().buffer);
    const start = performance.now();
    const result = await trainHeadRow(
      {
        weight: f32(head.path),
        bias: Float32Array.from(spec.bias),
        classes,
        dim,
        positives: req.positives.features,
        negatives: f32(spec.negatives.path),
        negativeLabels: Int32Array.from(spec.negativeLabels),
      },
      { ...DEFAULT_HEAD_ROW_CONFIG, steps: spec.steps, lr: spec.lr, weightDecay: spec.weightDecay },
      (step, loss) => {
        onProgress?.({ phase: 'classifier', text: `Classifier row: step ${step} of ${spec.steps}`, done: step, total: spec.steps, loss });
        return undefined;
      },
    );
    return { row: result.row, bias: result.bias, losses: result.losses, ms: performance.now() - start };
  }

  /** Free the prepared graphs' weights. */
  dispose(): void {
    this.prepared?.text.dispose();
    this.prepared?.unet.dispose();
    this.prepared = null;
  }
}

function tokenizerOf(files: ReadonlyMap<string, Uint8Array>, path: string): ReturnType<typeof loadTokenizer> {
  return loadTokenizer(JSON.parse(new TextDecoder().decode(files.get(path)!)), path);
}

/** The starting word, normalised, and its token id; refused (naming words it knows) unless it is one token of the vocabulary. */
function wordOf(tokenizer: ReturnType<typeof loadTokenizer>, m: Manifest, raw: string): { word: string; wordId: number } {
  const word = raw.trim().toLowerCase();
  const wordId = singleTokenId(tokenizer, word);
  if (wordId === null) {
    const words = m.classes.map((k) => k.metaToken ?? k.name).slice(0, 8);
    throw new EngineError(
      'InvalidInput',
      `"${raw}" is not one word of the pack's vocabulary; start from a word it knows, such as ${words.join(', ')}`,
    );
  }
  return { word, wordId };
}
