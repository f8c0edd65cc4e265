/**
 * The hover probe (classroom lab): one crosshair for every panel of the side-by-side view,
 * with each map's raw and normalised value and whether the point is in the GT and predicted
 * boxes; arrow keys move it when a map has focus.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

const METHODS = ['genpromp', 'cam', 'lpcam', 'sat'] as const;
const readout = (page: Page, m: string) => page.getByTestId(`probe-${m}`);

async function coords(page: Page, m: string): Promise<[number, number]> {
  const text = (await readout(page, m).textContent()) ?? '';
  const match = /probe \((\d+), (\d+)\)/.exec(text);
  expect(match, `probe position of ${m} in "${text}"`).not.toBeNull();
  return [Number(match![1]), Number(match![2])];
}

test('hovering one panel probes every panel at the same pixel; arrow keys move it', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
  await page.getByTestId('method-compare').check();
  for (const m of METHODS) {
    await expect(page.getByTestId(`panel-${m}`).getByTestId('map-canvas')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  }

  const cam = page.getByTestId('panel-cam').getByTestId('map-canvas');
  const b = (await cam.boundingBox())!;
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.55);
  const at = await coords(page, 'cam');
  for (const m of METHODS) {
    expect(await coords(page, m), `${m} probes the same pixel`).toEqual(at);
    const r = readout(page, m);
    const normalised = Number(await r.getAttribute('data-normalised'));
    expect(normalised).toBeGreaterThanOrEqual(0);
    expect(normalised).toBeLessThanOrEqual(1);
    expect(await r.getAttribute('data-raw')).not.toBe('');
    await expect(r).toHaveAttribute('data-in-gt', /^(true|false)$/);
    await expect(r).toHaveAttribute('data-in-pred', /^(true|false)$/);
  }
  // The penguin's box holds the middle of the picture.
  await expect(readout(page, 'cam')).toHaveAttribute('data-in-gt', 'true');

  // Leaving the map hides the probe everywhere.
  await page.mouse.move(1, 1);
  for (const m of METHODS) await expect(readout(page, m)).toHaveAttribute('data-raw', '');

  // Keyboard: focus a map (the probe starts in the middle), then → and Shift+↓.
  await cam.focus();
  const start = await coords(page, 'sat');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => coords(page, 'genpromp')).toEqual([start[0] + 1, start[1]]);
  await page.keyboard.press('Shift+ArrowDown');
  for (const m of METHODS) await expect.poll(() => coords(page, m)).toEqual([start[0] + 1, start[1] + 10]);
});
