import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export const root = new URL('../', import.meta.url).pathname;

/** Open the app and wait for the embedded pack to be ready (`timeout`: WebGPU on SwiftShader needs longer). */
export async function openApp(page: Page, query = '', timeout = 90_000): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`/${query}`);
  await expect(page.getByTestId('backend-badge')).toBeVisible();
  await expect(page.getByTestId('file-input')).toBeAttached();
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout });
  expect(errors).toEqual([]);
}

export const mapCanvas = (page: Page) => page.getByTestId('map-canvas');

/** Wait until the displayed map is current, and return its hash and boxes. */
export async function readyMap(page: Page, notHash?: string, timeout = 60_000): Promise<{ hash: string; box: string }> {
  const canvas = mapCanvas(page);
  await expect(canvas).toHaveAttribute('data-state', 'ready', { timeout });
  if (notHash !== undefined) await expect(canvas).not.toHaveAttribute('data-map-hash', notHash, { timeout });
  await expect(canvas).toHaveAttribute('data-state', 'ready', { timeout });
  // "ready" can be set a frame before the overlay is drawn (an empty hash): wait for the drawing too.
  await expect(canvas).not.toHaveAttribute('data-map-hash', '', { timeout });
  return { hash: (await canvas.getAttribute('data-map-hash')) ?? '', box: (await canvas.getAttribute('data-box')) ?? '' };
}

export async function pickFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
}

/** Drop a file on the drop zone the way a browser does (a DataTransfer with a File). */
export async function dropFile(page: Page, path: string, type: string): Promise<void> {
  const bytes = [...readFileSync(path)];
  const name = path.split('/').pop()!;
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type }));
      return dt;
    },
    { bytes, name, type },
  );
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

/** Set a range input's value as a user drag would (input + change events). */
export async function setSlider(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, String(v));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
