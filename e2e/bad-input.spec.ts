/** Every awkward file gets a clear message or correct handling, and the app keeps working. */
import { expect, test } from './cspGuard';
import { openApp, pickFile, readyMap, root } from './helpers';

const dir = `${root}e2e/fixtures/bad-images`;

const rejected: Array<[string, RegExp]> = [
  ['zero-byte.png', /empty|0 bytes|zero/i],
  ['not-an-image.png', /not a recognised image|not an image|unsupported/i],
  ['truncated.png', /corrupt|truncated|could not be decoded/i],
  ['corrupt.jpg', /corrupt|truncated|could not be decoded/i],
  ['bomb.png', /too large|pixels|dimensions/i],
  ['corrupt-data.png', /corrupt|truncated|could not be decoded/i],
];
const accepted = [
  'cmyk.jpg',
  'grey16.png',
  'grey.png',
  'alpha.png',
  'exif-rotated.jpg',
  'image.svg',
  'animated.gif',
  'animated.png',
  'large-ok.png',
];

// One page per list, a step per file: opening the app costs a pack load, and the files need none of
// their own (15 tests took 115 s of worker time, mostly opening the app).
test.beforeEach(async ({ page }) => {
  await openApp(page);
  // The page opens on the first gallery sample (dog); pick another image and wait for ITS map, so the
  // opening sample's live swap cannot land after `before` is read.
  const opening = await readyMap(page);
  await pickFile(page, `${root}public/samples/penguin.png`);
  await readyMap(page, opening.hash);
});

test('rejects each broken file with its message and keeps the previous result', async ({ page }) => {
  test.setTimeout(240_000);
  const canvas = page.getByTestId('map-canvas');
  for (const [file, message] of rejected) {
    await test.step(file, async () => {
      const before = await canvas.getAttribute('data-map-hash');
      await pickFile(page, `${dir}/${file}`);
      await expect(page.getByTestId('error-banner')).toContainText(message);
      await expect(canvas).toHaveAttribute('data-map-hash', before!);
      await expect(canvas).toHaveAttribute('data-state', 'ready');
      await page.getByRole('button', { name: 'Dismiss error' }).click();
      await expect(page.getByTestId('error-banner')).toHaveCount(0);
    });
  }
});

test('handles each awkward but valid file', async ({ page }) => {
  test.setTimeout(300_000);
  const canvas = page.getByTestId('map-canvas');
  const penguin = await canvas.getAttribute('data-map-hash');
  for (const file of accepted) {
    await test.step(file, async () => {
      await pickFile(page, `${dir}/${file}`);
      await readyMap(page, penguin!);
      await expect(page.getByTestId('error-banner')).toHaveCount(0);
      if (file.startsWith('animated')) await expect(page.getByTestId('notice-banner')).toContainText(/first frame/i);
      // Stored 96×64 with EXIF orientation 6: must be analysed upright, 64 wide and 96 tall.
      if (file === 'exif-rotated.jpg') await expect(page.locator('body')).toContainText('64×96');
      if (file === 'image.svg') await expect(page.locator('body')).toContainText('512×256');
      // Back to the penguin, without notices, so the next file's map and notice are its own.
      const dismiss = page.getByRole('button', { name: 'Dismiss notice' });
      while ((await dismiss.count()) > 0) await dismiss.first().click();
      await expect(page.getByTestId('notice-banner')).toHaveCount(0);
      await pickFile(page, `${root}public/samples/penguin.png`);
      await expect(canvas).toHaveAttribute('data-map-hash', penguin!);
      await expect(canvas).toHaveAttribute('data-state', 'ready');
    });
  }
});
