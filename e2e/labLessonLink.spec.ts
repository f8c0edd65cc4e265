/**
 * Lesson links (classroom lab): the whole state lives in the URL hash. A link opened in a fresh
 * browser context restores the same view (map hash, box, drawn ground truth, tour step); back
 * and forward walk through deliberate changes while slider drags do not flood history; a
 * garbled hash keeps what parses and says what did not; a dropped image is said to stay behind.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, pickFile, readyMap, root, setSlider } from './helpers';

async function mouseDrag(page: Page, el: Locator, from: [number, number], to: [number, number]): Promise<void> {
  // The tour scrolls its target into view: bring the canvas back first.
  await el.scrollIntoViewIfNeeded();
  const b = (await el.boundingBox())!;
  await page.mouse.move(b.x + from[0] * b.width, b.y + from[1] * b.height);
  await page.mouse.down();
  await page.mouse.move(b.x + to[0] * b.width, b.y + to[1] * b.height, { steps: 6 });
  await page.mouse.up();
}

/** The lesson link once the hash has caught up with the view (it is written shortly after a change). */
async function lessonLink(page: Page, mustContain: RegExp): Promise<string> {
  await expect(page).toHaveURL(mustContain);
  await expect(page.getByTestId('lesson-link')).toHaveValue(mustContain);
  return page.getByTestId('lesson-link').inputValue();
}

test.use({ viewport: { width: 1280, height: 1000 } });

test('a lesson link opened in a fresh browser context restores the same map, box, drawn ground truth and tour step', async ({
  page,
  browser,
}) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
  // The tour's first steps set CAM, V1 boxes and τ = 0.5; go to step 3 (the box).
  await page.getByTestId('tour-start').click();
  await expect(page.getByTestId('tour-card')).toHaveAttribute('data-step', '1');
  await page.getByTestId('tour-next').click();
  await page.getByTestId('tour-next').click();
  await expect(page.getByTestId('tour-card')).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('method-cam')).toBeChecked();
  await setSlider(page, 'threshold-slider', 0.42);
  await page.getByTestId('gt-draw').click();
  await mouseDrag(page, page.getByTestId('map-canvas'), [0.25, 0.2], [0.75, 0.85]);
  await expect(page.getByTestId('gt-source')).toContainText('your box');
  await page.getByTestId('gt-draw').click();
  const before = await readyMap(page);
  const gtText = await page.getByTestId('gt-source').textContent();
  const iou = await page.getByTestId('iou-readout').getAttribute('data-iou');
  const link = await lessonLink(page, /tau=0\.42.*gt=\d+,\d+,\d+,\d+.*tour=3/);
  expect(link).toContain('sample=penguin');
  expect(link).toContain('m=cam');

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const other = await fresh.newPage();
    const url = new URL(link);
    await openApp(other, `${url.search}${url.hash}`);
    const after = await readyMap(other, undefined, 90_000);
    await expect(other.getByTestId('map-canvas')).toHaveAttribute('data-map-hash', before.hash);
    expect((await readyMap(other)).hash).toBe(before.hash);
    expect((await readyMap(other)).box).toBe(before.box);
    expect(after.box).not.toBe('[]');
    await expect(other.getByTestId('tour-card')).toHaveAttribute('data-step', '3');
    await expect(other.getByTestId('gt-source')).toHaveText(gtText!);
    await expect(other.getByTestId('iou-readout')).toHaveAttribute('data-iou', iou!);
    await expect(other.getByTestId('threshold-slider')).toHaveValue('0.42');
    await expect(other.getByTestId('method-cam')).toBeChecked();
    await expect(other.getByTestId('notice-banner')).toHaveCount(0);
  } finally {
    await fresh.close();
  }
});

test('back and forward walk through deliberate changes; slider drags replace the current entry', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('method-cam').check();
  const cam = await readyMap(page);
  await lessonLink(page, /m=cam/);
  const length = await page.evaluate(() => history.length);
  for (const v of [0.3, 0.35, 0.4, 0.45, 0.5, 0.55]) await setSlider(page, 'threshold-slider', v);
  await lessonLink(page, /tau=0\.55/);
  expect(await page.evaluate(() => history.length)).toBe(length);

  await page.getByTestId('method-lpcam').check();
  const lpcam = await readyMap(page, cam.hash);
  await lessonLink(page, /m=lpcam/);
  expect(await page.evaluate(() => history.length)).toBe(length + 1);

  await page.goBack();
  await expect(page.getByTestId('method-cam')).toBeChecked();
  await expect(page.getByTestId('threshold-slider')).toHaveValue('0.55');
  expect((await readyMap(page, lpcam.hash)).hash).not.toBe(lpcam.hash);
  await page.goForward();
  await expect(page.getByTestId('method-lpcam')).toBeChecked();
  expect((await readyMap(page)).hash).toBe(lpcam.hash);
});

test('a garbled hash keeps what parses, says what did not, and shows defaults for the rest', async ({ page }) => {
  await openApp(page, '#v=1&m=cam&tau=abc&cls=99999&box=all&zz=3&sample=penguin.png');
  await expect(page.getByTestId('notice-banner')).toContainText('Part of this lesson link could not be used');
  await expect(page.getByTestId('notice-banner')).toContainText('threshold τ');
  await expect(page.getByTestId('notice-banner')).toContainText('class');
  await expect(page.getByTestId('notice-banner')).toContainText('"zz"');
  await expect(page.getByTestId('method-cam')).toBeChecked();
  await expect(page.getByTestId('box-mode')).toHaveValue('all');
  await readyMap(page);
  // τ fell back to the pack's default; the hash now describes what is shown (no garbage left).
  const link = await lessonLink(page, /m=cam/);
  expect(link).not.toContain('zz=');
  expect(link).not.toContain('tau=abc');
  expect(link).toContain('box=all');
});

test('a dropped image stays behind: the copy control and the link say so, and the link keeps everything else', async ({
  page,
  browser,
}) => {
  await openApp(page);
  await pickFile(page, `${root}e2e/fixtures/images/chelsea.png`);
  await page.getByTestId('method-cam').check();
  await readyMap(page);
  await expect(page.getByTestId('lesson-link-left-out')).toContainText('cannot travel in a link');
  const link = await lessonLink(page, /m=cam/);
  expect(link).not.toContain('sample=');
  expect(link).not.toContain('chelsea');
  expect(link).toContain('img=own');
  expect(link).toMatch(/cls=\d+/);

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-lesson-link').click();
  await expect(page.getByTestId('copy-status')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await openApp(other, new URL(link).hash);
    await expect(other.getByTestId('notice-banner')).toContainText('cannot travel in a link: drop the same image');
    await expect(other.getByTestId('method-cam')).toBeChecked();
  } finally {
    await fresh.close();
  }
});

test("the lab's views, λ from a strip cell and the grid's ticked columns travel in the link", async ({ page, browser }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('method-genpromp').check();
  await page.getByTestId('lab-view-lambdaStrip').check();
  await expect(page.getByTestId('lambda-cell-0.3')).toBeVisible({ timeout: 90_000 });
  await lessonLink(page, /lab=lambdaStrip/);
  const length = await page.evaluate(() => history.length);
  await page.getByTestId('lambda-cell-0.3').click();
  await lessonLink(page, /lam=0\.3&/);
  // λ is the λ slider's value: a change replaces the entry, like a drag (a view change pushes).
  expect(await page.evaluate(() => history.length)).toBe(length);

  await page.getByTestId('lab-view-timestepGrid').check();
  await page.getByTestId('grid-col-16:up').uncheck();
  const before = await readyMap(page);
  const link = await lessonLink(page, /groups=16:down,8:mid&lab=timestepGrid/);

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const other = await fresh.newPage();
    await openApp(other, new URL(link).hash);
    await expect(other.getByTestId('lab-view-timestepGrid')).toBeChecked();
    await expect(other.getByTestId('grid-col-16:up')).not.toBeChecked();
    await expect(other.getByTestId('grid-col-16:down')).toBeChecked();
    await expect(other.getByTestId('map-canvas')).toHaveAttribute('data-map-hash', before.hash, { timeout: 90_000 });
    expect((await readyMap(other)).box).toBe(before.box);
  } finally {
    await fresh.close();
  }
});
