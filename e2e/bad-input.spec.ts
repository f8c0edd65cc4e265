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

test.beforeEach(async ({ page }) => {
  await openApp(page);
  // The page opens on the first gallery sample (dog); pick another image and wait for ITS map, so the
  // opening sample's live swap cannot land after `before` is read.
  const opening = await readyMap(page);
  await pickFile(page, `${root}public/samples/penguin.png`);
  await readyMap(page, opening.hash);
});

for (const [file, message] of rejected) {
  test(`rejects ${file} with a message and keeps the previous result`, async ({ page }) => {
    const before = await page.getByTestId('map-canvas').getAttribute('data-map-hash');
    await pickFile(page, `${dir}/${file}`);
    await expect(page.getByTestId('error-banner')).toContainText(message);
    await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-map-hash', before!);
    await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-state', 'ready');
  });
}

for (const file of accepted) {
  test(`handles ${file}`, async ({ page }) => {
    const before = await page.getByTestId('map-canvas').getAttribute('data-map-hash');
    await pickFile(page, `${dir}/${file}`);
    await readyMap(page, before!);
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    if (file.startsWith('animated')) await expect(page.getByTestId('notice-banner')).toContainText(/first frame/i);
    // Stored 96×64 with EXIF orientation 6: must be analysed upright, 64 wide and 96 tall.
    if (file === 'exif-rotated.jpg') await expect(page.locator('body')).toContainText('64×96');
    if (file === 'image.svg') await expect(page.locator('body')).toContainText('512×256');
  });
}
