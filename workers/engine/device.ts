/**
 * Probe WebGPU once and decide the backend .
 *
 * WebGPU is used when an adapter exists and is not a software fallback
 * (SwiftShader is ~80× slower than wasm); `?backend=webgpu|wasm` overrides.
 * The device is created here with the features ORT asks for, so its loss can be
 * watched and the engine can fall back to wasm and carry on.
 */
import type { BackendPreference, DeviceInfo, EngineOptions } from '@shared/api';

export interface ProbeResult {
  info: DeviceInfo;
  device?: GPUDevice;
}

export type { BackendPreference };

const ORT_FEATURES: GPUFeatureName[] = ['shader-f16', 'subgroups' as GPUFeatureName, 'timestamp-query'];

export function wasmThreads(requested?: number): number {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // Multi-threaded wasm needs SharedArrayBuffer, i.e. cross-origin isolation.
  if (!isolated) return 1;
  return requested && requested >= 1 ? Math.min(requested, 16) : Math.max(1, Math.min(4, cores));
}

export async function probeDevice(preference: BackendPreference, options: EngineOptions = {}): Promise<ProbeResult> {
  const threads = wasmThreads(options.wasmThreads);
  const base = {
    wasmThreads: threads,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
  const wasm = (why: string, webgpu: DeviceInfo['webgpu'] = null, fallbackReason: string | null = null): ProbeResult => ({
    info: {
      backend: 'wasm',
      description: `wasm (CPU, ${threads} thread${threads > 1 ? 's' : ''}): ${why}`,
      webgpu,
      fallbackReason,
      ...base,
    },
  });
  if (preference === 'wasm') return wasm('chosen in the URL (?backend=wasm)');
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return wasm('this browser exposes no WebGPU');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) return wasm('no WebGPU adapter is available');
  const info = adapter.info;
  const isFallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  const webgpu: NonNullable<DeviceInfo['webgpu']> = {
    available: true,
    vendor: info.vendor,
    architecture: info.architecture,
    isFallbackAdapter: isFallback,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
  if (isFallback && preference !== 'webgpu') {
    return wasm(`the WebGPU adapter (${info.vendor} ${info.architecture}) is a software fallback, slower than wasm`, webgpu);
  }
  try {
    const device = await adapter.requestDevice({
      requiredFeatures: ORT_FEATURES.filter((f) => adapter.features.has(f)),
      requiredLimits: {
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupSizeY: adapter.limits.maxComputeWorkgroupSizeY,
        maxComputeWorkgroupSizeZ: adapter.limits.maxComputeWorkgroupSizeZ,
      },
    });
    return {
      device,
      info: {
        backend: 'webgpu',
        description: `WebGPU: ${info.vendor || 'unknown vendor'} ${info.architecture || ''}${isFallback ? ' (software adapter)' : ''}${webgpu.shaderF16 ? ', shader-f16' : ', no shader-f16 (fp32 models)'}`,
        webgpu,
        fallbackReason: null,
        ...base,
      },
    };
  } catch (err) {
    return wasm('WebGPU device creation failed', webgpu, `WebGPU device creation failed: ${String((err as Error)?.message ?? err)}`);
  }
}
