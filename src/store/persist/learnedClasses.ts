/**
 * Classes taught in this browser outlive the page: they are kept per pack in IndexedDB, and can be
 * exported as one small JSON file and imported again (here or in another browser).
 *
 * A learned row only means something to the models it was learned through, so both the store and
 * the file are keyed by the pack's id and a fingerprint of those models (the sha256s of the files a
 * learned class depends on). A pack rebuilt with other weights therefore starts with no learned
 * classes, and a file made on it is refused with the reason.
 */
import type { LearnedClass } from '@shared/api';
import { EngineError } from '@shared/errors';
import type { Manifest } from '@shared/manifest';

/** What is kept of a learned class (not its preview bitmap, which is redrawn from the rows). */
export interface StoredClass {
  id: string;
  name: string;
  word: string;
  conceptRow: Float32Array;
  head: { row: Float32Array; bias: number } | null;
  losses: number[];
  msPerStep: number;
}

export const EXPORT_FORMAT = 'wsol-lab/learned-classes';
const EXPORT_VERSION = 1;

/** The pack and the models a learned class depends on: the text side (concept row) and the classifier head. */
export function packFingerprint(m: Manifest): string {
  const text = m.models.text_encoder?.variants.find((v) => v.precision === 'fp32')?.sha256 ?? '';
  const parts = [m.id, m.tokenizer?.file.sha256 ?? '', text, m.teach?.unet.sha256 ?? '', m.baselines?.cam.head.sha256 ?? ''];
  return parts.join('|');
}

// ---------------------------------------------------------------- IndexedDB

const DB_NAME = 'wsol-lab';
const STORE = 'learned-classes';

function openDb(): Promise<IDBDatabase | null> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const req = idb.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** The classes kept for this pack ([] where the browser has no IndexedDB, e.g. some private windows). */
export async function loadStoredClasses(fingerprint: string): Promise<StoredClass[]> {
  const db = await openDb();
  if (!db) return [];
  try {
    const got = (await request(db.transaction(STORE).objectStore(STORE).get(fingerprint))) as StoredClass[] | undefined;
    return Array.isArray(got) ? got : [];
  } finally {
    db.close();
  }
}

/** Replace the classes kept for this pack. Fails loudly (the caller says so): nothing learned is dropped silently. */
export async function saveStoredClasses(fingerprint: string, classes: StoredClass[]): Promise<void> {
  const db = await openDb();
  if (!db)
    throw new EngineError(
      'BackendUnavailable',
      'This browser has no IndexedDB: learned classes last until the page closes (export them to keep them)',
    );
  try {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(classes, fingerprint);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted (storage full?)'));
    });
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- export file

const toBase64 = (a: Float32Array): string => {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

const fromBase64 = (s: string, what: string): Float32Array => {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw bad(`${what} is not base64`);
  }
  if (bin.length % 4 !== 0) throw bad(`${what} is not a whole number of float32 values`);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const out = new Float32Array(bytes.buffer);
  if (!out.every(Number.isFinite)) throw bad(`${what} holds a value that is not a finite number`);
  return out;
};

const bad = (why: string) => new EngineError('InvalidInput', `This is not a learned-classes file of this pack: ${why}`);

/** The file that carries learned classes to another browser (little-endian float32 rows, base64). */
export function exportClasses(m: Manifest, classes: readonly StoredClass[]): string {
  return `${JSON.stringify(
    {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      pack: { id: m.id, fingerprint: packFingerprint(m) },
      classes: classes.map((c) => ({
        name: c.name,
        word: c.word,
        conceptRow: toBase64(c.conceptRow),
        head: c.head ? { row: toBase64(c.head.row), bias: c.head.bias } : null,
        losses: c.losses,
        msPerStep: c.msPerStep,
      })),
    },
    null,
    1,
  )}\n`;
}

/**
 * Read a learned-classes file for this pack: checks its format, pack, fingerprint and every row's
 * length against the pack's, and gives each class a fresh id. Throws InvalidInput naming the problem.
 */
export function importClasses(m: Manifest, text: string, newId: () => string): StoredClass[] {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw bad('it is not JSON');
  }
  const f = o as { format?: unknown; version?: unknown; pack?: { id?: unknown; fingerprint?: unknown }; classes?: unknown };
  if (f?.format !== EXPORT_FORMAT) throw bad(`its format is ${JSON.stringify(f?.format)}, not "${EXPORT_FORMAT}"`);
  if (f.version !== EXPORT_VERSION) throw bad(`it is version ${JSON.stringify(f.version)}; this app reads version ${EXPORT_VERSION}`);
  if (f.pack?.id !== m.id) throw bad(`it was made on the pack "${String(f.pack?.id)}"; load that pack to import it`);
  if (f.pack.fingerprint !== packFingerprint(m)) {
    throw bad(`it was made on another build of "${m.id}" (other model files), so its rows would mean nothing here`);
  }
  if (!Array.isArray(f.classes) || f.classes.length === 0) throw bad('it lists no classes');
  const embedDim = m.textEncoder?.embedDim;
  const headDim = m.baselines?.cam.head.shape[1];
  return f.classes.map((raw: unknown, i): StoredClass => {
    const c = raw as { name?: unknown; word?: unknown; conceptRow?: unknown; head?: { row?: unknown; bias?: unknown } | null };
    const where = `class ${i + 1}`;
    if (typeof c?.name !== 'string' || !c.name.trim()) throw bad(`${where} has no name`);
    if (typeof c.word !== 'string' || !c.word.trim()) throw bad(`${where} ("${c.name}") has no starting word`);
    if (typeof c.conceptRow !== 'string') throw bad(`${where} ("${c.name}") has no concept row`);
    const conceptRow = fromBase64(c.conceptRow, `${where}'s concept row`);
    if (conceptRow.length !== embedDim)
      throw bad(`${where}'s concept row has ${conceptRow.length} values, this pack's embeddings ${embedDim}`);
    let head: StoredClass['head'] = null;
    if (c.head) {
      if (typeof c.head.row !== 'string' || typeof c.head.bias !== 'number' || !Number.isFinite(c.head.bias)) {
        throw bad(`${where}'s classifier row is malformed`);
      }
      const row = fromBase64(c.head.row, `${where}'s classifier row`);
      if (row.length !== headDim) throw bad(`${where}'s classifier row has ${row.length} values, this pack's head ${headDim}`);
      head = { row, bias: c.head.bias };
    }
    const losses = Array.isArray((raw as { losses?: unknown }).losses)
      ? ((raw as { losses: unknown[] }).losses.filter(Number.isFinite) as number[])
      : [];
    const ms = (raw as { msPerStep?: unknown }).msPerStep;
    return {
      id: newId(),
      name: c.name.trim(),
      word: c.word.trim().toLowerCase(),
      conceptRow,
      head,
      losses,
      msPerStep: typeof ms === 'number' ? ms : 0,
    };
  });
}

/** The learned classes as the engine takes them: indices after the pack's classes, in list order. */
export function indexed(m: Manifest, classes: readonly StoredClass[]): LearnedClass[] {
  return classes.map((c, i) => ({
    id: c.id,
    index: m.classes.length + i,
    name: c.name,
    word: c.word,
    conceptRow: c.conceptRow,
    head: c.head,
  }));
}
