/**
 * What a taught class becomes (issue 14): a class of the app. It joins the class picker and the
 * top-5 ("learned here"), CAM draws it with its own head row, it survives a reload (IndexedDB),
 * travels as an exported file to another browser, can be forgotten, and a lesson link naming it
 * says so where it is missing.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

const panel = (page: Page) => page.getByTestId('teach-panel');
const samples = ['dog', 'cat', 'horse'].map((n) => `public/samples/${n}.png`);

async function teach(page: Page, name: string): Promise<void> {
  await page.getByTestId('teach-files').setInputFiles(samples);
  await page.getByTestId('teach-name').fill(name);
  await page.getByTestId('teach-word').fill('animal');
  await page.getByTestId('teach-run').click();
  await expect(panel(page)).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
}

const learnedOption = (page: Page, name: string) =>
  page.getByTestId('class-select').locator('option', { hasText: `${name} (learned here)` });

test('a taught class joins the class picker, the top-5 and CAM, survives a reload, and can be forgotten', async ({ page }) => {
  test.setTimeout(420_000);
  await openApp(page, '?teachSteps=2');
  await teach(page, 'my pet');
  await expect(learnedOption(page, 'my pet')).toHaveCount(1);
  await expect(page.getByTestId('teach-learned-class')).toContainText('classifier row: top-5 and CAM');
  // The first sample is one of the taught images: the new class is now among its top-5.
  const mine = page.getByTestId('top5-item').filter({ hasText: 'learned here' });
  await expect(mine).toHaveCount(1, { timeout: 60_000 });
  await expect(mine).toHaveAttribute('data-class-index', '30');

  // CAM draws the learned class with its own row: another map than the pack's classes'.
  await page.getByTestId('method-cam').check();
  await page.getByTestId('class-select').selectOption('0');
  const packClass = await readyMap(page);
  await mine.locator('button').click();
  await expect(page.getByTestId('class-select')).toHaveValue('30');
  const learned = await readyMap(page, packClass.hash);
  expect(learned.box).not.toBe('[]');
  await expect(page).toHaveURL(/learned=my(%20|\+)pet/);

  // Kept in this browser: after a reload it is still listed, in the picker and in CAM.
  await page.reload();
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('teach-learned-class')).toHaveCount(1);
  await expect(page.getByTestId('teach-learned-class')).toContainText('my pet');
  await expect(learnedOption(page, 'my pet')).toHaveCount(1);
  await expect(page.getByTestId('class-select')).toHaveValue('30'); // the reloaded lesson link names it
  expect((await readyMap(page)).hash).toBe(learned.hash);

  // Forgotten: gone from the panel, the picker, and the next visit.
  await page.getByTestId('teach-forget').click();
  await expect(page.getByTestId('teach-learned-class')).toHaveCount(0);
  await expect(learnedOption(page, 'my pet')).toHaveCount(0);
  await expect(page.getByTestId('class-select')).not.toHaveValue('30');
  await page.goto('/');
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });
  await expect(page.getByTestId('teach-learned-class')).toHaveCount(0);
});

test('an exported class imports in another browser; a lesson link naming it says so where it is missing', async ({ page, browser }) => {
  test.setTimeout(420_000);
  await openApp(page, '?teachSteps=1');
  await teach(page, 'snail');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('teach-export').click()]);
  expect(download.suggestedFilename()).toBe('toyworld-learned-classes.json');
  const file = await download.path();
  await page.getByTestId('class-select').selectOption('30');
  await expect(page).toHaveURL(/learned=snail/);
  const link = new URL(page.url());

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await openApp(other, `${link.search}${link.hash}`);
    await expect(other.getByTestId('notice-banner')).toContainText('"snail", a class taught in its author’s browser');
    await expect(other.getByTestId('teach-learned-class')).toHaveCount(0);
    await other.getByTestId('teach-import').setInputFiles(file);
    await expect(other.getByTestId('teach-learned-class')).toHaveCount(1);
    await expect(other.getByTestId('teach-learned-class')).toHaveAttribute('data-name', 'snail');
    await expect(other.getByTestId('teach-status')).toContainText('Imported "snail"');
    await expect(learnedOption(other, 'snail')).toHaveCount(1);
    // The same file again: refused whole, nothing lost.
    await other.getByTestId('teach-import').setInputFiles(file);
    await expect(other.getByTestId('error-banner')).toContainText('"snail" is already a class here');
    await expect(other.getByTestId('teach-learned-class')).toHaveCount(1);
    // A file that is not one: refused, saying why.
    await other
      .getByTestId('teach-import')
      .setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1}') });
    await expect(other.getByTestId('error-banner')).toContainText('not a learned-classes file');
    await expect(other.getByTestId('teach-learned-class')).toHaveCount(1);
  } finally {
    await fresh.close();
  }
});
