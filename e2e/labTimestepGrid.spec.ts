/**
 * The timestep × resolution grid (classroom lab): one map per (timestep, attention group) from
 * one batched run; ticking rows and columns re-averages the main map exactly (ticking back gives
 * the same hash); the GenPromp-default preset; step and play through the timestep rows.
 */
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

// The toy pack: timestep choices and attention groups (manifest order), defaults t ∈ {0, 99}, resolutions {8, 16}.
const ROWS = [0, 10, 50, 99, 199, 499, 999];
const COLUMNS = ['32:down', '16:down', '8:mid', '16:up', '32:up'];

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
  await readyMap(page);
  await page.getByTestId('lab-view-timestepGrid').check();
  await expect(page.getByTestId('grid-cell-999-32:up')).toHaveAttribute('data-computed', 'true', { timeout: 60_000 });
});

test('every (timestep, group) cell is computed; the default ticks are GenPromp’s', async ({ page }) => {
  for (const t of ROWS)
    for (const c of COLUMNS) await expect(page.getByTestId(`grid-cell-${t}-${c}`)).toHaveAttribute('data-computed', 'true');
  for (const t of ROWS) await expect(page.getByTestId(`grid-row-${t}`)).toBeChecked({ checked: t === 0 || t === 99 });
  for (const c of COLUMNS) await expect(page.getByTestId(`grid-col-${c}`)).toBeChecked({ checked: !c.startsWith('32:') });
  await expect(page.getByTestId('grid-preset')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('grid-cell-99-8:mid')).toHaveClass(/grid-cell-on/);
  await expect(page.getByTestId('grid-cell-10-8:mid')).not.toHaveClass(/grid-cell-on/);
});

test('ticks re-average exactly: off and on again gives the same map; the preset restores the default', async ({ page }) => {
  const start = await readyMap(page);
  // A column that splits a resolution: 16×16 up without 16×16 down.
  await page.getByTestId('grid-col-16:up').uncheck();
  const noUp = await readyMap(page, start.hash);
  await expect(page.getByTestId('grid-preset')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('resolution-toggle-16')).toHaveAttribute('aria-pressed', 'true'); // 16 down still counts
  await page.getByTestId('grid-col-16:up').check();
  expect((await readyMap(page, noUp.hash)).hash).toBe(start.hash);

  await page.getByTestId('grid-row-499').check();
  const with499 = await readyMap(page, start.hash);
  await page.getByTestId('grid-row-499').uncheck();
  expect((await readyMap(page, with499.hash)).hash).toBe(start.hash);

  await page.getByTestId('grid-col-32:down').check();
  await page.getByTestId('grid-row-10').check();
  const changed = await readyMap(page, start.hash);
  await page.getByTestId('grid-preset').click();
  expect((await readyMap(page, changed.hash)).hash).toBe(start.hash);
  await expect(page.getByTestId('grid-preset')).toHaveAttribute('aria-pressed', 'true');
});

test('step and play walk one timestep row at a time; leaving the grid stops playing', async ({ page }) => {
  const start = await readyMap(page);
  await page.getByTestId('grid-step').click();
  const at10 = await readyMap(page, start.hash);
  for (const t of ROWS) await expect(page.getByTestId(`grid-row-${t}`)).toBeChecked({ checked: t === 10 });
  await page.getByTestId('grid-step-back').click();
  await readyMap(page, at10.hash);
  for (const t of ROWS) await expect(page.getByTestId(`grid-row-${t}`)).toBeChecked({ checked: t === 0 });

  await page.getByTestId('grid-play').click();
  await expect(page.getByTestId('grid-play')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('grid-row-10')).toBeChecked();
  await expect(page.getByTestId('grid-row-50')).toBeChecked();
  await page.getByTestId('lab-view-lambdaStrip').check();
  await page.getByTestId('lab-view-timestepGrid').check();
  await expect(page.getByTestId('grid-play')).toHaveAttribute('aria-pressed', 'false');
});

test('keyboard: ticks are checkboxes; at 1024 px the grid fits its column', async ({ page }) => {
  const start = await readyMap(page);
  await page.getByTestId('grid-row-50').focus();
  await page.keyboard.press('Space');
  await readyMap(page, start.hash);
  await expect(page.getByTestId('grid-row-50')).toBeChecked();

  await page.setViewportSize({ width: 1024, height: 900 });
  const panel = page.getByTestId('lab-panel');
  const width = await panel.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
  expect(width.scroll).toBeLessThanOrEqual(width.client);
});
