/**
 * Scale in the browser: a trace with one 10 MB attribute shows a bounded
 * preview, and the full value can be copied to the clipboard.
 */
import { expect, test } from '@jupyterlab/galata';
import { showTrace } from './helpers';

test('a 10 MB attribute: bounded preview, full value copied', async ({ page, tmpPath, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const size = 10 * 1024 * 1024;
  const ns = (ms: number) => (1_735_689_600_000_000_000n + BigInt(ms) * 1_000_000n).toString();
  const payload = {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'huge',
                startTimeUnixNano: ns(0),
                endTimeUnixNano: ns(5),
                attributes: [{ key: 'blob', value: { stringValue: 'z'.repeat(size) } }]
              }
            ]
          }
        ]
      }
    ]
  };
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
