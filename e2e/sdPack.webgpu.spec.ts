/**
 * The Stable Diffusion path on WebGPU (Chromium's software adapter, fp32): sd-tiny-random's
 * GenPromp box equals the diffusers reference's, as on wasm (e2e/sdPack.spec.ts).
 */
import { expect, test } from './cspGuard';
import { openApp } from './helpers';
import { sdGolden, sdTinyRandomMap } from './sdTinyRandom';

test('sd-tiny-random on WebGPU draws the reference box', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page, '?backend=webgpu&precision=fp32');
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
  const map = await sdTinyRandomMap(page, 400_000);
  expect(JSON.parse(map.box)).toEqual(sdGolden.boxesLargestTau60);
  await expect(page.getByTestId('backend-badge')).toContainText(/webgpu/i);
});
