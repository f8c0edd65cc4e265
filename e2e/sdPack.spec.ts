/**
 * The Stable Diffusion path in the app (wasm): the committed sd-tiny-random pack (SD 1.x
 * architecture with random weights: 512² input, 64×64 latent, 77-token CLIP tokenizer) loads
 * by URL, and GenPromp on it draws the diffusers reference's box
 * (fixtures/golden/genpromp-sd-tiny-random.json) with the same pipeline code as every pack.
 * fp32 variants (`?precision=fp32`), as the golden is fp32.
 */
import { expect, test } from './cspGuard';
import { openApp, readyMap, setSlider } from './helpers';
import { sdGolden, sdTinyRandomMap } from './sdTinyRandom';

test('sd-tiny-random by URL: GenPromp on the SD architecture draws the reference box, λ moves the map', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page, '?precision=fp32');
  const map = await sdTinyRandomMap(page);
  expect(JSON.parse(map.box)).toEqual(sdGolden.boxesLargestTau60);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);

  await setSlider(page, 'lambda-slider', 0);
  const lambda0 = await readyMap(page, map.hash);
  expect(lambda0.hash).not.toBe(map.hash);
});
