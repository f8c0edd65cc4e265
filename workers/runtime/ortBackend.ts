/**
 * onnxruntime-web behind the InferenceBackend interface — the only import of ORT.
 *
 * Two builds, loaded lazily so a page downloads one:
 * - WebGPU: `onnxruntime-web/webgpu`, the native WebGPU EP (the older JSEP
 *   path is being retired). Its wasm is asyncify-instrumented.
 * - wasm EP: `onnxruntime-web/wasm`, the plain build. Measured with
 *   `npm run bench` on the fixture pack (2 threads): a λ change took 113 ms median
 *   on the asyncify build and 56 ms on the plain one.
 * In Node (unit tests) Vitest aliases both to the package's Node (wasm) build.
 */
import type * as Ort from 'onnxruntime-web';
import { EngineError } from '@shared/errors';
import type { Backend } from '@shared/api';
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

type OrtModule = typeof Ort;

const loaded = new Map<Backend, Promise<OrtModule>>();

/** Import the build for `kind` once, and configure it before its first session. */
function loadOrt(o: OrtBackendOptions): Promise<OrtModule> {
  let p = loaded.get(o.kind);
  if (!p) {
    p = (o.kind === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')).then((m) => {
      const ort = m as unknown as OrtModule;
      configure(ort, o);
      return ort;
    });
    loaded.set(o.kind, p);
  }
  return p;
}

function configure(ort: OrtModule, o: OrtBackendOptions): void {
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
  const providers: Ort.InferenceSession.ExecutionProviderConfig[] =
    o.kind === 'webgpu'
      ? [o.device ? ({ name: 'webgpu', device: o.device } as Ort.InferenceSession.ExecutionProviderConfig) : { name: 'webgpu' }]
      : ['wasm'];
  return {
    kind: o.kind,
    async createSession(model: Uint8Array, opts: SessionOptions): Promise<ModelSession> {
      const ort = await loadOrt(o);
      let session: Ort.InferenceSession;
      try {
        session = await serial(() =>
          ort.InferenceSession.create(model, {
            executionProviders: providers,
            graphOptimizationLevel: 'all',
            ...(opts.externalData ? { externalData: opts.externalData } : {}),
          }),
        );
      } catch (err) {
        throw new EngineError(
          'ModelCreateFailed',
          `Could not create ${opts.label} on ${o.kind}: ${String((err as Error)?.message ?? err)}`,
          {
            cause: err,
          },
        );
      }
      return wrapSession(ort, session, opts.label);
    },
  };
}

function wrapSession(ort: OrtModule, session: Ort.InferenceSession, label: string): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputs) {
      const ortFeeds: Record<string, Ort.Tensor> = {};
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
