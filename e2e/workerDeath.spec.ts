/**
 * A Worker that dies without an `error` event (as when the browser kills it for
 * memory) is noticed by the engine client's watchdog: the user gets a message,
 * the Worker is restarted, the pack reloaded, and the map comes back.
 * `?testHooks=1` exposes `window.__wsolTestHooks.killEngineWorkerSilently()`,
 * which makes the Worker call `self.close()`.
 */
import { expect, test } from './cspGuard';
import { mapCanvas, openApp, readyMap } from './helpers';

test('a silently closed engine Worker: banner, automatic restart, the same map again', async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await openApp(page, '?testHooks=1');
  await page.getByTestId('sample-dog').click();
  const before = await readyMap(page);
  const engineWorkersBefore = workers.filter((u) => /engine\.worker/.test(u)).length;

  const t0 = Date.now();
  await page.evaluate(() => window.__wsolTestHooks!.killEngineWorkerSilently());
  await expect(page.getByTestId('error-banner')).toContainText(/stopped unexpectedly.*without reporting an error.*restarted/s, {
    timeout: 30_000,
  });
  const detectedMs = Date.now() - t0;

  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });
  const after = await readyMap(page);
  console.log(`worker death: banner after ${detectedMs} ms, map ready again after ${Date.now() - t0} ms`);
  expect(after).toEqual(before);
  expect(workers.filter((u) => /engine\.worker/.test(u)).length).toBe(engineWorkersBefore + 1);

  // The fresh Worker works: a new image gives a new map.
  await page.getByTestId('sample-cat').click();
  await readyMap(page, before.hash);
  await expect(mapCanvas(page)).not.toHaveAttribute('data-map-hash', before.hash);
});

test('without ?testHooks=1 the hook does not exist', async ({ page }) => {
  await openApp(page);
  expect(await page.evaluate(() => typeof window.__wsolTestHooks)).toBe('undefined');
});
