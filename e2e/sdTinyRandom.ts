/** sd-tiny-random in the app, shared by the wasm and WebGPU specs (not a spec itself). */
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { pickFile, readyMap, root, setSlider } from './helpers';

export const sdGolden = JSON.parse(readFileSync(`${root}fixtures/golden/genpromp-sd-tiny-random.json`, 'utf8')) as {
  image: string;
  classIndex: number;
  className: string;
  lambda: number;
  boxesLargestTau60: number[][];
};

/**
 * Load sd-tiny-random by its URL (unless the page was opened on it: `load: false`), drop the golden's image (its class is the pack's top-1, so the app
 * draws it at once), set the golden's λ and τ = 0.6: → the drawn map.
 * `timeout` (per step): SwiftShader compiles and runs a 512² VAE and a 64×64 UNet for minutes; wasm takes seconds.
 */
export async function sdTinyRandomMap(page: Page, timeout = 90_000, { load = true } = {}) {
  if (load) {
    await page.getByTestId('pack-url-input').fill('/models/sd-tiny-random/');
    await page.getByTestId('pack-url-load').click();
  }
  await expect(page.getByText('(sd-tiny-random)')).toBeVisible({ timeout });
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout });
  await expect(page.getByTestId('method-genpromp')).toBeEnabled();
  await setSlider(page, 'lambda-slider', sdGolden.lambda);
  await pickFile(page, `${root}${sdGolden.image}`);
  await readyMap(page, undefined, timeout);
  await expect(page.getByTestId('class-select')).toHaveValue(String(sdGolden.classIndex));
  await expect(page.getByTestId('class-select').locator('option:checked')).toHaveText(sdGolden.className);
  await setSlider(page, 'threshold-slider', 0.6);
  await page.waitForTimeout(300);
  return readyMap(page, undefined, timeout);
}
