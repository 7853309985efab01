/**
 * Persistence: a traced cell's output is saved with the notebook and renders the
 * same after a reload, in a copy of the notebook that is NOT trusted (the
 * renderer is registered safe). The saved bundle carries a meaningful
 * text/plain and a static text/html summary for viewers without nbtrace.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { RENDERER, runInNewNotebook } from './helpers';

const CODE = [
  'import nbtrace',
  '@nbtrace.trace(span_type="TOOL")',
  'def lookup(city): raise LookupError(city)',
  '@nbtrace.trace(span_type="AGENT")',
  'def agent(q):',
  '    with nbtrace.start_span("plan", span_type="CHAIN") as s: s.set_outputs({"steps": 2})',
  '    try: lookup(q)',
  '    except LookupError: pass',
  '    return "done"',
  'agent("Atlantis")'
].join('\n');

/** What a user sees of a trace output: header, rows, and the details of the failed span. */
async function looks(renderer: Locator): Promise<string[]> {
  await renderer.getByRole('button', { name: 'Expand all' }).click();
  const rows = await renderer.locator('[role="treeitem"]').evaluateAll(items =>
    items.map(i => `${i.getAttribute('aria-level')}:${i.querySelector('.nbtrace-name')?.textContent}:${i.className.includes('error')}`)
  );
  await renderer.locator('.nbtrace-row-error .nbtrace-name').first().click();
  const error = await renderer.locator('.nbtrace-detail-error-message').textContent();
  const title = await renderer.locator('.nbtrace-title').textContent();
  const summary = (await renderer.locator('.nbtrace-summary').textContent()) ?? '';
  // The duration in the summary is the same number; keep the stable parts.
  return [String(title), summary.replace(/[\d.]+ (ms|s|µs)/g, 'T'), String(error), ...rows];
}

test('a saved trace renders the same after a reload, untrusted, and its fallbacks are meaningful', async ({ page, tmpPath }) => {
  // The code is run from a file: galata types cell sources key by key, and the editor's auto-indent would mangle blocks.
  await page.contents.uploadContent(CODE, 'text', `${tmpPath}/persist_agent.py`);
  const output = await runInNewNotebook(page, "exec(open('persist_agent.py').read())", 'persist.ipynb');
  const before = await looks(output.locator(RENDERER));
  expect(before[0]).toBe('agent');
  expect(before.slice(3)).toEqual(['1:agent:false', '2:plan:false', '2:lookup:true']);
  await page.notebook.save();

  // The saved bundle: our MIME type, and fallbacks that say what the trace is.
  const saved = await (await page.request.get(`/api/contents/${tmpPath}/persist.ipynb?content=1&type=notebook`)).json();
  const data = saved.content.cells[0].outputs.find((o: { data?: Record<string, unknown> }) => o.data?.['application/vnd.nbtrace.trace+json']).data;
  expect(data['text/plain']).toMatch(/^<nbtrace trace 'agent' · 3 spans · 1 error · [\d.]+ (ms|s)>$/);
  expect(data['text/html']).toContain('<table');
  expect(data['text/html']).toContain('lookup');
  expect(data['text/html']).not.toContain('<script');

  // A copy the server has never signed (trust is by content hash: a changed byte is enough),
  // as when a notebook comes from someone else: JupyterLab does not trust it.
  const copied = { ...saved.content, metadata: { ...saved.content.metadata, shared_by: 'someone else' } };
  await page.contents.uploadContent(JSON.stringify(copied), 'text', `${tmpPath}/persist-copy.ipynb`);
  await page.notebook.close(true);
  await page.reload({ waitForIsReady: true });
  // Opened by the app's own command once its layout is restored, and waited for by its path:
  // galata's openByPath/activate can race the workspace restore after a reload.
  const copyPath = `${tmpPath}/persist-copy.ipynb`;
  await page.evaluate(async path => {
    const app = (window as unknown as { jupyterapp: { restored: Promise<void>; commands: { execute(id: string, args: object): Promise<unknown> } } }).jupyterapp;
    await app.restored;
    await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
  }, copyPath);
  await page.waitForFunction(path => {
    const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { context?: { path: string; isReady: boolean } } | null } } }).jupyterapp;
    const context = app.shell.currentWidget?.context;
    return context?.path === path && context.isReady;
  }, copyPath, { timeout: 60_000 });
  const trusted = await page.evaluate(() => {
    const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { model: { cells: { get(i: number): { trusted: boolean } } } } } } } }).jupyterapp;
    return app.shell.currentWidget.content.model.cells.get(0).trusted;
  });
  expect(trusted).toBe(false);
  const copy = (await page.notebook.getCellOutputLocator(0))!.locator(RENDERER);
  await copy.first().waitFor({ state: 'visible' });
  expect(await looks(copy)).toEqual(before);
});
