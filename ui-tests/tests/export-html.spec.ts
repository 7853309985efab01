/**
 * A trace shared outside Jupyter as one HTML file: `nbtrace.to_html` in a cell
 * writes a page that, opened from disk in a plain browser tab, shows the trace
 * with the same viewer (expand, select, details) while making no request at
 * all; "Export Trace as HTML" (the output's context menu) downloads the same
 * kind of page, built in the browser from the bundle JupyterLab serves.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { runInNewNotebook, showTrace, tinyOtlpTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const EVIL = '</script><script>alert(1)</script>';

/** Written next to the notebook and run from there (typing it key by key would be slow). */
const MAKE_PAGE = `
import os
import nbtrace
from nbtrace.html import to_html

EVIL = ${JSON.stringify(EVIL)}
with nbtrace.start_span("agent", span_type="AGENT") as root:
    root.set_inputs({"question": "Weather in Paris?"})
    with nbtrace.start_span("search " + EVIL, span_type="TOOL") as tool:
        tool.set_inputs({"query": "paris weather"})
        tool.set_outputs({"temp": 21})
    with nbtrace.start_span("chat", span_type="CHAT_MODEL") as llm:
        llm.set_inputs({"messages": [{"role": "user", "content": "Weather in Paris?"}]})
        llm.set_outputs({"choices": [{"message": {"role": "assistant", "content": "Sunny, 21 C."}}]})
    root.set_outputs("Sunny, 21 C.")
print(os.path.abspath(to_html(nbtrace.get_last_trace(), "shared.html", title="Shared " + EVIL)))
`;

/** A fresh tab that records every request, script dialog and console error. */
async function plainTab(page: Page): Promise<{ tab: Page; requests: string[]; problems: string[] }> {
  const tab = await page.context().newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  tab.on('request', r => requests.push(r.url()));
  tab.on('dialog', d => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  tab.on('pageerror', e => problems.push(`page error: ${e.message}`));
  tab.on('console', m => {
    if (m.type() === 'error') {
      problems.push(`console: ${m.text()}`);
    }
  });
  return { tab, requests, problems };
}

test('nbtrace.to_html writes a page that works offline, from disk', async ({ page, tmpPath }) => {
  await page.contents.uploadContent(MAKE_PAGE, 'text', `${tmpPath}/make_page.py`);
  const output = await runInNewNotebook(page, 'import runpy; _ = runpy.run_path("make_page.py")', 'to-html.ipynb');
  const stdout = output.locator('[data-mime-type="application/vnd.jupyter.stdout"]');
  const file = (await stdout.textContent())!.trim();
  expect(file).toMatch(/shared\.html$/);
  expect(fs.existsSync(file)).toBe(true); // the server runs on this machine

  const { tab, requests, problems } = await plainTab(page);
  await tab.emulateMedia({ colorScheme: 'light' });
  await tab.goto(`file://${file}`);
  await expect(tab).toHaveTitle(`Shared ${EVIL}`);
  const rows = tab.getByRole('treeitem');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText(`search ${EVIL}`); // a name, shown as text

  // Collapse and expand the root with the keyboard, as in the notebook.
  await rows.first().click();
  await tab.keyboard.press('ArrowLeft');
  await expect(rows).toHaveCount(1);
  await tab.keyboard.press('ArrowRight');
  await expect(rows).toHaveCount(3);
  // Select the tool span: its details show.
  await rows.nth(1).click();
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  const details = tab.getByRole('region', { name: 'Span details' });
  await expect(details).toContainText('Span ID');
  await expect(details).toContainText('paris weather');
  await tab.screenshot({ path: path.join(SCREENSHOTS, 'export-html-light.png') });

  await tab.emulateMedia({ colorScheme: 'dark' });
  await expect(tab.locator('#nbtrace-app')).toHaveAttribute('data-jp-theme-light', 'false');
  await rows.nth(2).click();
  await expect(details).toContainText('Sunny, 21 C.');
  await tab.screenshot({ path: path.join(SCREENSHOTS, 'export-html-dark.png') });

  expect(requests.filter(u => !/^(file|data):/.test(u))).toEqual([]);
  expect(problems).toEqual([]);
  await tab.close();
});

test('"Export Trace as HTML" downloads a page with the trace', async ({ page, tmpPath }) => {
  const renderer = await showTrace(page, tmpPath, tinyOtlpTrace(), 'export.ipynb');
  await renderer.getByRole('treeitem').first().click({ button: 'right' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'Export Trace as HTML' }).click()
  ]);
  expect(download.suggestedFilename()).toBe('agent.html');
  const html = fs.readFileSync((await download.path())!, 'utf-8');
  expect(html).toContain("default-src 'none'");
  expect(html).toContain('window.nbtraceStandalone');
  expect(html).toContain('"gpt-test"');

  // The downloaded page shows the trace, without a request.
  const { tab, requests, problems } = await plainTab(page);
  await tab.setContent(html);
  await expect(tab).toHaveTitle("nbtrace trace 'agent'");
  await expect(tab.getByRole('treeitem')).toHaveCount(2);
  await tab.getByRole('treeitem').last().click();
  await expect(tab.getByRole('region', { name: 'Span details' })).toContainText('gpt-test');
  expect(requests.filter(u => !/^(file|data|about):/.test(u))).toEqual([]);
  expect(problems).toEqual([]);
  await tab.close();
});
