/**
 * The Stable Diffusion path, kept honest without Stable Diffusion weights:
 * - the app's tokenizer (@huggingface/tokenizers on the exporter's tokenizer.json, converted from
 *   CLIP's real BPE vocabulary) gives the Python `tokenizers` ids for GenPromp's prompts
 *   (fixtures/golden/clip-tokens.json, python/scripts/write_clip_token_golden.py);
 * - the TS GenPromp pipeline on the committed sd-tiny-random pack (SD 1.x architecture with
 *   random weights: 512² input, 64×64 latent, 77 tokens, attention groups G8 mid, G16 down,
 *   G16 up) matches the diffusers reference (fixtures/golden/genpromp-sd-tiny-random.json,
 *   python/scripts/write_sd_tiny_golden.py) to 1e-4, fp32 on ORT's wasm backend.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateAttention, localize, type AttentionMaps } from '@shared/genpromp/aggregate';
import { genprompMapsRequest } from '@shared/genpromp/method';
import { checkTokenPosition, encodePrompt } from '@shared/genpromp/prompts';
import { resizeForModel } from '@shared/image/preprocess';
import { type DiffusionManifest, diffusionOf } from '@shared/manifest';
import { nodeEngine, packUrl, readPng, repoRoot } from '../../testing/nodeEngine';
import { loadTokenizer } from './tokenizer';

const PACK = `${repoRoot}public/models/sd-tiny-random/`;
const TOL = 1e-4;

interface TokenGolden {
  concepts: string[];
  cases: Array<{ text: string; ids: number[] }>;
}
interface SdGolden {
  image: string;
  resizedSha256: string;
  classIndex: number;
  lambda: number;
  timesteps: number[];
  threshold: number;
  maps: Record<string, Record<string, number[]>>;
  cam: number[];
  boxesLargest: number[][];
  boxesAll: number[][];
  boxesLargestTau60: number[][];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const manifest = diffusionOf(readJson(`${PACK}manifest.json`)) as DiffusionManifest;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('CLIP tokenizer.json in the app (sd-tiny-random, real CLIP vocabulary)', () => {
  const tok = loadTokenizer(readJson(`${PACK}${manifest.tokenizer.file.path}`), 'sd-tiny-random tokenizer.json');
  const golden = readJson<TokenGolden>(`${repoRoot}fixtures/golden/clip-tokens.json`);

  for (const c of golden.cases) {
    it(`encodes "${c.text}" as Python's tokenizers does`, () => {
      expect(Array.from(encodePrompt(tok, manifest.tokenizer, c.text))).toEqual(c.ids);
    });
  }

  it('has each concept token as one added token with id 49408 + k', () => {
    golden.concepts.forEach((token, k) => {
      expect(tok.tokenToId(token)).toBe(49408 + k);
      expect(tok.encodeWords(token)).toEqual([49408 + k]);
    });
  });

  it('puts every class word and concept token at index 5 in all 7 templates', () => {
    expect(() => checkTokenPosition(tok, manifest)).not.toThrow();
  });
});

describe('GenPromp pipeline on sd-tiny-random vs the diffusers reference (fp32, wasm)', () => {
  const engine = nodeEngine();
  const g = readJson<SdGolden>(`${repoRoot}fixtures/golden/genpromp-sd-tiny-random.json`);
  let raw: AttentionMaps;

  beforeAll(async () => {
    await engine.init('wasm', { precision: 'fp32' });
    await engine.loadPack(packUrl('public/models/sd-tiny-random'));
    const px = await readPng(`${repoRoot}${g.image}`);
    const rgb = resizeForModel(px.rgba, px.width, px.height, manifest.preprocess.alphaBackground, manifest.preprocess.size);
    expect(createHash('sha256').update(rgb).digest('hex')).toBe(g.resizedSha256);
    const { imageKey } = await engine.analyzeImage(px);
    raw = (await engine.maps(genprompMapsRequest(imageKey, g.classIndex, { lambda: g.lambda, timesteps: g.timesteps })))
      .raw as AttentionMaps;
  });

  it('gives the six attn2 maps of GenPromp’s three groups at every timestep', () => {
    for (const [t, layers] of Object.entries(g.maps)) {
      for (const [name, values] of Object.entries(layers)) {
        expect(maxAbsDiff(raw[Number(t)]![name]!, values), `t=${t} ${name}`).toBeLessThan(TOL);
      }
    }
  });

  it('aggregates to the reference map and draws the same boxes', () => {
    const g8g16 = aggregateAttention(raw, {
      timesteps: g.timesteps,
      resolutions: manifest.genpromp.resolutions,
      outputs: manifest.unetAttention,
      latentSize: manifest.vae.latentSize,
    });
    expect(g8g16).not.toBeNull();
    expect(maxAbsDiff(g8g16!, g.cam)).toBeLessThan(TOL);
    const frame = manifest.preprocess.size;
    expect(localize(g8g16!, manifest.vae.latentSize, frame, g.threshold, 'largest').boxes).toEqual(g.boxesLargest);
    const all = localize(g8g16!, manifest.vae.latentSize, frame, g.threshold, 'all').boxes;
    expect([...all].sort()).toEqual([...g.boxesAll].sort());
    expect(localize(g8g16!, manifest.vae.latentSize, frame, 0.6, 'largest').boxes).toEqual(g.boxesLargestTau60);
  });
});
