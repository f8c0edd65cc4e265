/**
 * The WebGPU path on Chromium's software adapter (SwiftShader) with the fixture
 * pack: correctness only (it is ~80× slower than wasm, so nothing is timed).
 */
import { expect, test } from '@playwright/test';
import { openApp, pickFile, readyMap, root, setSlider } from './helpers';

test('runs GenPromp on WebGPU when asked, and λ changes the map', async ({ page }) => {
  test.setTimeout(300_000);
  const hasAdapter = await page.goto('/').then(() => page.evaluate(async () => !!(await navigator.gpu?.requestAdapter())));
  expect(hasAdapter, 'Chromium was started with --enable-unsafe-webgpu and must expose an adapter').toBe(true);
  await openApp(page, '?backend=webgpu');
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
  await pickFile(page, `${root}public/samples/dog.png`);
  const first = await readyMap(page);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
  await setSlider(page, 'lambda-slider', 0);
  await readyMap(page, first.hash);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
});
