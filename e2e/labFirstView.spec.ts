/**
 * Instant first view (classroom lab, part 12): the page paints the first sample's maps from
 * public/first-view.json before the model pack is ready, marked "precomputed", and swaps in the
 * live result when the pack is ready. The pack's model files are held back by a route until the
 * test releases them, so the precomputed state is observed, not raced.
 */
import type { BrowserContext } from '@playwright/test';
import { expect, test } from './cspGuard';
import { mapCanvas, openApp, readyMap } from './helpers';

/** Holds every .onnx request of the pack until `release()`. */
async function holdModels(context: BrowserContext) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  await context.route(/\/models\/toyworld\/.*\.onnx/, async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

test('paints the precomputed maps at once, then the live ones with the same boxes', async ({ page, context }) => {
  const release = await holdModels(context);
  // fp32 like the generator (npm run first-view): the live boxes must be the precomputed ones.
  await page.goto('/?precision=fp32');
  const canvas = mapCanvas(page);
  await expect(canvas).toHaveAttribute('data-state', 'precomputed');
  await expect(page.getByTestId('precomputed-badge')).toBeVisible();
  await expect(page.getByTestId('sample-dog')).toHaveAttribute('aria-pressed', 'true');
  await expect(canvas).not.toHaveAttribute('data-map-hash', '');
  const precomputedBox = (await canvas.getAttribute('data-box')) ?? '';
  expect(JSON.parse(precomputedBox)).toHaveLength(1);
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toHaveCount(0);
  // The top-5 and the other methods' maps are precomputed too; the settings say what made them.
  await expect(page.getByTestId('top5-precomputed')).toBeVisible();
  await expect(page.getByTestId('top5-precomputed-item')).toHaveCount(5);
  await expect(page.getByTestId('top5')).toHaveCount(0);
  await page.getByTestId('method-compare').check();
  const panels = page.getByTestId('compare-view').getByTestId('map-canvas');
  await expect(page.getByTestId('compare-view').locator('[data-testid="map-canvas"][data-state="precomputed"]')).toHaveCount(4);
  expect(await panels.count()).toBe(4);
  await page.getByTestId('method-genpromp').check();
  await expect(canvas).toHaveAttribute('data-state', 'precomputed');

  release();
  const live = await readyMap(page, undefined, 90_000);
  await expect(page.getByTestId('precomputed-badge')).toHaveCount(0);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
  await expect(page.getByTestId('top5-precomputed')).toHaveCount(0);
  expect(live.box).toBe(precomputedBox);
  const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
  expect(marks).toEqual(expect.arrayContaining(['wsol:first-map-painted', 'wsol:first-live-map-painted']));
});

test('a page opened with a URL hash (a lesson link) starts from its own state, not the first view', async ({ page }) => {
  await openApp(page, '#lesson');
  await expect(page.getByTestId('sample-dog')).toHaveAttribute('aria-pressed', 'false');
  await expect(mapCanvas(page)).toHaveAttribute('data-state', 'empty');
  await expect(page.getByTestId('precomputed-badge')).toHaveCount(0);
});

test('another image picked before the pack is ready hides the precomputed maps', async ({ page, context }) => {
  const release = await holdModels(context);
  await page.goto('/');
  await expect(mapCanvas(page)).toHaveAttribute('data-state', 'precomputed');
  await page.getByTestId('sample-cat').click();
  await expect(page.getByTestId('sample-cat')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('precomputed-badge')).toHaveCount(0);
  await expect(mapCanvas(page)).toHaveAttribute('data-map-hash', '');
  release();
  await readyMap(page, undefined, 90_000);
});

test('the λ strip and the t × resolution grid are there before the pack, precomputed, then live', async ({ page, context }) => {
  const release = await holdModels(context);
  await page.goto('/');
  await expect(mapCanvas(page)).toHaveAttribute('data-state', 'precomputed');

  await page.getByTestId('lab-view-lambdaStrip').check();
  await expect(page.getByTestId('lab-precomputed')).toBeVisible();
  await expect(page.locator('[data-testid^="lambda-cell-"]')).toHaveCount(11);
  // The dog sample has ground truth: every precomputed cell is scored.
  for (const l of ['0.0', '0.5', '1.0']) await expect(page.getByTestId(`lambda-cell-${l}`)).not.toHaveAttribute('data-iou', '');

  await page.getByTestId('lab-view-timestepGrid').check();
  await expect(page.getByTestId('lab-precomputed')).toBeVisible();
  const cells = page.locator('[data-testid^="grid-cell-"]');
  expect(await cells.count()).toBeGreaterThan(4);
  await expect(page.locator('[data-testid^="grid-cell-"][data-computed="false"]')).toHaveCount(0);
  await expect(page.getByTestId('grid-preset')).toBeDisabled();

  release();
  await readyMap(page, undefined, 90_000);
  await expect(page.getByTestId('lab-precomputed')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('grid-preset')).toBeEnabled();
  await expect(page.locator('[data-testid^="grid-cell-"][data-computed="false"]')).toHaveCount(0, { timeout: 60_000 });
});
