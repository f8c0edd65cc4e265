/** Big packs: cancel and per-file resume, storage checks, folder packs, download rate, lazy text encoding. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PackFolder, ProgressReport } from '@shared/api';
import { genprompMapsRequest } from '@shared/genpromp/method';
import { createOrtBackend } from '../runtime/ortBackend';
import { MemoryCache } from '../testing/memoryCache';
import { fileFetch, nodeEngine, packUrl, readPng, repoRoot } from '../testing/nodeEngine';
import type { Engine } from './engine';
import type { EngineDeps } from './engine';
import { loadFiles } from './packLoader';
import type { CacheLike, FetchFn } from './packLoader';
import { TransferRate } from './transferRate';

const fixtureDir = `${repoRoot}public/models/fixture-tiny/`;
const base = packUrl('public/models/fixture-tiny');
const manifest = JSON.parse(readFileSync(`${fixtureDir}manifest.json`, 'utf8'));
const fileName = (url: string) => url.split('?')[0]!.split('/').pop()!;

/** A server for the fixture's files sending 64 KiB chunks, honouring `Range: bytes=N-` unless told not to. */
function rangeServer(honourRange: boolean) {
  const ranges: Array<string | null> = [];
  const fetch: FetchFn = async (url, init) => {
    const bytes = new Uint8Array(await (await fileFetch(url)).arrayBuffer());
    const range = new Headers(init?.headers).get('range');
    ranges.push(range);
    const from = honourRange && range ? Number(/^bytes=(\d+)-$/.exec(range)![1]) : 0;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = from; i < bytes.byteLength; i += 65536) c.enqueue(bytes.slice(i, Math.min(i + 65536, bytes.byteLength)));
        c.close();
      },
    });
    if (from === 0) return new Response(body);
    return new Response(body, { status: 206, headers: { 'content-range': `bytes ${from}-${bytes.byteLength - 1}/${bytes.byteLength}` } });
  };
  return { fetch, ranges };
}

/** The fixture's files, each body in two chunks, so a load can be cancelled inside a file. */
const twoChunkFetch: FetchFn = async (url) => {
  const bytes = new Uint8Array(await (await fileFetch(url)).arrayBuffer());
  const half = bytes.byteLength >> 1;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.subarray(0, half));
      c.enqueue(bytes.subarray(half));
      c.close();
    },
  });
  return new Response(body);
};

/** An engine on wasm with a cache and storage estimate of the test's choosing. */
const engineWith = (deps: Partial<EngineDeps>): Engine => nodeEngine(fileFetch, deps);

function fixtureFolder(edit: (files: Record<string, Blob>) => void = () => undefined): PackFolder {
  const files: Record<string, Blob> = {};
  for (const name of readdirSync(fixtureDir)) files[name] = new Blob([readFileSync(`${fixtureDir}${name}`)]);
  edit(files);
  return { name: 'fixture-tiny', files };
}

describe('cancel and per-file resume', () => {
  const files = [manifest.tokenizer.file, manifest.models.classifier.variants[0], manifest.models.unet.variants[0]];

  it('a cancelled load is DownloadCancelled, and the next load fetches only the files it had not finished', async () => {
    const cache = new MemoryCache();
    const controller = new AbortController();
    const first: string[] = [];
    const counting: FetchFn = (url, init) => {
      first.push(fileName(url));
      return twoChunkFetch(url, init);
    };
    const cancelInSecondFile = (p: { item: string }) => {
      if (p.item === files[1].path) controller.abort();
    };
    await expect(loadFiles({ fetch: counting, cache, signal: controller.signal }, base, files, cancelInSecondFile)).rejects.toMatchObject({
      name: 'DownloadCancelled',
    });
    // Files are fetched a few at a time: the cancel lands while the second is under way.
    expect(first).toContain(files[1].path);
    const finished = files.filter((f) => [...cache.store.keys()].some((k) => k.includes(f.sha256) && !k.includes('&part=')));
    expect(finished.length).toBeLessThan(files.length);

    const second: string[] = [];
    const resumed = await loadFiles(
      {
        fetch: (url) => {
          second.push(fileName(url));
          return fileFetch(url);
        },
        cache,
      },
      base,
      files,
    );
    expect(second.sort()).toEqual(
      files
        .filter((f) => !finished.includes(f))
        .map((f) => f.path)
        .sort(),
    );
    expect(resumed.data.size).toBe(3);
  });

  it('the engine cancels a download in flight and keeps the pack it had', async () => {
    let slow = false;
    let slowStarted!: () => void;
    const started = new Promise<void>((r) => (slowStarted = r));
    const engine = engineWith({
      fetch: async (url, init) => {
        if (slow && fileName(url) === 'unet.onnx') {
          slowStarted();
          // A download that only ends when it is aborted, like fetch() with a signal.
          await new Promise((_, reject) =>
            init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
          );
        }
        return fileFetch(url);
      },
    });
    await engine.loadPack(base);
    slow = true;
    const load = engine.loadPack(base);
    await started;
    expect(await engine.cancelPackLoad()).toBe(true);
    await expect(load).rejects.toMatchObject({ name: 'DownloadCancelled' });
    expect(await engine.cancelPackLoad()).toBe(false);
    const a = await engine.analyzeImage(await readPng(`${repoRoot}public/samples-fixture/dog.png`));
    await expect(engine.maps(genprompMapsRequest(a.imageKey, 0, { lambda: 0.6, timesteps: [0] }))).resolves.toBeTruthy();
  });
});

describe('HTTP Range resume inside a large file', () => {
  const unet = manifest.models.unet.variants[0];
  const partBytes = 256 * 1024;

  /** Download the UNet until 1 MiB has arrived, then cancel: four 256 KiB parts are cached. */
  async function cancelAfterOneMiB(cache: MemoryCache): Promise<void> {
    const controller = new AbortController();
    const server = rangeServer(true);
    const cancelAtOneMiB = (p: ProgressReport) => {
      if (p.phase === 'download' && p.done >= 1024 * 1024) controller.abort();
    };
    await expect(
      loadFiles({ fetch: server.fetch, cache, signal: controller.signal, partBytes }, base, [unet], cancelAtOneMiB),
    ).rejects.toMatchObject({
      name: 'DownloadCancelled',
    });
    expect([...cache.store.keys()].filter((k) => k.includes('&part=')).length).toBe(4);
  }

  it('the next load asks only for the bytes after the cached parts, verifies the whole file and drops the parts', async () => {
    const cache = new MemoryCache();
    await cancelAfterOneMiB(cache);
    const server = rangeServer(true);
    const seen: ProgressReport[] = [];
    const { data } = await loadFiles({ fetch: server.fetch, cache, partBytes }, base, [unet], (p) => seen.push(p));
    expect(server.ranges).toEqual([`bytes=${4 * partBytes}-`]);
    expect(data.get(unet.path)!.byteLength).toBe(unet.bytes);
    expect(seen.find((p) => p.text.startsWith('Resuming'))?.done).toBe(4 * partBytes);
    expect([...cache.store.keys()].filter((k) => k.includes('&part='))).toEqual([]);
    expect([...cache.store.keys()]).toEqual([`${base}${unet.path}?sha256=${unet.sha256}`]);
  });

  it('a server that ignores Range sends the whole file again, and it still verifies', async () => {
    const cache = new MemoryCache();
    await cancelAfterOneMiB(cache);
    const server = rangeServer(false);
    const { data } = await loadFiles({ fetch: server.fetch, cache, partBytes }, base, [unet]);
    expect(server.ranges).toEqual([`bytes=${4 * partBytes}-`]);
    expect(data.get(unet.path)!.byteLength).toBe(unet.bytes);
  });
});

describe('storage before and during a download', () => {
  it('too little free storage fails before any model file is fetched, saying needed and free', async () => {
    const fetched: string[] = [];
    const engine = engineWith({
      fetch: (url) => {
        fetched.push(fileName(url));
        return fileFetch(url);
      },
      openCache: async () => new MemoryCache(),
      storage: { estimate: async () => ({ quota: 1_000_000, usage: 400_000 }) },
    });
    await expect(engine.loadPack(base)).rejects.toMatchObject({
      name: 'StorageQuotaExceeded',
      message: expect.stringMatching(/needs 2\.\d MiB.*only 585\.9 KiB is free/),
    });
    expect(fetched).toEqual(['manifest.json']);
  });

  it('a QuotaExceededError from cache.put is StorageQuotaExceeded', async () => {
    const full: CacheLike = {
      match: async () => undefined,
      put: async (key) => {
        if (!key.endsWith('manifest.json')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    };
    const engine = engineWith({ openCache: async () => full });
    await expect(engine.loadPack(base)).rejects.toMatchObject({ name: 'StorageQuotaExceeded', message: expect.stringMatching(/refused/) });
  });

  it('a pack over the wasm heap budget fails before downloading, naming a variant that fits', async () => {
    const big = structuredClone(manifest);
    // Three 1.5 GB external-data shards on the fp32 UNet: 4.5 GB, over one wasm heap.
    big.models.unet.variants[0].externalData = [0, 1, 2].map((i) => ({
      path: `unet.data${i}`,
      bytes: 1_500_000_000,
      sha256: 'b'.repeat(64),
    }));
    big.models.unet.variants.push({ ...manifest.models.unet.variants[0], precision: 'int8', backends: ['wasm'] });
    const fetched: string[] = [];
    const engine = engineWith({
      fetch: async (url) => {
        fetched.push(fileName(url));
        return fileName(url) === 'manifest.json' ? new Response(JSON.stringify(big)) : fileFetch(url);
      },
    });
    await expect(engine.loadPack(base)).rejects.toMatchObject({
      name: 'MemoryBudgetExceeded',
      message: expect.stringMatching(/Use the int8 variant: 2\.\d MiB/),
    });
    expect(fetched).toEqual(['manifest.json']);
  });
});

describe('a pack from a local folder', () => {
  it('loads through the same checks and says it came from a folder', async () => {
    const engine = nodeEngine();
    const pack = await engine.loadPackFolder(fixtureFolder());
    expect(pack).toMatchObject({ source: 'folder', baseUrl: 'folder:fixture-tiny/', fromCache: false });
    const a = await engine.analyzeImage(await readPng(`${repoRoot}public/samples-fixture/dog.png`));
    expect(a.topK.length).toBeGreaterThan(0);
  });

  it('a file that fails its sha256 is IntegrityError naming it, and the loaded pack stays', async () => {
    const engine = nodeEngine();
    await engine.loadPackFolder(fixtureFolder());
    const corrupt = fixtureFolder((f) => {
      const bytes = new Uint8Array(readFileSync(`${fixtureDir}classifier.onnx`));
      bytes[100]! ^= 0xff;
      f['classifier.onnx'] = new Blob([bytes]);
    });
    await expect(engine.loadPackFolder(corrupt)).rejects.toMatchObject({
      name: 'IntegrityError',
      message: expect.stringMatching(/classifier\.onnx failed its checksum/),
    });
    await expect(engine.analyzeImage(await readPng(`${repoRoot}public/samples-fixture/dog.png`))).resolves.toBeTruthy();
  });

  it('a missing file or manifest is named', async () => {
    const engine = nodeEngine();
    await expect(engine.loadPackFolder(fixtureFolder((f) => delete f['unet.onnx']))).rejects.toMatchObject({
      name: 'IntegrityError',
      message: expect.stringMatching(/no file "unet\.onnx"/),
    });
    await expect(engine.loadPackFolder(fixtureFolder((f) => delete f['manifest.json']))).rejects.toMatchObject({
      name: 'PackNotFound',
      message: expect.stringMatching(/no manifest\.json/),
    });
  });
});

describe('download rate', () => {
  it('download reports carry rate and ETA from network bytes; verify reports do not', async () => {
    let t = 0;
    const files = [manifest.models.classifier.variants[0], manifest.models.unet.variants[0]];
    const reports: ProgressReport[] = [];
    await loadFiles({ fetch: twoChunkFetch, cache: null, now: () => (t += 250) }, base, files, (p) => reports.push(p));
    const rated = reports.filter((p) => p.bytesPerSecond !== undefined);
    expect(rated.length).toBeGreaterThan(0);
    expect(rated.every((p) => p.phase === 'download' && p.etaSeconds! >= 0)).toBe(true);
    // After the last chunk nothing is left to fetch.
    expect(rated.at(-1)!.etaSeconds).toBe(0);
  });

  it('is bytes over the window, null until half a second has passed', () => {
    let t = 0;
    const rate = new TransferRate(() => t);
    rate.add(1000);
    expect(rate.bytesPerSecond()).toBeNull();
    t = 1000;
    rate.add(2000);
    expect(rate.bytesPerSecond()).toBe(3000);
    t = 10_000; // the burst at 0–1 s leaves the 5 s window: the rate is the last 9 s's 500 bytes
    rate.add(500);
    expect(rate.bytesPerSecond()).toBeCloseTo(500 / 9, 5);
  });
});

describe('text encoder on demand', () => {
  it('a 30-class pack runs the text encoder only for the classes asked for, once each', async () => {
    let textRuns = 0;
    const engine = engineWith({
      createBackend: () => {
        const wasm = createOrtBackend({ kind: 'wasm', numThreads: 1 });
        return {
          kind: 'wasm',
          createSession: async (model, opts) => {
            const session = await wasm.createSession(model, opts);
            if (!opts.label.startsWith('text_encoder')) return session;
            return {
              inputNames: session.inputNames,
              outputNames: session.outputNames,
              release: () => session.release(),
              run: (feeds, outputs) => {
                textRuns++;
                return session.run(feeds, outputs);
              },
            };
          },
        };
      },
    });
    const pack = await engine.loadPack(packUrl('public/models/toyworld'));
    expect(pack.manifest.classes.length).toBe(30);
    expect(textRuns).toBe(0); // not one per class at load (and no warm-up run on wasm)
    const a = await engine.analyzeImage(await readPng(`${repoRoot}public/samples/dog.png`));
    expect(textRuns).toBe(0);
    await engine.maps(genprompMapsRequest(a.imageKey, 3, { lambda: 0.6, timesteps: [0] }));
    expect(textRuns).toBe(2); // f_d and f_r for class 3
    await engine.maps(genprompMapsRequest(a.imageKey, 3, { lambda: 0.3, timesteps: [0, 99] }));
    expect(textRuns).toBe(2); // cached per class: λ and timesteps reuse them
    await engine.maps(genprompMapsRequest(a.imageKey, 4, { lambda: 0.6, timesteps: [0] }));
    expect(textRuns).toBe(4);
  });
});
