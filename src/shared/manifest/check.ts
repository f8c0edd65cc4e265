/** The validator's primitives: every failure is a ManifestInvalid error naming the field and the fix. */
import { EngineError } from '../errors';
import { type FileRef, MAX_FILE_BYTES, type TensorSpec } from './types';

export type Obj = Record<string, unknown>;

export class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new EngineError(
      'ManifestInvalid',
      `Pack manifest ${this.source} is invalid at "${path}": ${problem}. ` +
        'Re-export it (`python -m wsolkit.pack rebuild <pack>`; `python -m wsolkit.pack verify <folder>` checks its files) or fix manifest.json by hand.',
    );
  }

  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    return v as Obj;
  }

  arr(v: unknown, path: string, minLength = 0): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describe(v)}`);
    if (v.length < minLength) this.fail(path, `expected at least ${minLength} entries, got ${v.length}`);
    return v;
  }

  str(v: unknown, path: string, pattern?: RegExp): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, `expected a non-empty string, got ${describe(v)}`);
    if (pattern && !pattern.test(v)) this.fail(path, `"${v}" does not match ${pattern}`);
    return v;
  }

  optStr(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${describe(v)}`);
    return v;
  }

  num(v: unknown, path: string, min = -Infinity, max = Infinity): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected a number, got ${describe(v)}`);
    if (v < min || v > max) this.fail(path, `${v} is outside [${min}, ${max}]`);
    return v;
  }

  bool(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${describe(v)}`);
    return v;
  }

  int(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.num(v, path, min, max);
    if (!Number.isInteger(n)) this.fail(path, `expected an integer, got ${n}`);
    return n;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
      this.fail(path, `expected one of ${options.join(', ')}, got ${describe(v)}`);
    }
    return v as T;
  }

  tuple(v: unknown, path: string, length: number, each: (x: unknown, p: string) => number): number[] {
    const a = this.arr(v, path);
    if (a.length !== length) this.fail(path, `expected ${length} numbers, got ${a.length}`);
    return a.map((x, i) => each(x, `${path}[${i}]`));
  }

  relPath(v: unknown, path: string): string {
    const s = this.str(v, path);
    if (s.startsWith('/') || s.split('/').includes('..') || /^[a-z]+:/i.test(s)) {
      this.fail(path, `"${s}" must be a relative path inside the pack`);
    }
    return s;
  }

  fileRef(v: unknown, path: string): FileRef {
    const o = this.obj(v, path);
    const bytes = this.int(o.bytes, `${path}.bytes`, 1);
    if (bytes > MAX_FILE_BYTES) {
      this.fail(
        `${path}.bytes`,
        `${bytes} bytes is over the ${MAX_FILE_BYTES} a browser can hold in one buffer; split the weights into several externalData files`,
      );
    }
    return {
      path: this.relPath(o.path, `${path}.path`),
      bytes,
      sha256: this.str(o.sha256, `${path}.sha256`, /^[0-9a-f]{64}$/),
    };
  }

  tensor(v: unknown, path: string): TensorSpec {
    const o = this.obj(v, path);
    return {
      name: this.str(o.name, `${path}.name`),
      dtype: this.oneOf(o.dtype, `${path}.dtype`, ['float32', 'float16', 'int32', 'int64', 'uint8', 'int8', 'bool'] as const),
      dims: this.arr(o.dims, `${path}.dims`).map((d, i) =>
        typeof d === 'string' ? this.str(d, `${path}.dims[${i}]`) : this.int(d, `${path}.dims[${i}]`, 1),
      ),
    };
  }
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
