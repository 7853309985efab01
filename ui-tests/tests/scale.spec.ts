/**
 * Scale in the browser (behaviour and DOM size, never time): a 10,000-level
 * chain reaches its deepest span by keyboard, a span with 50,000 children
 * starts collapsed, and a 10 MB attribute shows a bounded preview whose full
 * value can be copied to the clipboard.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { showTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const ns = (ms: number) => (1_735_689_600_000_000_000n + BigInt(ms) * 1_000_000n).toString();
const hex16 = (i: number) => (i + 1).toString(16).padStart(16, '0');

/** OTLP/JSON with the given spans (already OTLP-shaped) in one scope. */
function otlp(spans: unknown[]): unknown {
  return { resourceSpans: [{ scopeSpans: [{ spans }] }] };
}

/** Tree items in the DOM: the virtualized list keeps them bounded whatever the trace size. */
function treeItemCount(renderer: import('@playwright/test').Locator): Promise<number> {
  return renderer.locator('[role="treeitem"]').count();
}

test('a 10,000-level chain: Expand all, then End reaches the deepest span', async ({ page, tmpPath }) => {
  const n = 10000;
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: TRACE_ID,
    spanId: hex16(i),
    parentSpanId: i === 0 ? '' : hex16(i - 1),
    name: `level ${i + 1}`,
    startTimeUnixNano: ns(i),
    endTimeUnixNano: ns(2 * n - i)
  }));
  const renderer = await showTrace(page, tmpPath, otlp(spans), 'chain.ipynb');
  await renderer.getByRole('button', { name: 'Expand all' }).click();
  const tree = renderer.getByRole('tree');
  await tree.locator('[role="treeitem"]').first().click();
  await page.keyboard.press('End');
  const deepest = tree.locator('[role="treeitem"][aria-selected="true"]');
  await expect(deepest).toHaveAttribute('aria-level', String(n));
  await expect(deepest).toContainText(`level ${n}`);
  await expect(deepest).toBeInViewport();
  // Indentation is capped; the depth shows as a badge instead, and the name stays in view
  // (at least 40 px of it inside the label column).
  await expect(deepest.locator('.nbtrace-depth')).toHaveText(`L${n}`);
  const label = (await deepest.locator('.nbtrace-row-label').boundingBox())!;
  const name = (await deepest.locator('.nbtrace-name').boundingBox())!;
  expect(name.x + 40).toBeLessThan(label.x + label.width);
  expect(await treeItemCount(renderer)).toBeLessThan(200);
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'scale-deep-chain.png') });
  // Home goes back to the root, and the page is still responsive to the keyboard.
  await page.keyboard.press('Home');
  await expect(tree.locator('[role="treeitem"][aria-selected="true"]')).toHaveAttribute('aria-level', '1');
});

test('a span with 50,000 children starts collapsed and expands with bounded DOM', async ({ page, tmpPath }) => {
  const n = 50000;
  const spans = [
    { traceId: TRACE_ID, spanId: hex16(0), name: 'fan-out', startTimeUnixNano: ns(0), endTimeUnixNano: ns(n + 10) }
  ].concat(
    Array.from({ length: n }, (_, i) => ({
      traceId: TRACE_ID,
      spanId: hex16(i + 1),
      parentSpanId: hex16(0),
      name: `child ${i + 1}`,
      startTimeUnixNano: ns(i + 1),
      endTimeUnixNano: ns(i + 2)
    }))
  );
  const renderer = await showTrace(page, tmpPath, otlp(spans), 'fanout.ipynb');
  const root = renderer.getByRole('treeitem').first();
  await expect(root).toHaveAttribute('aria-expanded', 'false');
  await expect(root.locator('.nbtrace-count')).toHaveText('50,000');
  expect(await treeItemCount(renderer)).toBe(1);
  await root.click();
  await page.keyboard.press('ArrowRight');
  await expect(root).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('End');
  const last = renderer.locator('[role="treeitem"][aria-selected="true"]');
  await expect(last).toContainText(`child ${n}`);
  await expect(last).toBeInViewport();
  await expect(last).toHaveAttribute('aria-posinset', String(n));
  await expect(last).toHaveAttribute('aria-setsize', String(n));
  expect(await treeItemCount(renderer)).toBeLessThan(200);
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'scale-fan-out.png') });
});

test('a 10 MB attribute: bounded preview, full value copied', async ({ page, tmpPath, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const size = 10 * 1024 * 1024;
  const payload = otlp([
    {
      traceId: TRACE_ID,
      spanId: 'eee19b7ec3c1b174',
      name: 'huge',
      startTimeUnixNano: ns(0),
      endTimeUnixNano: ns(5),
      attributes: [{ key: 'blob', value: { stringValue: 'z'.repeat(size) } }]
    }
  ]);
  const renderer = await showTrace(page, tmpPath, payload, 'huge.ipynb');
  await renderer.locator('.nbtrace-name', { hasText: 'huge' }).click();
  const detail = renderer.getByRole('region', { name: 'Span details' });
  await expect(detail).toContainText('show all (10,485,760 characters)');
  const longest = await detail
    .locator('.nbtrace-json-text')
    .evaluateAll(els => Math.max(...els.map(e => (e.textContent ?? '').length)));
  expect(longest).toBeLessThanOrEqual(2000);
  await detail.getByRole('button', { name: 'copy', exact: true }).click();
  await expect(detail.getByRole('button', { name: 'copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.length).toBe(size);
});
