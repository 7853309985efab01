/**
 * Live: the trace shows while the cell still runs and grows in place; what
 * the user expanded mid-run stays expanded; the end state has no running span.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

test('a running cell shows its trace growing, and the final tree is complete', async ({ page, tmpPath }) => {
  const source = fs.readFileSync(path.join(__dirname, 'python', 'ui_live_agent.py'), 'utf-8');
  await page.contents.uploadContent(source, 'text', `${tmpPath}/ui_live_agent.py`);
  await page.notebook.createNew('live.ipynb');
  await page.notebook.setCell(0, 'code', "exec(open('ui_live_agent.py').read())");
  // Start the cell without waiting for it to finish.
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter');

  const cell = page.locator('.jp-Notebook .jp-Cell').first();
  const prompt = cell.locator('.jp-InputArea-prompt');
  const tree = cell.locator('.jp-OutputArea [role="tree"]');
  const row = (name: string) =>
    tree.locator('[role="treeitem"]', { has: page.locator('.nbtrace-name', { hasText: new RegExp(`^${name}$`) }) });

  // The root shows at once, while the kernel is still busy, marked running.
  await expect(row('slow_agent')).toBeVisible({ timeout: 10000 });
  await expect(prompt).toContainText('*');
  await expect(row('slow_agent')).toHaveAttribute('aria-busy', 'true');
  await expect(cell.locator('.nbtrace-header .nbtrace-chip')).toHaveText('running');
  await expect(cell.locator('.nbtrace-elapsed')).toContainText('running span');

  // A child appears before the cell finishes; the user expands a collapsed one.
  await expect(row('draft')).toBeVisible();
  await expect(row('draft')).toHaveAttribute('aria-expanded', 'false');
  await row('draft').locator('.nbtrace-twisty').click();
  await expect(row('outline')).toBeVisible();
  await expect(prompt).toContainText('*');
  await expect(row('step').first()).toBeVisible({ timeout: 10000 });
  await expect(prompt).toContainText('*');
  await cell.screenshot({ path: path.join(SCREENSHOTS, 'live-midrun.png') });

  // The end: the cell is done, the tree is complete and nothing is running.
  await expect(prompt).not.toContainText('*', { timeout: 20000 });
  await expect(tree.locator('[role="treeitem"]')).toHaveCount(11);
  await expect(tree.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(cell.locator('.nbtrace-header .nbtrace-chip')).toHaveText('ok');
  await expect(row('draft')).toHaveAttribute('aria-expanded', 'true');
  await expect(tree.locator('.nbtrace-row-error')).toHaveCount(1);
  // Clicking the triangle did not select anything: the detail panel still shows its hint.
  await expect(cell.locator('.nbtrace-detail-hint')).toBeVisible();
  // Exactly one output for the trace.
  await expect(cell.locator('.nbtrace-root')).toHaveCount(1);
  await cell.screenshot({ path: path.join(SCREENSHOTS, 'live-final.png') });
});

/**
 * A big running trace (past 500 spans) is updated in deltas (only the changed
 * spans per message): mid-run, the header's span count grows past 500 in
 * place while the kernel is busy; at the end the whole trace is there.
 */
test('a big running trace grows through delta updates, and ends whole', async ({ page, tmpPath }) => {
  const source = fs.readFileSync(path.join(__dirname, 'python', 'ui_big_live.py'), 'utf-8');
  await page.contents.uploadContent(source, 'text', `${tmpPath}/ui_big_live.py`);
  await page.notebook.createNew('live-big.ipynb');
  await page.notebook.setCell(0, 'code', "exec(open('ui_big_live.py').read())");
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter');
  const cell = page.locator('.jp-Notebook .jp-Cell').first();
  const prompt = cell.locator('.jp-InputArea-prompt');
  const summary = cell.locator('.nbtrace-header .nbtrace-summary');
  const spanCount = async (): Promise<number> => Number(((await summary.textContent()) ?? '').replace(/,/g, '').match(/^(\d+) span/)?.[1] ?? 0);

  // Counts seen while the cell runs: some past 500 (delta updates), before the end.
  const seen: number[] = [];
  // What the output model holds mid-run: some updates are deltas (a few spans each), not the whole trace.
  const deltaSpans: number[] = [];
  const outputDelta = () =>
    page.evaluate(() => {
      const nb = (window as any).jupyterapp.shell.currentWidget.content;
      const out = nb.model.cells.get(0).outputs;
      const data = out.length ? out.get(0).data['application/vnd.nbtrace.trace+json'] : undefined;
      return data && data.nbtrace_delta ? data.data.spans.length : -1;
    });
  await expect(summary).toBeVisible({ timeout: 15000 });
  while ((await prompt.textContent())?.includes('*')) {
    seen.push(await spanCount());
    deltaSpans.push(await outputDelta());
    await page.waitForTimeout(150);
  }
  const deltas = deltaSpans.filter(n => n >= 0);
  expect(deltas.length).toBeGreaterThan(0);
  expect(Math.max(...deltas)).toBeLessThan(200);
  const midRun = seen.filter(n => n > 500 && n < 901);
  expect(midRun.length).toBeGreaterThan(1);
  expect(new Set(midRun).size).toBeGreaterThan(1);
  await expect(cell.locator('.nbtrace-read-progress')).toHaveCount(0);
  await expect(summary).toContainText('901 spans');
  await expect(cell.locator('.nbtrace-header .nbtrace-chip')).toHaveText('ok');
  await expect(cell.locator('.nbtrace-root')).toHaveCount(1);
});
