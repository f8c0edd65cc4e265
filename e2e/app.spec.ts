/** The core loop on the wasm backend: image in → top-5, map and box; sliders redraw. */
import { readFileSync } from 'node:fs';
import { expect, test } from './cspGuard';
import { dropFile, mapCanvas, openApp, pickFile, readyMap, root, setSlider } from './helpers';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('serves a cross-origin-isolated page and runs on multi-threaded wasm', async ({ page }) => {
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('backend-badge')).toContainText(/wasm/i);
  await expect(page.getByTestId('backend-badge')).toContainText(/threads/i);
});

test('drop an image: top-5, map and box appear', async ({ page }) => {
  // The page opens on the precomputed first view's sample (dog): drop another image.
  const opening = await readyMap(page);
  await dropFile(page, `${root}public/samples/penguin.png`, 'image/png');
  const { hash, box } = await readyMap(page, opening.hash);
  expect(hash).not.toBe('');
  const boxes = JSON.parse(box) as number[][];
  expect(boxes.length).toBeGreaterThan(0);
  expect(boxes[0]!.length).toBe(4);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
});

test('paste an image: it is analysed like a dropped one', async ({ page }) => {
  const bytes = [...readFileSync(`${root}public/samples/penguin.png`)];
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, bytes);
  await readyMap(page);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
});

test('moving λ redraws a different map without a Run button', async ({ page }) => {
  // Wait for the opening sample's live map first, so `first` cannot be that map.
  const opening = await readyMap(page);
  await pickFile(page, `${root}public/samples/cat.png`);
  const first = await readyMap(page, opening.hash); // at the pack's λ
  await setSlider(page, 'lambda-slider', 0);
  const atZero = await readyMap(page, first.hash);
  await setSlider(page, 'lambda-slider', 0.5);
  const atHalf = await readyMap(page, atZero.hash);
  expect(new Set([first.hash, atZero.hash, atHalf.hash]).size).toBe(3);
  await expect(page.getByRole('button', { name: /^run$/i })).toHaveCount(0);
});

test('threshold, class and timestep changes redraw', async ({ page }) => {
  const opening = await readyMap(page);
  await pickFile(page, `${root}public/samples/horse.png`);
  const first = await readyMap(page, opening.hash);
  await setSlider(page, 'threshold-slider', 0.9);
  await expect(mapCanvas(page)).not.toHaveAttribute('data-box', first.box);
  const high = await readyMap(page);
  expect(high.hash).toBe(first.hash); // the threshold changes the box, not the map
  await setSlider(page, 'threshold-slider', 0.02);
  await expect(mapCanvas(page)).not.toHaveAttribute('data-box', high.box);

  const options = await page.getByTestId('class-select').locator('option').allTextContents();
  expect(options.length).toBe(30);
  const current = await page.getByTestId('class-select').inputValue();
  const other = (
    await page
      .getByTestId('class-select')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
  ).find((v) => v !== current)!;
  await page.getByTestId('class-select').selectOption(other);
  const otherClass = await readyMap(page, first.hash);

  await page.getByTestId('timestep-toggle-999').click();
  await readyMap(page, otherClass.hash);
});

test('a garbage file shows a message and the previous result stays; the app keeps working', async ({ page }) => {
  await pickFile(page, `${root}public/samples/penguin.png`);
  const before = await readyMap(page);
  await pickFile(page, `${root}e2e/fixtures/bad-images/not-an-image.png`);
  await expect(page.getByTestId('error-banner')).toBeVisible();
  await expect(page.getByTestId('error-banner')).toContainText(/not a recognised image|not an image|unsupported/i);
  await expect(mapCanvas(page)).toHaveAttribute('data-map-hash', before.hash);
  await pickFile(page, `${root}public/samples/dog.png`);
  await readyMap(page, before.hash);
});

test('the embedded default is the trained toy-world pack: 30 classes, its gallery, int8 on wasm', async ({ page }) => {
  const packSelect = page.getByTestId('pack-select');
  await expect(packSelect.locator('option:checked')).toHaveText(/toy world/i);
  await expect(page.getByTestId('class-select').locator('option:not([value=""])')).toHaveCount(30);
  await expect(page.locator('.pack-current')).toContainText('unet: int8');
  await page.getByTestId('sample-elephant').click();
  await readyMap(page);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
  await expect(page.getByTestId('iou-readout')).toBeVisible();
});
