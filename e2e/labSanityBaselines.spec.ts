/**
 * Sanity baselines (classroom lab): centre Gaussian, seeded random map and Sobel edges, one
 * click each, scored exactly like the methods (box, IoU, τ curve, badges, failure type).
 */
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

const BASELINES = ['gaussian', 'random', 'sobel'] as const;

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
});

test('each baseline is one click away and gets a box, an IoU, a τ curve and a failure type', async ({ page }) => {
  const hashes: string[] = [];
  for (const m of BASELINES) {
    await page.getByTestId(`method-${m}`).check();
    const map = await readyMap(page, hashes.at(-1));
    hashes.push(map.hash);
    expect(JSON.parse(map.box).length, `${m} draws a box`).toBeGreaterThan(0);
    await expect(page.getByTestId('iou-readout')).toBeVisible();
    await expect(page.getByTestId('failure-readout')).toHaveAttribute('data-failure', /^(Correct|Multi-instance|Part|More|Wrong)$/);
    await expect(page.getByTestId(`tau-row-${m}`)).toContainText('sanity');
    expect(await page.getByTestId(`tau-iou-${m}`).getAttribute('data-iou')).toBe(
      await page.getByTestId('iou-readout').getAttribute('data-iou'),
    );
    await expect(page.getByTestId('viewer-note')).toContainText('Sanity baseline');
  }
  expect(new Set(hashes).size).toBe(3);
});

test('baselines ignore the class; the random map is the same for the same image and another for another image', async ({ page }) => {
  await page.getByTestId('method-random').check();
  const first = await readyMap(page);
  const other = await page.getByTestId('class-select').evaluate((el) => (el as HTMLSelectElement).options[3]!.value);
  await page.getByTestId('class-select').selectOption(other);
  expect((await readyMap(page)).hash).toBe(first.hash);

  await page.getByTestId('sample-bus').click();
  const bus = await readyMap(page, first.hash);
  expect(bus.hash).not.toBe(first.hash);
  await page.getByTestId('sample-penguin').click();
  expect((await readyMap(page, bus.hash)).hash).toBe(first.hash);
});

test('the side-by-side view adds the baselines only when asked, labelled as sanity baselines', async ({ page }) => {
  await page.getByTestId('method-compare').check();
  await expect(page.getByTestId('panel-cam')).toBeVisible();
  await expect(page.getByTestId('panel-gaussian')).toHaveCount(0);
  await page.getByTestId('compare-baselines').check();
  for (const m of BASELINES) {
    const panel = page.getByTestId(`panel-${m}`);
    await expect(panel).toContainText('sanity baseline');
    await expect(panel.getByTestId('map-canvas')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId(`tau-row-${m}`)).toBeVisible();
  }
});
