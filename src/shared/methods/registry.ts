/**
 * The methods of the app, in display order. Everything that lists, loads, runs or
 * draws methods reads this array; adding a method means one entry here plus the
 * method's own folders (src/shared/<id>/ and, if it runs models per image or per
 * request, workers/pipelines/<id>/).
 */
import { cam } from '../cam/method';
import { gaussian } from '../gaussian/method';
import { genpromp } from '../genpromp/method';
import { lpcam } from '../lpcam/method';
import type { Manifest, ModelRole } from '../manifest';
import { random } from '../random/method';
import { sat } from '../sat/method';
import { sobel } from '../sobel/method';
import type { MethodDefinition } from './types';

export const METHODS = [genpromp, cam, lpcam, sat, gaussian, random, sobel] as const;

type Registered = (typeof METHODS)[number];
export type MethodId = Registered['id'];

/** Every method's own parameters, by id. */
export type OwnParams = { [M in Registered as M['id']]: ReturnType<M['defaults']> };

/** The registry as the generic code sees it (own params and raw maps opaque). */
export type AnyMethod = MethodDefinition<MethodId, unknown, unknown>;
export const ALL_METHODS: readonly AnyMethod[] = METHODS as readonly AnyMethod[];

export const METHOD_IDS: readonly MethodId[] = METHODS.map((m) => m.id);

export function methodById(id: MethodId): AnyMethod {
  return ALL_METHODS.find((m) => m.id === id)!;
}

/** Whether a method is a sanity baseline (listed apart, off the comparison unless asked for). */
export const isSanityBaseline = (def: AnyMethod): boolean => def.kind === 'sanity';

export function isMethodId(v: unknown): v is MethodId {
  return typeof v === 'string' && (METHOD_IDS as readonly string[]).includes(v);
}

/** Model roles that some method runs (the classifier is shared by all and always present). */
export const METHOD_MODEL_ROLES: readonly ModelRole[] = [...new Set(ALL_METHODS.flatMap((m) => m.models))];

/** Own parameters of every method for a freshly loaded pack, keeping `prev` choices where they apply. */
export function ownParamsFor(m: Manifest, prev: OwnParams | null): OwnParams {
  const out: Record<string, unknown> = {};
  for (const def of ALL_METHODS) out[def.id] = def.defaults(m, prev?.[def.id]);
  return out as OwnParams;
}
