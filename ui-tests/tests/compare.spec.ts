/**
 * nbtrace.compare in a real JupyterLab: a cell traces the same agent twice
 * (3 slow tool calls, one failing, vs 5 quick ones) and compares the two
 * traces in one output. Clicking a span selects it in A, highlights its
 * counterpart in B and shows both spans' details side by side; the keyboard
 * moves the pair. Light and dark screenshots.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

const CELL = `import nbtrace, time
from nbtrace.compare import compare
nbtrace.configure(display=False)

@nbtrace.trace(span_type="TOOL", name="tool:search")
def search(q, ms):
    time.sleep(ms / 1000)
    if q == 1 and ms > 10: raise TimeoutError("search timed out")
    return [f"doc {q}"]

@nbtrace.trace(span_type="AGENT")
def agent(n, ms, tokens):
    with nbtrace.start_span("chat", span_type="LLM") as span:
        time.sleep(tokens / 4000)
        span.set_token_usage(input_tokens=tokens, output_tokens=20)
    for q in range(n):
        try: search(q, ms)
        except TimeoutError: pass

agent(3, 30, 100); a = nbtrace.get_last_trace()
agent(5, 4, 180); b = nbtrace.get_last_trace()
compare(a, b, names=("v1", "v2"))`;

test('compare two traces: counterpart highlighted, both details side by side', async ({ page }) => {
  await page.notebook.createNew('compare.ipynb');
  // Into the cell's model as is: typed key by key, the editor would re-indent the code.
  await page.evaluate(code => {
    (window as any).jupyterapp.shell.currentWidget.content.model.cells.get(0).sharedModel.setSource(code);
  }, CELL);
  await page.notebook.runCell(0);
  const output = (await page.notebook.getCellOutputLocator(0))!;
  const view = output.locator('.nbtrace-compare');
  await expect(view).toBeVisible();
  const tree = view.getByRole('tree');
  const items = tree.getByRole('treeitem');
  await expect(items).toHaveCount(7);
  await expect(view.locator('.nbtrace-compare-counts')).toHaveText('5 matched · +2 added · 0 removed');
  await expect(view.locator('.nbtrace-compare-added')).toHaveCount(2);
  await expect(view.locator('.nbtrace-compare-added .nbtrace-compare-mark').first()).toHaveText('+');

  // The 2nd search failed in v1 and not in v2: the status says so in words.
  const second = items.nth(3);
  await expect(second.locator('.nbtrace-name')).toHaveText('tool:search');
  await expect(second.locator('.nbtrace-compare-status')).toHaveText('error → ok');
  await expect(second.locator('.nbtrace-compare-status')).toHaveAttribute('data-tone', 'fixed');
  await expect(second.locator('.nbtrace-compare-delta')).toHaveAttribute('data-trend', 'faster');
  await expect(second.locator('.nbtrace-compare-delta-ms')).toHaveText(/^\u2212\d/);

  // Click a span: selected in v1, its v2 counterpart highlighted and described.
  await second.locator('.nbtrace-name').click();
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(second.locator('.nbtrace-compare-cell-a')).toHaveClass(/nbtrace-compare-cell-selected/);
  await expect(second.locator('.nbtrace-compare-cell-b')).toHaveClass(/nbtrace-compare-counterpart/);
  const describedBy = await second.getAttribute('aria-describedby');
  const description = page.locator(`[id="${describedBy}"]`);
  await expect(description).toBeVisible();
  await expect(description).toHaveText(
    /^Selected in v1: tool:search; matched with v2: tool:search\. v2: [\d.]+ ms faster \(\u2212\d+ %\), status error → ok\.$/
  );
  const detailA = view.getByRole('region', { name: 'Span details: v1' });
  const detailB = view.getByRole('region', { name: 'Span details: v2' });
  await expect(detailA.locator('.nbtrace-detail-name')).toHaveText('tool:search');
  await expect(detailB.locator('.nbtrace-detail-name')).toHaveText('tool:search');
  await expect(detailA.locator('.nbtrace-detail-error')).toContainText('search timed out');
  await expect(detailB.locator('.nbtrace-detail-error')).toHaveCount(0);
  await expect(detailB.locator('.nbtrace-compare-detail-role')).toHaveText('matched with v1: tool:search');
  // Side by side: B's panel starts to the right of A's, on the same line.
  const [boxA, boxB] = [await detailA.boundingBox(), await detailB.boundingBox()];
  expect(boxB!.x).toBeGreaterThan(boxA!.x + boxA!.width - 2);
  expect(Math.abs(boxB!.y - boxA!.y)).toBeLessThan(2);

  await output.screenshot({ path: path.join(SCREENSHOTS, 'compare-light.png') });

  // Keyboard: the pair moves down to an added span, which has no counterpart.
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowUp');
  const added = items.nth(5);
  await expect(added).toHaveAttribute('aria-selected', 'true');
  await expect(added).toHaveClass(/nbtrace-compare-added/);
  await expect(view.locator('.nbtrace-compare-counterpart')).toHaveCount(0);
  await expect(detailA.locator('.nbtrace-compare-missing')).toContainText('Not in v1');
  await expect(detailB.locator('.nbtrace-detail-name')).toHaveText('tool:search');

  await second.locator('.nbtrace-name').click();
  await page.theme.setDarkTheme();
  await expect(second.locator('.nbtrace-compare-cell-b')).toHaveClass(/nbtrace-compare-counterpart/);
  await output.screenshot({ path: path.join(SCREENSHOTS, 'compare-dark.png') });
});
