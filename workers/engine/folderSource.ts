/**
 * A pack in a local folder, served to the pack loader like a URL prefix, so a
 * folder pack goes through the same manifest, byte-count and sha256 checks as a
 * download. Its files are never put in the Cache API: they are on disk already.
 */
import type { PackFolder } from '@shared/api';
import { EngineError } from '@shared/errors';
import type { FetchFn } from './packLoader';

export function folderSource(folder: PackFolder): { kind: 'folder'; baseUrl: string; fetch: FetchFn } {
  const baseUrl = `folder:${encodeURIComponent(folder.name)}/`;
  const fetch: FetchFn = async (url) => {
    const path = url.slice(baseUrl.length).split('?')[0]!;
    const file = folder.files[path];
    if (file) return new Response(file);
    if (path === 'manifest.json') {
      throw new EngineError(
        'PackNotFound',
        `The folder "${folder.name}" has no manifest.json at its top level. Pick the pack folder itself (the one holding manifest.json).`,
      );
    }
    throw new EngineError(
      'IntegrityError',
      `The folder "${folder.name}" has no file "${path}", which its manifest lists. Copy the whole pack folder, or re-export the pack.`,
    );
  };
  return { kind: 'folder', baseUrl, fetch };
}
