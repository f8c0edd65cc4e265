/**
 * The λ strip (classroom lab): eleven maps at λ = 0, 0.1, …, 1 from one batched run, each with
 * its box and IoU; choosing a cell sets λ and the main map is that cell's map, from cache; the
 * slider snaps to the strip's values and a fine (off-grid) λ runs live and says so.
 */
import { expect, test } from './cspGuard';
import { mapCanvas, openApp, readyMap, setSlider } from './helpers';

const LAMBDAS = ['0.0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1.0'];

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
  await readyMap(page);
  await page.getByTestId('lab-view-lambdaStrip').check();
  await expect(page.getByTestId('lambda-cell-1.0')).toBeVisible({ timeout: 60_000 });
});

test('eleven cells with boxes and IoU; the current λ’s cell is the main map', async ({ page }) => {
  const strip = page.getByTestId('lambda-strip');
  for (const l of LAMBDAS) {
    const cell = strip.getByTestId(`lambda-cell-${l}`);
    await expect(cell).toHaveAttribute('data-iou', /^\d\.\d{4}$/);
    expect(JSON.parse((await cell.getAttribute('data-box')) ?? '[]').length).toBeGreaterThan(0);
  }
  // Not all the same map: λ moves it (the toy pack's learned token differs from its meta token).
  const hashes = await strip.locator('canvas.map-thumb').evaluateAll((els) => els.map((e) => e.getAttribute('data-map-hash')));
  expect(new Set(hashes).size).toBeGreaterThan(1);
  await expect(strip.getByTestId('lambda-sparkline').locator('canvas')).toHaveCount(1);

  // The pack's default λ = 0.8: that cell is pressed, and it is the main map, box and IoU.
  const current = strip.getByTestId('lambda-cell-0.8');
  await expect(current).toHaveAttribute('aria-pressed', 'true');
  const main = await readyMap(page);
  expect(await current.locator('canvas').getAttribute('data-map-hash')).toBe(main.hash);
  expect(await current.getAttribute('data-box')).toBe(main.box);
  expect(await current.getAttribute('data-iou')).toBe(await page.getByTestId('iou-readout').getAttribute('data-iou'));
});

test('a cell sets λ from cache; the slider snaps to the strip; a fine λ runs live and is labelled', async ({ page }) => {
  const cell = page.getByTestId('lambda-cell-0.3');
  const cellHash = await cell.locator('canvas').getAttribute('data-map-hash');
  const before = await readyMap(page);
  await cell.click();
  const at03 = await readyMap(page, before.hash);
  expect(at03.hash).toBe(cellHash);
  expect(at03.box).toBe(await cell.getAttribute('data-box'));
  await expect(page.getByTestId('lambda-slider')).toHaveValue('0.3');
  await expect(page.getByTestId('lambda-source')).toHaveText('from the strip (cached)');
  await expect(cell).toHaveAttribute('aria-pressed', 'true');

  // The slider moves in the strip's 0.1 steps: a drag to 0.46 lands on 0.5.
  await expect(page.getByTestId('lambda-slider')).toHaveAttribute('step', '0.1');
  await setSlider(page, 'lambda-slider', 0.46);
  await expect(page.getByTestId('lambda-slider')).toHaveValue('0.5');
  const at05 = await readyMap(page, at03.hash);
  expect(at05.hash).toBe(await page.getByTestId('lambda-cell-0.5').locator('canvas').getAttribute('data-map-hash'));

  // Fine mode: 0.01 steps, a value between two cells is computed live and says so.
  await page.getByTestId('lambda-fine').check();
  await expect(page.getByTestId('lambda-slider')).toHaveAttribute('step', '0.01');
  await setSlider(page, 'lambda-slider', 0.46);
  await expect(page.getByTestId('lambda-source')).toHaveText('live (off-grid)');
  const live = await readyMap(page, at05.hash);
  const cellHashes = await page.locator('canvas.map-thumb').evaluateAll((els) => els.map((e) => e.getAttribute('data-map-hash')));
  expect(cellHashes).not.toContain(live.hash);
  await expect(page.getByTestId('lambda-strip').locator('[aria-pressed="true"]')).toHaveCount(0);
});

test('keyboard: arrows move between cells and Enter chooses one', async ({ page }) => {
  const before = await readyMap(page);
  await page.getByTestId('lambda-cell-0.8').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('lambda-cell-0.7')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lambda-slider')).toHaveValue('0.7');
  await readyMap(page, before.hash);
  await expect(page.getByTestId('lambda-cell-0.7')).toHaveAttribute('aria-pressed', 'true');
});

test('a new τ re-draws every cell’s box on the same maps; at 1024 px the strip fits its column', async ({ page }) => {
  const thumbs = page.locator('canvas.map-thumb');
  const hashes = await thumbs.evaluateAll((els) => els.map((e) => e.getAttribute('data-map-hash')));
  const before = await page.getByTestId('lambda-cell-0.8').getAttribute('data-box');
  await setSlider(page, 'threshold-slider', 0.9);
  await expect(page.getByTestId('lambda-cell-0.8')).not.toHaveAttribute('data-box', before ?? '');
  expect(await thumbs.evaluateAll((els) => els.map((e) => e.getAttribute('data-map-hash')))).toEqual(hashes);
  await expect(mapCanvas(page)).toHaveAttribute('data-state', 'ready');

  await page.setViewportSize({ width: 1024, height: 900 });
  const panel = page.getByTestId('lab-panel');
  const width = await panel.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
  expect(width.scroll).toBeLessThanOrEqual(width.client);
});
