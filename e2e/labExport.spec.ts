/**
 * Export for slides (classroom lab): the PNG contact sheet of the current view decodes, has the
 * sheet's size and is drawn (not blank); the JSON carries the settings and every shown
 * method's metrics, equal to what the page shows.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const d = file as Download;
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Decode the PNG in the browser: its size and how many distinct colours a coarse sample of it holds. */
function decodeInPage(page: Page, bytes: Buffer) {
  return page.evaluate(async (b64) => {
    // From the bytes, not a data: URL (the app's CSP does not let the page fetch those).
    const blob = new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' });
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4 * 97) colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
    return { width: bmp.width, height: bmp.height, colours: colours.size };
  }, bytes.toString('base64'));
}

test.use({ viewport: { width: 1280, height: 1000 } });

test('PNG of the side-by-side view and JSON of its settings and metrics', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('export-view')).toBeDisabled();
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
  await page.getByTestId('method-compare').check();
  const methods = ['genpromp', 'cam', 'lpcam', 'sat'];
  const hashes: Record<string, string> = {};
  for (const m of methods) {
    const canvas = page.getByTestId(`panel-${m}`).getByTestId('map-canvas');
    await expect(canvas).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    hashes[m] = (await canvas.getAttribute('data-map-hash')) ?? '';
  }
  await expect(page.getByTestId('export-view')).toBeEnabled();

  const png = await download(page, 'export-view');
  expect(png.name).toBe('penguin-view.png');
  const [w, h] = pngSize(png.bytes);
  // Four 256-px cells (the sample is 256×256) with 16-px gaps and margins, in one row.
  expect(w).toBe(16 + 4 * (256 + 16));
  expect(h).toBeGreaterThan(256 + 100);
  const decoded = await decodeInPage(page, png.bytes);
  expect([decoded.width, decoded.height]).toEqual([w, h]);
  expect(decoded.colours).toBeGreaterThan(50);

  const json = await download(page, 'export-json');
  expect(json.name).toBe('penguin-settings.json');
  const record = JSON.parse(json.bytes.toString('utf8'));
  expect(record.app).toBe('wsol-lab');
  expect(record.lessonLink).toMatch(/#v=1&pack=toyworld&sample=penguin\.png&m=\w+&view=compare/);
  expect(record.settings).toMatchObject({
    pack: 'toyworld',
    image: 'penguin.png',
    sample: 'penguin.png',
    className: 'Penguin',
    layout: 'compare',
    boxMode: 'largest',
    groundTruth: 'sample',
  });
  const tau = Number(await page.getByTestId('threshold-slider').inputValue());
  expect(record.settings.tau).toBeCloseTo(tau, 6);
  expect(record.settings.lambda).toBeCloseTo(Number(await page.getByTestId('lambda-slider').inputValue()), 6);
  expect(record.settings.timesteps.length).toBeGreaterThan(0);
  expect(record.settings.resolutions.length).toBeGreaterThan(0);
  expect(record.metrics.map((m: { method: string }) => m.method)).toEqual(methods);
  for (const m of record.metrics) {
    expect(m.mapHash).toBe(hashes[m.method]);
    const shownIou = Number(await page.getByTestId(`tau-iou-${m.method}`).getAttribute('data-iou'));
    expect(m.iou).toBeCloseTo(shownIou, 4);
    expect(Object.keys(m.boxAcc)).toEqual(['0.3', '0.5', '0.7']);
    expect(m.boxAcc['0.5']).toBe(m.iou >= 0.5);
    expect(m.boxes.length).toBeGreaterThan(0);
    expect(m.gtBoxes.length).toBe(1);
    expect(m.bestTau).toBeGreaterThanOrEqual(0);
  }
});

test('PNG contact sheets of the λ strip and of the t × resolution grid, and the grid in the JSON', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample-penguin').click();
  await readyMap(page);
  await page.getByTestId('method-genpromp').check();
  await expect(page.getByTestId('export-lambda-strip')).toBeDisabled();
  await page.getByTestId('lab-view-lambdaStrip').check();
  await expect(page.getByTestId('lambda-cell-1.0')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('export-lambda-strip')).toBeEnabled();
  const strip = await download(page, 'export-lambda-strip');
  expect(strip.name).toBe('penguin-lambda-strip.png');
  const [sw, sh] = pngSize(strip.bytes);
  // Eleven 192-px cells, six to a row.
  expect(sw).toBe(16 + 6 * (192 + 16));
  expect(sh).toBeGreaterThan(2 * 192);
  expect((await decodeInPage(page, strip.bytes)).colours).toBeGreaterThan(50);
  const stripJson = JSON.parse((await download(page, 'export-json')).bytes.toString('utf8'));
  expect(stripJson.lambdaStrip.map((c: { lambda: number }) => c.lambda)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  expect(stripJson.settings.labView).toBe('lambdaStrip');

  await page.getByTestId('lab-view-timestepGrid').check();
  await expect(page.getByTestId('grid-cell-999-8:mid')).toHaveAttribute('data-computed', 'true', { timeout: 90_000 });
  const grid = await download(page, 'export-grid');
  expect(grid.name).toBe('penguin-grid.png');
  const [gw, gh] = pngSize(grid.bytes);
  // Five attention-group columns of 160-px cells, one row per timestep choice (7).
  expect(gw).toBe(16 + 5 * (160 + 16));
  expect(gh).toBeGreaterThan(7 * 160);
  const decoded = await decodeInPage(page, grid.bytes);
  expect([decoded.width, decoded.height]).toEqual([gw, gh]);
  const json = JSON.parse((await download(page, 'export-json')).bytes.toString('utf8'));
  expect(json.grid.timesteps).toEqual([0, 10, 50, 99, 199, 499, 999]);
  expect(json.grid.groups).toHaveLength(5);
  expect(json.grid.ticked.timesteps).toEqual(json.settings.timesteps);
  expect(json.lambdaStrip).toBeNull();
});
