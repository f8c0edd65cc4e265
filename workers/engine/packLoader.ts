/**
 * Download, verify and cache a model pack.
 *
 * Files are cached in the Cache API under content-addressed keys (URL + sha256),
 * so a second visit needs no network and a re-exported file is never served
 * stale. Every byte is counted for the progress bar; sizes and hashes are checked
 * against the manifest before anything reaches ORT.
 *
 * Resume: a cancelled or interrupted load keeps the files it finished in the
 * cache, and the next load fetches only the others. Inside a large file, every
 * full part of RESUME_PART_BYTES is cached as it arrives, and the next load asks
 * the server for the rest with an HTTP Range request; a server that ignores
 * Range (200) sends the whole file again.
 */
import type { ProgressCallback } from '@shared/api';
import { EngineError } from '@shared/errors';
import { storageQuotaError } from './budgets';
import { TransferRate } from './transferRate';
import { parseManifest, parsePackIndex } from '@shared/manifest';
import type { FileRef, Manifest, PackIndexEntry } from '@shared/manifest';

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

/** The parts of the Cache API we use (absent in Node and on insecure origins). */
export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  /** Drops a file's resume parts once the whole file is cached. */
  delete?(key: string): Promise<boolean>;
}

/**
 * Parts of a file cached while it downloads, so a cancel loses at most this much
 * of it. One Cache API entry each: a 2 GiB external-data shard makes 32.
 */
export const RESUME_PART_BYTES = 64 * 1024 ** 2;

export interface LoaderDeps {
  fetch: FetchFn;
  cache: CacheLike | null;
  /** Aborted when the user cancels the load (DownloadCancelled). */
  signal?: AbortSignal;
  /** Milliseconds, for the download rate (tests pass a fake clock). */
  now?: () => number;
  /** Size of a resume part (tests use small ones). */
  partBytes?: number;
}

export const CACHE_NAME = 'wsol-lab-packs-v1';

export async function openPackCache(): Promise<CacheLike | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. storage disabled: work without a cache
  }
}

async function fetchOrExplain(deps: LoaderDeps, url: string, what: string, headers?: Record<string, string>): Promise<Response> {
  let res: Response;
  try {
    res = await deps.fetch(url, { cache: 'no-cache', ...(headers ? { headers } : {}), ...(deps.signal ? { signal: deps.signal } : {}) });
  } catch (err) {
    throwIfCancelled(deps.signal);
    // A folder source names its own missing files.
    if (err instanceof EngineError) throw err;
    throw new EngineError(
      'DownloadFailed',
      `Could not download ${what} from ${url}: ${String((err as Error)?.message ?? err)}. ` +
        'Check the address and your connection; a pack on another site must send CORS headers ' +
        "(Access-Control-Allow-Origin: * or this page's origin).",
      { cause: err },
    );
  }
  if (!res.ok) {
    const name = what === 'the manifest' || what === 'the pack index' ? 'PackNotFound' : 'DownloadFailed';
    throw new EngineError(
      name,
      `${what} is missing: ${url} answered HTTP ${res.status}. ` +
        (name === 'PackNotFound' ? 'Check the pack address.' : 'The pack is incomplete on the server; re-upload or re-export it.'),
    );
  }
  return res;
}

/** DownloadCancelled once the load's signal is aborted (the user pressed Cancel). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new EngineError(
      'DownloadCancelled',
      'The pack download was cancelled. Files that finished are kept in the browser cache; loading the pack again fetches only the rest.',
    );
  }
}

export async function loadPackIndex(deps: LoaderDeps, indexUrl: string): Promise<PackIndexEntry[]> {
  const res = await fetchOrExplain(deps, indexUrl, 'the pack index');
  return parsePackIndex(await readJson(res, indexUrl), indexUrl);
}

async function readJson(res: Response, url: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new EngineError(
      'ManifestInvalid',
      `${url} is not valid JSON (it starts with "${text.slice(0, 30)}"). Is this the right address?`,
    );
  }
}

/** Fetch and validate the manifest; offline, fall back to the cached copy. */
export async function loadManifest(deps: LoaderDeps, baseUrl: string): Promise<{ manifest: Manifest; fromCache: boolean }> {
  const url = `${baseUrl}manifest.json`;
  try {
    const res = await fetchOrExplain(deps, url, 'the manifest');
    const json = await readJson(res, url);
    const manifest = parseManifest(json, url);
    await deps.cache?.put(url, new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } }));
    return { manifest, fromCache: false };
  } catch (err) {
    const cached = (err as Error).name === 'DownloadFailed' ? await deps.cache?.match(url) : undefined;
    if (!cached) throw err;
    return { manifest: parseManifest(await cached.json(), url), fromCache: true };
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const cacheKey = (baseUrl: string, f: FileRef) => `${baseUrl}${f.path}?sha256=${f.sha256}`;

/** Unique files by path (a shard may be listed by several variants). */
function uniqueFiles(files: FileRef[]): FileRef[] {
  return [...new Map(files.map((f) => [f.path, f])).values()];
}

/** Which of `files` the cache lacks: what a load would download. */
export async function filesToDownload(deps: LoaderDeps, baseUrl: string, files: FileRef[]): Promise<FileRef[]> {
  if (!deps.cache) return uniqueFiles(files);
  const missing: FileRef[] = [];
  for (const f of uniqueFiles(files)) if (!(await deps.cache.match(cacheKey(baseUrl, f)))) missing.push(f);
  return missing;
}

/**
 * Load `files` of the pack at `baseUrl`, verified, reporting progress over the
 * total byte count. Returns path → bytes. `fromCache` is true if no byte came
 * from the network.
 */
/** Files fetched (or read from the cache) at the same time. */
const PARALLEL_FILES = 4;

export async function loadFiles(
  deps: LoaderDeps,
  baseUrl: string,
  files: FileRef[],
  onProgress?: ProgressCallback,
  { deferCacheWrites = false }: { deferCacheWrites?: boolean } = {},
): Promise<{ data: Map<string, Uint8Array>; fromCache: boolean; cacheWrites: Promise<void> }> {
  const unique = uniqueFiles(files);
  const total = unique.reduce((s, f) => s + f.bytes, 0);
  let done = 0;
  let fromCache = true;
  const data = new Map<string, Uint8Array>();
  // Rate and ETA count network bytes only: cached files would make them meaningless.
  const rate = new TransferRate(deps.now ?? (() => performance.now()));
  let networkLeft = (await filesToDownload(deps, baseUrl, unique)).reduce((s, f) => s + f.bytes, 0);
  const report = (item: string, text: string, phase: 'download' | 'verify' = 'download') => {
    const bytesPerSecond = rate.bytesPerSecond();
    onProgress?.({
      phase,
      item,
      done,
      total,
      text,
      ...(phase === 'download' && bytesPerSecond !== null ? { bytesPerSecond, etaSeconds: networkLeft / bytesPerSecond } : {}),
    });
  };

  const loadOne = async (f: FileRef): Promise<void> => {
    throwIfCancelled(deps.signal);
    const url = `${baseUrl}${f.path}`;
    const key = cacheKey(baseUrl, f);
    const cached = await deps.cache?.match(key);
    if (cached) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      if (bytes.byteLength === f.bytes) {
        done += f.bytes;
        data.set(f.path, bytes);
        report(f.path, `${f.path} (cached)`);
        return;
      }
    }
    fromCache = false;
    const partBytes = deps.partBytes ?? RESUME_PART_BYTES;
    const parts = await cachedParts(deps.cache, key, f, partBytes);
    const from = parts.length * partBytes;
    const res = await fetchOrExplain(deps, url, `file "${f.path}"`, from > 0 ? { Range: `bytes=${from}-` } : undefined);
    const out = new Uint8Array(f.bytes);
    const start = from > 0 && resumesAt(res, from, f.bytes) ? from : 0;
    if (start > 0) {
      for (const [i, part] of parts.entries()) out.set(part, i * partBytes);
      done += start;
      networkLeft -= start;
      report(f.path, `Resuming ${f.path} at ${start} bytes`);
    }
    const savePart = async (i: number) => {
      if (deps.cache && f.bytes > partBytes) await putInCache(deps.cache, partKey(key, i), out.slice(i * partBytes, (i + 1) * partBytes));
    };
    const bytes = await readBody(res, f, { out, start, partBytes, savePart, ...(deps.signal ? { signal: deps.signal } : {}) }, (n) => {
      done += n;
      networkLeft -= n;
      rate.add(n);
      report(f.path, `Downloading ${f.path}`);
    });
    if (bytes.byteLength !== f.bytes) {
      throw new EngineError(
        'IntegrityError',
        `${f.path} is ${bytes.byteLength} bytes but the manifest says ${f.bytes}. The download was cut short or the pack is out of date; reload, or re-export the pack.`,
      );
    }
    report(f.path, `Verifying ${f.path}`, 'verify');
    const hash = await sha256Hex(bytes);
    if (hash !== f.sha256) {
      // Parts of a file that fails its checksum must not seed the next try.
      await dropParts(deps.cache, key, f, partBytes);
      throw new EngineError(
        'IntegrityError',
        `${f.path} failed its checksum (sha256 ${hash.slice(0, 12)}…, expected ${f.sha256.slice(0, 12)}…). The file is corrupt or was replaced; re-export the pack or fix its manifest.`,
      );
    }
    data.set(f.path, bytes);
    const write = putInCache(deps.cache, key, bytes).then(() => dropParts(deps.cache, key, f, partBytes));
    if (deferCacheWrites) {
      write.catch(() => undefined); // reported through `cacheWrites`, not as an unhandled rejection now
      writes.push(write);
    } else await write;
  };
  // Verified bytes are usable at once; writing them to the Cache API (~0.2 s for the toy pack in a cold
  // page) can then overlap what the caller does with them, which awaits `cacheWrites` before it is done.
  const writes: Promise<void>[] = [];
  // A few files at once: most of a pack's files are small, and one at a time each waits out its
  // own request's latency (measured on the toy pack, 14 files, 4.5 MB from localhost: 0.54 s).
  const queue = [...unique];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) await loadOne(f);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, queue.length) }, worker));
  onProgress?.({ phase: 'download', item: '', done: total, total, text: fromCache ? 'Loaded from cache' : 'Downloaded' });
  const cacheWrites = Promise.all(writes).then(() => undefined);
  cacheWrites.catch(() => undefined); // awaited by the caller; never an unhandled rejection if it throws first
  return { data, fromCache, cacheWrites };
}

const partKey = (key: string, i: number) => `${key}&part=${i}`;

/** The consecutive resume parts of `f` in the cache, from its first byte. */
async function cachedParts(cache: CacheLike | null, key: string, f: FileRef, partBytes: number): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  if (!cache || f.bytes <= partBytes) return parts;
  // The last part is never a full one: a file that far along finishes instead.
  for (let i = 0; (i + 1) * partBytes < f.bytes; i++) {
    const hit = await cache.match(partKey(key, i));
    const bytes = hit ? new Uint8Array(await hit.arrayBuffer()) : null;
    if (!bytes || bytes.byteLength !== partBytes) break;
    parts.push(bytes);
  }
  return parts;
}

async function dropParts(cache: CacheLike | null, key: string, f: FileRef, partBytes: number): Promise<void> {
  if (!cache?.delete || f.bytes <= partBytes) return;
  for (let i = 0; (i + 1) * partBytes < f.bytes; i++) await cache.delete(partKey(key, i));
}

/** Did the server answer the Range request with the rest of the file (206 from `from`)? */
function resumesAt(res: Response, from: number, size: number): boolean {
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  return res.status === 206 && range !== null && Number(range[1]) === from && Number(range[2]) === size - 1;
}

/** Cache one verified file; a full disk is StorageQuotaExceeded, not a generic failure. */
async function putInCache(cache: CacheLike | null, key: string, bytes: Uint8Array): Promise<void> {
  try {
    await cache?.put(key, new Response(bytes as Uint8Array<ArrayBuffer>));
  } catch (err) {
    if ((err as Error)?.name === 'QuotaExceededError') throw storageQuotaError(bytes.byteLength, null, err);
    throw err;
  }
}

interface BodyTarget {
  /** The whole file's buffer; bytes before `start` are already in it (resumed). */
  out: Uint8Array;
  start: number;
  signal?: AbortSignal;
  partBytes: number;
  /** Cache part `i` once the buffer holds it entirely. */
  savePart: (i: number) => Promise<void>;
}

/** Read a body chunk by chunk into `out` from `start`, refusing to read far past the expected size. */
async function readBody(res: Response, f: FileRef, target: BodyTarget, onChunk: (n: number) => void): Promise<Uint8Array> {
  const { out, start, signal, partBytes, savePart } = target;
  if (!res.body) {
    const b = new Uint8Array(await res.arrayBuffer());
    if (start + b.byteLength > f.bytes)
      throw new EngineError('IntegrityError', `${f.path} is larger than the ${f.bytes} bytes the manifest says. Re-export the pack.`);
    out.set(b, start);
    onChunk(b.byteLength);
    return start + b.byteLength === f.bytes ? out : out.subarray(0, start + b.byteLength);
  }
  let offset = start;
  let extra = 0;
  let nextPart = Math.floor(start / partBytes);
  const reader = res.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      throwIfCancelled(signal);
      throw new EngineError(
        'DownloadFailed',
        `The download of ${f.path} broke off: ${String((err as Error)?.message ?? err)}. Try again; it resumes from the last part cached.`,
        {
          cause: err,
        },
      );
    }
    if (signal?.aborted) await reader.cancel().catch(() => undefined);
    throwIfCancelled(signal);
    const { done, value } = chunk;
    if (done) break;
    const room = Math.max(0, f.bytes - offset);
    out.set(value.subarray(0, room), offset);
    offset += Math.min(room, value.byteLength);
    extra += value.byteLength - Math.min(room, value.byteLength);
    onChunk(Math.min(room, value.byteLength));
    if (extra > 0) {
      await reader.cancel();
      throw new EngineError('IntegrityError', `${f.path} is larger than the ${f.bytes} bytes the manifest says. Re-export the pack.`);
    }
    while ((nextPart + 1) * partBytes <= offset && (nextPart + 1) * partBytes < f.bytes) await savePart(nextPart++);
  }
  return offset === f.bytes ? out : out.subarray(0, offset);
}
