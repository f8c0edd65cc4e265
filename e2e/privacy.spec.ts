/**
 * Privacy: a whole session (open, pack load, drop an image, sliders, every
 * method incl. "All four", PNG export) sends nothing anywhere but the page's own
 * origin, and no request carries image data. Requests are recorded on the
 * browser context, which includes the engine Worker's (it fetches the models).
 */
import { readFileSync } from 'node:fs';
import type { Request } from '@playwright/test';
import { expect, test } from './cspGuard';
import { dropFile, openApp, readyMap, root, setSlider } from './helpers';

interface Recorded {
  url: string;
  method: string;
  body: Buffer | null;
}

const IMAGE_SIGNATURES: Array<[string, Buffer]> = [
  ['PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['JPEG', Buffer.from([0xff, 0xd8, 0xff])],
  ['GIF', Buffer.from('GIF8')],
  ['WebP', Buffer.from('WEBP')],
  ['data URL', Buffer.from('data:image')],
  ['base64 PNG', Buffer.from('iVBORw0KGgo')],
  ['base64 JPEG', Buffer.from('/9j/')],
];

/** Why `r` might carry an image, or null. `imageChunk` is a slice of the dropped file's pixels-bearing bytes. */
function imageDataIn(r: Recorded, imageChunk: Buffer): string | null {
  if (/data:image|;base64,/i.test(r.url)) return 'an image data URL in the URL';
  if (r.url.length > 2048) return `a ${r.url.length}-character URL`;
  if (!r.body || r.body.length === 0) return null;
  for (const [name, sig] of IMAGE_SIGNATURES) if (r.body.includes(sig)) return `${name} bytes in the body`;
  if (r.body.includes(imageChunk)) return 'bytes of the dropped image in the body';
  return null;
}

test('a full session talks to its own origin only and never sends image data', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: Recorded[] = [];
  context.on('request', (r: Request) => {
    requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() });
  });

  await openApp(page); // loads the default pack (toy world) in the Worker
  const imagePath = `${root}public/samples/penguin.png`;
  await dropFile(page, imagePath, 'image/png');
  const first = await readyMap(page);
  await setSlider(page, 'lambda-slider', 0.3);
  await readyMap(page, first.hash);
  await setSlider(page, 'threshold-slider', 0.8);
  await page.getByTestId('class-select').selectOption({ label: 'Bus' });
  await readyMap(page);
  for (const m of ['cam', 'lpcam', 'sat', 'genpromp']) {
    await page.getByTestId(`method-${m}`).check();
    await readyMap(page);
  }
  await page.getByTestId('method-compare').check();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  for (const m of ['genpromp', 'cam', 'lpcam', 'sat']) {
    await expect(page.getByTestId(`panel-${m}`).getByTestId('map-canvas')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  }
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('panel-genpromp').getByRole('button', { name: 'Download PNG' }).click(),
  ]);
  const png = readFileSync((await download.path())!);
  expect(png.subarray(0, 8)).toEqual(IMAGE_SIGNATURES[0]![1]); // the export worked, locally
  // Let anything the session queued go out before judging.
  await page.waitForTimeout(1_000);

  // The recording is complete enough to mean something: it saw the Worker's model downloads.
  expect(
    requests.some((r) => /\.onnx$/.test(r.url)),
    'model requests were recorded',
  ).toBe(true);
  expect(requests.some((r) => /\/samples\//.test(r.url) || /index\.json$/.test(r.url))).toBe(true);

  const local = (u: string) => u.startsWith('blob:') || u.startsWith('data:');
  const foreign = requests.filter((r) => !local(r.url) && new URL(r.url).origin !== origin);
  const fileBytes = readFileSync(imagePath);
  const chunk = fileBytes.subarray(Math.floor(fileBytes.length / 2), Math.floor(fileBytes.length / 2) + 64);
  const carrying = requests.map((r) => ({ r, why: imageDataIn(r, chunk) })).filter((x) => x.why !== null);
  const withBody = requests.filter((r) => r.body && r.body.length > 0);

  const byKind = requests.reduce<Record<string, number>>((acc, r) => {
    const k = local(r.url) ? r.url.split(':')[0]! : r.method;
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});
  console.log(
    `privacy: ${requests.length} requests (${JSON.stringify(byKind)}; ${requests.filter((r) => /\.onnx$/.test(r.url)).length} model files fetched by the Worker), ${foreign.length} to another origin, ${withBody.length} with a body, ${carrying.length} carrying image data`,
  );

  expect(foreign.map((r) => r.url)).toEqual([]);
  expect(carrying.map((x) => `${x.r.method} ${x.r.url.slice(0, 120)}: ${x.why}`)).toEqual([]);
  expect(withBody.map((r) => `${r.method} ${r.url}`)).toEqual([]);
});
