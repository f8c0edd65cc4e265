import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analysisFrame, DIFFUSION_SECTIONS, diffusionOf, packFiles, packRoles, parseManifest, parsePackIndex } from './manifest';
import { methodById } from './methods/registry';

const good = JSON.parse(readFileSync(new URL('../../public/models/fixture-tiny/manifest.json', import.meta.url), 'utf8'));
const clone = () => structuredClone(good) as Record<string, any>;

function rejects(mutate: (m: Record<string, any>) => void, fieldPattern: RegExp) {
  const m = clone();
  mutate(m);
  let err: unknown;
  try {
    parseManifest(m, 'test/manifest.json');
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name: 'ManifestInvalid' });
  expect((err as Error).message).toMatch(fieldPattern);
  expect((err as Error).message).toMatch(/test\/manifest\.json/);
}

describe('parseManifest', () => {
  it('accepts the committed fixture manifest', () => {
    const m = parseManifest(good, 'fixture');
    expect(m.id).toBe('fixture-tiny');
    expect(m.classes.length).toBe(6);
    expect(new Set(m.unetAttention!.map((a) => a.resolution))).toEqual(new Set([8, 16, 32]));
    expect(packFiles(m).length).toBeGreaterThanOrEqual(6);
  });

  it('rejects non-objects and a wrong schema version', () => {
    expect(() => parseManifest(null, 'x')).toThrow(/expected an object/);
    expect(() => parseManifest([], 'x')).toThrow(/expected an object/);
    rejects((m) => (m.schemaVersion = 2), /schemaVersion/);
  });

  it('names the field for missing or mistyped values', () => {
    rejects((m) => delete m.id, /"id".*missing/);
    rejects((m) => (m.id = 'Not Kebab'), /"id"/);
    rejects((m) => (m.genpromp.lambda = 1.5), /genpromp\.lambda.*outside/);
    rejects((m) => (m.genpromp.timesteps = [0, 1000]), /genpromp\.timesteps\[1\]/);
    rejects((m) => (m.genpromp.resolutions = [8, 64]), /no unetAttention output has resolution 64/);
    rejects((m) => (m.models.unet.variants[0].sha256 = 'abc'), /models\.unet\.variants\[0\]\.sha256/);
    rejects((m) => (m.models.unet.variants[0].precision = 'fp16'), /fp32 variant is required/);
    rejects((m) => delete m.models.classifier, /models\.classifier/);
    rejects((m) => (m.unetAttention[0].output = 'nope'), /"nope" is not among models\.unet\.outputs/);
    rejects((m) => (m.promptTemplates = ['a photo of a']), /exactly one "\{\}"/);
    rejects((m) => (m.classes[1].index = 5), /index order/);
    rejects((m) => (m.representativeEmbeddings.shape = [5, 32]), /rows but the pack lists 6 classes/);
  });

  it('asks for shards when one file would not fit a browser buffer', () => {
    rejects((m) => (m.models.unet.variants[0].bytes = 3_400_000_000), /split the weights into several externalData files/);
  });

  it('refuses paths that escape the pack', () => {
    rejects((m) => (m.tokenizer.file.path = '../../etc/passwd'), /relative path inside the pack/);
    rejects((m) => (m.models.vae_encoder.variants[0].path = 'https://evil.example/x.onnx'), /relative path/);
  });

  it('describes a full Stable Diffusion 1.x pack (77 tokens, 768-d, 64×64 latent, external data)', () => {
    const m = clone();
    m.id = 'sd14-genpromp-imagenet';
    m.tokenizer.contextLength = 77;
    m.textEncoder = { hiddenSize: 768, embedDim: 768 };
    m.classes = Array.from({ length: 1000 }, (_, i) => ({
      index: i,
      name: `c${i}`,
      displayName: `Class ${i}`,
      metaToken: 'dog',
      conceptToken: `<imagenet-${i}>`,
    }));
    m.representativeEmbeddings = {
      path: 'tokens.f32',
      bytes: 1000 * 768 * 4,
      sha256: 'a'.repeat(64),
      dtype: 'float32',
      shape: [1000, 768],
    };
    m.vae.latentSize = [64, 64];
    m.preprocess.size = [512, 512];
    const shard = (i: number) => ({ path: `unet.onnx.data.${i}`, bytes: 1_700_000_000, sha256: 'b'.repeat(64) });
    m.models.unet.variants = [
      {
        path: 'unet.onnx',
        bytes: 900_000,
        sha256: 'c'.repeat(64),
        precision: 'fp32',
        backends: ['webgpu', 'wasm'],
        requires: [],
        externalData: [shard(0), shard(1)],
      },
      {
        path: 'unet.fp16.onnx',
        bytes: 900_000,
        sha256: 'd'.repeat(64),
        precision: 'fp16',
        backends: ['webgpu'],
        requires: ['shader-f16'],
        externalData: [shard(2)],
      },
    ];
    const parsed = parseManifest(m, 'sd');
    expect(parsed.models.unet!.variants[0]!.externalData.length).toBe(2);
    expect(packFiles(parsed, new Set(['unet.onnx'])).some((f) => f.path === 'unet.onnx.data.1')).toBe(true);
    expect(packFiles(parsed, new Set(['unet.onnx'])).some((f) => f.path === 'unet.onnx.data.2')).toBe(false);
  });
});

describe('parsePackIndex', () => {
  it('reads the committed index and rejects an empty one', () => {
    const idx = parsePackIndex(JSON.parse(readFileSync(new URL('../../public/models/index.json', import.meta.url), 'utf8')), 'index');
    expect(idx.some((p) => p.default)).toBe(true);
    expect(() => parsePackIndex({ packs: [] }, 'index')).toThrow(/at least 1/);
  });
});

describe('parseManifest: baselines', () => {
  const toy = JSON.parse(readFileSync(new URL('../../public/models/toyworld/manifest.json', import.meta.url), 'utf8'));
  const check = (mutate: (m: Record<string, any>) => void, pattern: RegExp) => {
    const m = structuredClone(toy);
    mutate(m);
    expect(() => parseManifest(m, 'toy/manifest.json')).toThrow(pattern);
  };

  it('reads the toy-world pack: CAM head, LPCAM prototypes with per-class ranges, SAT blocks', () => {
    const m = parseManifest(toy, 'toy');
    expect(m.baselines?.cam.head.shape).toEqual([30, m.models.classifier.outputs[1]!.dims[1]]);
    expect(m.baselines?.lpcam?.ranges).toHaveLength(30);
    expect(m.baselines?.sat?.blocks).toHaveLength(3);
    expect(m.models.sat).toBeDefined();
    const files = packFiles(m).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['cam_head.f32', 'lpcam_prototypes.f32', 'sat.onnx']));
  });

  it("reads the toy-world pack's teach section, whose UNet is fetched on first use, not with the pack", () => {
    const m = parseManifest(toy, 'toy');
    expect(m.teach?.unet.path).toBe('unet_teach.onnx');
    expect(m.teach?.unet.outputs.map((o) => o.name)).toEqual(['noise_pred']);
    expect(m.teach?.inversion).toEqual({ steps: 40, batch: 8, lr: 0.01, weightDecay: 0.01, flip: true });
    expect(m.teach?.startWords.slice(0, 3)).toEqual(['animal', 'vehicle', 'bird']);
    expect(packFiles(m).map((f) => f.path)).toContain('unet_teach.onnx');
    const atLoad = new Set(packRoles(m).flatMap((r) => m.models[r]!.variants.map((v) => v.path)));
    expect(packFiles(m, atLoad).map((f) => f.path)).not.toContain('unet_teach.onnx');
  });

  it('rejects a teach section without ε or with a bad setting, naming the field', () => {
    const noEps = structuredClone(toy);
    noEps.teach.unet.outputs[0].name = 'attn';
    expect(() => parseManifest(noEps, 'toy')).toThrow(/teach\.unet\.outputs.*noise_pred/);
    const badFlip = structuredClone(toy);
    badFlip.teach.inversion.flip = 'yes';
    expect(() => parseManifest(badFlip, 'toy')).toThrow(/teach\.inversion\.flip/);
    const noSteps = structuredClone(toy);
    delete noSteps.teach.inversion.steps;
    expect(() => parseManifest(noSteps, 'toy')).toThrow(/teach\.inversion\.steps/);
  });

  /** The toy-world manifest with every diffusion section and model removed. */
  const classifierOnly = () => {
    const m = structuredClone(toy);
    for (const k of [...DIFFUSION_SECTIONS, 'teach']) delete m[k];
    for (const r of ['vae_encoder', 'text_encoder', 'unet']) delete m.models[r];
    for (const c of m.classes) {
      delete c.metaToken;
      delete c.conceptToken;
    }
    m.defaultThreshold = 0.35;
    return m;
  };

  it('reads a classifier-only pack: no diffusion sections, the classifier frame, its own threshold', () => {
    const m = parseManifest(classifierOnly(), 'photo');
    expect(m.genpromp).toBeUndefined();
    expect(m.tokenizer).toBeUndefined();
    expect(diffusionOf(m)).toBeNull();
    expect(packRoles(m)).toEqual(['classifier', 'sat']);
    expect(m.defaultThreshold).toBe(0.35);
    expect(analysisFrame(m)).toEqual(m.classifierPreprocess.size);
    expect(m.classes[0]!.metaToken).toBeUndefined();
    const files = packFiles(m).map((f) => f.path);
    expect(files).not.toContain('tokenizer.json');
    expect(files).toEqual(expect.arrayContaining(['classifier.onnx', 'cam_head.f32']));
    expect(methodById('genpromp').unavailable(m)).toMatch(/GenPromp needs a Stable Diffusion pack/);
    expect(methodById('cam').unavailable(m)).toBeNull();
  });

  it('reads the committed imagenet-lite0 photo pack as classifier-only', () => {
    const photo = JSON.parse(readFileSync(new URL('../../public/models/imagenet-lite0/manifest.json', import.meta.url), 'utf8'));
    const m = parseManifest(photo, 'imagenet-lite0');
    expect(diffusionOf(m)).toBeNull();
    expect(m.classes).toHaveLength(1000);
    expect(m.baselines?.cam.head.shape).toEqual([1000, 1280]);
    expect(analysisFrame(m)).toEqual([224, 224]);
    expect(methodById('cam').unavailable(m)).toBeNull();
    expect(methodById('lpcam').unavailable(m)).not.toBeNull();
  });

  it("takes a diffusion pack's default threshold from GenPromp unless the pack states one", () => {
    const m = parseManifest(toy, 'toy');
    expect(m.defaultThreshold).toBe(toy.genpromp.threshold);
    expect(analysisFrame(m)).toEqual(m.preprocess.size);
    expect(parseManifest({ ...structuredClone(toy), defaultThreshold: 0.2 }, 'toy').defaultThreshold).toBe(0.2);
  });

  it('names the field when the diffusion sections are partly present', () => {
    const partly = (mutate: (m: Record<string, any>) => void, pattern: RegExp) => {
      const m = classifierOnly();
      mutate(m);
      expect(() => parseManifest(m, 'photo/manifest.json')).toThrow(pattern);
    };
    partly((m) => (m.genpromp = toy.genpromp), /at "tokenizer": is missing but genpromp is present/);
    partly((m) => (m.models.unet = toy.models.unet), /at "tokenizer": is missing but models\.unet is present/);
    check((m) => delete m.models.text_encoder, /at "models\.text_encoder": is missing but tokenizer is present/);
    check((m) => delete m.unetAttention, /at "unetAttention": is missing but tokenizer is present/);
    check((m) => delete m.classes[3].conceptToken, /classes\[3\]\.conceptToken/);
    partly((m) => delete m.defaultThreshold, /at "defaultThreshold": expected a number/);
    partly((m) => delete m.baselines, /at "baselines": is missing, and a classifier-only pack/);
  });

  it('is optional: packs without it parse with baselines = null', () => {
    expect(parseManifest(good, 'fixture').baselines).toBeNull();
  });

  it('names the field when the baselines do not fit the models', () => {
    check(
      (m) => (m.baselines.cam.featureOutput = 'nope'),
      /baselines\.cam\.featureOutput.*"nope" is not among models\.classifier\.outputs/,
    );
    check((m) => {
      const k = m.baselines.cam.head.shape[1];
      m.baselines.cam.head.shape = [29, k];
      m.baselines.cam.head.bytes = 29 * k * 4;
    }, /baselines\.cam\.head\.shape\[0\].*29 rows/);
    check((m) => (m.baselines.cam.head.bytes = 12), /baselines\.cam\.head\.bytes.*do not hold a float32/);
    check((m) => (m.baselines.lpcam.ranges[3].class = [0, 0]), /baselines\.lpcam\.ranges\[3\]\.class.*non-empty range/);
    check((m) => (m.baselines.lpcam.ranges[3].context = [100000, 1]), /baselines\.lpcam\.ranges\[3\]\.context/);
    check((m) => m.baselines.lpcam.ranges.pop(), /baselines\.lpcam\.ranges.*29 entries/);
    check((m) => delete m.models.sat, /baselines\.sat.*models\.sat is missing/);
    check((m) => (m.baselines.sat.grid = 8), /baselines\.sat.*expected \[batch, 3, 8, 8\]/);
  });

  it("gives SAT the classifier's input unless the pack names SAT's own (a pretrained classifier keeps its weights' normalisation)", () => {
    // Without satPreprocess, SAT takes the classifier's input: same size, same normalisation.
    const shared = structuredClone(toy);
    delete shared.satPreprocess;
    shared.models.classifier.inputs[0].dims = [...shared.models.sat.inputs[0].dims];
    shared.classifierPreprocess.size = shared.models.sat.inputs[0].dims.slice(2);
    expect(parseManifest(shared, 'toy').satPreprocess).toEqual(parseManifest(shared, 'toy').classifierPreprocess);
    // The toy pack's Lite0 classifier (192², ImageNet-style normalisation) and its SAT (128², 0.5/0.25) differ.
    const own = {
      ...structuredClone(toy),
      satPreprocess: { size: [128, 128], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    };
    const m = parseManifest(own, 'toy');
    expect(m.satPreprocess).toEqual(own.satPreprocess);
    expect(m.classifierPreprocess).toEqual(toy.classifierPreprocess);
    expect(parseManifest(good, 'fixture').satPreprocess).toBeNull();
  });

  it("names the field when SAT's input does not fit", () => {
    const sat = { size: toy.classifierPreprocess.size, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
    check(
      (m) => (m.satPreprocess = { ...sat, size: [64, 64] }),
      /at "satPreprocess\.size": is \[64, 64\] but models\.sat takes \[batch, 3, /,
    );
    check((m) => (m.satPreprocess = { ...sat, std: [1, 1] }), /satPreprocess\.std/);
    check((m) => {
      m.satPreprocess = sat;
      delete m.models.sat;
      delete m.baselines.sat;
    }, /at "satPreprocess": is set but models\.sat is missing/);
    check((m) => {
      delete m.satPreprocess;
      m.classifierPreprocess.size = [64, 64];
    }, /at "classifierPreprocess\.size": .*SAT needs its own satPreprocess/);
  });
});
