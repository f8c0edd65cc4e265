/**
 * Typed, actionable errors shared by the worker and the UI.
 *
 * Comlink transfers only `name`, `message` and `stack` of a thrown Error, so the
 * UI branches on `name`, which is drawn from this closed set.
 */
export const ERROR_NAMES = [
  'PackNotFound',
  'ManifestInvalid',
  'IntegrityError',
  'DownloadFailed',
  /** The user pressed Cancel: files that finished are cached, a retry skips them. */
  'DownloadCancelled',
  /** The browser's storage has less room than the files still to download. */
  'StorageQuotaExceeded',
  /** The chosen variants would not fit one wasm32 heap (4 GiB per ORT instance). */
  'MemoryBudgetExceeded',
  'ModelCreateFailed',
  /** A compute backend (e.g. one of tfjs's, for teaching) cannot start in this browser. */
  'BackendUnavailable',
  'ModelIOMismatch',
  'InvalidInput',
  'InvalidImage',
  'EngineNotReady',
  'AbortError',
] as const;

export type EngineErrorName = (typeof ERROR_NAMES)[number];

export class EngineError extends Error {
  override readonly name: EngineErrorName;
  constructor(name: EngineErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

export function isEngineErrorName(name: unknown): name is EngineErrorName {
  return typeof name === 'string' && (ERROR_NAMES as readonly string[]).includes(name);
}

/** An AbortError means "superseded by a newer request": callers drop it silently. */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

export function abortError(what: string): EngineError {
  return new EngineError('AbortError', `${what} was superseded by a newer request`);
}
