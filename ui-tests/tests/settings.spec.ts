/**
 * A settings change applies to the traces already on screen: the command
 * palette's "Trace: Show Timeline" / "Trace: Compact Rows" toggles change
 * the saved settings, and the open trace follows at once.
 */
import { expect, test } from '@jupyterlab/galata';
import { showTrace, tinyOtlpTrace } from './helpers';

async function runFromPalette(page: import('@jupyterlab/galata').IJupyterLabPageFixture, label: string): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  const input = page.locator('#modal-command-palette input');
  await input.fill(label);
  await page.locator('#modal-command-palette .lm-CommandPalette-item', { hasText: label }).first().click();
}

test('timeline and row density settings apply to an open trace', async ({ page, tmpPath }) => {
  const renderer = await showTrace(page, tmpPath, tinyOtlpTrace(), 'settings.ipynb');
  const firstRow = renderer.getByRole('treeitem').first();
  await expect(renderer.locator('.nbtrace-row-timeline').first()).toBeVisible();
  expect((await firstRow.boundingBox())!.height).toBeCloseTo(24, 0);

  await runFromPalette(page, 'Trace: Show Timeline');
  await expect(renderer.locator('.nbtrace-row-timeline').first()).toBeHidden();
  await expect(renderer.locator('.nbtrace-axis')).toBeHidden();

  await runFromPalette(page, 'Trace: Compact Rows');
  await expect.poll(async () => Math.round((await firstRow.boundingBox())!.height)).toBe(20);

  // And back: the saved settings drive it both ways.
  await runFromPalette(page, 'Trace: Show Timeline');
  await expect(renderer.locator('.nbtrace-row-timeline').first()).toBeVisible();
  await runFromPalette(page, 'Trace: Compact Rows');
  await expect.poll(async () => Math.round((await firstRow.boundingBox())!.height)).toBe(24);
});
