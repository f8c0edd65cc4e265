#!/usr/bin/env node
// npm run models:verify [-- --index public/models/index.json]
// For every pack in the index, and every other pack folder beside it (e.g. sd-tiny-random, loaded by
// URL rather than listed): each file its manifest references (model variants
// and their external data, tokenizer, representative embeddings, baselines' files,
// attribution) exists with the manifest's byte count and sha256, and each ONNX
// model's input and output names are the manifest's, in order. Prints one line per
// pack; exits 1 with lines naming pack, file and field on any mismatch.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
const indexArg = args.indexOf('--index');
const indexPath = resolve(indexArg >= 0 ? args[indexArg + 1] : 'public/models/index.json');

function sha256(path) {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });
}

/** The files a manifest references, each with the manifest field that names it. */
function referencedFiles(m) {
  const refs = [];
  const add = (field, ref) => {
    if (ref && typeof ref === 'object') refs.push({ field, ref });
  };
  add('tokenizer.file', m.tokenizer?.file);
  add('representativeEmbeddings', m.representativeEmbeddings);
  add('license.attribution', m.license?.attribution);
  add('baselines.cam.head', m.baselines?.cam?.head);
  add('baselines.lpcam.prototypes', m.baselines?.lpcam?.prototypes);
  add('teach.unet', m.teach?.unet);
  for (const [role, entry] of Object.entries(m.models ?? {})) {
    (entry?.variants ?? []).forEach((v, i) => {
      add(`models.${role}.variants[${i}]`, v);
      for (const [j, e] of (v.externalData ?? []).entries()) add(`models.${role}.variants[${i}].externalData[${j}]`, e);
    });
  }
  return refs;
}

async function verifyPack(entry, problems) {
  const packDir = resolve(dirname(indexPath), entry.path);
  const say = (file, field, what) => problems.push(`${entry.id}: ${file}: ${field}: ${what}`);
  const manifestPath = join(packDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    say('manifest.json', 'path', `missing (${manifestPath})`);
    return { files: 0, models: 0, bytes: 0 };
  }
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (m.id !== entry.id) say('manifest.json', 'id', `is "${m.id}" but index.json lists "${entry.id}"`);

  let bytes = 0;
  const refs = referencedFiles(m);
  for (const { field, ref } of refs) {
    const file = String(ref.path);
    const path = resolve(packDir, file);
    if (!path.startsWith(packDir + sep)) {
      say(file, `${field}.path`, 'points outside the pack');
      continue;
    }
    if (!existsSync(path)) {
      say(file, `${field}.path`, 'file is missing');
      continue;
    }
    const size = statSync(path).size;
    bytes += size;
    if (size !== ref.bytes) say(file, `${field}.bytes`, `manifest says ${ref.bytes}, file has ${size}`);
    const digest = await sha256(path);
    if (digest !== ref.sha256) say(file, `${field}.sha256`, `manifest says ${ref.sha256}, file hashes to ${digest}`);
  }

  // Loaded lazily: onnxruntime-node is a devDependency and only this part needs it.
  const ort = await import('onnxruntime-node');
  let models = 0;
  // Each model role's variants, and teaching's UNet (one fp32 file, under teach.unet).
  const entries = Object.entries(m.models ?? {}).map(([role, e]) => [`models.${role}`, e, e.variants ?? []]);
  if (m.teach?.unet) entries.push(['teach.unet', m.teach.unet, [m.teach.unet]]);
  for (const [field, entryOfModel, variants] of entries) {
    const wantIn = (entryOfModel.inputs ?? []).map((t) => t.name);
    const wantOut = (entryOfModel.outputs ?? []).map((t) => t.name);
    for (const [i, v] of variants.entries()) {
      const path = resolve(packDir, String(v.path));
      if (!path.startsWith(packDir + sep) || !existsSync(path)) continue; // already reported
      let session;
      try {
        session = await ort.InferenceSession.create(path);
      } catch (e) {
        say(v.path, `${field}.variants[${i}]`, `onnxruntime-node cannot load it: ${String(e).split('\n')[0]}`);
        continue;
      }
      models++;
      const same = (a, b) => a.length === b.length && a.every((x, k) => x === b[k]);
      if (!same(session.inputNames, wantIn)) {
        say(v.path, `${field}.inputs`, `manifest lists [${wantIn.join(', ')}], the model has [${session.inputNames.join(', ')}]`);
      }
      if (!same(session.outputNames, wantOut)) {
        say(v.path, `${field}.outputs`, `manifest lists [${wantOut.join(', ')}], the model has [${session.outputNames.join(', ')}]`);
      }
      await session.release?.();
    }
  }
  return { files: refs.length, models, bytes };
}

const index = JSON.parse(readFileSync(indexPath, 'utf8'));
const listed = new Set((index.packs ?? []).map((e) => resolve(dirname(indexPath), e.path)));
const unlisted = readdirSync(dirname(indexPath), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !listed.has(resolve(dirname(indexPath), d.name)))
  .filter((d) => existsSync(join(dirname(indexPath), d.name, 'manifest.json')))
  .map((d) => ({ id: JSON.parse(readFileSync(join(dirname(indexPath), d.name, 'manifest.json'), 'utf8')).id, path: `${d.name}/` }));
const problems = [];
for (const entry of [...(index.packs ?? []), ...unlisted]) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(entry.path)) {
    console.log(`${entry.id}: skipped (remote pack ${entry.path})`);
    continue;
  }
  const before = problems.length;
  const { files, models, bytes } = await verifyPack(entry, problems);
  const found = problems.length - before;
  console.log(
    `${entry.id}: ${found === 0 ? 'ok' : `${found} problem${found > 1 ? 's' : ''}`} — ${files} files (${(bytes / 1e6).toFixed(1)} MB) checked by size and sha256, ${models} ONNX models' input/output names checked`,
  );
}
if (problems.length > 0) {
  console.error(`\nmodels:verify found ${problems.length} problem${problems.length > 1 ? 's' : ''}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
