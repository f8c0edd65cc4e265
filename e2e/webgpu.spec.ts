/**
 * The WebGPU path on Chromium's software adapter (SwiftShader): correctness only (it is ~80×
 * slower than wasm, so nothing is timed). Both pages use the fp32 variants (`?precision=fp32`):
 * wasm would otherwise pick int8, whose maps differ by ~1e-3 and could move a box by a pixel.
 *
 * One file for both WebGPU tests: its tests run one after the other in one worker, so two
 * SwiftShader instances never share the machine's cores (the wasm specs run beside it).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, pickFile, readyMap, root, setSlider } from './helpers';
import { sdGolden, sdTinyRandomMap } from './sdTinyRandom';

/**
 * Per step on SwiftShader: a first map compiles every shader on the CPU, and the wasm specs share
 * the machine (two workers). Measured: 1.5 min for this whole test alone, 2.4–2.9 min beside them.
 * The SD test is compute-bound there (a 512² VAE run 33 s, the UNet at two timesteps 64 s); on a
 * software adapter the engine skips its warm-up runs, which cost as much again.
 */
const GPU_STEP = 240_000;

async function boxesAndTop5(page: Page) {
  await setSlider(page, 'threshold-slider', 0.6);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-state', 'ready');
  await page.waitForTimeout(200);
  return {
    box: await page.getByTestId('map-canvas').getAttribute('data-box'),
    top5: await page.getByTestId('top5-item').allTextContents(),
  };
}

test('runs GenPromp and the baselines on WebGPU when asked, agrees with wasm, and λ changes the map', async ({ page, context }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  const hasAdapter = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
  expect(hasAdapter, 'Chromium was started with --enable-unsafe-webgpu and must expose an adapter').toBe(true);

  await openApp(page, '?backend=webgpu&precision=fp32', GPU_STEP);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
  await pickFile(page, `${root}public/samples/cat.png`);
  const first = await readyMap(page, undefined, GPU_STEP);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
  const onGpu = await boxesAndTop5(page);

  const wasmPage = await context.newPage();
  await openApp(wasmPage, '?backend=wasm&precision=fp32');
  await expect(wasmPage.getByTestId('backend-badge')).toContainText(/wasm/i);
  await pickFile(wasmPage, `${root}public/samples/cat.png`);
  await readyMap(wasmPage);
  expect(await boxesAndTop5(wasmPage)).toEqual(onGpu);

  // The baselines' inputs (classifier features, SAT's masks) also come from the backend: same boxes.
  const baselineBoxes = async (p: Page) => {
    await p.getByTestId('method-compare').check();
    const out: Record<string, string | null> = {};
    for (const m of ['cam', 'lpcam', 'sat']) {
      const c = p.getByTestId(`panel-${m}`).getByTestId('map-canvas');
      await expect(c).toHaveAttribute('data-state', 'ready');
      out[m] = await c.getAttribute('data-box');
    }
    await p.getByTestId('method-genpromp').check();
    return out;
  };
  expect(await baselineBoxes(wasmPage)).toEqual(await baselineBoxes(page));

  await setSlider(page, 'lambda-slider', 0);
  await readyMap(page, first.hash, GPU_STEP);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
});

// The Stable Diffusion path: sd-tiny-random's GenPromp box equals the diffusers reference's, as on
// wasm (e2e/sdPack.spec.ts). Opened as a lesson link to that pack, so the default pack is never
// loaded (and warmed up on SwiftShader) first.
test('sd-tiny-random on WebGPU draws the reference box', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(`/?backend=webgpu&precision=fp32#v=1&pack=${encodeURIComponent('/models/sd-tiny-random/')}`);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i, { timeout: 60_000 });
  const map = await sdTinyRandomMap(page, 400_000, { load: false });
  expect(JSON.parse(map.box)).toEqual(sdGolden.boxesLargestTau60);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
});
