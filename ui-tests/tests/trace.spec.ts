/**
 * The foundation, clicked through in a real JupyterLab: run a traced cell,
 * see the span tree under it, expand/collapse with mouse and keyboard, read a
 * span's inputs and an error in the detail panel; light and dark screenshots.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { runInNewNotebook, showTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const FIXTURES = process.env.NBTRACE_FIXTURES ?? path.resolve(__dirname, '../../../shared/fixtures');

test.use({ autoGoto: true });

async function runAgent(page: any, tmpPath: string) {
  const source = fs.readFileSync(path.join(__dirname, 'python', 'ui_agent.py'), 'utf-8');
  await page.contents.uploadContent(source, 'text', `${tmpPath}/ui_agent.py`);
  const output = await runInNewNotebook(page, "exec(open('ui_agent.py').read())", 'agent.ipynb');
  const tree = output.locator('[role="tree"]');
  await expect(tree).toBeVisible();
  return { output, tree };
}

const row = (tree: any, name: string) =>
  tree.locator('[role="treeitem"]', { has: tree.page().locator('.nbtrace-name', { hasText: new RegExp(`^${name}$`) }) });

test('a traced cell shows its span tree, usable by mouse and keyboard', async ({ page, tmpPath }) => {
  const { output, tree } = await runAgent(page, tmpPath);
  const items = tree.locator('[role="treeitem"]');
  await expect(items).toHaveCount(5);
  await expect(output.locator('.nbtrace-title')).toHaveText('agent');
  await expect(output.locator('.nbtrace-summary')).toContainText('5 spans');
  await expect(output.locator('.nbtrace-summary')).toContainText('1 error');

  const root = row(tree, 'agent');
  await expect(root).toHaveAttribute('aria-level', '1');
  await expect(root).toHaveAttribute('aria-expanded', 'true');
  await expect(row(tree, 'retrieve')).toHaveAttribute('aria-level', '2');

  // Bars are placed in % of the trace: the root spans the whole axis.
  const rootBar = root.locator('.nbtrace-bar');
  expect(await rootBar.evaluate((b: HTMLElement) => [b.style.left, b.style.width])).toEqual(['0%', '100%']);

  // The failing tool call is marked as an error (red bar + icon).
  const failed = tree.locator('[role="treeitem"].nbtrace-row-error');
  await expect(failed).toHaveCount(1);
  await expect(failed.locator('.nbtrace-name')).toHaveText('weather');
  await expect(failed.locator('.nbtrace-bar')).toHaveClass(/nbtrace-bar-error/);
  await expect(failed.locator('.nbtrace-status-icon')).toHaveAttribute('aria-label', 'error');

  await output.screenshot({ path: path.join(SCREENSHOTS, 'tree-light.png') });

  // Mouse: the disclosure triangle collapses and expands.
  await root.locator('.nbtrace-twisty').click();
  await expect(items).toHaveCount(1);
  await expect(root).toHaveAttribute('aria-expanded', 'false');
  await expect(root.locator('.nbtrace-count')).toHaveText('4');
  await root.locator('.nbtrace-twisty').click();
  await expect(items).toHaveCount(5);

  // Click selects a span and shows its inputs in the detail panel.
  await row(tree, 'retrieve').locator('.nbtrace-name').click();
  await expect(row(tree, 'retrieve')).toHaveAttribute('aria-selected', 'true');
  const detail = output.getByRole('region', { name: 'Span details' });
  // The details are in tabs; inputs and outputs share one.
  await detail.getByRole('tab', { name: 'Inputs / Outputs' }).click();
  await expect(detail.getByRole('tab', { name: 'Inputs / Outputs' })).toHaveAttribute('aria-selected', 'true');
  await expect(detail.getByRole('tabpanel')).toContainText('Inputs');
  await row(tree, 'retrieve').locator('.nbtrace-name').click(); // focus back to the tree
  await expect(detail).toContainText('What is the weather in Paris?');
  await expect(detail).toContainText('Paris is sunny today.');

  // Keyboard: the tree has focus after the click; arrows move, collapse, expand.
  await expect(tree).toBeFocused();
  await page.keyboard.press('Home');
  await expect(root).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(items).toHaveCount(1);
  await expect(root).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowRight');
  await expect(items).toHaveCount(5);
  await page.keyboard.press('ArrowDown');
  await expect(row(tree, 'retrieve')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(failed).toHaveAttribute('aria-selected', 'true');
  await expect(detail).toContainText('LookupError: no weather for Atlantis');
  await expect(detail.locator('.nbtrace-stacktrace')).toContainText('Traceback');
  // The notebook's own arrow-key shortcuts did not steal the keys.
  await expect(tree).toBeFocused();

  await output.screenshot({ path: path.join(SCREENSHOTS, 'detail-light.png') });

  // Expand-all / collapse-all buttons.
  await output.getByRole('button', { name: 'Collapse all' }).click();
  await expect(items).toHaveCount(1);
  await output.getByRole('button', { name: 'Expand all' }).click();
  await expect(items).toHaveCount(5);

  await page.theme.setDarkTheme();
  await expect(tree).toBeVisible();
  await output.screenshot({ path: path.join(SCREENSHOTS, 'detail-dark.png') });
  await page.theme.setLightTheme();
});

test('a real Jaeger GenAI agent trace renders with kinds and the error', async ({ page, tmpPath }) => {
  const payload = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'otel', 'jaeger-ui-genai-agent-trace.jaeger.json'), 'utf-8')
  );
  const renderer = await showTrace(page, tmpPath, payload, 'jaeger.ipynb');
  await expect(renderer.locator('.nbtrace-summary')).toContainText('57 spans');
  await renderer.getByRole('button', { name: 'Expand all' }).click();
  const errorRow = renderer.locator('[role="treeitem"].nbtrace-row-error');
  await expect(errorRow.first()).toBeVisible();
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'jaeger-light.png') });
  await page.theme.setDarkTheme();
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'jaeger-dark.png') });
  await page.theme.setLightTheme();
});

test('unreadable input shows a clear message and the raw JSON', async ({ page, tmpPath }) => {
  await page.contents.uploadContent(JSON.stringify({ hello: 'world' }), 'text', `${tmpPath}/bad.payload.json`);
  const output = await runInNewNotebook(
    page,
    "import json; from IPython.display import display; display({'application/vnd.nbtrace.trace+json': json.load(open('bad.payload.json'))}, raw=True)",
    'bad.ipynb'
  );
  const alert = output.getByRole('alert');
  await expect(alert).toContainText('Expected');
  await expect(alert).toContainText('hello');
  await alert.locator('summary').click();
  await expect(alert.locator('.nbtrace-raw')).toContainText('"world"');
});

test('the demo notebook runs offline and shows the agent trace', async ({ page, tmpPath }) => {
  const examples = path.resolve(__dirname, '..', '..', 'examples');
  for (const file of ['demo_agent.py', 'eval_agent.py', 'demo.ipynb']) {
    await page.contents.uploadContent(
      fs.readFileSync(path.join(examples, file), 'utf-8'),
      'text',
      `${tmpPath}/${file}`
    );
  }
  await page.notebook.openByPath(`${tmpPath}/demo.ipynb`);
  await page.notebook.activate('demo.ipynb');
  await page.notebook.run();
  const agentCell = (await page.notebook.getCellOutputLocator(3))!;
  const renderer = agentCell.locator('.nbtrace-root');
  await expect(renderer.locator('.nbtrace-title')).toHaveText('run_agent');
  // Run all leaves the notebook at its end: the output builds its tree when scrolled to.
  await renderer.scrollIntoViewIfNeeded();
  await expect(renderer.locator('.nbtrace-row-error').first()).toBeVisible();
  // The failing tool call, selected: its error and stack trace in the detail panel.
  await renderer.locator('.nbtrace-row-error .nbtrace-name').first().click();
  await expect(renderer.getByRole('region', { name: 'Span details' })).toContainText('Error');
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'demo-light.png') });
  await page.theme.setDarkTheme();
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'demo-dark.png') });
  await page.theme.setLightTheme();

  // An LLM call: its chat turns (user, assistant with a tool call, tool result) and its token badge.
  const llm = renderer.locator('[role="treeitem"]', { hasText: 'chat_completion' }).first();
  await expect(llm.locator('.nbtrace-tokens')).toHaveText(/\d+ tok$/);
  await llm.locator('.nbtrace-name').click();
  const chat = renderer.getByRole('region', { name: 'Span details' }).locator('.nbtrace-chat');
  await expect(chat.locator('.nbtrace-chat-message[data-role="user"]').first()).toBeVisible();
  await expect(chat.locator('.nbtrace-chat-message[data-role="assistant"]').first()).toBeVisible();
  await expect(chat.locator('.nbtrace-chat-tool-call .nbtrace-chat-tool-name').first()).toBeVisible();
  await chat.scrollIntoViewIfNeeded();
  await chat.screenshot({ path: path.join(SCREENSHOTS, 'demo-chat.png') });

  // The retriever: its documents with id, score and text.
  await renderer.locator('[role="treeitem"]', { hasText: 'retrieve' }).first().locator('.nbtrace-name').click();
  const docs = renderer.getByRole('region', { name: 'Span details' }).locator('.nbtrace-document');
  await expect(docs).toHaveCount(3);
  await expect(docs.first().locator('.nbtrace-document-head')).toContainText('score');
  await docs.first().scrollIntoViewIfNeeded();
  await renderer.getByRole('region', { name: 'Span details' }).locator('.nbtrace-documents').screenshot({
    path: path.join(SCREENSHOTS, 'demo-documents.png')
  });

  // Section 7: OpenAI autolog — the real openai client against the notebook's own fake server on 127.0.0.1.
  const autolog = (await page.notebook.getCellOutputLocator(17))!.locator('.nbtrace-root');
  await expect(autolog.locator('.nbtrace-title')).toHaveText('weather_agent');
  await autolog.scrollIntoViewIfNeeded();
  const completions = autolog.locator('[role="treeitem"]', { hasText: 'Completions' });
  await expect(completions).toHaveCount(2);
  await completions.first().locator('.nbtrace-name').click();
  const autologDetail = autolog.getByRole('region', { name: 'Span details' });
  await expect(autologDetail.locator('.nbtrace-facts')).toContainText('CHAT_MODEL');
  await expect(autologDetail.getByRole('tab', { name: /^Chat/ })).toHaveAttribute('aria-selected', 'true');
  await expect(autologDetail.locator('.nbtrace-chat-message[data-role="user"]')).toContainText("What's the weather in Paris?");
  await expect(autologDetail.locator('.nbtrace-chat-tools > summary')).toContainText('get_weather');
  await expect(completions.first().locator('.nbtrace-tokens')).toHaveText(/\d+ tok$/);
  await autologDetail.scrollIntoViewIfNeeded();
  await autolog.screenshot({ path: path.join(SCREENSHOTS, 'demo-openai-autolog.png') });
  // Its tool call leads to the tool span that ran it.
  await autologDetail.getByRole('button', { name: '→ get_weather' }).click();
  await expect(autolog.locator('[role="treeitem"][aria-selected="true"] .nbtrace-name')).toHaveText('get_weather');

  // Section 8: spans made through the OpenTelemetry API.
  const otel = (await page.notebook.getCellOutputLocator(19))!.locator('.nbtrace-root');
  await expect(otel.locator('.nbtrace-title')).toHaveText('rag_pipeline');
  await expect(otel.locator('.nbtrace-summary')).toContainText('3 spans');

  // Section 9: two versions evaluated, then compared.
  const v2 = (await page.notebook.getCellOutputLocator(24))!.locator('.nbtrace-eval');
  await expect(v2.locator('.nbtrace-eval-progress')).toHaveText('12 of 12 done');
  await expect(v2.getByRole('grid')).toHaveAttribute('aria-rowcount', '13');
  const comparison = (await page.notebook.getCellOutputLocator(26))!;
  await expect(comparison.locator('.nbtrace-eval-verdict').first()).toHaveText('▼ 2 regressed');
  await expect(comparison).toContainText("'Kyoto temples and kaiseki food: where should I start?'");
});
