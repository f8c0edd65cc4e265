/**
 * Guided tour (classroom lab): eight steps that each set the state they talk about, spotlight
 * their target and say it in two sentences; Back / Next / Close by mouse or keyboard; left and
 * resumed where it was, with the step in the URL.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './cspGuard';
import { openApp, readyMap } from './helpers';

const card = (page: Page) => page.getByTestId('tour-card');
const spotlit = (page: Page) => page.locator('.tour-spotlight');

test.use({ viewport: { width: 1024, height: 900 } });

test('the tour walks from CAM to the t × resolution grid, setting the state and spotlighting each target', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('tour-start')).toHaveText('Take the tour');
  await page.getByTestId('tour-start').click();

  // Step 1: CAM on a gallery image with ground truth (the tour opens one when there is none).
  await expect(card(page)).toHaveAttribute('data-step', '1');
  await expect(card(page)).toContainText('step 1 of 8');
  await expect(page.getByTestId('method-cam')).toBeChecked();
  await readyMap(page);
  await expect(page.getByTestId('gt-source')).toContainText("the sample's box");
  // The page opens on the dog sample; the tour scores the class it shows (the classifier's top-1 may differ).
  await expect(page.getByTestId('class-select').locator('option:checked')).toHaveText('Dog');
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'map-canvas');
  await expect(page).toHaveURL(/tour=1/);

  // Keyboard: → next, ← back; focus on the page, not in a control.
  await page.keyboard.press('ArrowRight');
  await expect(card(page)).toHaveAttribute('data-step-id', 'threshold');
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'threshold-slider');
  await page.keyboard.press('ArrowLeft');
  await expect(card(page)).toHaveAttribute('data-step-id', 'cam');
  // In a slider, arrows move the slider, not the tour.
  await page.getByTestId('threshold-slider').focus();
  const tau = await page.getByTestId('threshold-slider').inputValue();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('threshold-slider')).not.toHaveValue(tau);
  await expect(card(page)).toHaveAttribute('data-step-id', 'cam');

  await card(page).getByTestId('tour-next').click();
  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'box');
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'box-mode');
  await expect(page.getByTestId('box-mode')).toHaveValue('largest');
  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'iou');
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'iou-readout');

  // Leave with Esc, resume at the same step.
  await page.keyboard.press('Escape');
  await expect(card(page)).toHaveCount(0);
  await expect(spotlit(page)).toHaveCount(0);
  await expect(page).not.toHaveURL(/tour=/);
  await expect(page.getByTestId('tour-start')).toHaveText('Resume the tour (step 4 of 8)');
  await page.getByTestId('tour-start').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'iou');
  await expect(page).toHaveURL(/tour=4/);

  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'tau-curve');
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'tau-panel');
  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'genpromp');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'compare-view');
  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'lambda');
  await expect(page.getByTestId('method-genpromp')).toBeChecked();
  await expect(page.getByTestId('lab-view-lambdaStrip')).toBeChecked();
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'lambda-strip');
  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveAttribute('data-step-id', 'grid');
  await expect(page.getByTestId('lab-view-timestepGrid')).toBeChecked();
  await expect(spotlit(page)).toHaveAttribute('data-testid', 'timestep-grid');
  await expect(card(page).getByTestId('tour-next')).toHaveText('Finish');
  await expect(card(page).getByTestId('tour-back')).toBeEnabled();

  // Back through history returns to the previous step.
  await expect(page).toHaveURL(/lab=timestepGrid.*tour=8/);
  await page.goBack();
  await expect(card(page)).toHaveAttribute('data-step-id', 'lambda');
  await expect(page.getByTestId('lab-view-lambdaStrip')).toBeChecked();
  await card(page).getByTestId('tour-next').click();
  await card(page).getByTestId('tour-next').click();
  await expect(card(page)).toHaveCount(0);
  await expect(page.getByTestId('tour-start')).toHaveText('Resume the tour (step 8 of 8)');
});
