/**
 * The tfjs ONNX runner (src/shared/teach/onnxGraph) against ORT on the same fp32 graphs and inputs:
 * textual inversion differentiates through the pack's text encoder and UNet in tfjs, so tfjs must
 * compute what ORT computes: the text encoder, the map-making UNet and the teaching UNet. Tolerance:
 * 1e-4 absolute on every output (fp32, different kernels).
 */
import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@shared/random/map';
import { decodeOnnx } from '@shared/teach/onnxGraph/decode';
import { hostValue, prepareGraph, type Value } from '@shared/teach/onnxGraph/run';
import { createOrtBackend } from '../runtime/ortBackend';
import type { TensorData } from '../runtime/backend';
import { repoRoot } from '../testing/nodeEngine';

const TOLERANCE = 1e-4;
const pack = (file: string) => new Uint8Array(readFileSync(`${repoRoot}public/models/toyworld/${file}`));
const ort = createOrtBackend({ kind: 'wasm', numThreads: 1 });

function randn(n: number, seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => {
    const u = Math.max(r(), 1e-7);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()) * scale;
  });
}

/** The same inputs for ORT (TensorData) and tfjs (Value). */
function both(feeds: Record<string, TensorData>): Record<string, Value> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, t]) => [
      k,
      t.dtype === 'int32' ? hostValue(Array.from(t.data), t.dims) : tf.tensor(t.data as Float32Array, t.dims, 'float32'),
    ]),
  );
}

async function compare(file: string, feeds: Record<string, TensorData>): Promise<number> {
  const bytes = pack(file);
  const session = await ort.createSession(bytes, { label: file });
  const expected = await session.run(feeds);
  await session.release();
  const graph = prepareGraph(decodeOnnx(bytes));
  let worst = 0;
  try {
    const got = tf.tidy(() => graph.run(both(feeds)));
    for (const [name, want] of Object.entries(expected)) {
      const t = got[name]!;
      expect(t.shape, name).toEqual(want.dims);
      const data = t.dataSync();
      for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - want.data[i]!));
      t.dispose();
    }
  } finally {
    graph.dispose();
  }
  return worst;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tfjs ONNX runner equals ORT (toy pack, fp32)', () => {
  it('text encoder, with a concept row overriding one token', async () => {
    const L = 8;
    const E = 64;
    const ids = Int32Array.from([0, 5, 9, 12, 3, 20, 1, 1]);
    const mask = new Float32Array(2 * L);
    mask[5] = 1; // the second prompt keeps its tokens; the first has token 5 replaced
    const worst = await compare('text_encoder.onnx', {
      input_ids: { dtype: 'int32', dims: [2, L], data: Int32Array.from([...ids, ...ids]) },
      override_embeds: { dtype: 'float32', dims: [2, L, E], data: randn(2 * L * E, 1, 0.02) },
      override_mask: { dtype: 'float32', dims: [2, L], data: mask },
    });
    console.log(`worst |tfjs − ORT|: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it("teaching UNet's ε prediction (the graph textual inversion trains through)", async () => {
    const worst = await compare('unet_teach.onnx', {
      sample: { dtype: 'float32', dims: [1, 4, 32, 32], data: randn(4 * 32 * 32, 4) },
      timestep: { dtype: 'float32', dims: [1], data: Float32Array.from([437]) },
      encoder_hidden_states: { dtype: 'float32', dims: [1, 8, 64], data: randn(8 * 64, 5) },
    });
    console.log(`worst |tfjs − ORT|: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('UNet attention maps at two timesteps', async () => {
    const worst = await compare('unet.onnx', {
      sample: { dtype: 'float32', dims: [2, 4, 32, 32], data: randn(2 * 4 * 32 * 32, 2) },
      timestep: { dtype: 'float32', dims: [2], data: Float32Array.from([0, 99]) },
      encoder_hidden_states: { dtype: 'float32', dims: [2, 8, 64], data: randn(2 * 8 * 64, 3) },
      token_weights: { dtype: 'float32', dims: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => (i % 8 === 5 ? 1 : 0)) },
    });
    console.log(`worst |tfjs − ORT|: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(TOLERANCE);
  });
});
