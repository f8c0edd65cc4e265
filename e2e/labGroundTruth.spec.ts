/**
 * Your own ground truth (classroom lab): draw a box on any image with a pointer drag (mouse
 * or touch), edit it by a corner, clear it; IoU, τ curve, badges and failure type follow it.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, pickFile, readyMap, root } from './helpers';

/** Drag with the mouse between two points given as fractions of the element's box. */
async function mouseDrag(page: Page, el: Locator, from: [number, number], to: [number, number]): Promise<void> {
  const b = (await el.boundingBox())!;
  await page.mouse.move(b.x + from[0] * b.width, b.y + from[1] * b.height);
  await page.mouse.down();
  await page.mouse.move(b.x + ((from[0] + to[0]) / 2) * b.width, b.y + ((from[1] + to[1]) / 2) * b.height, { steps: 4 });
  await page.mouse.move(b.x + to[0] * b.width, b.y + to[1] * b.height, { steps: 4 });
  await page.mouse.up();
}

/**
 * Drag with one finger: touch pointer events as a tablet's browser sends them (DevTools touch
 * input reaches no element in this headless Chromium, so the events are dispatched directly).
 */
async function touchDrag(el: Locator, from: [number, number], to: [number, number]): Promise<void> {
  await el.evaluate(
    (canvas, { from, to }) => {
      const r = canvas.getBoundingClientRect();
      const fire = (type: string, f: number[]) =>
        canvas.dispatchEvent(
          new PointerEvent(type, {
            bubbles: true,
            cancelable: true,
            pointerId: 7,
            pointerType: 'touch',
            isPrimary: true,
            button: type === 'pointermove' ? -1 : 0,
            clientX: r.left + f[0]! * r.width,
            clientY: r.top + f[1]! * r.height,
          }),
        );
      fire('pointerdown', from);
      for (let k = 1; k <= 5; k++)
        fire('pointermove', [from[0]! + ((to[0]! - from[0]!) * k) / 5, from[1]! + ((to[1]! - from[1]!) * k) / 5]);
      fire('pointerup', to);
    },
    { from, to },
  );
}

const canvas = (page: Page) => page.getByTestId('map-canvas');

// The whole image must be on screen: pointer input outside the viewport hits nothing.
test.use({ viewport: { width: 1280, height: 1000 } });

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('a dropped image without ground truth: draw a box, get IoU, τ curve, badges and a failure type; edit; clear', async ({ page }) => {
  await pickFile(page, `${root}e2e/fixtures/images/chelsea.png`);
  await page.getByTestId('method-cam').check();
  await readyMap(page);
  await expect(page.getByTestId('tau-empty')).toBeVisible();
  await expect(page.getByTestId('iou-readout')).toHaveCount(0);
  await expect(page.getByTestId('gt-source')).toContainText('No ground truth');

  await page.getByTestId('gt-draw').click();
  await expect(page.getByTestId('gt-draw')).toHaveAttribute('aria-pressed', 'true');
  await mouseDrag(page, canvas(page), [0.2, 0.2], [0.7, 0.8]);
  await expect(page.getByTestId('gt-source')).toContainText('your box');
  await readyMap(page);
  const first = await page.getByTestId('iou-readout').getAttribute('data-iou');
  await expect(page.getByTestId('failure-readout')).toHaveAttribute('data-failure', /^(Correct|Multi-instance|Part|More|Wrong)$/);
  await expect(page.getByTestId('tau-row-cam')).toBeVisible();
  await expect(page.getByTestId('tau-panel')).toContainText('Against the box you drew');
  await expect(page.getByTestId('boxacc-cam-50')).toHaveAttribute('data-hit', String(Number(first) >= 0.5));

  // Edit: drag the bottom-right corner handle to the far corner; the box (and its size) change.
  const before = await page.getByTestId('gt-source').textContent();
  await mouseDrag(page, canvas(page), [0.7, 0.8], [0.98, 0.98]);
  await expect(page.getByTestId('gt-source')).not.toHaveText(before!);
  await readyMap(page);
  await expect(page.getByTestId('iou-readout')).not.toHaveAttribute('data-iou', first!);

  await page.getByTestId('gt-clear').click();
  await expect(page.getByTestId('gt-source')).toContainText('Drag on the image');
  await page.getByTestId('gt-draw').click();
  await expect(page.getByTestId('gt-draw')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('gt-source')).toContainText('No ground truth');
  await expect(page.getByTestId('iou-readout')).toHaveCount(0);
  await expect(page.getByTestId('tau-empty')).toBeVisible();
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true });

  test("on a sample, a drawn box overrides the sample's ground truth and says so; a finger can draw it", async ({ page }) => {
    await page.getByTestId('sample-penguin').click();
    await readyMap(page);
    await page.getByTestId('class-select').selectOption({ label: 'Penguin' });
    await page.getByTestId('method-cam').check();
    await readyMap(page);
    await expect(page.getByTestId('gt-source')).toContainText("the sample's box");
    const sampleIou = await page.getByTestId('iou-readout').getAttribute('data-iou');

    await page.getByTestId('gt-draw').click();
    await touchDrag(canvas(page), [0.3, 0.2], [0.55, 0.5]);
    await expect(page.getByTestId('gt-source')).toContainText('your box');
    await expect(page.getByTestId('gt-source')).toContainText("instead of the sample's");
    await readyMap(page);
    await expect(page.getByTestId('iou-readout')).not.toHaveAttribute('data-iou', sampleIou!);

    await page.getByTestId('gt-clear').click();
    await readyMap(page);
    await expect(page.getByTestId('iou-readout')).toHaveAttribute('data-iou', sampleIou!);
  });
});
