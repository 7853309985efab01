/**
 * The chat view in a real JupyterLab with its real markdown parser and
 * sanitizer: an LLM answer in markdown is rendered (bold, code, list), while
 * script, event handlers, javascript: links and remote images from the trace
 * do nothing — no canary set, no request made. An inline data image shows.
 * Tabs work by keyboard; "show raw text" shows the text as written; a tool
 * call links to its tool span.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { showTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const ns = (ms: number) => (1_735_689_600_000_000_000n + BigInt(ms) * 1_000_000n).toString();
/** A 24×24 gradient PNG. */
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAEJklEQVR4nA3Moa5GAACA0fskf1VVRTCJIphEEUyiCN8kimASRTCJIphEEUyiqqrqHa7zAOfvxyFwiBwSh8Khc5gcDofHEXLAkXLkHBVHw9FzjBwLx8ZxclwcN8fD8XL8/dgFdpFdYlfYdXaT3WH32EN22FP2nL1ib9h79pF9Yd/YT/aL/WZ/2F/2L1oFVpFVYlVYdVaT1WH1WENWWFPWnLVibVh71pF1Yd1YT9aL9WZ9WF/WL5oFZpFZYlaYdWaT2WH2mENmmFPmnLlibph75pF5Yd6YT+aL+WZ+mF/mL5oEJpFJYlKYdCaTyWHymEImmFKmnKliaph6ppFpYdqYTqaL6WZ6mF6mLxoEBpFBYlAYdAaTwWHwGEIGGFKGnKFiaBh6hpFhYdgYToaL4WZ4GF6GL+oEOpFOolPodDqTzqHz6EI66FK6nK6ia+h6upFuodvoTrqL7qZ76F66L2oFWpFWolVodVqT1qH1aENaaFPanLaibWh72pF2od1oT9qL9qZ9aF/aL6oFapFaolaodWqT2qH2qENqqFPqnLqibqh76pF6od6oT+qL+qZ+qF/qLyoFSpFSolQodUqT0qH0KENKKFPKnLKibCh7ypFyodwoT8qL8qZ8KF/KLyoECpFColAodAqTwqHwKEIKKFKKnKKiaCh6ipFiodgoToqL4qZ4KF6KL8oEMpFMIlPIdDKTzCHzyEIyyFKynKwia8h6spFsIdvITrKL7CZ7yF6yL0oEEpFEIlFIdBKTxCHxSEISSFKSnKQiaUh6kpFkIdlITpKL5CZ5SF6SL4oFYpFYIlaIdWKT2CH2iENiiFPinLgiboh74pF4Id6IT+KL+CZ+iF/iL4oEIpFIIlKIdCKTyCHyiEIiiFKinKgiaoh6opFoIdqITqKL6CZ6iF6iLwoEApFAIlAIdAKTwCHwCEICCFKCnKAiaAh6gpFgIdgIToKL4CZ4CF6CL/IFfBFfwlfwdXwT38H38EN88FP8HL/Cb/B7/BF/wd/wT/wL/8Z/8F/8L3IFXBFXwlVwdVwT18H1cENccFPcHLfCbXB73BF3wd1wT9wL98Z9cF/cL7IFbBFbwlawdWwT28H2sENssFPsHLvCbrB77BF7wd6wT+wL+8Z+sF/sL7IELBFLwlKwdCwTy8HysEIssFKsHKvCarB6rBFrwdqwTqwL68Z6sF6sLzIEDBFDwlAwdAwTw8HwMEIMMFKMHKPCaDB6jBFjwdgwTowL48Z4MF6ML9IENBFNQlPQdDQTzUHz0EI00FK0HK1Ca9B6tBFtQdvQTrQL7UZ70F60L1IFVBFVQlVQdVQT1UH1UENUUFPUHLVCbVB71BF1Qd1QT9QL9UZ9UF/UL5IFZBFZQlaQdWQT2UH2kENkkFPkHLlCbpB75BF5Qd6QT+QL+UZ+kF/kfzSKYU569h0LAAAAAElFTkSuQmCC';

const ANSWER = [
  '## Weather report',
  '',
  'It is **sunny** in Paris; the tool said `{"temp": 21}`.',
  '',
  '- morning: 18 °C',
  '- evening: 16 °C',
  '',
  '<img src="https://nbtrace-canary.invalid/pixel.png" onerror="window.__nbtracePwned = 1">',
  '<script>window.__nbtracePwned = 2</script>',
  '',
  '[click me](javascript:window.__nbtracePwned=3) · [docs](https://example.org/docs)',
  '',
  `![chart](${PNG})`
].join('\n');

function chatTrace(): unknown {
  const attr = (key: string, value: unknown) => ({ key, value: { stringValue: typeof value === 'string' ? value : JSON.stringify(value) } });
  const span = (spanId: string, parentSpanId: string, name: string, start: number, end: number, attributes: unknown[]) => ({
    traceId: TRACE_ID,
    spanId,
    parentSpanId,
    name,
    startTimeUnixNano: ns(start),
    endTimeUnixNano: ns(end),
    attributes,
    status: { code: 1 }
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: 'ui-tests' },
            spans: [
              span('00000000000000a1', '', 'agent', 0, 900, [attr('gen_ai.operation.name', 'invoke_agent')]),
              span('00000000000000a2', '00000000000000a1', 'chat gpt-test', 10, 300, [
                attr('gen_ai.operation.name', 'chat'),
                attr('gen_ai.request.model', 'gpt-test'),
                attr('gen_ai.input.messages', [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]),
                attr('gen_ai.output.messages', [
                  { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] }
                ]),
                attr('gen_ai.tool.definitions', [{ type: 'function', name: 'get_weather', description: 'Weather by city' }])
              ]),
              span('00000000000000a3', '00000000000000a1', 'execute_tool get_weather', 310, 400, [
                attr('gen_ai.operation.name', 'execute_tool'),
                attr('gen_ai.tool.name', 'get_weather'),
                attr('gen_ai.tool.call.id', 'call_1')
              ]),
              span('00000000000000a4', '00000000000000a1', 'chat gpt-test', 410, 880, [
                attr('gen_ai.operation.name', 'chat'),
                attr('gen_ai.input.messages', [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]),
                attr('gen_ai.output.messages', [{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }])
              ])
            ]
          }
        ]
      }
    ]
  };
}

test('LLM markdown renders sanitized: no script, no remote request; raw text, tabs and tool links work', async ({ page, tmpPath }) => {
  const remote: string[] = [];
  page.on('request', request => {
    if (request.url().includes('nbtrace-canary.invalid')) {
      remote.push(request.url());
    }
  });
  const dialogs: string[] = [];
  page.on('dialog', dialog => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const renderer = await showTrace(page, tmpPath, chatTrace(), 'chat.ipynb');
  const answer = renderer.locator('[role="treeitem"]', { hasText: 'chat gpt-test' }).nth(1);
  await answer.locator('.nbtrace-name').click();
  const detail = renderer.getByRole('region', { name: 'Span details' });
  const chatTab = detail.getByRole('tab', { name: /^Chat/ });
  await expect(chatTab).toHaveAttribute('aria-selected', 'true');

  const markdown = detail.locator('.nbtrace-chat-message[data-role="assistant"] .nbtrace-markdown');
  await expect(markdown.locator('strong')).toHaveText('sunny');
  await expect(markdown.locator('li')).toHaveCount(2);
  await expect(markdown.locator('code').first()).toHaveText('{"temp": 21}');
  await expect(markdown.locator('script')).toHaveCount(0);
  await expect(markdown.locator('[onerror]')).toHaveCount(0);
  await expect(markdown.locator('img[src^="http"]')).toHaveCount(0);
  await expect(markdown.locator('.nbtrace-md-image-ref')).toContainText('not loaded');
  const inline = markdown.locator('img[src^="data:image/png"]');
  await expect(inline).toBeVisible();
  expect(await inline.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24);
  const docs = markdown.locator('a', { hasText: 'docs' });
  await expect(docs).toHaveAttribute('target', '_blank');
  await expect(docs).toHaveAttribute('rel', /noreferrer/);
  const click = markdown.locator('a', { hasText: 'click me' });
  expect((await click.getAttribute('href')) ?? '').not.toMatch(/javascript/i);
  await click.click();
  await detail.scrollIntoViewIfNeeded();
  await detail.screenshot({ path: path.join(SCREENSHOTS, 'chat-markdown-light.png') });
  await page.theme.setDarkTheme();
  await detail.screenshot({ path: path.join(SCREENSHOTS, 'chat-markdown-dark.png') });
  await page.theme.setLightTheme();

  // Raw text: exactly what the model wrote, as text.
  await detail.getByRole('button', { name: 'show raw text' }).click();
  const raw = detail.locator('.nbtrace-chat-message[data-role="assistant"] .nbtrace-text-raw');
  await expect(raw).toContainText('<script>window.__nbtracePwned = 2</script>');
  await expect(detail.locator('.nbtrace-chat-message script')).toHaveCount(0);
  await detail.getByRole('button', { name: 'show markdown' }).click();
  await expect(markdown.locator('strong')).toHaveText('sunny');

  // Tabs by keyboard: → goes to the next tab and opens it.
  await chatTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(detail.getByRole('tab', { name: 'Inputs / Outputs' })).toBeFocused();
  await page.keyboard.press('End');
  const attributesTab = detail.getByRole('tab', { name: /^Attributes/ });
  await expect(attributesTab).toBeFocused();
  await expect(attributesTab).toHaveAttribute('aria-selected', 'true');
  await expect(detail.getByRole('tabpanel')).toContainText('gen_ai.operation.name');
  await page.keyboard.press('Home');
  await expect(chatTab).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(attributesTab).toBeFocused(); // wraps around
  await page.keyboard.press('Home');
  await expect(chatTab).toHaveAttribute('aria-selected', 'true');

  // The first LLM call: tools offered, and its tool call links to the tool span.
  await renderer.locator('[role="treeitem"]', { hasText: 'chat gpt-test' }).first().locator('.nbtrace-name').click();
  await expect(detail.locator('.nbtrace-chat-tools > summary')).toHaveText('tools offered (1): get_weather');
  await detail.getByRole('button', { name: '→ execute_tool get_weather' }).click();
  await expect(renderer.locator('[role="treeitem"][aria-selected="true"] .nbtrace-name')).toHaveText('execute_tool get_weather');

  expect(await page.evaluate(() => (window as unknown as { __nbtracePwned?: number }).__nbtracePwned)).toBeUndefined();
  expect(remote).toEqual([]);
  expect(dialogs).toEqual([]);
});
