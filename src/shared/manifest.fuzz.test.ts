/**
 * Property-based tests of `parseManifest` on hostile input: arbitrary JSON and
 * random mutations of the two real manifests. The parser must either return or
 * throw a ManifestInvalid EngineError whose message names the field at fault —
 * never a TypeError or RangeError from reading a malformed value.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from './errors';
import { parseManifest } from './manifest';

const root = new URL('../../', import.meta.url).pathname;
/** MANIFEST_FUZZ_SCALE=20 explores 20× more cases (the default keeps the suite fast). */
const scale = Math.max(1, Number(process.env.MANIFEST_FUZZ_SCALE ?? 1));
const runs = (n: number) => Math.round(n * scale);

const packs = ['fixture-tiny', 'toyworld'].map((id) => ({
  id,
  manifest: JSON.parse(readFileSync(`${root}public/models/${id}/manifest.json`, 'utf8')) as unknown,
}));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type PathStep = string | number;

/** Every path to a value inside `v` (objects' keys and arrays' indices), the root included. */
function allPaths(v: unknown, prefix: PathStep[] = []): PathStep[][] {
  const out: PathStep[][] = [prefix];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push(...allPaths(x, [...prefix, i]));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...allPaths(x, [...prefix, k]));
  return out;
}

function getAt(v: unknown, path: PathStep[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<PathStep, unknown>)[k], v);
}

/** The parser's way of writing a path: models.unet.variants[0].bytes. */
function fieldName(path: PathStep[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

type Mutation =
  | { kind: 'delete' }
  | { kind: 'replace'; value: Json }
  | { kind: 'scale'; factor: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'duplicate' };

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0.5,
    1e308,
    -1e308,
    2 ** 31,
    2 ** 53,
    '',
    'x',
    '../x',
    '/etc/passwd',
    'javascript:alert(1)',
    [],
    {},
    [1],
    { a: 1 },
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  hostileValue.map((value): Mutation => ({ kind: 'replace', value })),
  fc.constantFrom(-1, 0, 0.5, 2, 1000, 1e12).map((factor): Mutation => ({ kind: 'scale', factor })),
  fc.nat({ max: 3 }).map((keep): Mutation => ({ kind: 'truncate', keep })),
  fc.constant<Mutation>({ kind: 'duplicate' }),
);

/** Apply `m` at `path` of a deep copy of `base`. Returns the copy. */
function mutate(base: unknown, path: PathStep[], m: Mutation): unknown {
  const copy = structuredClone(base);
  if (path.length === 0) return m.kind === 'replace' ? m.value : copy;
  const parent = getAt(copy, path.slice(0, -1)) as Record<PathStep, unknown> & unknown[];
  const key = path[path.length - 1]!;
  const cur = parent[key];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete parent[key];
      break;
    case 'replace':
      parent[key] = m.value;
      break;
    case 'scale':
      parent[key] = typeof cur === 'number' ? cur * m.factor : m.factor;
      break;
    case 'truncate':
      parent[key] = Array.isArray(cur) ? cur.slice(0, m.keep) : typeof cur === 'string' ? cur.slice(0, m.keep) : cur;
      break;
    case 'duplicate':
      parent[key] = Array.isArray(cur) ? [...cur, ...cur] : cur;
      break;
  }
  return copy;
}

/** Parse; return null on success, the error otherwise (anything but ManifestInvalid fails the property). */
function parseOutcome(json: unknown): EngineError | null {
  try {
    parseManifest(json, 'fuzz/manifest.json');
    return null;
  } catch (e) {
    if (!(e instanceof EngineError) || e.name !== 'ManifestInvalid') {
      throw new Error(`parseManifest threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of ManifestInvalid`);
    }
    return e;
  }
}

/** The message says which field is wrong: `is invalid at "<path>"` with a non-empty path. */
const NAMES_A_FIELD = /is invalid at "([^"]+)"/;

describe('parseManifest under fuzzing', () => {
  it('accepts both real manifests as they are', () => {
    for (const p of packs) expect(parseOutcome(p.manifest)).toBeNull();
  });

  it('arbitrary JSON values: returns or throws ManifestInvalid naming a field', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
        const err = parseOutcome(json);
        if (err) expect(err.message).toMatch(NAMES_A_FIELD);
      }),
      { numRuns: runs(500), seed: 20261130 },
    );
  });

  it('arbitrary objects with the manifest top-level keys: same contract', () => {
    const keys = Object.keys(packs[1]!.manifest as object);
    const shaped = fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: keys.length });
    fc.assert(
      fc.property(shaped, (json) => {
        const err = parseOutcome({ schemaVersion: 1, ...json });
        if (err) expect(err.message).toMatch(NAMES_A_FIELD);
      }),
      { numRuns: runs(500), seed: 7 },
    );
  });

  for (const pack of packs) {
    const paths = allPaths(pack.manifest).filter((p) => p.length > 0);

    it(`single mutations of ${pack.id}'s manifest: ManifestInvalid names the mutated field or one that depends on it`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...paths), mutation, (path, m) => {
          const err = parseOutcome(mutate(pack.manifest, path, m));
          if (!err) return;
          const named = NAMES_A_FIELD.exec(err.message)?.[1];
          expect(named, err.message).toBeTruthy();
          // The field named is the mutated one, an ancestor, or (for cross-field
          // checks such as shape vs classes) a sibling in the same top-level section.
          const mutated = fieldName(path);
          const top = String(path[0]);
          const related =
            mutated.startsWith(named!) || named!.startsWith(mutated) || named!.startsWith(top) || dependentFieldNamed(named!, top);
          expect(related, `mutated ${mutated} (${m.kind}) but the message names ${named}: ${err.message}`).toBe(true);
        }),
        { numRuns: runs(1500), seed: pack.id.length },
      );
    });

    it(`several mutations at once of ${pack.id}'s manifest: never anything but ManifestInvalid`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), mutation), { minLength: 2, maxLength: 6 }), (steps) => {
          let json: unknown = pack.manifest;
          for (const [path, m] of steps) {
            // A path may no longer exist after an earlier mutation: skip it.
            try {
              getAt(json, path.slice(0, -1));
            } catch {
              continue;
            }
            const parent = getAt(json, path.slice(0, -1));
            if (parent === null || typeof parent !== 'object') continue;
            json = mutate(json, path, m);
          }
          const err = parseOutcome(json);
          if (err) expect(err.message).toMatch(NAMES_A_FIELD);
        }),
        { numRuns: runs(800), seed: 99 },
      );
    });
  }
});

/**
 * Checks that compare two sections name the dependent field, not the mutated
 * one: e.g. deleting a class makes representativeEmbeddings.shape[0] wrong, and
 * renaming a UNet output makes unetAttention[i].output dangle.
 */
function dependentFieldNamed(named: string, mutatedTop: string): boolean {
  const dependents: Record<string, RegExp> = {
    classes: /^(representativeEmbeddings|baselines|teach\.headRow)/,
    // The new-class head row reads CAM's head: its width and the class count.
    baselines: /^teach\.headRow/,
    textEncoder: /^representativeEmbeddings/,
    // A model's input dims are checked against the preprocess that feeds it.
    models: /^(unetAttention|genpromp\.resolutions|baselines|models|satPreprocess|classifierPreprocess|teach\.headRow)/,
    unetAttention: /^genpromp\.resolutions/,
    scheduler: /^genpromp\.(timesteps|timestepChoices)/,
    tokenizer: /^genpromp\.tokenPosition/,
    // Without its own input, SAT takes the classifier's, which must then fit SAT's dims.
    satPreprocess: /^classifierPreprocess/,
  };
  return dependents[mutatedTop]?.test(named) ?? false;
}
