/**
 * The τ curve (classroom lab): IoU against τ for every method shown, drawn by uPlot under the
 * production CSP, agreeing with the live IoU; BoxAcc badges and failure types per method.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap, setSlider } from './helpers';

const iouOf = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('data-iou'));

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
  await page.getByTestId('method-cam').check();
  await readyMap(page);
});

test('one method: the curve holds the live IoU, its best τ gives its best IoU, badges follow IoU ≥ δ', async ({ page }) => {
  const panel = page.getByTestId('tau-panel');
  await expect(panel.getByTestId('tau-curve').locator('canvas')).toHaveCount(1);
  await expect(panel.getByTestId('tau-row-cam')).toBeVisible();
  expect(await iouOf(page, 'tau-iou-cam')).toBe(await iouOf(page, 'iou-readout'));

  const best = page.getByTestId('best-tau-cam');
  const bestTau = Number(await best.getAttribute('data-tau'));
  const bestIou = Number(await best.getAttribute('data-iou'));
  await setSlider(page, 'threshold-slider', bestTau);
  await expect(page.getByTestId('iou-readout')).toHaveAttribute('data-iou', bestIou.toFixed(4));
  await expect(page.getByTestId('tau-iou-cam')).toHaveAttribute('data-iou', bestIou.toFixed(4));
  for (const [delta, pct] of [
    [0.3, 30],
    [0.5, 50],
    [0.7, 70],
  ] as const) {
    await expect(page.getByTestId(`boxacc-cam-${pct}`)).toHaveAttribute('data-hit', String(bestIou >= delta));
  }
  await expect(page.getByTestId('failure-cam')).toHaveAttribute('data-failure', /^(Correct|Multi-instance|Part|More|Wrong)$/);
  expect((await page.getByTestId('failure-cam').getAttribute('data-failure')) === 'Correct').toBe(bestIou > 0.5);

  // A very high τ: a small box, a lower IoU, fewer badges.
  await setSlider(page, 'threshold-slider', 0.98);
  await expect(page.getByTestId('iou-readout')).not.toHaveAttribute('data-iou', bestIou.toFixed(4));
  expect(await iouOf(page, 'tau-iou-cam')).toBeLessThanOrEqual(bestIou);
});

test('V1 vs V2: the box mode changes the curve and its caption; the side-by-side view has one row per method', async ({ page }) => {
  await expect(page.getByTestId('tau-panel')).toContainText('V1: largest region');
  const v1 = await page.getByTestId('best-tau-cam').getAttribute('data-iou');
  await page.getByTestId('box-mode').selectOption('all');
  await expect(page.getByTestId('tau-panel')).toContainText('V2: every region');
  // V2 counts the best of every region's boxes: never worse than V1's single box at its best τ.
  await expect(page.getByTestId('best-tau-cam')).toBeVisible();
  expect(Number(await page.getByTestId('best-tau-cam').getAttribute('data-iou'))).toBeGreaterThanOrEqual(Number(v1) - 0.05);

  await page.getByTestId('method-compare').check();
  for (const m of ['genpromp', 'cam', 'lpcam', 'sat']) await expect(page.getByTestId(`tau-row-${m}`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('tau-row-gaussian')).toHaveCount(0);
});

test('at 1024 px wide the curve and the table fit the column', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 900 });
  const panel = page.getByTestId('tau-panel');
  await expect(panel.getByTestId('tau-curve').locator('canvas')).toHaveCount(1);
  const width = await panel.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
  expect(width.scroll).toBeLessThanOrEqual(width.client);
});
