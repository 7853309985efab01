/**
 * A notebook full of traces (issue 16, part 3; behaviour, never time): 100
 * saved trace outputs of 20 spans each open with the outputs far below as
 * placeholders (header text, no tree); scrolling builds them in place with
 * their tree, and a placeholder takes the room its view takes, so the page
 * does not jump. In JupyterLab's default windowing mode (content-visibility),
 * with all cells laid out ('none': the scroll height is exact there), and
 * with off-screen cells detached ('full').
 */
import { expect, galata, test } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as path from 'path';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const MIME = 'application/vnd.nbtrace.trace+json';
const CELLS = 100;
const SPANS = 20;
/** "A few rows": the most a built view may differ in height from its placeholder. */
const FEW_ROWS_PX = 3 * 24;

const ns = (ms: number) => (1_735_689_600_000_000_000n + BigInt(Math.round(ms * 1e6))).toString();
const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');

/** Trace `k`: an agent, 4 steps, each with an LLM call and tools (20 spans, 3 levels). */
function trace(k: number): unknown {
  const traceId = hex(k + 1, 16);
  const spans: unknown[] = [];
  const add = (i: number, parent: number, name: string, start: number, end: number, attrs: [string, string][] = []) =>
    spans.push({
      traceId,
      spanId: hex(k * 100 + i + 1, 8),
      parentSpanId: parent < 0 ? '' : hex(k * 100 + parent + 1, 8),
      name,
      kind: 1,
      startTimeUnixNano: ns(start),
      endTimeUnixNano: ns(end),
      attributes: attrs.map(([key, v]) => ({ key, value: { stringValue: v } })),
      status: { code: k % 7 === 3 && i === 19 ? 2 : 1 }
    });
  add(0, -1, `agent run ${k + 1}`, 0, 2000, [['openinference.span.kind', 'AGENT']]);
  let i = 1;
  for (let step = 0; step < 4; step++) {
    const parent = i;
    const t = 20 + step * 490;
    add(i++, 0, `step ${step + 1}`, t, t + 470, [['openinference.span.kind', 'CHAIN']]);
    add(i++, parent, 'llm.chat', t + 5, t + 200, [['gen_ai.request.model', 'gpt-4o-mini']]);
    add(i++, parent, 'tool.search', t + 210, t + 300, [['openinference.span.kind', 'TOOL']]);
    add(i++, parent, 'retrieve', t + 310, t + 380, [['openinference.span.kind', 'RETRIEVER']]);
    if (i < SPANS - 1) {
      add(i++, parent, 'llm.chat', t + 390, t + 460, [['gen_ai.request.model', 'gpt-4o-mini']]);
    }
  }
  while (i < SPANS) {
    add(i++, 0, 'summarize', 1980, 1995);
  }
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'ui-tests' }, spans }] }] };
}

function notebook(): unknown {
  const cells = Array.from({ length: CELLS }, (_, k) => ({
    cell_type: 'code',
    execution_count: k + 1,
    id: `cell-${k}`,
    metadata: {},
    source: [`agent.run(question[${k}])`],
    outputs: [{ output_type: 'display_data', metadata: {}, data: { [MIME]: trace(k), 'text/plain': [`<nbtrace trace 'agent run ${k + 1}'>`] } }]
  }));
  return {
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5
  };
}

interface OutputState {
  /** Per cell: 'tree' (built), 'placeholder', or 'none' (the cell or its output is not in the DOM). */
  states: string[];
  scrollHeight: number;
  scrollTop: number;
  clientHeight: number;
}

/** What each cell's trace output is right now, read in the page. */
function outputStates(page: Page): Promise<OutputState> {
  return page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const scroller = panel.content.outerNode ?? panel.content.node;
    const states = panel.content.widgets.map((cell: any) => {
      const root = cell.node.querySelector('.nbtrace-root');
      return !root || !root.isConnected ? 'none' : root.querySelector('[role="tree"]') ? 'tree' : root.querySelector('.nbtrace-placeholder') ? 'placeholder' : 'other';
    });
    return { states, scrollHeight: scroller.scrollHeight, scrollTop: scroller.scrollTop, clientHeight: scroller.clientHeight };
  });
}

/** Upload and open the 100-output notebook; wait for the first trace's tree. */
async function openMany(page: IJupyterLabPageFixture, tmpPath: string): Promise<void> {
  await page.contents.uploadContent(JSON.stringify(notebook()), 'text', `${tmpPath}/many.ipynb`);
  await page.notebook.openByPath(`${tmpPath}/many.ipynb`);
  await page.notebook.activate('many.ipynb');
  const first = page.locator('.jp-Cell').first().locator('.nbtrace-root [role="tree"]');
  await expect(first).toBeVisible();
  await expect(first.locator('[role="treeitem"]')).toHaveCount(SPANS);
}

/** The output of cell `i`: its height, whether it is built, and the notebook's scroll height. */
function measure(page: Page, i: number): Promise<{ height: number; built: boolean; scrollHeight: number }> {
  return page.evaluate(index => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const scroller = panel.content.outerNode ?? panel.content.node;
    const root = panel.content.widgets[index].node.querySelector('.nbtrace-root');
    return {
      height: root ? root.getBoundingClientRect().height : NaN,
      built: !!(root && root.querySelector('[role="tree"]')),
      scrollHeight: scroller.scrollHeight
    };
  }, i);
}

/**
 * Scroll cell `i` to the top of the notebook (cells' sizes are JupyterLab's
 * estimates until they are laid out, so this goes by the element, not by offsets).
 */
async function scrollCell(page: Page, i: number): Promise<void> {
  await page.evaluate(index => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    panel.content.widgets[index].node.scrollIntoView({ block: 'start' });
  }, i);
  await page.waitForTimeout(300);
}

/** Scroll to the end until the last cell's output is built (the scroll height grows as JupyterLab lays cells out). */
async function scrollToBottom(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      await page.evaluate(() => {
        const panel = (window as any).jupyterapp.shell.currentWidget;
        const scroller = panel.content.outerNode ?? panel.content.node;
        scroller.scrollTop = scroller.scrollHeight;
      });
      await page.waitForTimeout(200);
      return (await outputStates(page)).states[CELLS - 1];
    })
    .toBe('tree');
}

const treeOf = (page: Page, i: number) => page.locator('.jp-Cell').nth(i).locator('.nbtrace-root [role="tree"]');

test('100 saved trace outputs: far ones are placeholders until scrolled to, then trees of the same height', async ({ page, tmpPath }) => {
  await openMany(page, tmpPath);

  // Opened: the first screen is built, everything far below is a placeholder (or not in the DOM at all).
  const opened = await outputStates(page);
  const built = opened.states.filter(s => s === 'tree').length;
  expect(opened.states).toHaveLength(CELLS);
  expect(opened.states[0]).toBe('tree');
  expect(built).toBeLessThan(15);
  expect(opened.states.slice(30).every(s => s === 'placeholder' || s === 'none')).toBe(true);
  const placeholder = page.locator('.nbtrace-placeholder').first();
  await expect(placeholder).toHaveAttribute('role', 'group');
  await expect(placeholder).toHaveAttribute('aria-busy', 'true');
  await expect(placeholder).toHaveAttribute('aria-label', /^Trace agent run \d+: (ok|error), 20 spans, [\d.]+ s;/);
  await expect(placeholder.locator('.nbtrace-title')).toHaveText(/^agent run \d+$/);
  await expect(placeholder.locator('[role="tree"]')).toHaveCount(0);
  // What a placeholder looks like: a static copy laid over the page (the real one would build when scrolled to).
  await page.evaluate(() => {
    const copy = document.querySelector('.nbtrace-placeholder')!.closest('.nbtrace-root')!.cloneNode(true) as HTMLElement;
    copy.id = 'placeholder-copy';
    Object.assign(copy.style, { position: 'fixed', top: '120px', left: '120px', width: '760px', zIndex: '10000', background: 'var(--jp-layout-color0)' });
    document.body.appendChild(copy);
  });
  await page.locator('#placeholder-copy').screenshot({ path: path.join(SCREENSHOTS, 'many-outputs-placeholder.png') });
  await page.evaluate(() => document.getElementById('placeholder-copy')!.remove());

  // A placeholder in the middle, measured, then scrolled to: the view built in its place is as tall.
  // (5 cells above it: 5 views of ~600 px, several screens.)
  const k = 50;
  await scrollCell(page, k - 5);
  const before = await measure(page, k);
  expect(before.built).toBe(false);
  await scrollCell(page, k);
  await expect(treeOf(page, k)).toBeVisible();
  await expect(treeOf(page, k).locator('[role="treeitem"]')).toHaveCount(SPANS);
  const after = await measure(page, k);
  console.log(`content-visibility: placeholder ${before.height} px, view ${after.height} px`);
  expect(Math.abs(after.height - before.height)).toBeLessThan(FEW_ROWS_PX);
  await page.waitForTimeout(200);
  await page.locator('.jp-NotebookPanel').screenshot({ path: path.join(SCREENSHOTS, 'many-outputs-middle.png') });

  // To the bottom: the last outputs build and show their trees; what was skipped over stays a placeholder.
  await scrollToBottom(page);
  const last = treeOf(page, CELLS - 1);
  await expect(last).toBeVisible();
  await expect(last.locator('[role="treeitem"]')).toHaveCount(SPANS);
  await expect(last.locator('[role="treeitem"]').first()).toContainText(`agent run ${CELLS}`);
  const end = await outputStates(page);
  expect(end.states[CELLS - 1]).toBe('tree');
  expect(end.states.slice(60, 90).some(s => s === 'placeholder' || s === 'none')).toBe(true);
  expect(end.states.filter(s => s === 'tree').length).toBeLessThan(40);

  // A built trace works as before: a row selects, its details show.
  await last.locator('[role="treeitem"]').nth(1).click();
  await expect(page.locator('.jp-Cell').last().locator('.nbtrace-detail-name')).toHaveText('step 1');
  await page.locator('.jp-NotebookPanel').screenshot({ path: path.join(SCREENSHOTS, 'many-outputs-bottom.png') });
});

test.describe('every cell laid out (windowing mode "none")', () => {
  test.use({ mockSettings: { ...galata.DEFAULT_SETTINGS, '@jupyterlab/notebook-extension:tracker': { windowingMode: 'none' } } });

  test('building placeholders as they scroll in changes the scroll height by less than a few rows', async ({ page, tmpPath }) => {
    await openMany(page, tmpPath);
    const k = 60;
    await scrollCell(page, k - 5);
    const before = await measure(page, k);
    const builtBefore = (await outputStates(page)).states.filter(s => s === 'tree').length;
    expect(before.built).toBe(false);
    await scrollCell(page, k);
    await expect(treeOf(page, k).locator('[role="treeitem"]')).toHaveCount(SPANS);
    await page.waitForTimeout(300);
    const after = await measure(page, k);
    const builtAfter = (await outputStates(page)).states.filter(s => s === 'tree').length;
    console.log(
      `windowing none: ${builtAfter - builtBefore} outputs built by the scroll; scroll height ${before.scrollHeight} → ${after.scrollHeight} px; ` +
        `output ${k}: ${before.height} → ${after.height} px`
    );
    expect(builtAfter).toBeGreaterThan(builtBefore);
    expect(Math.abs(after.scrollHeight - before.scrollHeight)).toBeLessThan(FEW_ROWS_PX);
    expect(Math.abs(after.height - before.height)).toBeLessThan(FEW_ROWS_PX);
  });
});

test.describe('off-screen cells detached (windowing mode "full")', () => {
  test.use({ mockSettings: { ...galata.DEFAULT_SETTINGS, '@jupyterlab/notebook-extension:tracker': { windowingMode: 'full' } } });

  test('outputs attached by scrolling build; built ones stay built when detached and attached again', async ({ page, tmpPath }) => {
    await openMany(page, tmpPath);
    const firstView = () =>
      page.evaluate(() => {
        const cell = (window as any).jupyterapp.shell.currentWidget.content.widgets[1];
        const view = cell.node.querySelector('.nbtrace-root .nbtrace-trace');
        return { attached: cell.isAttached as boolean, mark: view?.dataset.mark ?? null, tree: !!view?.querySelector('[role="tree"]') };
      });
    await page.evaluate(() => {
      const cell = (window as any).jupyterapp.shell.currentWidget.content.widgets[1];
      cell.node.querySelector('.nbtrace-root .nbtrace-trace').dataset.mark = 'first';
    });
    await scrollToBottom(page);
    await expect(treeOf(page, CELLS - 1).locator('[role="treeitem"]')).toHaveCount(SPANS);
    await expect.poll(async () => (await firstView()).attached).toBe(false); // detached by the windowed list
    await page.evaluate(() => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      (panel.content.outerNode ?? panel.content.node).scrollTop = 0;
    });
    await expect.poll(async () => (await firstView()).attached).toBe(true);
    // The same view, not rebuilt.
    expect(await firstView()).toEqual({ attached: true, mark: 'first', tree: true });
    await expect(treeOf(page, 1).locator('[role="treeitem"]')).toHaveCount(SPANS);
  });
});
