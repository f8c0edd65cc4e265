/**
 * The lesson link's hash: `#v=1&pack=…&sample=…&m=cam&tau=0.5…`, one URL parameter per
 * field, in the order of the field list. Pure: it knows fields only as a key and a codec.
 *
 * Versioned: `v` is the schema's version. A link from a newer app is read field by field
 * (what this app knows applies, the rest is named); a field whose meaning changes must get a
 * new key, so old links never apply a value with the wrong meaning.
 */
import { type Codec, LessonFieldError } from './codecs';

export const LESSON_VERSION = 1;

export interface HashField {
  key: string;
  /** What the field is, for messages ("threshold τ"). */
  label: string;
  codec: Codec<unknown>;
}

export interface DecodedHash {
  /** Values that parsed, by key. */
  values: Map<string, unknown>;
  /** One sentence per field that did not parse or is unknown (the field falls back to its default). */
  problems: string[];
}

/** Read a location hash ("#…" or "…"). An empty hash decodes to no values and no problems. */
export function decodeHash(hash: string, fields: readonly HashField[]): DecodedHash {
  const values = new Map<string, unknown>();
  const problems: string[] = [];
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.trim() === '') return { values, problems };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(body);
  } catch {
    return { values, problems: ['The link’s settings could not be read at all; the defaults are shown.'] };
  }
  const version = params.get('v');
  if (version === null) problems.push('The link has no version (v=…); it was read as version 1.');
  else if (!/^\d+$/.test(version)) problems.push(`The link’s version "${version}" is not a number; it was read as version 1.`);
  else if (Number(version) > LESSON_VERSION)
    problems.push(`The link was made by a newer wsol-lab (version ${version}); settings this one knows were applied.`);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const [key, raw] of params) {
    if (key === 'v') continue;
    const field = byKey.get(key);
    if (!field) {
      problems.push(`Unknown setting "${key}" was ignored.`);
      continue;
    }
    try {
      values.set(key, field.codec.parse(raw));
    } catch (err) {
      if (!(err instanceof LessonFieldError)) throw err;
      problems.push(`The ${field.label}: ${err.message}; the default was kept.`);
    }
  }
  return { values, problems };
}

/** Write values (undefined: left out) as a hash, version first, then in field order. */
export function encodeHash(values: ReadonlyMap<string, unknown>, fields: readonly HashField[]): string {
  const params = new URLSearchParams({ v: String(LESSON_VERSION) });
  for (const f of fields) {
    const v = values.get(f.key);
    if (v !== undefined) params.set(f.key, f.codec.format(v));
  }
  // Commas, colons and slashes are legal in a fragment: keep lists, group names and URLs readable.
  return `#${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/')}`;
}
