// Screenshots of the app's views for docs/img/ (headless Debian Chromium, wasm):
//   npx vite build && npx vite preview --port 4180 &   then   node scripts/screenshots.mjs http://127.0.0.1:4180 docs/img [compare|sat|lab|lab-strip|lesson|lab-bench|teach|photo-pack|pack-download|pack-folder|pack-errors|sd-tiny-random|make-a-real-pack|sd15-random …]
//   sd15-random: the full-size random SD-1.5 export (scripts/sd15-random.sh) served with CORS at $SD15_PACK_URL
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, WASM_ARGS } from './chromium.mjs';

const [base = 'http://127.0.0.1:4180', out = 'docs/img'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WASM_ARGS });
// Optional view names after the output folder draw only those views (e.g. `photo-pack`).
const only = new Set(process.argv.slice(4));
const wanted = (name) => only.size === 0 || only.has(name);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  const ready = (scope = page) => scope.locator('[data-testid="map-canvas"][data-state="ready"]').first().waitFor({ timeout: 60_000 });
  const packReady = () =>
    page.locator('[data-testid="pack-progress"][data-phase="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
  await page.goto(`${base}/`);
  await packReady();
  if (wanted('compare') || wanted('sat')) {
    await page.getByTestId('sample-penguin').click();
    await ready();
    await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
    await ready();
    await page.getByTestId('method-compare').check();
    for (const m of ['genpromp', 'cam', 'lpcam', 'sat']) await ready(page.getByTestId(`panel-${m}`));
    await page.screenshot({ path: `${out}/app-compare.png`, fullPage: true });
    await page.getByTestId('method-sat').check();
    await ready();
    await page.screenshot({ path: `${out}/app-sat.png`, fullPage: true });
    console.log(`wrote ${out}/app-compare.png and app-sat.png`);
  }
  if (wanted('lab')) {
    // The classroom lab: τ curve and scores, a drawn ground truth, the hover probe, sanity baselines, 1024 px.
    await page.goto(`${base}/`);
    await packReady();
    await page.getByTestId('sample-penguin').click();
    await ready();
    await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
    await page.getByTestId('method-cam').check();
    await ready();
    await page.getByTestId('tau-row-cam').waitFor();
    await page.getByTestId('tau-panel').screenshot({ path: `${out}/lab-tau-curve.png` });

    await page.getByTestId('file-input').setInputFiles('e2e/fixtures/images/chelsea.png');
    await ready();
    await page.getByTestId('gt-draw').click();
    const canvas = page.getByTestId('map-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const b = await canvas.boundingBox();
    await page.mouse.move(b.x + 0.12 * b.width, b.y + 0.1 * b.height);
    await page.mouse.down();
    await page.mouse.move(b.x + 0.85 * b.width, b.y + 0.95 * b.height, { steps: 6 });
    await page.mouse.up();
    await page.getByTestId('iou-readout').waitFor();
    await page.mouse.move(b.x + 0.5 * b.width, b.y + 0.45 * b.height);
    await page.getByTestId('probe-cam').getByText('raw').waitFor();
    await page.getByTestId('tau-row-cam').waitFor();
    await page.screenshot({ path: `${out}/lab-ground-truth.png`, fullPage: true });

    await page.getByTestId('sample-penguin').click();
    await ready();
    await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
    await page.getByTestId('method-compare').check();
    await page.getByTestId('compare-baselines').check();
    for (const m of ['genpromp', 'cam', 'lpcam', 'sat', 'gaussian', 'random', 'sobel']) await ready(page.getByTestId(`panel-${m}`));
    const cam = await page.getByTestId('panel-cam').getByTestId('map-canvas').boundingBox();
    await page.mouse.move(cam.x + 0.5 * cam.width, cam.y + 0.55 * cam.height);
    await page.getByTestId('probe-sobel').getByText('raw').waitFor();
    await page.screenshot({ path: `${out}/lab-probe-baselines.png`, fullPage: true });

    await page.setViewportSize({ width: 1024, height: 900 });
    await page.getByTestId('compare-baselines').uncheck();
    await page.mouse.move(1, 1);
    await page.screenshot({ path: `${out}/lab-1024.png`, fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
    console.log(`wrote ${out}/lab-tau-curve.png, lab-ground-truth.png, lab-probe-baselines.png and lab-1024.png`);
  }
  if (wanted('lab-strip')) {
    // The lab's GenPromp views: the λ strip with its IoU sparkline, the t × resolution grid, both at 1024 px.
    await page.goto(`${base}/`);
    await packReady();
    await page.getByTestId('sample-penguin').click();
    await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
    await ready();
    await page.getByTestId('lab-view-lambdaStrip').check();
    await page.getByTestId('lambda-cell-1.0').waitFor({ timeout: 60_000 });
    await page.getByTestId('lambda-cell-0.5').click();
    await ready();
    await page.getByTestId('lab-panel').screenshot({ path: `${out}/lab-lambda-strip.png` });
    await page.getByTestId('lab-view-timestepGrid').check();
    await page.locator('[data-testid="grid-cell-999-32:up"][data-computed="true"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('grid-col-16:up').uncheck();
    await ready();
    await page.getByTestId('lab-panel').screenshot({ path: `${out}/lab-timestep-grid.png` });
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.getByTestId('lab-view-lambdaStrip').check();
    await page.getByTestId('lambda-cell-1.0').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: `${out}/lab-strip-1024.png`, fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
    console.log(`wrote ${out}/lab-lambda-strip.png, lab-timestep-grid.png and lab-strip-1024.png`);
  }
  if (wanted('lesson')) {
    // Lesson tools: the tour at its box step (1024 px), the lesson link and export panel, and the exported slide itself.
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.goto(`${base}/`);
    await packReady();
    await page.getByTestId('tour-start').click();
    await ready();
    await page.getByTestId('tour-next').click();
    await page.getByTestId('tour-next').click();
    await page.locator('[data-testid="box-mode"].tour-spotlight').waitFor();
    await page.waitForTimeout(600); // the spotlight's smooth scroll
    await page.screenshot({ path: `${out}/lab-tour.png` });
    await page.getByTestId('tour-close').click();
    await page.getByTestId('sample-penguin').click();
    await ready();
    await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
    await page.getByTestId('method-compare').check();
    for (const m of ['genpromp', 'cam', 'lpcam', 'sat']) await ready(page.getByTestId(`panel-${m}`));
    await page.getByTestId('share-export').screenshot({ path: `${out}/lab-lesson-link.png` });
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-view').click()]);
    await png.saveAs(`${out}/lab-export-view.png`);
    await page.getByTestId('method-genpromp').check();
    await page.getByTestId('lab-view-lambdaStrip').check();
    await page.getByTestId('lambda-cell-1.0').waitFor({ timeout: 90_000 });
    const [strip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-lambda-strip').click()]);
    await strip.saveAs(`${out}/lab-export-lambda-strip.png`);
    await page.getByTestId('lab-view-timestepGrid').check();
    await page.locator('[data-testid="grid-cell-999-32:up"][data-computed="true"]').waitFor({ timeout: 90_000 });
    const [grid] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-grid').click()]);
    await grid.saveAs(`${out}/lab-export-grid.png`);
    await page.setViewportSize({ width: 1400, height: 1000 });
    console.log(`wrote ${out}/lab-tour.png, lab-lesson-link.png, lab-export-view.png, lab-export-lambda-strip.png and lab-export-grid.png`);
  }
  if (wanted('lab-bench')) {
    // The lab's gallery benchmark with the protocol lesson, the precomputed first view, and both at 1024 px.
    const held = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    let release;
    const gate = new Promise((r) => {
      release = r;
    });
    await held.route(/\/models\/toyworld\/.*\.onnx/, async (route) => {
      await gate;
      await route.continue();
    });
    const first = await held.newPage();
    await first.goto(`${base}/`);
    await first.getByTestId('precomputed-badge').waitFor();
    await first.screenshot({ path: `${out}/lab-first-view.png` });
    // The lab's views before the pack: precomputed too.
    await first.getByTestId('lab-view-lambdaStrip').check();
    await first.getByTestId('lab-precomputed').waitFor();
    await first.getByTestId('lab-panel').screenshot({ path: `${out}/lab-first-view-strip.png` });
    await first.getByTestId('lab-view-timestepGrid').check();
    await first.getByTestId('timestep-grid').waitFor();
    await first.getByTestId('lab-panel').screenshot({ path: `${out}/lab-first-view-grid.png` });
    await first.getByTestId('lab-view-none').check();
    await first.getByTestId('method-compare').check();
    await first.locator('[data-testid="map-canvas"][data-state="precomputed"]').nth(3).waitFor();
    await first.screenshot({ path: `${out}/lab-first-view-compare.png` });
    release();
    await held.close();

    await page.goto(`${base}/`);
    await packReady();
    await page.getByTestId('bench-run').click();
    await page.locator('[data-testid="bench-panel"][data-status="done"]').waitFor({ timeout: 600_000 });
    await page.getByTestId('bench-panel').screenshot({ path: `${out}/lab-benchmark.png` });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.mouse.move(1, 1);
    await page.screenshot({ path: `${out}/lab-benchmark-1024.png`, fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
    console.log(
      `wrote ${out}/lab-first-view.png, lab-first-view-strip.png, lab-first-view-grid.png, lab-first-view-compare.png, lab-benchmark.png and lab-benchmark-1024.png`,
    );
  }
  if (wanted('teach')) {
    // Teaching a snail (an animal the pack never saw) from its 5 train-style composites
    // (e2e/fixtures/new-class/snail), 10 inversion steps (the pack's 40 take ~2 min).
    const snail = 'e2e/fixtures/new-class/snail/';
    await page.goto(`${base}/?teachSteps=10`);
    await packReady();
    await page.getByTestId('teach-files').setInputFiles([0, 1, 2, 3, 4].map((i) => `${snail}train/train_snail_00${i}.png`));
    await page.getByTestId('teach-name').fill('snail');
    await page.getByTestId('teach-word').fill('animal');
    await page.getByTestId('teach-run').click();
    await page
      .locator('[data-testid="teach-status"]')
      .filter({ hasText: /Step 4 of 10/ })
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('teach-panel').screenshot({ path: `${out}/teach-training.png` });
    await page.locator('[data-testid="teach-panel"][data-status="done"]').waitFor({ timeout: 180_000 });
    await page.getByTestId('teach-panel').screenshot({ path: `${out}/teach-learned.png` });
    // A held-out test-style snail: the learned class tops the top-5, and CAM draws it with its new row.
    await page.getByTestId('file-input').setInputFiles(`${snail}test/test_snail_001.png`);
    await page.locator('[data-testid="top5"][data-image="test_snail_001.png"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('method-cam').check();
    await page.locator('[data-testid="map-canvas"][data-state="ready"]').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    await page.mouse.move(1, 1);
    await page.screenshot({ path: `${out}/teach-learned-cam.png` });
    console.log(`wrote ${out}/teach-training.png, teach-learned.png and teach-learned-cam.png`);
  }
  if (wanted('photo-pack')) {
    // The ImageNet photo pack on scikit-image's CC0 cat photo, with the class search in use.
    await page.getByTestId('pack-select').selectOption({ label: 'ImageNet photos (EfficientNet-Lite0)' });
    await page.locator('[data-testid="pack-select"]:not([disabled])').waitFor();
    await packReady();
    await page.getByTestId('file-input').setInputFiles('e2e/fixtures/images/chelsea.png');
    await ready();
    await page.getByTestId('top5-item').first().waitFor();
    await page.getByLabel(/Find a class/).fill('cat');
    await page.screenshot({ path: `${out}/app-photo-pack.png`, fullPage: true });
    console.log(`wrote ${out}/app-photo-pack.png`);
  }
  if (wanted('pack-download')) {
    // A throttled connection (DevTools network emulation, which covers the engine Worker's fetches) shows rate and ETA.
    await page.goto(`${base}/`);
    await packReady();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: 200 * 1024,
      uploadThroughput: -1,
    });
    await page.getByTestId('pack-select').selectOption({ label: 'ImageNet photos (EfficientNet-Lite0)' });
    await page.getByTestId('download-rate').waitFor({ timeout: 60_000 });
    await page.getByTestId('pack-panel').screenshot({ path: `${out}/pack-download.png` });
    await page.getByTestId('pack-cancel').click();
    await page.getByTestId('pack-cancelled').waitFor();
    await page.getByTestId('pack-panel').screenshot({ path: `${out}/pack-cancelled.png` });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    console.log(`wrote ${out}/pack-download.png and pack-cancelled.png`);
  }
  if (wanted('pack-folder')) {
    await page.goto(`${base}/`);
    await packReady();
    await page.getByTestId('pack-folder-input').setInputFiles('public/models/fixture-tiny');
    await page.getByText('(from folder)', { exact: false }).first().waitFor({ timeout: 60_000 });
    await packReady();
    await page.getByTestId('pack-panel').screenshot({ path: `${out}/pack-folder.png` });
    console.log(`wrote ${out}/pack-folder.png`);
  }
  if (wanted('pack-errors')) {
    // Two named errors of big packs: a folder whose file fails its sha256, and an fp32 pack too big for one wasm heap.
    const { cpSync, readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const bad = `${mkdtempSync('/tmp/wsol-badpack-')}/fixture-tiny`;
    cpSync('public/models/fixture-tiny', bad, { recursive: true });
    const m = JSON.parse(readFileSync(`${bad}/manifest.json`, 'utf8'));
    m.models.classifier.variants[0].sha256 = '0'.repeat(64);
    writeFileSync(`${bad}/manifest.json`, JSON.stringify(m));
    await page.goto(`${base}/`);
    await packReady();
    await page.getByTestId('pack-folder-input').setInputFiles(bad);
    await page.getByTestId('error-banner').waitFor({ timeout: 60_000 });
    await page.getByTestId('error-banner').screenshot({ path: `${out}/pack-error-folder.png` });

    const big = JSON.parse(readFileSync('public/models/fixture-tiny/manifest.json', 'utf8'));
    const unet = big.models.unet.variants[0];
    big.models.unet.variants = [
      { ...unet, externalData: [0, 1, 2].map((i) => ({ path: `unet.onnx.data${i}`, bytes: 1_500_000_000, sha256: 'b'.repeat(64) })) },
      { ...unet, precision: 'int8', backends: ['wasm'] },
    ];
    await page.route('**/models/fixture-tiny/manifest.json', (route) => route.fulfill({ json: big }));
    await page.goto(`${base}/?precision=fp32`);
    await packReady();
    await page.getByTestId('pack-select').selectOption({ label: 'Fixture (random weights)' });
    await page.getByText('too large for WebAssembly').waitFor({ timeout: 60_000 });
    await page.getByTestId('error-banner').screenshot({ path: `${out}/pack-error-memory.png` });
    await page.unroute('**/models/fixture-tiny/manifest.json');
    console.log(`wrote ${out}/pack-error-folder.png and pack-error-memory.png`);
  }
  if (wanted('sd-tiny-random')) {
    // The Stable Diffusion architecture (tiny, random weights) loaded by URL: GenPromp's 512² frame, 77-token CLIP.
    await page.goto(`${base}/?precision=fp32`);
    await packReady();
    await page.getByTestId('pack-url-input').fill('/models/sd-tiny-random/');
    await page.getByTestId('pack-url-load').click();
    await page.getByText('(sd-tiny-random)').waitFor({ timeout: 120_000 });
    await packReady();
    await page.getByTestId('file-input').setInputFiles('public/samples-fixture/dog.png');
    await ready();
    await page.screenshot({ path: `${out}/app-sd-tiny-random.png`, fullPage: true });
    console.log(`wrote ${out}/app-sd-tiny-random.png`);
  }
  if (wanted('make-a-real-pack')) {
    // The guide the GenPromp-unavailable reason links to, as the app serves it.
    await page.goto(`${base}/docs/make-a-real-pack.html`);
    await page.screenshot({ path: `${out}/make-a-real-pack.png` });
    console.log(`wrote ${out}/make-a-real-pack.png`);
  }
  if (wanted('sd15-random')) {
    // Full-size Stable Diffusion 1.5 architecture (random weights), int8 on wasm: a map in the browser.
    // A persistent profile: an incognito context's storage quota is far below the pack's 0.9 GB.
    const url = process.env.SD15_PACK_URL ?? 'http://127.0.0.1:8099/sd15-random/';
    const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wsol-shot-')), {
      executablePath: CHROMIUM_PATH,
      args: WASM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const p = await ctx.newPage();
      await p.goto(`${base}/?precision=int8`);
      await p.locator('[data-testid="pack-progress"][data-phase="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
      await p.getByTestId('pack-url-input').fill(url);
      await p.getByTestId('pack-url-load').click();
      await p.getByText('(sd15-random)', { exact: true }).waitFor({ timeout: 900_000 });
      await p.locator('[data-testid="pack-progress"][data-phase="ready"]').waitFor({ state: 'attached', timeout: 900_000 });
      await p.getByTestId('file-input').setInputFiles('public/samples/dog.png');
      await p.locator('[data-testid="map-canvas"][data-state="ready"][data-box^="[["]').first().waitFor({ timeout: 900_000 });
      await p.screenshot({ path: `${out}/app-sd15-random.png`, fullPage: true });
      console.log(`wrote ${out}/app-sd15-random.png`);
    } finally {
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
