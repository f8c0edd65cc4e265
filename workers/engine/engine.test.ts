/** WebGPU → wasm fallback: on device loss and on model-creation failure, the engine carries on. */
import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from '@shared/api';
import { genprompMapsRequest } from '@shared/genpromp/method';
import { createOrtBackend } from '../runtime/ortBackend';
import type { InferenceBackend } from '../runtime/backend';
import { fileFetch, packUrl, readPng, repoRoot } from '../testing/nodeEngine';
import { Engine } from './engine';
import type { ProbeResult } from './device';

const gpuInfo: DeviceInfo = {
  backend: 'webgpu',
  description: 'fake WebGPU',
  webgpu: {
    available: true,
    vendor: 'test',
    architecture: 'fake',
    isFallbackAdapter: false,
    shaderF16: false,
    maxBufferSize: 1 << 30,
    maxStorageBufferBindingSize: 1 << 30,
  },
  wasmThreads: 1,
  crossOriginIsolated: false,
  fallbackReason: null,
};

/** A "WebGPU" backend that is really wasm (Node has no GPU), optionally failing to create sessions. */
function backendFor(p: ProbeResult, failOnGpu: boolean): InferenceBackend {
  const wasm = createOrtBackend({ kind: 'wasm', numThreads: 1 });
  if (p.info.backend === 'wasm') return wasm;
  return {
    kind: 'webgpu',
    // Like a real f16 failure, it surfaces when the session first runs (warm-up).
    createSession: async (model, opts) => {
      const session = await wasm.createSession(model, opts);
      return failOnGpu
        ? { ...session, run: () => Promise.reject(new Error('Program Cast requires f16 but the device does not support it')) }
        : session;
    },
  };
}

function engineWith(failOnGpu: boolean, lose?: Promise<GPUDeviceLostInfo>, options: { f16Pack?: boolean } = {}) {
  const device = { lost: lose ?? new Promise<GPUDeviceLostInfo>(() => undefined) } as unknown as GPUDevice;
  const backends: string[] = [];
  const fetched: string[] = [];
  const fetchFn = async (url: string) => {
    fetched.push(url.split('?')[0]!.split('/').pop()!);
    return options.f16Pack ? f16PackFetch(url) : fileFetch(url);
  };
  const engine = new Engine({
    probe: async () => ({ info: { ...gpuInfo, webgpu: { ...gpuInfo.webgpu!, shaderF16: !!options.f16Pack } }, device }),
    createBackend: (p) => {
      backends.push(p.info.backend);
      return backendFor(p, failOnGpu);
    },
    fetch: fetchFn,
    openCache: async () => null,
    ...(options.f16Pack ? {} : { forcePrecision: 'fp32' as const }),
  });
  return { engine, backends, fetched };
}

/**
 * The fixture pack plus a WebGPU-only "fp16" UNet variant (the fp32 bytes under
 * another name), so WebGPU and wasm need different files.
 */
async function f16PackFetch(url: string): Promise<Response> {
  const base = packUrl('public/models/fixture-tiny');
  if (url === `${base}manifest.json`) {
    const m = await (await fileFetch(url)).json();
    m.models.unet.variants.push({
      ...m.models.unet.variants[0],
      path: 'unet.fp16.onnx',
      precision: 'fp16',
      backends: ['webgpu'],
      requires: ['shader-f16'],
    });
    return new Response(JSON.stringify(m));
  }
  return fileFetch(url.replace('unet.fp16.onnx', 'unet.onnx'));
}

describe('engine fallback to wasm', () => {
  it('falls back when WebGPU cannot create a model, and says why', async () => {
    const { engine, backends } = engineWith(true);
    await engine.init();
    const pack = await engine.loadPack(packUrl('public/models/fixture-tiny'));
    expect(pack.manifest.id).toBe('fixture-tiny');
    expect(backends).toEqual(['webgpu', 'wasm']);
    const info = await engine.device();
    expect(info.backend).toBe('wasm');
    expect(info.fallbackReason).toMatch(/Program Cast requires f16/);
    const px = await readPng(`${repoRoot}public/samples-fixture/dog.png`);
    const a = await engine.analyzeImage(px);
    await expect(engine.maps(genprompMapsRequest(a.imageKey, 0, { lambda: 0.6, timesteps: [0, 99] }))).resolves.toBeTruthy();
  });

  it('fetches the wasm variants it had not downloaded when WebGPU fails on an f16 pack', async () => {
    const { engine, backends, fetched } = engineWith(true, undefined, { f16Pack: true });
    await engine.init();
    const pack = await engine.loadPack(packUrl('public/models/fixture-tiny'));
    expect(backends).toEqual(['webgpu', 'wasm']);
    expect(fetched.indexOf('unet.fp16.onnx')).toBeLessThan(fetched.indexOf('unet.onnx'));
    expect(pack.variants.unet).toBe('fp32');
    const a = await engine.analyzeImage(await readPng(`${repoRoot}public/samples-fixture/dog.png`));
    await expect(engine.maps(genprompMapsRequest(a.imageKey, 0, { lambda: 0.6, timesteps: [0] }))).resolves.toBeTruthy();
  });

  it('rebuilds the sessions on wasm when the device is lost, and keeps working', async () => {
    let lose!: (info: GPUDeviceLostInfo) => void;
    const lost = new Promise<GPUDeviceLostInfo>((r) => (lose = r));
    const { engine, backends } = engineWith(false, lost);
    await engine.init();
    await engine.loadPack(packUrl('public/models/fixture-tiny'));
    const px = await readPng(`${repoRoot}public/samples-fixture/dog.png`);
    const before = await engine.analyzeImage(px);
    expect((await engine.device()).backend).toBe('webgpu');

    lose({ reason: 'unknown', message: 'GPU process crashed' } as GPUDeviceLostInfo);
    await Promise.resolve(); // the loss is noticed asynchronously, as in a browser
    const after = await engine.analyzeImage(px); // queued behind the fallback
    expect((await engine.device()).backend).toBe('wasm');
    expect((await engine.device()).fallbackReason).toMatch(/device lost.*GPU process crashed/);
    expect(backends).toEqual(['webgpu', 'wasm']);
    expect(after.topK).toEqual(before.topK);
    // The image analysed before the loss still works without re-analysing it.
    await expect(engine.maps(genprompMapsRequest(before.imageKey, 1, { lambda: 0.5, timesteps: [0] }))).resolves.toBeTruthy();
  });
});

describe('warm-up runs at load', () => {
  /** Runs on zeros while the pack loads, on a hardware or a software ("fallback") WebGPU adapter. */
  async function runsAtLoad(isFallbackAdapter: boolean): Promise<number> {
    let runs = 0;
    const wasm = createOrtBackend({ kind: 'wasm', numThreads: 1 });
    const engine = new Engine({
      probe: async () => ({
        info: { ...gpuInfo, webgpu: { ...gpuInfo.webgpu!, isFallbackAdapter } },
        device: { lost: new Promise(() => undefined) } as unknown as GPUDevice,
      }),
      createBackend: () => ({
        kind: 'webgpu',
        createSession: async (model, opts) => {
          const session = await wasm.createSession(model, opts);
          const run: typeof session.run = (feeds, outputs) => {
            runs++;
            return session.run(feeds, outputs);
          };
          return { ...session, run };
        },
      }),
      fetch: fileFetch,
      openCache: async () => null,
      forcePrecision: 'fp32',
    });
    await engine.init();
    const pack = await engine.loadPack(packUrl('public/models/fixture-tiny'));
    expect(Object.keys(pack.loadTimings.warmup).length).toBe(runs);
    return runs;
  }

  it('compile a hardware adapter’s shaders, and are skipped on a software adapter, where they cost a full run each', async () => {
    expect(await runsAtLoad(false)).toBeGreaterThan(0);
    expect(await runsAtLoad(true)).toBe(0);
  });
});
