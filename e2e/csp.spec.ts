/**
 * Content-Security-Policy: the served page sends a strict policy; inline script
 * is refused (and the guard in cspGuard.ts sees the violation); a hostile pack
 * whose strings carry HTML and javascript: links renders them as text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from './cspGuard';
import { openApp, readyMap, root } from './helpers';

const XSS = '<img src=x onerror=window.__pwned=1>';
const JS_LINK = '<a href="javascript:alert(1)">click me</a> [md link](javascript:alert(1))';
const HOSTILE_BASE = 'https://hostile.example/pack/';

test('the page is served with a strict Content-Security-Policy', async ({ page }) => {
  const firstWorker = page.waitForEvent('worker');
  const res = await page.goto('/');
  const csp = res!.headers()['content-security-policy'] ?? '';
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k!, v]),
  );
  expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('connect-src')).toContain('https:');
  expect(directives.get('worker-src')).toEqual(["'self'"]);
  expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'/);
  const sources = [...directives.values()].flat();
  expect(
    sources.filter((s) => s === '*' || s.startsWith('*.') || s === 'http:'),
    'no wildcard sources',
  ).toEqual([]);
  // The module worker's script is served under the same policy.
  const workerUrl = (await firstWorker).url();
  const workerRes = await page.request.get(workerUrl);
  expect(workerRes.headers()['content-security-policy']).toBe(csp);
});

test('inline script is refused, and the violation is reported', async ({ page, cspViolations }) => {
  cspViolations.allow(/script-src|inline/i);
  await openApp(page);
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = 1';
    document.head.append(s);
  });
  await expect.poll(() => cspViolations.list.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { __inlineRan?: number }).__inlineRan)).toBeUndefined();
});

/** fixture-tiny with hostile strings everywhere the UI may show them, and an attribution file. */
function hostilePack(): Map<string, { body: Buffer; type: string }> {
  const dir = `${root}public/models/fixture-tiny/`;
  const m = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8'));
  const attribution = Buffer.from(`# Credits ${XSS}\n\n${JS_LINK}\n`);
  m.id = 'hostile-pack';
  m.label = `Hostile ${XSS}`;
  m.description = `Description ${XSS} ${JS_LINK}`;
  m.license = {
    spdx: `MIT ${XSS}`,
    attribution: { path: 'ATTRIBUTION.md', bytes: attribution.length, sha256: createHash('sha256').update(attribution).digest('hex') },
    notes: `Notes ${JS_LINK}`,
  };
  for (const c of m.classes) {
    c.name = `${c.name}${XSS}`;
    c.displayName = `${c.displayName} ${XSS} ${JS_LINK}`;
  }
  const files = new Map<string, { body: Buffer; type: string }>();
  files.set('manifest.json', { body: Buffer.from(JSON.stringify(m)), type: 'application/json' });
  files.set('ATTRIBUTION.md', { body: attribution, type: 'text/markdown' });
  for (const f of ['classifier.onnx', 'concepts.f32', 'text_encoder.onnx', 'tokenizer.json', 'unet.onnx', 'vae_encoder.onnx']) {
    files.set(f, { body: readFileSync(`${dir}${f}`), type: 'application/octet-stream' });
  }
  return files;
}

test('a hostile pack: HTML and javascript: links in its strings render as text and never run', async ({ page, context }) => {
  const files = hostilePack();
  const served: string[] = [];
  await context.route(`${HOSTILE_BASE}**`, async (route) => {
    const name = new URL(route.request().url()).pathname.replace('/pack/', '');
    const f = files.get(name);
    served.push(name);
    await route.fulfill(
      f
        ? { status: 200, body: f.body, headers: { 'content-type': f.type, 'access-control-allow-origin': '*' } }
        : { status: 404, body: 'not found', headers: { 'access-control-allow-origin': '*' } },
    );
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await openApp(page);
  await page.getByTestId('pack-url-input').fill(HOSTILE_BASE);
  await page.getByTestId('pack-url-load').click();
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(served).toContain('ATTRIBUTION.md'); // the attribution was fetched and its sha256 verified

  // The strings are shown verbatim, as text.
  await expect(page.locator('.pack-current')).toContainText(`Hostile ${XSS}`);
  await expect(page.locator('.pack-current')).toContainText(`Description ${XSS}`);
  await expect(page.locator('.pack-current')).toContainText(`licence MIT ${XSS}`);
  const options = await page.getByTestId('class-select').locator('option').allTextContents();
  expect(options.some((o) => o.includes(`Dog ${XSS} ${JS_LINK}`))).toBe(true);

  // Run it so the class names reach the top-5 list too.
  await page.getByTestId('sample-dog').click();
  await readyMap(page);
  await expect(page.getByTestId('top5-item').first()).toContainText(XSS);

  expect(await page.locator('img[src="x"], [onerror]').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
