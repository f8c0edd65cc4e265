/** Pack errors get named, actionable errors; caching serves a second load. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../testing/memoryCache';
import { fileFetch, nodeEngine, packUrl, repoRoot } from '../testing/nodeEngine';
import { loadFiles } from './packLoader';

const base = packUrl('public/models/fixture-tiny');
const manifestText = readFileSync(`${repoRoot}public/models/fixture-tiny/manifest.json`, 'utf8');

/** A fetch that serves the fixture pack with one file replaced or removed. */
function tampered(path: string, body: Uint8Array<ArrayBuffer> | string | null): (url: string) => Promise<Response> {
  return async (url) => {
    if (url.split('?')[0] === `${base}${path}`) return body === null ? new Response('gone', { status: 404 }) : new Response(body);
    return fileFetch(url);
  };
}

describe('pack loading errors', () => {
  it('a missing pack is PackNotFound', async () => {
    const e = nodeEngine();
    await e.init();
    await expect(e.loadPack(packUrl('public/models/no-such-pack'))).rejects.toMatchObject({ name: 'PackNotFound' });
  });

  it('a missing model file is DownloadFailed naming the file', async () => {
    const e = nodeEngine(tampered('unet.onnx', null));
    await e.init();
    await expect(e.loadPack(base)).rejects.toMatchObject({ name: 'DownloadFailed', message: expect.stringMatching(/unet\.onnx.*404/) });
  });

  it('a corrupted file is IntegrityError', async () => {
    const bytes = new Uint8Array(readFileSync(`${repoRoot}public/models/fixture-tiny/classifier.onnx`));
    bytes[100] ^= 0xff;
    const e = nodeEngine(tampered('classifier.onnx', bytes));
    await e.init();
    await expect(e.loadPack(base)).rejects.toMatchObject({
      name: 'IntegrityError',
      message: expect.stringMatching(/classifier\.onnx failed its checksum/),
    });
  });

  it('a truncated file is IntegrityError with sizes', async () => {
    const bytes = new Uint8Array(readFileSync(`${repoRoot}public/models/fixture-tiny/classifier.onnx`)).slice(0, 1000);
    const e = nodeEngine(tampered('classifier.onnx', bytes));
    await e.init();
    await expect(e.loadPack(base)).rejects.toMatchObject({ name: 'IntegrityError', message: expect.stringMatching(/1000 bytes/) });
  });

  it('a bad manifest is ManifestInvalid', async () => {
    const m = JSON.parse(manifestText);
    delete m.genpromp;
    const e = nodeEngine(tampered('manifest.json', JSON.stringify(m)));
    await e.init();
    await expect(e.loadPack(base)).rejects.toMatchObject({ name: 'ManifestInvalid', message: expect.stringMatching(/genpromp/) });
    const e2 = nodeEngine(tampered('manifest.json', '<!doctype html>'));
    await e2.init();
    await expect(e2.loadPack(base)).rejects.toMatchObject({ name: 'ManifestInvalid', message: expect.stringMatching(/not valid JSON/) });
  });

  it('wrong model I/O names are ModelIOMismatch', async () => {
    const m = JSON.parse(manifestText);
    m.models.unet.inputs[0].name = 'latents';
    const e = nodeEngine(tampered('manifest.json', JSON.stringify(m)));
    await e.init();
    await expect(e.loadPack(base)).rejects.toMatchObject({
      name: 'ModelIOMismatch',
      message: expect.stringMatching(/unet\.onnx.*latents/),
    });
  });

  it('a token position that does not hold for every template is rejected', async () => {
    const m = JSON.parse(manifestText);
    m.genpromp.tokenPosition = 4;
    const e = nodeEngine(tampered('manifest.json', JSON.stringify(m)));
    await e.init();
    await expect(e.loadPack(base)).rejects.toMatchObject({ name: 'ManifestInvalid', message: expect.stringMatching(/tokenPosition is 4/) });
  });

  it('reports byte-accurate progress and serves a second load from cache', async () => {
    const m = JSON.parse(manifestText);
    const files = [m.tokenizer.file, m.models.unet.variants[0], m.models.classifier.variants[0]];
    const total = files.reduce((s: number, f: { bytes: number }) => s + f.bytes, 0);
    const cache = new MemoryCache();
    const seen: number[] = [];
    let fetches = 0;
    const counting = async (url: string) => {
      fetches++;
      return fileFetch(url);
    };
    const first = await loadFiles({ fetch: counting, cache }, base, files, (p) => p.phase === 'download' && seen.push(p.done));
    expect(first.fromCache).toBe(false);
    expect(seen.at(-1)).toBe(total);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
    const before = fetches;
    const second = await loadFiles({ fetch: counting, cache }, base, files);
    expect(second.fromCache).toBe(true);
    expect(fetches).toBe(before);
  });

  it('with deferred cache writes, the verified bytes come back before the Cache API has stored them', async () => {
    const m = JSON.parse(manifestText);
    const files = [m.models.unet.variants[0], m.models.classifier.variants[0]];
    const cache = new MemoryCache();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = { match: cache.match.bind(cache), put: async (k: string, r: Response) => gate.then(() => cache.put(k, r)) };
    const got = await loadFiles({ fetch: fileFetch, cache: slow }, base, files, undefined, { deferCacheWrites: true });
    expect([...got.data.keys()].sort()).toEqual(files.map((f: { path: string }) => f.path).sort());
    expect(await cache.match(`${base}${files[0].path}`)).toBeUndefined(); // not stored yet
    let stored = false;
    const writes = got.cacheWrites.then(() => (stored = true));
    await Promise.resolve();
    expect(stored).toBe(false);
    release();
    await writes;
    expect((await loadFiles({ fetch: fileFetch, cache }, base, files)).fromCache).toBe(true);
  });
});
