/**
 * The tfjs backend teaching trains on. tfjs does forward and backward here (ORT stays the inference
 * engine); each backend is imported only when chosen, so a page downloads one.
 *
 * Measured per inversion step by `npm run bench` (its `teach` section; docs/teach.md): on this
 * project's 2-core CPU machine the wasm backend is the fastest, the pure-JS CPU backend the slowest.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '@shared/errors';

export const TF_BACKENDS = ['wasm', 'webgl', 'webgpu', 'cpu'] as const;
export type TfBackendName = (typeof TF_BACKENDS)[number];

async function register(name: TfBackendName): Promise<void> {
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Served by the bundler from the package (three builds; tfjs picks by SIMD and thread support).
    const [plain, simd, threaded] = await Promise.all([
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
    ]);
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': plain.default,
      'tfjs-backend-wasm-simd.wasm': simd.default,
      'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
    });
    // tfjs's threaded build starts its threads from blob: URLs, which the app's CSP (worker-src 'self')
    // refuses, and then never finishes loading: use the single-threaded SIMD build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } else if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  else if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  else await import('@tensorflow/tfjs-backend-cpu');
}

/** Make `name` tfjs's backend; an actionable error when this browser cannot run it. */
export async function startTfBackend(name: TfBackendName): Promise<void> {
  await register(name);
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (err) {
    throw new EngineError('BackendUnavailable', `tfjs's ${name} backend cannot start here: ${String((err as Error)?.message ?? err)}`, {
      cause: err,
    });
  }
  if (!ok)
    throw new EngineError(
      'BackendUnavailable',
      `tfjs's ${name} backend cannot start in this browser; choose another (${TF_BACKENDS.join(', ')})`,
    );
}
