/**
 * A trace outside the notebook: "Open Trace in New Tab" from the output's
 * context menu, a `.trace.json` file opened by double-click, and an OTLP
 * `.jsonl` file through the file browser's Open With → Trace Viewer.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { showTrace, tinyOtlpTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

test('"Open Trace in New Tab" from the context menu shows the trace at full size', async ({ page, tmpPath }) => {
  const renderer = await showTrace(page, tmpPath, tinyOtlpTrace(), 'tab.ipynb');
  await renderer.getByRole('treeitem').first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Open Trace in New Tab' }).click();
  const tab = page.locator('.jp-MainAreaWidget .nbtrace-tab');
  await expect(tab.getByRole('treeitem').first()).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Trace: / })).toBeVisible();
  // The same viewer: it can be navigated and shows details.
  await tab.getByRole('treeitem').last().click();
  await expect(tab.getByRole('region', { name: 'Span details' })).toContainText('Span ID');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'open-in-tab.png') });
});

test('trace files open from the file browser: .trace.json by default, .jsonl with Open With', async ({
  page,
  tmpPath
}) => {
  const doc = tinyOtlpTrace() as { resourceSpans: unknown[] };
  await page.contents.uploadContent(JSON.stringify(doc), 'text', `${tmpPath}/agent.trace.json`);
  // JSON Lines: one OTLP document per line (the OTel collector's file exporter writes this).
  const lines = [JSON.stringify(doc), JSON.stringify(doc)].join('\n');
  await page.contents.uploadContent(lines, 'text', `${tmpPath}/export.jsonl`);
  await page.filebrowser.refresh();

  await page.filebrowser.open('agent.trace.json');
  const view = page.locator('.jp-MainAreaWidget .nbtrace-file-view');
  await expect(view.getByRole('treeitem').first()).toBeVisible();

  await page.getByRole('listitem', { name: /export\.jsonl/ }).click({ button: 'right' });
  // "Open With" is a submenu (a listitem for the accessibility tree).
  await page.locator('.lm-Menu-item', { hasText: 'Open With' }).hover();
  await page.getByRole('menuitem', { name: 'Trace Viewer' }).click();
  const jsonl = page.locator('.jp-MainAreaWidget .nbtrace-file-view').last();
  await expect(jsonl.getByRole('treeitem').first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'open-jsonl.png') });
});
