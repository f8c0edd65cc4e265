/**
 * The baselines in the app: CAM, LPCAM and SAT next to GenPromp, on the toy-world
 * pack (wasm). Every method's canvas exposes data-state, data-map-hash and
 * data-box; maps are compared by hash, boxes by their JSON.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

const METHODS = ['genpromp', 'cam', 'lpcam', 'sat'] as const;

const panelCanvas = (page: Page, m: string): Locator => page.getByTestId(`panel-${m}`).getByTestId('map-canvas');

async function panelReady(page: Page, m: string): Promise<{ hash: string; box: string }> {
  const c = panelCanvas(page, m);
  await expect(c).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(c).not.toHaveAttribute('data-map-hash', '');
  return { hash: (await c.getAttribute('data-map-hash'))!, box: (await c.getAttribute('data-box'))! };
}

async function allReady(page: Page): Promise<Record<string, { hash: string; box: string }>> {
  const out: Record<string, { hash: string; box: string }> = {};
  for (const m of METHODS) out[m] = await panelReady(page, m);
  return out;
}

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('side by side: all four methods on the same image, class and threshold, each with a box and its IoU', async ({ page }) => {
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('method-compare').check();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' }); // the ground-truth class (GT-known)
  const first = await allReady(page);
  for (const m of METHODS) {
    expect(JSON.parse(first[m]!.box).length, `${m} draws a box`).toBeGreaterThan(0);
    const iou = page.getByTestId(`iou-${m}`);
    await expect(iou).toBeVisible();
    expect(Number(await iou.getAttribute('data-iou'))).toBeGreaterThanOrEqual(0);
  }
  // Four different methods give four different maps.
  expect(new Set(METHODS.map((m) => first[m]!.hash)).size).toBe(4);
  await expect(page.getByTestId('compare-view')).toContainText('class Penguin');

  // Another class: CAM, LPCAM and GenPromp change; SAT's map is class-agnostic.
  await page.getByTestId('class-select').selectOption({ label: 'Bus' });
  await expect(page.getByTestId('compare-view')).toContainText('class Bus');
  await expect(panelCanvas(page, 'cam')).not.toHaveAttribute('data-map-hash', first.cam!.hash);
  await expect(panelCanvas(page, 'lpcam')).not.toHaveAttribute('data-map-hash', first.lpcam!.hash);
  await expect(panelCanvas(page, 'genpromp')).not.toHaveAttribute('data-map-hash', first.genpromp!.hash, { timeout: 60_000 });
  const bus = await allReady(page);
  expect(bus.sat!.hash).toBe(first.sat!.hash);

  // One threshold for all: a very high τ shrinks every method's box.
  await page.getByTestId('threshold-slider').evaluate((el) => {
    const input = el as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, '0.95');
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  for (const m of METHODS) await expect(panelCanvas(page, m)).not.toHaveAttribute('data-box', bus[m]!.box);
  const area = (box: string) => (JSON.parse(box) as number[][]).reduce((a, [x0, y0, x1, y1]) => Math.max(a, (x1! - x0!) * (y1! - y0!)), 0);
  for (const m of METHODS) expect(area((await panelReady(page, m)).box)).toBeLessThan(area(bus[m]!.box));
});

test("each baseline's own parameters: LPCAM context subtraction and SAT's block", async ({ page }) => {
  await page.getByTestId('sample-penguin').click(); // penguin has 3 context prototypes in this pack
  await readyMap(page);
  await page.getByTestId('method-lpcam').check();
  const lp = await readyMap(page);
  await page.getByTestId('lpcam-context').uncheck();
  const noContext = await readyMap(page, lp.hash);
  await page.getByTestId('lpcam-context').check();
  expect((await readyMap(page, noContext.hash)).hash).toBe(lp.hash);

  await page.getByTestId('method-sat').check();
  await expect(page.getByTestId('panel-sat')).toHaveCount(0); // single view, not the grid
  const mean = await readyMap(page);
  await expect(page.getByText(/SAT's own classifier/)).toBeVisible();
  const blocks = page.getByTestId('sat-block').locator('option');
  await expect(blocks).toHaveCount(4); // mean + the last three blocks
  const seen = new Set([mean.hash]);
  for (const value of ['0', '1', '2']) {
    await page.getByTestId('sat-block').selectOption(value);
    const h = await readyMap(page, [...seen].pop());
    seen.add(h.hash);
  }
  expect(seen.size).toBe(4);

  await page.getByTestId('method-cam').check();
  await expect(page.getByTestId('cam-layer')).toContainText('features');
  await readyMap(page);
  await expect(page.getByTestId('iou-readout')).toBeVisible();
});

test('a pack without baselines offers GenPromp only and says why', async ({ page }) => {
  await page.getByTestId('method-compare').check();
  await page.getByTestId('pack-select').selectOption({ label: 'Fixture (random weights)' });
  await expect(page.locator('.pack-current')).toContainText('fixture-tiny', { timeout: 90_000 });
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('method-cam')).toBeDisabled();
  await expect(page.getByTestId('method-genpromp')).toBeChecked();
  await expect(page.getByText(/has no baselines/)).toBeVisible();
});
