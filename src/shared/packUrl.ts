/** Where a pack lives: one normal form (absolute, ending in '/', no manifest.json, no hash) for the UI and the engine. */
import { EngineError } from './errors';

/** Resolve a pack folder or manifest.json URL against `relativeTo`. Throws PackNotFound for non-http(s)/file URLs. */
export function resolvePackPath(location: string, relativeTo: string): string {
  const url = new URL(location, relativeTo);
  if (url.pathname.endsWith('/manifest.json')) url.pathname = url.pathname.slice(0, -'manifest.json'.length);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.hash = '';
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    throw new EngineError('PackNotFound', `"${location}" is not an http(s) URL. Enter the address of a pack folder or its manifest.json.`);
  }
  return url.href;
}
