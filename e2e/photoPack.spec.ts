/**
 * The ImageNet photo pack (imagenet-lite0, classifier-only): a real photo gets a top-5
 * over the 1,000 ImageNet classes and a CAM box that follows the class and τ; the class
 * picker has a search box; GenPromp is off and says why (wasm).
 */
import { expect, test } from './cspGuard';
import { dropFile, openApp, readyMap, root, setSlider } from './helpers';

// scikit-image's "chelsea" (CC0): a tabby cat on a plain background.
const CHELSEA = `${root}e2e/fixtures/images/chelsea.png`;
// ImageNet-1k's domestic-cat classes, as the pack names them (WordNet lemmas).
const DOMESTIC_CAT = /tabby|tiger cat|Persian cat|Siamese cat|Egyptian cat/;

test('a photo on the ImageNet pack: cat in the top-5, a live CAM, a class search, GenPromp off with the reason', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('pack-select').selectOption({ label: 'ImageNet photos (EfficientNet-Lite0)' });
  await expect(page.getByTestId('pack-select')).toHaveValue(/\/models\/imagenet-lite0\/$/);
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 90_000 });

  // No diffusion models: GenPromp is disabled with the reason, CAM is the method shown.
  await expect(page.getByTestId('method-genpromp')).toBeDisabled();
  await expect(page.getByTestId('method-cam')).toBeChecked();
  await expect(page.getByText(/GenPromp: GenPromp needs a Stable Diffusion pack/)).toBeVisible();
  await expect(page.getByTestId('genpromp-controls-unavailable')).toContainText('needs a Stable Diffusion pack');
  // …and links to the guide, which the app serves as a page.
  const guide = page.getByTestId('genpromp-controls-unavailable').getByTestId('doc-link-make-a-real-pack');
  await expect(guide).toHaveAttribute('href', 'docs/make-a-real-pack.html');
  const res = await page.request.get(new URL('docs/make-a-real-pack.html', page.url()).href);
  expect(res.ok()).toBe(true);
  expect(await res.text()).toContain('Make a real pack');
  await expect(page.getByTestId('lambda-slider')).toBeDisabled();

  await dropFile(page, CHELSEA, 'image/png');
  // The page may have opened on a gallery sample: wait for the photo's own top-5 before reading its map.
  await expect(page.getByTestId('top5')).toContainText(DOMESTIC_CAT);
  await expect(page.getByTestId('top5-item')).toHaveCount(5);
  const top1Map = await readyMap(page);
  const top1Boxes = JSON.parse(top1Map.box) as number[][];
  expect(top1Boxes.length).toBeGreaterThan(0);

  // τ re-draws the box from the same map.
  await setSlider(page, 'threshold-slider', 0.8);
  await expect(page.getByTestId('map-canvas')).not.toHaveAttribute('data-box', top1Map.box);
  const highTau = await readyMap(page);
  expect(highTau.hash).toBe(top1Map.hash);

  // The search box narrows 1,000 classes; typing and Enter (keyboard only) picks the first match.
  const options = page.getByTestId('class-select').locator('option');
  await expect(options).toHaveCount(1000); // the top-1 class is chosen once the photo is analysed
  const search = page.getByLabel(/Find a class/);
  await search.fill('lesser panda');
  // The one match, plus the chosen class, which stays listed so the select shows what is drawn.
  await expect(options).toHaveCount(2);
  await expect(options.filter({ hasText: 'lesser panda' })).toHaveCount(1);
  await search.press('Enter');
  await expect(page.getByTestId('class-select').locator('option:checked')).toHaveText(/lesser panda/);
  const otherClass = await readyMap(page, highTau.hash);
  expect(otherClass.hash).not.toBe(top1Map.hash);
});
