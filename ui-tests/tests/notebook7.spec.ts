/**
 * Notebook 7 (the `notebook` package's UI, served by the same Jupyter server at
 * /notebooks/...): a traced cell renders its trace, an evaluation renders its
 * results grid, and "Add to dataset" on the trace reaches this notebook's kernel.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source }))
  });
}

test('Notebook 7: a trace, an evaluation and Add to dataset', async ({ page, tmpPath, baseURL }) => {
  await page.contents.uploadContent(fs.readFileSync(path.join(EXAMPLES, 'eval_agent.py'), 'utf-8'), 'text', `${tmpPath}/eval_agent.py`);
  await page.contents.uploadContent(
    notebook([
      "import nbtrace, eval_agent\neval_agent.answer('Where can I get free drinking water in Rome?')",
      "nbtrace.evaluate(eval_agent.golden(), eval_agent.v1, [nbtrace.scorers.contains()], name='v1', dry_run=3);",
      "ds = nbtrace.dataset('nb7'); print('records:', len(ds), ds[0]['inputs']['question'])"
    ]),
    'text',
    `${tmpPath}/nb7.ipynb`
  );
  const nb7 = await page.context().newPage();
  await nb7.goto(`${baseURL}/notebooks/${tmpPath}/nb7.ipynb`);
  await expect(nb7.locator('.jp-NotebookPanel .jp-Cell').first()).toBeVisible({ timeout: 60000 });
  await expect(nb7.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).toHaveCount(1, { timeout: 60000 });

  const cells = nb7.locator('.jp-Notebook .jp-Cell');
  const run = async (i: number) => {
    await cells.nth(i).locator('.jp-InputPrompt').click(); // select the cell (command mode)
    await nb7.keyboard.press('Shift+Enter');
  };
  await run(0);
  const trace = cells.nth(0).locator('.nbtrace-trace');
  await expect(trace.locator('.nbtrace-title')).toHaveText('answer', { timeout: 30000 });
  await expect(trace.locator('[role="treeitem"]')).toHaveCount(3);

  await run(1);
  const results = cells.nth(1).locator('.nbtrace-eval');
  await expect(results.locator('.nbtrace-eval-progress')).toHaveText('3 of 3 done', { timeout: 30000 });
  await expect(results.getByRole('grid')).toHaveAttribute('aria-rowcount', '4');

  await trace.getByRole('button', { name: 'Add to dataset' }).click();
  const form = trace.getByRole('form', { name: 'Add to a dataset' });
  await form.getByLabel('Dataset name').fill('nb7');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(form.getByRole('status')).toContainText("record added to dataset 'nb7' (1 record", { timeout: 15000 });
  await run(2);
  await expect(cells.nth(2).locator('.jp-OutputArea-output')).toContainText('records: 1 Where can I get free drinking water in Rome?');
  await nb7.close();
});
