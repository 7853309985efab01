/**
 * Many traces, in real JupyterLab with a real kernel: a loop of 30 traced runs
 * shows its first 10 as trees and all 30 in the trace list; the aggregate
 * strip's p50 is the kernel's own median; the query
 * `trace.status = 'ERROR' OR tokens > 1000` narrows the list to the runs the
 * kernel counted; a bad query says where it breaks; a row opens its tree and
 * Escape closes it. Screenshots, light and dark.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

test.use({ viewport: { width: 1280, height: 1400 } });

function ms(text: string): number {
  const m = /([\d.]+)\s*(µs|ms|s)/.exec(text);
  if (!m) {
    throw new Error(`not a duration: ${text}`);
  }
  return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'µs' ? 0.001 : 1);
}

test('a loop of 30 traces: the list, its p50, a query, a row opened', async ({ page, tmpPath }) => {
  test.setTimeout(120_000);
  await page.contents.uploadContent(fs.readFileSync(path.join(__dirname, 'python', 'ui_loop.py'), 'utf-8'), 'text', `${tmpPath}/ui_loop.py`);
  await page.notebook.createNew('loop.ipynb');
  await page.notebook.setCell(0, 'code', "exec(open('ui_loop.py').read())");
  await page.notebook.runCell(0);
  const cell = page.locator('.jp-Notebook .jp-Cell').first();
  await expect(cell.locator('.nbtrace-trace')).toHaveCount(10); // the first ones, one tree each
  const list = cell.locator('.nbtrace-list');
  await expect(list).toHaveCount(1);
  await expect(list.locator('.nbtrace-list-header .nbtrace-title')).toHaveText('All 30 traces of this cell (10 also shown above)');
  const grid = list.getByRole('grid', { name: 'Traces' });
  await expect(grid).toHaveAttribute('aria-rowcount', '31');

  const printed = await cell.locator('[data-mime-type="application/vnd.jupyter.stdout"]').innerText();
  const p50 = Number(/P50 ([\d.]+)/.exec(printed)![1]);
  const expected = Number(/EXPECT (\d+)/.exec(printed)![1]);
  const strip = list.locator('.nbtrace-list-strip');
  const shownP50 = await strip.locator('[data-figure="p50"] dd').innerText();
  expect(Math.abs(ms(shownP50) - p50)).toBeLessThan(0.06); // "15.8 ms" for 15.77
  await expect(strip.locator('[data-figure="traces"] dd')).toHaveText('30');
  await expect(strip.locator('[data-figure="errors"] dd')).toHaveText('4 (13 %)');
  await expect(strip.getByRole('group', { name: 'Use by model' }).or(strip.getByRole('group', { name: 'Cost by model' }))).toContainText('gpt-4o');

  // The query, with what MLflow lacks (OR, a tokens field).
  const box = list.getByRole('searchbox', { name: 'Filter traces (query)' });
  await box.fill("trace.status = 'ERROR' OR tokens > 1000");
  await box.press('Enter');
  await expect(grid).toHaveAttribute('aria-rowcount', String(expected + 1));
  await expect(list.locator('.nbtrace-list-count')).toHaveText(`${expected} of 30 traces`);
  await expect(strip.locator('[data-figure="traces"] dd')).toHaveText(String(expected));

  // A bad query says where; the last good filter stays.
  await box.fill("trace.status = 'ERROR' OR");
  await box.press('Enter');
  await expect(list.locator('.nbtrace-list-query-error')).toContainText('At character 26');
  await expect(grid).toHaveAttribute('aria-rowcount', String(expected + 1));
  await cell.locator('.nbtrace-list').screenshot({ path: path.join(SCREENSHOTS, 'list-query-error.png') });
  await box.fill("trace.status = 'ERROR' OR tokens > 1000");
  await box.press('Enter');

  // Sort by latency (slowest first), open the first row by keyboard, close it with Escape.
  await list.getByRole('columnheader', { name: /Latency/ }).click();
  await expect(list.getByRole('columnheader', { name: /Latency/ })).toHaveAttribute('aria-sort', 'descending');
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const opened = list.locator('.nbtrace-list-open');
  await expect(opened.getByRole('tree')).toBeVisible();
  await expect(opened.getByRole('treeitem')).toHaveCount(2); // the agent and its chat call
  await list.scrollIntoViewIfNeeded();
  await list.screenshot({ path: path.join(SCREENSHOTS, 'list-light.png') });
  await page.theme.setDarkTheme();
  await list.screenshot({ path: path.join(SCREENSHOTS, 'list-dark.png') });
  await page.theme.setLightTheme();
  // Escape first clears the tree's selection (as in any trace), then closes the trace.
  await opened.getByRole('treeitem').first().click();
  await page.keyboard.press('Escape');
  await expect(opened).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(opened).toBeHidden();
  await expect(grid).toBeFocused(); // back where the user was
});
