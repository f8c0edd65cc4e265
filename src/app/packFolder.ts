/**
 * A pack folder from whatever the browser gives: the files of a folder input
 * (webkitRelativePath), a directory handle (showDirectoryPicker), or a dropped
 * folder (webkitGetAsEntry). The result keys each file by its path relative to
 * the folder holding manifest.json; the engine checks everything else.
 */
import type { PackFolder } from '@shared/api';

interface NamedFile {
  /** Path below the picked folder, including the folder's own name first. */
  path: string;
  file: File;
}

/** Key files by their path below the shallowest folder that holds manifest.json (the pack may sit one level down). */
export function packFolderOf(files: NamedFile[], fallbackName: string): PackFolder {
  const manifests = files.filter((f) => f.path === 'manifest.json' || f.path.endsWith('/manifest.json'));
  manifests.sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  const root = manifests[0] ? manifests[0].path.slice(0, -'manifest.json'.length) : '';
  const name = root.replace(/\/$/, '').split('/').pop() || fallbackName;
  const out: Record<string, Blob> = {};
  for (const f of files) if (f.path.startsWith(root)) out[f.path.slice(root.length)] = f.file;
  return { name, files: out };
}

/** The files of `<input type="file" webkitdirectory>` (or several files dropped without a folder). */
export function folderFromFiles(files: File[]): PackFolder {
  const named = files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const top = named[0]?.path.includes('/') ? named[0].path.split('/')[0]! : 'pack';
  return packFolderOf(named, top);
}

/** The parts of FileSystemDirectoryHandle used here (its async iterator is not in every TS DOM lib). */
interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
interface FileHandleLike {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}

export async function folderFromDirectoryHandle(handle: DirectoryHandleLike): Promise<PackFolder> {
  const named: NamedFile[] = [];
  const walk = async (dir: DirectoryHandleLike, prefix: string): Promise<void> => {
    for await (const child of dir.values()) {
      if (child.kind === 'file') named.push({ path: `${prefix}${child.name}`, file: await child.getFile() });
      else await walk(child, `${prefix}${child.name}/`);
    }
  };
  await walk(handle, '');
  return packFolderOf(named, handle.name);
}

/** `window.showDirectoryPicker` where the browser has it (Chromium); Firefox and Safari use the folder input. */
export function directoryPicker(): (() => Promise<DirectoryHandleLike>) | null {
  const w = globalThis as { showDirectoryPicker?: (o?: { mode?: string }) => Promise<DirectoryHandleLike> };
  return w.showDirectoryPicker ? () => w.showDirectoryPicker!({ mode: 'read' }) : null;
}

function entryFiles(entry: FileSystemEntry, prefix: string, out: NamedFile[]): Promise<void> {
  if (entry.isFile) {
    return new Promise((resolve, reject) =>
      (entry as FileSystemFileEntry).file((file) => {
        out.push({ path: `${prefix}${entry.name}`, file });
        resolve();
      }, reject),
    );
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chromium) until it returns none.
  const readAll = async (): Promise<void> => {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    await Promise.all(batch.map((e) => entryFiles(e, `${prefix}${entry.name}/`, out)));
    await readAll();
  };
  return readAll();
}

/**
 * A folder dropped on the pack panel. Must be called during the drop event:
 * the entries are taken synchronously, the files read afterwards.
 */
export function folderFromDrop(dt: DataTransfer): Promise<PackFolder> {
  const entries = [...dt.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
  const looseFiles = [...dt.files];
  return (async () => {
    const dirs = entries.filter((e): e is FileSystemEntry => e !== null);
    if (dirs.length === 0) return folderFromFiles(looseFiles);
    const named: NamedFile[] = [];
    for (const e of dirs) await entryFiles(e, '', named);
    const single = dirs.length === 1 && dirs[0]!.isDirectory ? dirs[0]!.name : 'dropped files';
    return packFolderOf(named, single);
  })();
}
