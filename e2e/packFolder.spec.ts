/** A pack from a local folder: loaded through the folder input, checked like a download; a bad folder is a named error. */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { expect, test } from './cspGuard';
import { openApp, readyMap, root } from './helpers';

const fixture = `${root}public/models/fixture-tiny`;

test('a pack folder loads through the folder input and shows a map', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('pack-folder-input').setInputFiles(fixture);
  await expect(page.getByTestId('pack-name')).toHaveText('Fixture (random weights) (from folder)', { timeout: 90_000 });
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toContainText(/local folder .*not cached/);
  await expect(page.getByTestId('pack-select')).toContainText('Fixture (random weights) (from folder)');
  await page.getByTestId('sample-dog').click();
  await readyMap(page);
});

test('a folder whose file fails its sha256, or lacks a file, names it and keeps the loaded pack', async ({ page }, testInfo) => {
  await openApp(page);
  const wrongSha = testInfo.outputPath('wrong-sha');
  cpSync(fixture, wrongSha, { recursive: true });
  const manifest = JSON.parse(readFileSync(`${wrongSha}/manifest.json`, 'utf8'));
  manifest.models.classifier.variants[0].sha256 = '0'.repeat(64);
  writeFileSync(`${wrongSha}/manifest.json`, JSON.stringify(manifest));
  await page.getByTestId('pack-folder-input').setInputFiles(wrongSha);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toContainText(/integrity check/);
  await expect(banner).toContainText(/classifier\.onnx failed its checksum/);
  await expect(page.getByTestId('pack-name')).toHaveText('Toy world (trained here)');
  await page.getByTestId('sample-cat').click();
  await readyMap(page);

  const missing = testInfo.outputPath('missing-file');
  cpSync(fixture, missing, { recursive: true });
  rmSync(`${missing}/unet.onnx`);
  await page.getByTestId('pack-folder-input').setInputFiles(missing);
  await expect(banner).toContainText(/no file "unet\.onnx"/);
  await expect(page.getByTestId('pack-name')).toHaveText('Toy world (trained here)');
});

test('the files of a pack dropped on the pack panel load like a folder', async ({ page }) => {
  await openApp(page);
  // A script-made DataTransfer has no directory entries: this is the loose-files path of a drop.
  const files = readdirSync(fixture).map((name) => ({ name, bytes: [...readFileSync(`${fixture}/${name}`)] }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, files);
  const panel = page.getByTestId('pack-panel');
  await panel.dispatchEvent('dragover', { dataTransfer });
  await panel.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('pack-name')).toHaveText('Fixture (random weights) (from folder)', { timeout: 90_000 });
  await page.getByTestId('sample-dog').click();
  await readyMap(page);
});
