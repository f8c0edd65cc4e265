/**
 * How one value of a lesson link is written into, and read back from, the URL hash. Pure
 * (no DOM, no store): each codec either returns the value or throws a LessonFieldError that
 * says what was wrong, so a garbled field falls back on its own and the rest still applies.
 */
export class LessonFieldError extends Error {
  override readonly name = 'LessonFieldError';
}

export interface Codec<T> {
  format(v: T): string;
  /** The value, or a LessonFieldError saying what was expected. */
  parse(raw: string): T;
}

const fail = (msg: string): never => {
  throw new LessonFieldError(msg);
};

/** A finite number in [min, max], written with at most `decimals` decimals. */
export function numberIn(min: number, max: number, decimals: number): Codec<number> {
  return {
    format: (v) => String(Number(v.toFixed(decimals))),
    parse(raw) {
      const v = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(v) || v < min || v > max) fail(`"${raw}" is not a number from ${min} to ${max}`);
      return v;
    },
  };
}

/** A whole number ≥ 0 (class index, tour step). */
export const naturalNumber: Codec<number> = {
  format: String,
  parse: (raw) => (/^\d{1,9}$/.test(raw) ? Number(raw) : fail(`"${raw}" is not a whole number ≥ 0`)),
};

/** A non-empty, comma-separated list of whole numbers, kept sorted and without repeats. */
export const naturalList: Codec<number[]> = {
  format: (v) => v.join(','),
  parse(raw) {
    const parts = raw.split(',');
    if (raw === '' || !parts.every((p) => /^\d{1,9}$/.test(p))) fail(`"${raw}" is not a comma-separated list of whole numbers`);
    return [...new Set(parts.map(Number))].sort((a, b) => a - b);
  },
};

/** A non-empty, comma-separated list of names ("16:up,8:mid"), kept sorted and without repeats. */
export const nameList: Codec<string[]> = {
  format: (v) => [...v].sort().join(','),
  parse(raw) {
    const parts = raw.split(',');
    if (raw === '' || !parts.every((p) => /^[\w:.-]{1,64}$/.test(p))) fail(`"${raw}" is not a comma-separated list of names`);
    return [...new Set(parts)].sort();
  },
};

/** One of a fixed set of words. */
export function oneOf<T extends string>(options: readonly T[]): Codec<T> {
  return {
    format: (v) => v,
    parse: (raw) => ((options as readonly string[]).includes(raw) ? (raw as T) : fail(`"${raw}" is not one of ${options.join(', ')}`)),
  };
}

/** A yes/no switch, written 1 or 0. */
export const flag: Codec<boolean> = {
  format: (v) => (v ? '1' : '0'),
  parse: (raw) => (raw === '1' ? true : raw === '0' ? false : fail(`"${raw}" is not 1 or 0`)),
};

/** Free text (a pack id or URL, a sample file name): any non-empty string. */
export const text: Codec<string> = {
  format: (v) => v,
  parse: (raw) => (raw.length > 0 && raw.length <= 2000 ? raw : fail('it is empty or longer than 2000 characters')),
};

/** A point as fractions of the image's width and height, "x,y" with 4 decimals (a 10 000-px image's pixel). */
export const unitPoint: Codec<{ x: number; y: number }> = {
  format: (p) => `${Number(p.x.toFixed(4))},${Number(p.y.toFixed(4))}`,
  parse(raw) {
    const m = /^([0-9.]+),([0-9.]+)$/.exec(raw);
    const [x, y] = m ? [Number(m[1]), Number(m[2])] : [Number.NaN, Number.NaN];
    if (!(x >= 0 && x < 1 && y >= 0 && y < 1)) fail(`"${raw}" is not a point "x,y" with both in [0, 1)`);
    return { x, y };
  },
};

/** A box [x0, y0, x1, y1] in whole image pixels with x0 ≤ x1 and y0 ≤ y1. */
export const pixelBox: Codec<[number, number, number, number]> = {
  format: (b) => b.join(','),
  parse(raw) {
    const parts = raw.split(',');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,6}$/.test(p))) fail(`"${raw}" is not a box "x0,y0,x1,y1" in whole pixels`);
    const [x0, y0, x1, y1] = parts.map(Number) as [number, number, number, number];
    if (x1 < x0 || y1 < y0) fail(`"${raw}" has a corner after its opposite corner`);
    return [x0, y0, x1, y1];
  },
};
