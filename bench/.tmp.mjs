import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
ort.env.wasm.numThreads = Number(process.argv[2] ?? 1);
const s = await ort.InferenceSession.create(readFileSync('public/models/fixture-tiny/unet.onnx'), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
const L = 77, D = 32;
const feeds = (B) => ({
    sample: new ort.Tensor('float32', new Float32Array(B * 4 * 32 * 32).fill(0.1), [B, 4, 32, 32]),
    timestep: new ort.Tensor('float32', new Float32Array(B).fill(99), [B]),
    encoder_hidden_states: new ort.Tensor('float32', new Float32Array(B * L * D).fill(0.01), [B, L, D]),
    token_weights: new ort.Tensor('float32', new Float32Array(B * L).fill(0), [B, L]),
  });
for (const B of [1, 2, 1, 2]) {
  for (let i = 0; i < 3; i++) await s.run(feeds(B));
  const ts = [];
  for (let i = 0; i < 15; i++) { const t = performance.now(); await s.run(feeds(B)); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(`threads=${ort.env.wasm.numThreads} batch=${B}: median ${ts[7].toFixed(1)} ms (min ${ts[0].toFixed(1)}, max ${ts[14].toFixed(1)})`);
}
