/** sd-tiny-random in the app, shared by the wasm and WebGPU specs (not a spec itself). */
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { pickFile, readyMap, root, setSlider } from './helpers';

export const sdGolden = JSON.parse(readFileSync(`${root}fixtures/golden/genpromp-sd-tiny-random.json`, 'utf8')) as {
  image: string;
  classIndex: number;
  lambda: number;
  boxesLargest: number[][];
};

/**
 * Load sd-tiny-random by its URL, drop the golden's image, choose its class, λ and τ: → the drawn map.
 * `loadTimeout`: SwiftShader compiles and warms up a 512² VAE for minutes; wasm takes seconds.
 */
export async function sdTinyRandomMap(page: Page, loadTimeout = 90_000) {
  await page.getByTestId('pack-url-input').fill('/models/sd-tiny-random/');
  await page.getByTestId('pack-url-load').click();
  await expect(page.getByText('(sd-tiny-random)')).toBeVisible({ timeout: loadTimeout });
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: loadTimeout });
  await expect(page.getByTestId('method-genpromp')).toBeEnabled();
  await pickFile(page, `${root}${sdGolden.image}`);
  await readyMap(page);
  await page.getByTestId('class-select').selectOption(String(sdGolden.classIndex));
  await setSlider(page, 'lambda-slider', sdGolden.lambda);
  await setSlider(page, 'threshold-slider', 0.25);
  await expect(page.getByTestId('class-select').locator('option:checked')).toHaveText(/dog/);
  await page.waitForTimeout(300);
  return readyMap(page);
}
