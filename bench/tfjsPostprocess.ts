/**
 * Does GPU tensor work pay for post-processing? Times the upsample + min-max of
 * the latent map (the only dense part of post-processing; contours stay on the
 * CPU because tfjs has no connected components) with tfjs-backend-webgpu, against
 * the JS implementation the app uses. Only run where WebGPU exists.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { normalizeMinMax, resizeBilinear } from '@shared/postprocess';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function tfjsVsJs(latent: Float32Array, latentHW: [number, number], frameHW: [number, number], repeats: number) {
  const adapter = await navigator.gpu!.requestAdapter();
  if (!adapter) return { skipped: 'no WebGPU adapter' };
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
  });
  // Registered under 'webgpu', or kernels are not found (tfjs looks kernels up by that name).
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info));
  await tf.setBackend('webgpu');
  await tf.ready();

  const run = async () => {
    const y = tf.tidy(() => {
      const x = tf.tensor4d(latent, [1, latentHW[0], latentHW[1], 1]);
      const up = tf.image.resizeBilinear(x, frameHW, false, true);
      const lo = tf.min(up);
      return tf.div(tf.sub(up, lo), tf.sub(tf.max(up), lo));
    });
    const data = await y.data(); // the UI needs the values on the CPU for contours
    y.dispose();
    return data;
  };
  for (let i = 0; i < 3; i++) await run(); // shader compilation
  const gpu: number[] = [];
  const js: number[] = [];
  for (let i = 0; i < repeats; i++) {
    let t = performance.now();
    await run();
    gpu.push(performance.now() - t);
    t = performance.now();
    normalizeMinMax(resizeBilinear(latent, latentHW[0], latentHW[1], frameHW[0], frameHW[1]));
    js.push(performance.now() - t);
  }
  return { adapter: `${adapter.info.vendor} ${adapter.info.architecture}`, tfjsWebgpuMedianMs: median(gpu), jsMedianMs: median(js) };
}
