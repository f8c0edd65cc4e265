/**
 * onnxruntime-web behind the InferenceBackend interface — the only import of ORT.
 *
 * `onnxruntime-web/webgpu` is the native WebGPU EP build (JSEP is being retired,
 * browser-runtime.md §1); its wasm also serves the CPU (wasm EP) path. In Node
 * (unit tests) the package's `node` export condition gives ORT's wasm build.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { EngineError } from '../../src/shared/errors';
import type { Backend } from '../../src/shared/api';
import type { InferenceBackend, ModelSession, SessionOptions, TensorData } from './backend';

export interface OrtBackendOptions {
  kind: Backend;
  /** wasm threads; > 1 needs cross-origin isolation. */
  numThreads: number;
  /** Where ORT's .wasm/.mjs live (browser); undefined lets the bundle resolve them. */
  wasmPaths?: string;
  /** A GPUDevice to share (e.g. with tfjs); ORT creates its own otherwise. */
  device?: GPUDevice;
}

let configured = false;

function configure(o: OrtBackendOptions): void {
  if (configured) return;
  configured = true;
  ort.env.wasm.numThreads = o.numThreads;
  // A worker has no main thread to proxy to; ORT runs in place.
  ort.env.wasm.proxy = false;
  if (o.wasmPaths) ort.env.wasm.wasmPaths = o.wasmPaths;
  ort.env.logLevel = 'error';
}

/** One run at a time per ORT instance: chain every call through one promise. */
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(f: () => Promise<T>): Promise<T> {
  const next = chain.then(f, f);
  chain = next.catch(() => undefined);
  return next;
}

export function createOrtBackend(o: OrtBackendOptions): InferenceBackend {
  configure(o);
  const providers: ort.InferenceSession.ExecutionProviderConfig[] =
    o.kind === 'webgpu' ? [o.device ? ({ name: 'webgpu', device: o.device } as ort.InferenceSession.ExecutionProviderConfig) : { name: 'webgpu' }] : ['wasm'];
  return {
    kind: o.kind,
    async createSession(model: Uint8Array, opts: SessionOptions): Promise<ModelSession> {
      let session: ort.InferenceSession;
      try {
        session = await serial(() =>
          ort.InferenceSession.create(model, {
            executionProviders: providers,
            graphOptimizationLevel: 'all',
            ...(opts.externalData ? { externalData: opts.externalData } : {}),
          }),
        );
      } catch (err) {
        throw new EngineError('ModelCreateFailed', `Could not create ${opts.label} on ${o.kind}: ${String((err as Error)?.message ?? err)}`, {
          cause: err,
        });
      }
      return wrapSession(session, opts.label);
    },
  };
}

function wrapSession(session: ort.InferenceSession, label: string): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputs) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
      const result = await serial(() => (outputs ? session.run(ortFeeds, outputs) : session.run(ortFeeds)));
      const out: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(result)) {
        // getData() downloads GPU-resident outputs; on wasm it returns the CPU array.
        const data = (await t.getData()) as Float32Array | Int32Array;
        if (!(data instanceof Float32Array || data instanceof Int32Array)) {
          throw new EngineError('ModelIOMismatch', `${label} output "${name}" has type ${t.type}; the app reads float32 or int32`);
        }
        out[name] = { dtype: data instanceof Float32Array ? 'float32' : 'int32', dims: [...t.dims], data };
        t.dispose();
      }
      return out;
    },
    release: () => session.release(),
  };
}
