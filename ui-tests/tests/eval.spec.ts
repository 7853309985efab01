/**
 * Evaluation in the notebook, in real JupyterLab with a real kernel: a live
 * evaluate of 12 rows fills its table while the cell runs; a row opens its
 * record, scores and trace (with the scores as assessment chips); a second
 * version compared shows the two regressed rows, "regressions only", and both
 * traces aligned; "Add to dataset" on a trace output reaches the kernel; the
 * saved notebook reopens with the same results. Screenshots, light and dark.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

/** Put `code` in cell `index` (running a cell may already have added an empty one there). */
async function put(page: IJupyterLabPageFixture, index: number, code: string): Promise<void> {
  if ((await page.notebook.getCellCount()) > index) {
    await page.notebook.setCell(index, 'code', code);
  } else {
    await page.notebook.addCell('code', code);
  }
}
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

// Tall enough that a cell with its results, an opened row and its trace is
// on screen whole when photographed.
test.use({ viewport: { width: 1280, height: 1600 } });

test('evaluate: a live results table, a row\'s trace, two versions compared, a dataset from a trace', async ({ page, tmpPath }) => {
  test.setTimeout(180_000); // four cells, two evaluations, a reload
  await page.contents.uploadContent(fs.readFileSync(path.join(EXAMPLES, 'eval_agent.py'), 'utf-8'), 'text', `${tmpPath}/eval_agent.py`);
  await page.contents.uploadContent(fs.readFileSync(path.join(__dirname, 'python', 'ui_eval.py'), 'utf-8'), 'text', `${tmpPath}/ui_eval.py`);
  await page.notebook.createNew('eval.ipynb');
  await page.notebook.setCell(0, 'code', "exec(open('ui_eval.py').read())\nv1 = nbtrace.evaluate(golden, v1_slow, checks, name='v1')");
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter'); // do not wait: watch it fill

  const cell = page.locator('.jp-Notebook .jp-Cell').first();
  const view = cell.locator('.nbtrace-eval');
  const progress = view.locator('.nbtrace-eval-progress');
  await expect(view.locator('.nbtrace-eval-header .nbtrace-chip')).toHaveText('running', { timeout: 15000 });
  await expect(view.locator('.nbtrace-grid-body [role="row"]').first()).toBeVisible();
  await expect(progress).toHaveText(/^([1-9]|1[01]) of 12 done/, { timeout: 10000 }); // part done, while running
  await expect(cell.locator('.jp-InputArea-prompt')).toContainText('*');
  await cell.screenshot({ path: path.join(SCREENSHOTS, 'eval-live.png') });
  await expect(progress).toHaveText('12 of 12 done', { timeout: 20000 });
  await expect(view.locator('.nbtrace-eval-header .nbtrace-chip')).toHaveText('done');
  await expect(cell.locator('.nbtrace-trace')).toHaveCount(0); // row traces are not outputs of their own
  await expect(view.locator('.nbtrace-eval-metric').first()).toHaveAttribute('aria-label', 'contains 100%');
  const grid = view.getByRole('grid');
  await expect(grid).toHaveAttribute('aria-rowcount', '13');

  // A row opens its record, its scores and its trace, by keyboard.
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const detail = view.locator('.nbtrace-eval-detail');
  await expect(detail.locator('.nbtrace-eval-detail-title')).toHaveText('Record 3');
  const trace = detail.locator('.nbtrace-trace');
  await expect(trace.locator('.nbtrace-title')).toHaveText('v1_slow');
  await expect(trace.locator('[role="treeitem"]')).toHaveCount(4);
  await expect(trace.locator('.nbtrace-header .nbtrace-score')).toHaveCount(2); // the scores, as assessments
  await cell.screenshot({ path: path.join(SCREENSHOTS, 'eval-light.png') });
  await page.theme.setDarkTheme();
  await cell.screenshot({ path: path.join(SCREENSHOTS, 'eval-dark.png') });
  await page.theme.setLightTheme();

  // Version 2, compared: the two rows that lost a fact.
  await put(page, 1, "v2 = nbtrace.evaluate(golden, v2_fast, checks, name='v2')\nnbtrace.compare_runs(v1, v2);");
  await page.notebook.runCell(1);
  const cmp = page.locator('.jp-Notebook .jp-Cell').nth(1).locator('.nbtrace-eval-compare');
  await expect(cmp.locator('.nbtrace-eval-verdict').first()).toHaveText('▼ 2 regressed');
  await cmp.getByLabel('regressions only').check();
  await expect(cmp.locator('.nbtrace-grid-body [role="row"]')).toHaveCount(2);
  await expect(cmp.locator('.nbtrace-grid-body [role="row"]').first()).toContainText('Kyoto temples');
  await cmp.locator('.nbtrace-grid-body [role="row"]').first().click();
  await expect(cmp.locator('.nbtrace-eval-detail .nbtrace-compare [role="tree"]')).toBeVisible();
  const compareCell = page.locator('.jp-Notebook .jp-Cell').nth(1);
  await compareCell.screenshot({ path: path.join(SCREENSHOTS, 'eval-compare-light.png') });
  await page.theme.setDarkTheme();
  await compareCell.screenshot({ path: path.join(SCREENSHOTS, 'eval-compare-dark.png') });
  await page.theme.setLightTheme();

  // "Add to dataset" on a trace output puts its inputs into a dataset in this kernel.
  await put(page, 2, "eval_agent.answer('Where can I get free drinking water in Rome?')");
  await page.notebook.runCell(2);
  const traceOut = page.locator('.jp-Notebook .jp-Cell').nth(2).locator('.nbtrace-trace');
  await traceOut.getByRole('button', { name: 'Add to dataset' }).click();
  const form = traceOut.getByRole('form', { name: 'Add to a dataset' });
  await form.getByLabel('Dataset name').fill('golden-ui');
  await form.getByLabel('its output is the expected response').check();
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(form.getByRole('status')).toContainText("record added to dataset 'golden-ui' (1 record", { timeout: 15000 });
  await put(page, 3, "ds = nbtrace.dataset('golden-ui'); print(len(ds), ds[0]['inputs'], 'nasoni' in ds[0]['expectations']['expected_response'])");
  await page.notebook.runCell(3);
  await expect(page.locator('.jp-Notebook .jp-Cell').nth(3).locator('.jp-OutputArea-output')).toContainText(
    "1 {'question': 'Where can I get free drinking water in Rome?', 'version': 'v1'} True"
  );

  // Saved, and the page reloaded: the same results, from the notebook file alone.
  const rowsBefore = await grid.locator('[role="row"]').allTextContents();
  await page.notebook.save();
  await page.notebook.close(true);
  await expect(page.getByRole('main').getByRole('tab', { name: 'eval.ipynb' })).toHaveCount(0);
  // Not galata's launcher-based readiness: the restored workspace may hold no launcher.
  await page.reload({ waitForIsReady: false });
  await page.evaluate(async p => {
    await window.jupyterapp.restored;
    await window.jupyterapp.commands.execute('docmanager:open', { path: p });
  }, `${tmpPath}/eval.ipynb`);
  await page.notebook.activate('eval.ipynb');
  const again = page.locator('.jp-Notebook .jp-Cell').first().getByRole('grid');
  await expect(again).toHaveAttribute('aria-rowcount', '13');
  expect(await again.locator('[role="row"]').allTextContents()).toEqual(rowsBefore);
  await expect(page.locator('.jp-Notebook .jp-Cell').nth(1).locator('.nbtrace-eval-verdict').first()).toHaveText('▼ 2 regressed');
});
