/**
 * Teach a new class (issue 14): three images, a name and a starting word → textual inversion in
 * the teach Worker (tfjs) with progress, a loss curve and cancel → the class "learned here" with
 * its GenPromp map. `?teachSteps` shortens the teach (the pack's 40 steps take about 2 minutes).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp } from './helpers';

const panel = (page: Page) => page.getByTestId('teach-panel');
const samples = ['dog', 'cat', 'horse'].map((n) => `public/samples/${n}.png`);

async function teach(page: Page, files: string[], name: string, word = 'animal'): Promise<void> {
  await page.getByTestId('teach-files').setInputFiles(files);
  await page.getByTestId('teach-name').fill(name);
  await page.getByTestId('teach-word').fill(word);
  await page.getByTestId('teach-run').click();
}

test('learns a class from three images, with steps, a loss curve, a live map and its final map', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page, '?teachSteps=8');
  await teach(page, samples, 'my pet');
  await expect(panel(page)).toHaveAttribute('data-status', 'training', { timeout: 60_000 });
  await expect(page.getByTestId('teach-status')).toContainText(/Step \d of 8 · loss \d\.\d{4} · about/, { timeout: 120_000 });
  // The map with the row learned so far appears while training (after step 5).
  await expect(page.getByTestId('teach-live').locator('canvas')).not.toHaveAttribute('data-map-hash', '', { timeout: 120_000 });
  await expect(panel(page)).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(page.getByTestId('teach-loss').locator('canvas')).toHaveCount(1);
  const learned = page.getByTestId('teach-learned-class');
  await expect(learned).toHaveCount(1);
  await expect(learned).toContainText('my pet');
  await expect(learned).toContainText('learned here');
  await expect(learned).toContainText('from “animal”, 8 steps');
  await expect(page.getByTestId('teach-live')).toHaveCount(0);
  await expect(learned).toHaveAttribute('data-index', '30');
  await expect(learned.locator('canvas')).not.toHaveAttribute('data-map-hash', '');
});

test('refuses too few images, an unknown word and a taken name, keeping what was learned', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page, '?teachSteps=1');
  await teach(page, samples.slice(0, 2), 'two only');
  await expect(page.getByTestId('teach-status')).toContainText('Teaching takes 3–10 images; 2 were chosen');
  await teach(page, samples, 'Dog');
  await expect(page.getByTestId('teach-status')).toContainText('"Dog" is already a class');
  await teach(page, samples, 'my pet', 'snail');
  await expect(page.getByTestId('teach-status')).toContainText(`"snail" is not one word of the pack's vocabulary`, { timeout: 120_000 });
  await teach(page, samples, 'my pet');
  await expect(panel(page)).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await teach(page, samples.slice(0, 1), 'another');
  await expect(page.getByTestId('teach-status')).toContainText('Teaching takes 3–10 images; 1 were chosen');
  await expect(page.getByTestId('teach-learned-class')).toHaveCount(1);
});

test('cancel stops after the current step and keeps what was learned', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page, '?teachSteps=20');
  await teach(page, samples, 'my pet');
  await expect(page.getByTestId('teach-status')).toContainText(/Step 1 of 20/, { timeout: 120_000 });
  await page.getByTestId('teach-cancel').click();
  await expect(panel(page)).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('teach-status')).toContainText(/Cancelled after \d+ steps: "my pet" keeps what it learned so far/);
  await expect(page.getByTestId('teach-learned-class')).toHaveCount(1);
});
