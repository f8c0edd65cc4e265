/** Packs: a bad URL is a named error that keeps the current pack; a second visit loads from cache. */
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

test('a pack URL that does not exist says so and keeps the working pack', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('pack-url-input').fill('http://127.0.0.1:1/no-such-pack/');
  await page.getByTestId('pack-url-load').click();
  await expect(page.getByTestId('error-banner')).toContainText(/could not download|CORS|check the address/i);
  await page.getByTestId('sample-dog').click();
  await readyMap(page);
});

test('a manifest that is not a pack is rejected with the field at fault', async ({ page }) => {
  await openApp(page);
  // index.json is valid JSON but not a manifest.
  await page.getByTestId('pack-url-input').fill(new URL('/models/index.json', page.url()).href.replace('index.json', ''));
  await page.getByTestId('pack-url-load').click();
  await expect(page.getByTestId('error-banner')).toContainText(/manifest|missing|HTTP 404/i);
  await page.getByTestId('sample-cat').click();
  await readyMap(page);
});

test('a second visit loads the pack from the Cache API', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('pack-progress')).toContainText(/downloaded and verified|browser cache/);
  await page.reload();
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('pack-progress')).toContainText(/browser cache/);
});

test('a sample with a ground-truth box shows the IoU', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await expect(page.getByTestId('iou-readout')).toBeVisible();
  const iou = Number(await page.getByTestId('iou-readout').getAttribute('data-iou'));
  expect(iou).toBeGreaterThanOrEqual(0);
  expect(iou).toBeLessThanOrEqual(1);
});
