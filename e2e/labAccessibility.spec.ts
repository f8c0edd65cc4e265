/**
 * Accessibility and size (classroom lab, part 13): keyboard control of the sliders, toggles, gallery
 * and the benchmark; an accessible name on every control; nothing overflows a 1024 × 768 tablet
 * and the key controls are on screen; the default colormap is colour-blind safe (viridis).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { mapCanvas, openApp, readyMap } from './helpers';

/** Visible controls, canvases and images without an accessible name (aria-label(ledby), a <label>, title, or text). */
function unnamedControls(page: Page) {
  return page.evaluate(() => {
    const named = (el: Element): boolean => {
      const aria = el.getAttribute('aria-label')?.trim();
      if (aria) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by?.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if ((el as HTMLInputElement).labels && [...(el as HTMLInputElement).labels!].some((l) => l.textContent?.trim())) return true;
      if (el.getAttribute('title')?.trim()) return true;
      return el.tagName === 'BUTTON' && (el.textContent?.trim() ?? '') !== '';
    };
    return (
      [...document.querySelectorAll('button, input, select, textarea, canvas, [role="img"], progress')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && !(el as HTMLInputElement).hidden)
        .filter((el) => !(el instanceof HTMLInputElement && el.type === 'file'))
        // Children of a named role="img" (a plot's canvas) are presentational; aria-hidden ones are not announced.
        .filter((el) => !el.parentElement?.closest('[role="img"][aria-label], [aria-hidden="true"]'))
        .filter((el) => !named(el))
        .map((el) => el.outerHTML.slice(0, 120))
    );
  });
}

test('keyboard: sliders, toggles, the gallery and the benchmark work without a pointer', async ({ page }) => {
  await openApp(page);
  // A gallery sample: Tab to it, Enter opens it.
  await page.getByTestId('sample-cat').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sample-cat')).toHaveAttribute('aria-pressed', 'true');
  const first = await readyMap(page);

  // τ slider: arrows move it by its step, the map's boxes follow.
  const tau = page.getByTestId('threshold-slider');
  const before = Number(await tau.inputValue());
  await tau.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  expect(Number(await tau.inputValue())).toBeCloseTo(before - 0.1, 6);
  await expect(page.getByTestId('threshold-slider').locator('xpath=..')).toBeVisible();
  await expect(mapCanvas(page)).toHaveAttribute('data-state', 'ready');
  await expect(page.getByText(`Threshold τ = ${(before - 0.1).toFixed(2)}`)).toBeVisible();

  // A timestep toggle: Space flips it (a GenPromp parameter; the map is re-averaged or recomputed).
  const toggle = page.locator('[data-testid^="timestep-toggle-"][aria-pressed="false"]').first();
  const id = await toggle.getAttribute('data-testid');
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId(id!)).toHaveAttribute('aria-pressed', 'true');
  await readyMap(page, first.hash);

  // The benchmark starts and stops from the keyboard.
  await page.getByTestId('bench-run').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bench-panel')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('bench-cancel').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bench-panel')).toHaveAttribute('data-status', 'cancelled');
});

test('every visible control has an accessible name, in both views', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  expect(await unnamedControls(page)).toEqual([]);
  await page.getByTestId('method-compare').check();
  await page.getByTestId('compare-baselines').check();
  await expect(page.getByTestId('panel-sobel').getByTestId('map-canvas')).toHaveAttribute('data-state', 'ready');
  expect(await unnamedControls(page)).toEqual([]);
});

test('a 1024 × 768 tablet: no horizontal overflow, key controls on screen', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await page.getByTestId('sample-giraffe').click();
  await readyMap(page);
  for (const view of ['single', 'compare'] as const) {
    if (view === 'compare') await page.getByTestId('method-compare').check();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${view} view overflows by ${overflow}px`).toBeLessThanOrEqual(0);
    for (const id of ['threshold-slider', 'class-select', 'sample-dog', 'bench-run', 'tau-panel', 'method-compare']) {
      const el = page.getByTestId(id);
      await el.scrollIntoViewIfNeeded();
      await expect(el, `${id} in the ${view} view`).toBeVisible();
      const box = (await el.boundingBox())!;
      expect(box.x, `${id} starts on screen`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${id} ends on screen`).toBeLessThanOrEqual(1024);
    }
  }
});

test('the default colormap is viridis (colour-blind safe), not jet', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('colormap-select')).toHaveValue('viridis');
  await expect(page.locator('.colorbar').first()).toHaveClass(/colorbar-viridis/);
});
