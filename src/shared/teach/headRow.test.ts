/** The tfjs head-row trainer against its Python reference (fixtures/golden/teach-head-row.json). */
import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldenUrl } from '../postprocess/golden.testutil';
import { type HeadRowConfig, type HeadRowData, trainHeadRow } from './headRow';

interface Golden {
  classes: number;
  dim: number;
  config: HeadRowConfig;
  weight: number[];
  bias: number[];
  negatives: number[];
  negativeLabels: number[];
  positives: number[];
  heldOut: number[];
  losses: number[];
  row: number[];
  rowBias: number;
  heldOutLogits: number[];
}

const golden = JSON.parse(readFileSync(goldenUrl('teach-head-row.json'), 'utf8')) as Golden;
const data = (): HeadRowData => ({
  weight: Float32Array.from(golden.weight),
  bias: Float32Array.from(golden.bias),
  classes: golden.classes,
  dim: golden.dim,
  positives: Float32Array.from(golden.positives),
  negatives: Float32Array.from(golden.negatives),
  negativeLabels: Int32Array.from(golden.negativeLabels),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainHeadRow', () => {
  // float32 in both; PyTorch and tfjs sum in different orders.
  const lossTolerance = (want: number) => 1e-5 + 1e-4 * Math.abs(want);
  const rowTolerance = 1e-4;

  it('follows the Python reference step by step: every loss, the final row and bias', async () => {
    const got = await trainHeadRow(data(), golden.config);
    expect(got.losses).toHaveLength(golden.config.steps);
    for (const [i, l] of got.losses.entries()) {
      expect(Math.abs(l - golden.losses[i]!), `step ${i + 1}`).toBeLessThanOrEqual(lossTolerance(golden.losses[i]!));
    }
    const worst = Math.max(...golden.row.map((w, i) => Math.abs(w - got.row[i]!)));
    expect(worst).toBeLessThanOrEqual(rowTolerance);
    expect(Math.abs(got.bias - golden.rowBias)).toBeLessThanOrEqual(rowTolerance);
    expect(got.cancelled).toBe(false);
  });

  it('the learned row makes the new class the top-1 of held-out images, with the reference logits', async () => {
    const got = await trainHeadRow(data(), golden.config);
    const { classes: C, dim: D } = golden;
    for (let i = 0; i < golden.heldOut.length / D; i++) {
      const f = golden.heldOut.slice(i * D, (i + 1) * D);
      const newLogit = f.reduce((acc, v, k) => acc + v * got.row[k]!, got.bias);
      const want = golden.heldOutLogits.slice(i * (C + 1), (i + 1) * (C + 1));
      expect(Math.abs(newLogit - want[C]!)).toBeLessThanOrEqual(1e-3);
      expect(want.indexOf(Math.max(...want))).toBe(C);
    }
  });

  it('stops when the progress callback says so and keeps what it learned', async () => {
    const seen: number[] = [];
    const got = await trainHeadRow(data(), golden.config, (step) => {
      seen.push(step);
      return step < 5;
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(got.cancelled).toBe(true);
    expect(got.losses).toEqual(expect.arrayContaining([expect.any(Number)]));
    expect(got.losses).toHaveLength(5);
    expect(got.row.some((w) => w !== 0)).toBe(true);
  });

  it('rejects inconsistent input with a message that names the problem, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    await expect(trainHeadRow({ ...data(), negativeLabels: Int32Array.from([99]) })).rejects.toThrow(/negative features but 1 labels/);
    const labels = Int32Array.from(golden.negativeLabels);
    labels[0] = golden.classes;
    await expect(trainHeadRow({ ...data(), negativeLabels: labels })).rejects.toThrow(/labelled 6, outside 0…5/);
    await expect(trainHeadRow({ ...data(), positives: new Float32Array(0) })).rejects.toThrow(/new class's features/);
    await trainHeadRow(data(), { ...golden.config, steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
