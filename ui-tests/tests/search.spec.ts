/**
 * Search in a real JupyterLab: a match nested under collapsed spans is found,
 * revealed, selected and counted; Enter steps through matches; "matches only"
 * hides the rest; "/" in the tree jumps to the search box.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { showTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const ns = (ms: number) => (1_735_689_600_000_000_000n + BigInt(ms) * 1_000_000n).toString();
const hex16 = (i: number) => (i + 1).toString(16).padStart(16, '0');

/** A 6-level agent (deeper than the default expansion) with two "weather" tool calls at the bottom. */
function agentTrace(): unknown {
  const spans: unknown[] = [];
  const names = ['agent', 'plan', 'step 1', 'subagent', 'router'];
  names.forEach((name, i) =>
    spans.push({
      traceId: TRACE_ID,
      spanId: hex16(i),
      parentSpanId: i === 0 ? '' : hex16(i - 1),
      name,
      startTimeUnixNano: ns(i),
      endTimeUnixNano: ns(100 - i)
    })
  );
  ['Paris', 'Lyon'].forEach((city, k) =>
    spans.push({
      traceId: TRACE_ID,
      spanId: hex16(10 + k),
      parentSpanId: hex16(names.length - 1),
      name: 'tool.weather',
      startTimeUnixNano: ns(10 + 30 * k),
      endTimeUnixNano: ns(30 + 30 * k),
      attributes: [
        { key: 'openinference.span.kind', value: { stringValue: 'TOOL' } },
        { key: 'tool.city', value: { stringValue: city } }
      ]
    })
  );
  spans.push({
    traceId: TRACE_ID,
    spanId: hex16(20),
    parentSpanId: hex16(0),
    name: 'answer',
    startTimeUnixNano: ns(90),
    endTimeUnixNano: ns(99)
  });
  return { resourceSpans: [{ scopeSpans: [{ spans }] }] };
}

test('search finds, reveals and steps through nested matches', async ({ page, tmpPath }) => {
  const renderer = await showTrace(page, tmpPath, agentTrace(), 'search.ipynb');
  const tree = renderer.getByRole('tree');
  const weather = tree.locator('[role="treeitem"]', { hasText: 'tool.weather' });
  // Level 6 is below the default expansion depth: not in the tree yet.
  await expect(weather).toHaveCount(0);

  const box = renderer.getByRole('searchbox');
  await box.fill('city=paris');
  const count = renderer.locator('.nbtrace-search-count');
  await expect(count).toHaveText('1 / 1');
  const selected = tree.locator('[role="treeitem"][aria-selected="true"]');
  await expect(selected).toContainText('tool.weather');
  await expect(selected).toHaveAttribute('aria-level', '6');
  await expect(selected).toBeInViewport();
  await expect(renderer.getByRole('region', { name: 'Span details' })).toContainText('Paris');

  // A plain term: both tool calls match; Enter steps, Shift+Enter steps back.
  await box.fill('weather');
  await expect(count).toHaveText('1 / 2');
  await box.press('Enter');
  await expect(count).toHaveText('2 / 2');
  await expect(renderer.getByRole('region', { name: 'Span details' })).toContainText('Lyon');
  await box.press('Shift+Enter');
  await expect(count).toHaveText('1 / 2');
  await expect(tree.locator('mark', { hasText: 'weather' })).toHaveCount(2);
  await expect(tree.locator('.nbtrace-row-dim').first()).toBeVisible();

  // Matches only: the tool calls and their ancestors; "answer" is hidden.
  await renderer.getByLabel('matches only').check();
  await expect(tree.locator('[role="treeitem"]', { hasText: 'answer' })).toHaveCount(0);
  await expect(tree.locator('[role="treeitem"]')).toHaveCount(7);
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'search.png') });
  await renderer.locator('.nbtrace-filters > summary').click();
  await renderer.getByLabel('critical path').check();
  await page.theme.setDarkTheme();
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'search-dark.png') });
  await page.theme.setLightTheme();
  await renderer.getByLabel('critical path').uncheck();
  await renderer.getByLabel('matches only').uncheck();
  await expect(tree.locator('[role="treeitem"]', { hasText: 'answer' })).toHaveCount(1);

  // Escape clears; "/" in the tree comes back to the box.
  await box.press('Escape');
  await expect(count).toHaveText('');
  await tree.locator('[role="treeitem"]').first().click();
  await page.keyboard.press('/');
  await expect(box).toBeFocused();
});

test('the overview brush zooms the timeline; double-click resets', async ({ page, tmpPath }) => {
  const renderer = await showTrace(page, tmpPath, agentTrace(), 'zoom.ipynb');
  await renderer.getByRole('button', { name: 'Expand all' }).click();
  const firstTick = renderer.locator('.nbtrace-tick').first();
  await expect(firstTick).toHaveText('0 ms');
  const map = renderer.locator('.nbtrace-minimap');
  const box = (await map.boundingBox())!;
  // Drag across the middle half of the overview (the trace lasts 100 ms).
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(firstTick).not.toHaveText('0 ms');
  await expect(renderer.getByRole('button', { name: 'reset zoom' })).toBeVisible();
  // "answer" (90–99 ms) is outside the 30–70 ms window: no bar.
  const answerBar = renderer.locator('[role="treeitem"]', { hasText: 'answer' }).locator('.nbtrace-bar');
  await expect(answerBar).toBeHidden();
  await renderer.screenshot({ path: path.join(SCREENSHOTS, 'zoom.png') });
  await map.dblclick();
  await expect(firstTick).toHaveText('0 ms');
  await expect(answerBar).toBeVisible();
});

test('keyboard only: into the tree, down to a nested span, its details; type-ahead', async ({ page, tmpPath }) => {
  const renderer = await showTrace(page, tmpPath, agentTrace(), 'keys.ipynb');
  const tree = renderer.getByRole('tree');
  // Landing on the tree by keyboard (as Tab does) selects the first span.
  await tree.focus();
  const selected = tree.locator('[role="treeitem"][aria-selected="true"]');
  await expect(selected).toContainText('agent');
  // → on an open span steps into it; on a closed one opens it: down to level 6.
  for (let i = 0; i < 12 && (await selected.getAttribute('aria-level')) !== '6'; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await expect(selected).toHaveAttribute('aria-level', '6');
  await expect(selected).toContainText('tool.weather');
  const detail = renderer.getByRole('region', { name: 'Span details' });
  await expect(detail).toContainText('Paris');
  await page.keyboard.press('ArrowDown');
  await expect(detail).toContainText('Lyon');
  // Type-ahead: the first letters of a name jump to it.
  await page.keyboard.type('ans');
  await expect(selected).toContainText('answer');
  await expect(tree).toBeFocused();
});
