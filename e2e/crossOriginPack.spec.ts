/**
 * Loading a pack by URL from another origin. The engine fetches in CORS mode, so
 * Access-Control-Allow-Origin is what the server must send (under COEP a CORS
 * response needs no Cross-Origin-Resource-Policy).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { expect, test } from './cspGuard';
import { openApp, readyMap, root } from './helpers';

const PORT = 4181;
let server: Server;
let cors = true;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const path = join(root, 'public/models', decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!path.startsWith(join(root, 'public/models')) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}), 'Content-Length': statSync(path).size });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(PORT, '127.0.0.1', r));
});

test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

test('loads a pack from another origin by URL and runs it', async ({ page }) => {
  cors = true;
  await openApp(page);
  await page.getByTestId('pack-url-input').fill(`http://127.0.0.1:${PORT}/fixture-tiny/`);
  await page.getByTestId('pack-url-load').click();
  await expect(page.locator('[data-testid="pack-progress"][data-phase="ready"]')).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('pack-progress')).toContainText(/downloaded and verified|browser cache/);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await page.getByTestId('sample-dog').click();
  await readyMap(page);
});

test('a server without CORS headers gets an explanation, and the current pack stays', async ({ page }) => {
  cors = false;
  await openApp(page);
  await page.getByTestId('pack-url-input').fill(`http://127.0.0.1:${PORT}/fixture-tiny/`);
  await page.getByTestId('pack-url-load').click();
  await expect(page.getByTestId('error-banner')).toContainText(/CORS|Access-Control-Allow-Origin/);
  await page.getByTestId('sample-cat').click();
  await readyMap(page);
});
