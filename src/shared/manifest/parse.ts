/**
 * Run-time validation of a manifest (external input): `parseManifest` rejects anything
 * malformed with a ManifestInvalid error naming the offending field.
 */
import { METHOD_MODEL_ROLES } from '../methods/registry';
import { Checker, describe, type Obj } from './check';
import {
  type AttentionOutput,
  DIFFUSION_SECTIONS,
  type DiffusionManifest,
  type DiffusionRole,
  type DiffusionSection,
  type BaselinesSpec,
  type ClassEntry,
  type CoreRole,
  type FileRef,
  type Float32FileRef,
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type ModelEntry,
  type ModelRole,
  type NormalizedInput,
  type PackIndexEntry,
  type RowRange,
  type TeachSpec,
  type HeadRowSpec,
  type TensorSpec,
} from './types';

const DIFFUSION_ROLES: readonly DiffusionRole[] = ['vae_encoder', 'text_encoder', 'unet'];
const CORE_ROLES: readonly CoreRole[] = [...DIFFUSION_ROLES, 'classifier'];

/** Roles a pack may add beyond the core ones: those some method of the registry runs. */
const OPTIONAL_ROLES: readonly ModelRole[] = METHOD_MODEL_ROLES.filter((r) => !(CORE_ROLES as readonly ModelRole[]).includes(r));

/** The models of this pack, in load order: the core ones it has (all four, or the classifier alone), then the optional ones. */
export function packRoles(m: Pick<Manifest, 'models'>): ModelRole[] {
  return [...CORE_ROLES, ...OPTIONAL_ROLES].filter((r) => r === 'classifier' || m.models[r] !== undefined);
}

/**
 * Validate untrusted JSON as a Manifest. `source` (URL or path) goes into messages.
 * Throws EngineError('ManifestInvalid') on the first problem found.
 */
export function parseManifest(json: unknown, source: string): Manifest {
  const c = new Checker(source);
  const m = c.obj(json, '$');
  if (m.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    c.fail('schemaVersion', `this app reads schema version ${MANIFEST_SCHEMA_VERSION}, the pack says ${describe(m.schemaVersion)}`);
  }
  const id = c.str(m.id, 'id', /^[a-z0-9]+(-[a-z0-9]+)*$/);
  const license = c.obj(m.license, 'license');
  const producer = c.obj(m.producer, 'producer');
  const pre = c.obj(m.preprocess, 'preprocess');
  const models = c.obj(m.models, 'models');
  const isDiffusionPack = diffusionPresence(c, m, models);

  const classes = c.arr(m.classes, 'classes', 1).map((x, i): ClassEntry => {
    const o = c.obj(x, `classes[${i}]`);
    const entry: ClassEntry = {
      index: c.int(o.index, `classes[${i}].index`),
      name: c.str(o.name, `classes[${i}].name`),
      displayName: c.str(o.displayName, `classes[${i}].displayName`),
    };
    // GenPromp puts these words in its prompts; a classifier-only pack may still name them.
    if (isDiffusionPack || o.metaToken !== undefined) entry.metaToken = c.str(o.metaToken, `classes[${i}].metaToken`);
    if (isDiffusionPack || o.conceptToken !== undefined) entry.conceptToken = c.str(o.conceptToken, `classes[${i}].conceptToken`);
    if (entry.index !== i) c.fail(`classes[${i}].index`, `classes must be listed in index order, found ${entry.index}`);
    return entry;
  });

  const parsedModels = {} as Manifest['models'];
  for (const role of packRoles({ models: models as Manifest['models'] })) {
    const me = c.obj(models[role], `models.${role}`);
    parsedModels[role] = {
      role,
      inputs: c.arr(me.inputs, `models.${role}.inputs`, 1).map((t, i) => c.tensor(t, `models.${role}.inputs[${i}]`)),
      outputs: c.arr(me.outputs, `models.${role}.outputs`, 1).map((t, i) => c.tensor(t, `models.${role}.outputs[${i}]`)),
      variants: c.arr(me.variants, `models.${role}.variants`, 1).map((v, i) => {
        const p = `models.${role}.variants[${i}]`;
        const o = c.obj(v, p);
        return {
          ...c.fileRef(o, p),
          precision: c.oneOf(o.precision, `${p}.precision`, ['fp32', 'fp16', 'int8', 'q4f16'] as const),
          requires: c.arr(o.requires ?? [], `${p}.requires`).map((r, j) => c.str(r, `${p}.requires[${j}]`)),
          backends: c.arr(o.backends, `${p}.backends`, 1).map((b, j) => c.oneOf(b, `${p}.backends[${j}]`, ['webgpu', 'wasm'] as const)),
          externalData: c.arr(o.externalData ?? [], `${p}.externalData`).map((e, j) => c.fileRef(e, `${p}.externalData[${j}]`)),
        };
      }),
    };
    if (!parsedModels[role]!.variants.some((v) => v.precision === 'fp32')) {
      c.fail(`models.${role}.variants`, 'an fp32 variant is required (it is the fallback on every device)');
    }
  }

  const diffusion = isDiffusionPack ? parseDiffusion(c, m, parsedModels, classes.length) : null;
  // Without GenPromp, the CAM head is what a pack shows; a pack with neither would show nothing.
  if (!diffusion && (m.baselines === undefined || m.baselines === null)) {
    c.fail('baselines', 'is missing, and a classifier-only pack (no GenPromp sections) needs baselines.cam to show any method');
  }
  // A classifier-only pack has no GenPromp threshold to start from, so it must state its own.
  const defaultThreshold =
    m.defaultThreshold !== undefined || !diffusion ? c.num(m.defaultThreshold, 'defaultThreshold', 0, 1) : diffusion.genpromp.threshold;

  const size2 = (v: unknown, p: string) => c.tuple(v, p, 2, (x, q) => c.int(x, q, 1, 8192)) as [number, number];
  const rgb = (v: unknown, p: string) => c.tuple(v, p, 3, (x, q) => c.num(x, q)) as [number, number, number];
  const normalized = (v: unknown, p: string): NormalizedInput => {
    const o = c.obj(v, p);
    return { size: size2(o.size, `${p}.size`), mean: rgb(o.mean, `${p}.mean`), std: rgb(o.std, `${p}.std`) };
  };
  const classifierPreprocess = normalized(m.classifierPreprocess, 'classifierPreprocess');
  const baselines = m.baselines === undefined ? null : parseBaselines(c, m.baselines, parsedModels, classes.length);
  const satPreprocess = parseSatPreprocess(c, m, parsedModels, classifierPreprocess, normalized);
  const teach = m.teach === undefined || m.teach === null ? null : parseTeach(c, m.teach, diffusion !== null, baselines, classes.length);

  return {
    schemaVersion: 1,
    id,
    label: c.str(m.label, 'label'),
    description: c.str(m.description, 'description'),
    license: {
      spdx: c.str(license.spdx, 'license.spdx'),
      attribution: license.attribution === null ? null : c.fileRef(license.attribution, 'license.attribution'),
      notes: c.optStr(license.notes ?? '', 'license.notes'),
    },
    producer: {
      script: c.str(producer.script, 'producer.script'),
      gitCommit: c.optStr(producer.gitCommit ?? '', 'producer.gitCommit'),
      torch: c.optStr(producer.torch ?? '', 'producer.torch'),
      onnx: c.optStr(producer.onnx ?? '', 'producer.onnx'),
      opset: c.int(producer.opset, 'producer.opset', 7, 30),
      createdAt: c.optStr(producer.createdAt ?? '', 'producer.createdAt'),
    },
    preprocess: {
      size: size2(pre.size, 'preprocess.size'),
      resize: c.oneOf(pre.resize, 'preprocess.resize', ['pil-bicubic'] as const),
      range: c.tuple(pre.range, 'preprocess.range', 2, (x, p) => c.num(x, p)) as [number, number],
      alphaBackground: c.tuple(pre.alphaBackground, 'preprocess.alphaBackground', 3, (x, p) => c.int(x, p, 0, 255)) as [
        number,
        number,
        number,
      ],
    },
    classifierPreprocess,
    satPreprocess,
    classes,
    ...diffusion,
    models: parsedModels,
    defaultThreshold,
    baselines,
    teach,
  };
}

function parseTeach(c: Checker, v: unknown, diffusion: boolean, baselines: BaselinesSpec | null, numClasses: number): TeachSpec {
  if (!diffusion) c.fail('teach', 'needs the GenPromp sections (a text encoder and a UNet to invert through)');
  const t = c.obj(v, 'teach');
  const u = c.obj(t.unet, 'teach.unet');
  const specs = (x: unknown, p: string) => c.arr(x, p, 1).map((s, i) => c.tensor(s, `${p}[${i}]`));
  const inputs = specs(u.inputs, 'teach.unet.inputs');
  const outputs = specs(u.outputs, 'teach.unet.outputs');
  for (const name of ['sample', 'timestep', 'encoder_hidden_states']) {
    if (!inputs.some((s) => s.name === name)) c.fail('teach.unet.inputs', `lacks "${name}"`);
  }
  if (!outputs.some((s) => s.name === 'noise_pred')) c.fail('teach.unet.outputs', 'lacks "noise_pred" (the ε the loss compares)');
  const inv = c.obj(t.inversion, 'teach.inversion');
  return {
    unet: { ...c.fileRef(u, 'teach.unet'), inputs, outputs },
    inversion: {
      steps: c.int(inv.steps, 'teach.inversion.steps', 1, 100_000),
      batch: c.int(inv.batch, 'teach.inversion.batch', 1, 1024),
      lr: c.num(inv.lr, 'teach.inversion.lr', 0, 10),
      weightDecay: c.num(inv.weightDecay, 'teach.inversion.weightDecay', 0, 10),
      flip: c.bool(inv.flip, 'teach.inversion.flip'),
    },
    startWords: t.startWords === undefined ? [] : c.arr(t.startWords, 'teach.startWords').map((w, i) => c.str(w, `teach.startWords[${i}]`)),
    headRow: t.headRow === undefined || t.headRow === null ? null : parseHeadRow(c, t.headRow, baselines, numClasses),
  };
}

/** The classifier half of teaching: a new row of CAM's head, trained against the pack's bank of negatives. */
function parseHeadRow(c: Checker, v: unknown, baselines: BaselinesSpec | null, numClasses: number): HeadRowSpec {
  const h = c.obj(v, 'teach.headRow');
  if (!baselines) c.fail('teach.headRow', "needs the baselines section (the new row joins CAM's head)");
  const negatives = float32Ref(c, h.negatives, 'teach.headRow.negatives', 2);
  const dim = baselines.cam.head.shape[1]!;
  if (negatives.shape[1] !== dim) c.fail('teach.headRow.negatives.shape[1]', `is ${negatives.shape[1]} but CAM's head has ${dim} features`);
  const labels = c
    .arr(h.negativeLabels, 'teach.headRow.negativeLabels', 1)
    .map((x, i) => c.int(x, `teach.headRow.negativeLabels[${i}]`, 0, numClasses - 1));
  if (labels.length !== negatives.shape[0]) {
    c.fail('teach.headRow.negativeLabels', `has ${labels.length} labels for ${negatives.shape[0]} negatives`);
  }
  const bias = c.arr(h.bias, 'teach.headRow.bias', 1).map((x, i) => c.num(x, `teach.headRow.bias[${i}]`));
  if (bias.length !== numClasses) c.fail('teach.headRow.bias', `has ${bias.length} values for ${numClasses} classes`);
  return {
    negatives,
    negativeLabels: labels,
    bias,
    steps: c.int(h.steps, 'teach.headRow.steps', 1, 100_000),
    lr: c.num(h.lr, 'teach.headRow.lr', 0, 10),
    weightDecay: c.num(h.weightDecay, 'teach.headRow.weightDecay', 0, 10),
    augmentCopies: c.int(h.augmentCopies, 'teach.headRow.augmentCopies', 0, 256),
  };
}

/** A little-endian float32 array file of the pack: its FileRef, whose size must match its shape. */
function float32Ref(c: Checker, x: unknown, p: string, rank: number): Float32FileRef {
  const o = c.obj(x, p);
  const shape = c.arr(o.shape, `${p}.shape`, rank).map((d, i) => c.int(d, `${p}.shape[${i}]`, 1));
  if (shape.length !== rank) c.fail(`${p}.shape`, `expected ${rank} dimensions, got ${shape.length}`);
  const ref = c.fileRef(o, p);
  if (ref.bytes !== shape.reduce((a, d) => a * d, 4))
    c.fail(`${p}.bytes`, `${ref.bytes} bytes do not hold a float32 [${shape.join(', ')}] array`);
  return { ...ref, dtype: 'float32', shape };
}

/**
 * SAT's input: `satPreprocess` where the pack names one (SAT trained on another normalisation than
 * the classifier), else the classifier's, as in packs made before the field; null without SAT.
 */
function parseSatPreprocess(
  c: Checker,
  m: Obj,
  models: Manifest['models'],
  classifier: NormalizedInput,
  normalized: (v: unknown, p: string) => NormalizedInput,
): NormalizedInput | null {
  if (!models.sat) {
    if (m.satPreprocess !== undefined) c.fail('satPreprocess', 'is set but models.sat is missing');
    return null;
  }
  const field = m.satPreprocess === undefined ? 'classifierPreprocess' : 'satPreprocess';
  const input = m.satPreprocess === undefined ? classifier : normalized(m.satPreprocess, 'satPreprocess');
  const dims = models.sat.inputs[0]!.dims;
  if ([dims[2], dims[3]].some((d, i) => typeof d === 'number' && d !== input.size[i])) {
    c.fail(`${field}.size`, `is [${input.size.join(', ')}] but models.sat takes [${dims.join(', ')}]: SAT needs its own satPreprocess`);
  }
  return input;
}

/**
 * Whether the pack is a diffusion pack: every diffusion section and model role
 * present (true) or none of them (false). A mix fails naming the first missing one.
 */
function diffusionPresence(c: Checker, m: Obj, models: Obj): boolean {
  const present = [
    ...DIFFUSION_SECTIONS.map((k) => ({ field: k as string, here: m[k] !== undefined && m[k] !== null })),
    ...DIFFUSION_ROLES.map((r) => ({ field: `models.${r}`, here: models[r] !== undefined && models[r] !== null })),
  ];
  const first = present.find((p) => p.here);
  const missing = present.find((p) => !p.here);
  if (first && missing) {
    c.fail(
      missing.field,
      `is missing but ${first.field} is present: a Stable Diffusion pack needs every one of ${present.map((p) => p.field).join(', ')}, ` +
        'and a classifier-only pack none of them',
    );
  }
  return first !== undefined;
}

type DiffusionSections = Pick<DiffusionManifest, DiffusionSection>;

function parseDiffusion(c: Checker, m: Obj, models: Manifest['models'], numClasses: number): DiffusionSections {
  const tok = c.obj(m.tokenizer, 'tokenizer');
  const vae = c.obj(m.vae, 'vae');
  const sch = c.obj(m.scheduler, 'scheduler');
  const te = c.obj(m.textEncoder, 'textEncoder');
  const gp = c.obj(m.genpromp, 'genpromp');
  const rep = c.obj(m.representativeEmbeddings, 'representativeEmbeddings');
  const contextLength = c.int(tok.contextLength, 'tokenizer.contextLength', 4, 4096);

  const embedDim = c.int(te.embedDim, 'textEncoder.embedDim', 1);
  const repShape = c.tuple(rep.shape, 'representativeEmbeddings.shape', 2, (x, p) => c.int(x, p, 1)) as [number, number];
  if (repShape[0] !== numClasses) {
    c.fail('representativeEmbeddings.shape[0]', `has ${repShape[0]} rows but the pack lists ${numClasses} classes`);
  }
  if (repShape[1] !== embedDim) {
    c.fail('representativeEmbeddings.shape[1]', `is ${repShape[1]} but textEncoder.embedDim is ${embedDim}`);
  }
  const repRef = c.fileRef(rep, 'representativeEmbeddings');
  if (repRef.bytes !== repShape[0] * repShape[1] * 4) {
    c.fail('representativeEmbeddings.bytes', `${repRef.bytes} bytes do not hold a float32 [${repShape.join(', ')}] array`);
  }

  const templates = c.arr(m.promptTemplates, 'promptTemplates', 1).map((t, i) => {
    const s = c.str(t, `promptTemplates[${i}]`);
    if (s.split('{}').length !== 2) c.fail(`promptTemplates[${i}]`, `"${s}" must contain exactly one "{}" slot`);
    return s;
  });

  const unetOutputs = new Set(models.unet!.outputs.map((o) => o.name));
  const unetAttention = c.arr(m.unetAttention, 'unetAttention', 1).map((x, i): AttentionOutput => {
    const p = `unetAttention[${i}]`;
    const o = c.obj(x, p);
    const a: AttentionOutput = {
      output: c.str(o.output, `${p}.output`),
      resolution: c.int(o.resolution, `${p}.resolution`, 1, 512),
      block: c.oneOf(o.block, `${p}.block`, ['down', 'mid', 'up'] as const),
      blockIndex: c.int(o.blockIndex, `${p}.blockIndex`),
      layer: c.int(o.layer, `${p}.layer`),
      heads: c.int(o.heads, `${p}.heads`, 1),
    };
    if (!unetOutputs.has(a.output)) c.fail(`${p}.output`, `"${a.output}" is not among models.unet.outputs`);
    return a;
  });
  const resolutionsAvailable = new Set(unetAttention.map((a) => a.resolution));

  const numTrainTimesteps = c.int(sch.numTrainTimesteps, 'scheduler.numTrainTimesteps', 1, 100000);
  const timestep = (x: unknown, p: string) => c.int(x, p, 0, numTrainTimesteps - 1);
  const genpromp: DiffusionManifest['genpromp'] = {
    lambda: c.num(gp.lambda, 'genpromp.lambda', 0, 1),
    timesteps: c.arr(gp.timesteps, 'genpromp.timesteps', 1).map((x, i) => timestep(x, `genpromp.timesteps[${i}]`)),
    timestepChoices: c.arr(gp.timestepChoices, 'genpromp.timestepChoices', 1).map((x, i) => timestep(x, `genpromp.timestepChoices[${i}]`)),
    resolutions: c.arr(gp.resolutions, 'genpromp.resolutions', 1).map((x, i) => {
      const r = c.int(x, `genpromp.resolutions[${i}]`, 1);
      if (!resolutionsAvailable.has(r)) c.fail(`genpromp.resolutions[${i}]`, `no unetAttention output has resolution ${r}`);
      return r;
    }),
    tokenPosition: c.int(gp.tokenPosition, 'genpromp.tokenPosition', 1, contextLength - 1),
    threshold: c.num(gp.threshold, 'genpromp.threshold', 0, 1),
    latentSampling: c.oneOf(gp.latentSampling, 'genpromp.latentSampling', ['sample', 'mean'] as const),
    noiseSeed: c.int(gp.noiseSeed, 'genpromp.noiseSeed', 0, 0xffffffff),
  };
  const size2 = (v: unknown, p: string) => c.tuple(v, p, 2, (x, q) => c.int(x, q, 1, 8192)) as [number, number];

  return {
    tokenizer: {
      file: c.fileRef(tok.file, 'tokenizer.file'),
      contextLength,
      bosId: c.int(tok.bosId, 'tokenizer.bosId'),
      eosId: c.int(tok.eosId, 'tokenizer.eosId'),
      padId: c.int(tok.padId, 'tokenizer.padId'),
    },
    representativeEmbeddings: { ...repRef, dtype: 'float32', shape: repShape },
    promptTemplates: templates,
    vae: {
      scalingFactor: c.num(vae.scalingFactor, 'vae.scalingFactor', 0),
      latentChannels: c.int(vae.latentChannels, 'vae.latentChannels', 1),
      latentSize: size2(vae.latentSize, 'vae.latentSize'),
    },
    scheduler: {
      type: c.oneOf(sch.type, 'scheduler.type', ['ddpm'] as const),
      betaSchedule: c.oneOf(sch.betaSchedule, 'scheduler.betaSchedule', ['scaled_linear', 'linear'] as const),
      betaStart: c.num(sch.betaStart, 'scheduler.betaStart', 0, 1),
      betaEnd: c.num(sch.betaEnd, 'scheduler.betaEnd', 0, 1),
      numTrainTimesteps,
    },
    textEncoder: { hiddenSize: c.int(te.hiddenSize, 'textEncoder.hiddenSize', 1), embedDim },
    unetAttention,
    genpromp,
  };
}

function parseBaselines(c: Checker, v: unknown, models: Manifest['models'], numClasses: number): BaselinesSpec {
  const b = c.obj(v, 'baselines');
  const f32 = (x: unknown, p: string, rank: number): Float32FileRef => float32Ref(c, x, p, rank);
  const output = (entry: ModelEntry, name: unknown, p: string): TensorSpec => {
    const n = c.str(name, p);
    const spec = entry.outputs.find((o) => o.name === n);
    if (!spec) c.fail(p, `"${n}" is not among models.${entry.role}.outputs`);
    return spec;
  };

  const cam = c.obj(b.cam, 'baselines.cam');
  const features = output(models.classifier, cam.featureOutput, 'baselines.cam.featureOutput');
  const channels = features.dims[1];
  const head = f32(cam.head, 'baselines.cam.head', 2);
  if (head.shape[0] !== numClasses)
    c.fail('baselines.cam.head.shape[0]', `has ${head.shape[0]} rows but the pack lists ${numClasses} classes`);
  if (typeof channels === 'number' && head.shape[1] !== channels) {
    c.fail('baselines.cam.head.shape[1]', `is ${head.shape[1]} but ${features.name} has ${channels} channels`);
  }

  let lpcam: BaselinesSpec['lpcam'] = null;
  if (b.lpcam !== undefined && b.lpcam !== null) {
    const l = c.obj(b.lpcam, 'baselines.lpcam');
    const prototypes = f32(l.prototypes, 'baselines.lpcam.prototypes', 2);
    if (prototypes.shape[1] !== head.shape[1])
      c.fail('baselines.lpcam.prototypes.shape[1]', `is ${prototypes.shape[1]} but CAM's features have ${head.shape[1]} channels`);
    const range = (x: unknown, p: string, min: number): RowRange => {
      const [start, count] = c.tuple(x, p, 2, (y, q) => c.int(y, q)) as RowRange;
      if (count < min || start + count > prototypes.shape[0])
        c.fail(p, `[${start}, ${count}] is not ${min > 0 ? 'a non-empty' : 'a'} range of the ${prototypes.shape[0]} prototype rows`);
      return [start, count];
    };
    const ranges = c.arr(l.ranges, 'baselines.lpcam.ranges').map((x, i) => {
      const o = c.obj(x, `baselines.lpcam.ranges[${i}]`);
      return {
        class: range(o.class, `baselines.lpcam.ranges[${i}].class`, 1),
        context: range(o.context, `baselines.lpcam.ranges[${i}].context`, 0),
      };
    });
    if (ranges.length !== numClasses)
      c.fail('baselines.lpcam.ranges', `has ${ranges.length} entries but the pack lists ${numClasses} classes`);
    const st = c.obj(l.settings, 'baselines.lpcam.settings');
    lpcam = {
      prototypes,
      ranges,
      settings: {
        k: c.int(st.k, 'baselines.lpcam.settings.k', 1),
        fgThreshold: c.num(st.fgThreshold, 'baselines.lpcam.settings.fgThreshold', 0, 1),
        classThreshold: c.num(st.classThreshold, 'baselines.lpcam.settings.classThreshold', 0, 1),
        contextLow: c.num(st.contextLow, 'baselines.lpcam.settings.contextLow', 0, 1),
        imagesPerClass: c.int(st.imagesPerClass, 'baselines.lpcam.settings.imagesPerClass', 1),
        scales: c.arr(st.scales, 'baselines.lpcam.settings.scales', 1).map((x, i) => c.num(x, `baselines.lpcam.settings.scales[${i}]`, 0)),
        flip: st.flip === true,
      },
    };
  }

  let sat: BaselinesSpec['sat'] = null;
  if (b.sat !== undefined && b.sat !== null) {
    const s = c.obj(b.sat, 'baselines.sat');
    if (!models.sat) c.fail('baselines.sat', 'is set but models.sat is missing');
    const out = output(models.sat, s.mapOutput, 'baselines.sat.mapOutput');
    const grid = c.int(s.grid, 'baselines.sat.grid', 1, 512);
    const blocks = c.arr(s.blocks, 'baselines.sat.blocks', 1).map((x, i) => c.int(x, `baselines.sat.blocks[${i}]`));
    if (out.dims.length !== 4 || out.dims[1] !== blocks.length || out.dims[2] !== grid || out.dims[3] !== grid) {
      c.fail('baselines.sat', `${out.name} has dims [${out.dims.join(', ')}], expected [batch, ${blocks.length}, ${grid}, ${grid}]`);
    }
    sat = { mapOutput: out.name, blocks, grid };
  }
  return { cam: { featureOutput: features.name, head }, lpcam, sat };
}

/** The files teaching fetches on its first use. */
export function teachFiles(t: TeachSpec): FileRef[] {
  const ref = (f: FileRef): FileRef => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 });
  return [ref(t.unet), ...(t.headRow ? [ref(t.headRow.negatives)] : [])];
}

/** Every file a pack needs, for download planning and `models:verify`. */
export function packFiles(m: Manifest, variantPaths?: Set<string>): FileRef[] {
  const files: FileRef[] = m.tokenizer && m.representativeEmbeddings ? [m.tokenizer.file, m.representativeEmbeddings] : [];
  if (m.license.attribution) files.push(m.license.attribution);
  if (m.baselines) files.push(m.baselines.cam.head, ...(m.baselines.lpcam ? [m.baselines.lpcam.prototypes] : []));
  // Teaching's files come on its first use, not with the pack's load (which names the variants it needs).
  if (m.teach && !variantPaths) files.push(...teachFiles(m.teach));
  for (const role of packRoles(m)) {
    for (const v of m.models[role]!.variants) {
      if (variantPaths && !variantPaths.has(v.path)) continue;
      files.push({ path: v.path, bytes: v.bytes, sha256: v.sha256 }, ...v.externalData);
    }
  }
  return files;
}

export function parsePackIndex(json: unknown, source: string): PackIndexEntry[] {
  const c = new Checker(source);
  const o = c.obj(json, '$');
  return c.arr(o.packs, 'packs', 1).map((x, i) => {
    const e = c.obj(x, `packs[${i}]`);
    return {
      id: c.str(e.id, `packs[${i}].id`),
      label: c.str(e.label, `packs[${i}].label`),
      path: c.str(e.path, `packs[${i}].path`),
      default: e.default === true,
    };
  });
}
