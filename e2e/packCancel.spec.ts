/** Cancelling a pack download: a named state, the previous pack keeps working, and a reload resumes with only the missing files. */
import type { Route } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

const FIXTURE = /\/models\/fixture-tiny\/(?!manifest\.json)[^/?]+$/;
const fileOf = (url: string) => new URL(url).pathname.split('/').pop()!;

test('Cancel stops a slow download; after a reload only the files it had not finished are fetched', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('pack-name')).toHaveText('Toy world (trained here)');

  // The fourth file requested never answers until the test ends: the download stalls there (files
  // are fetched a few at a time, so others may finish around it).
  const firstLoad: string[] = [];
  const held: Route[] = [];
  await page.route(FIXTURE, async (route) => {
    firstLoad.push(fileOf(route.request().url()));
    if (firstLoad.length === 4) held.push(route);
    else await route.continue();
  });
  await page.getByTestId('pack-select').selectOption({ label: 'Fixture (random weights)' });
  await expect.poll(() => held.length).toBe(1);
  await page.getByTestId('pack-cancel').click();

  const cancelled = page.getByTestId('pack-cancelled');
  await expect(cancelled).toContainText(/cancelled at .* of .*Toy world \(trained here\) is still loaded/);
  await expect(page.getByTestId('pack-name')).toHaveText('Toy world (trained here)');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await page.getByTestId('sample-dog').click();
  await readyMap(page);
  await held[0]!.abort().catch(() => undefined); // the page already dropped it

  // What the cancelled load finished is in the Cache API (whole files, not resume parts).
  const cachedFiles = await page.evaluate(async (name) => {
    const keys = await (await caches.open(name)).keys();
    return keys
      .map((r) => new URL(r.url))
      .filter((u) => u.pathname.includes('/fixture-tiny/'))
      .map((u) => u.pathname.split('/').pop()!);
  }, 'wsol-lab-packs-v1');
  const finished = firstLoad.filter((f) => cachedFiles.includes(f));
  expect(finished.length).toBeGreaterThan(0);
  expect(finished).not.toContain(firstLoad[3]);

  await page.unroute(FIXTURE);
  await page.reload();
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });
  const secondLoad: string[] = [];
  await page.route(FIXTURE, async (route) => {
    secondLoad.push(fileOf(route.request().url()));
    await route.continue();
  });
  await page.getByTestId('pack-select').selectOption({ label: 'Fixture (random weights)' });
  await expect(page.getByTestId('pack-name')).toHaveText('Fixture (random weights)', { timeout: 90_000 });
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached();
  // The files finished before the cancel come from the Cache API; the stalled one and the rest are fetched.
  expect(secondLoad).toContain(firstLoad[3]);
  expect(secondLoad.filter((f) => finished.includes(f))).toEqual([]);
  // The fixture pack has six files besides its manifest: each either cached or fetched, once.
  expect(new Set([...finished, ...secondLoad]).size).toBe(6);
  expect(secondLoad).toHaveLength(6 - finished.length);
});
