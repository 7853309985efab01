/**
 * Hostile and broken input in a real JupyterLab: a notebook whose SAVED
 * outputs are the whole corpus (tests/corpus/, one output per payload, built
 * by scripts/make-corpus-notebook.js at browser scale), uploaded unsigned and
 * opened untrusted, as a notebook from someone else arrives. Every output
 * shows something (a tree, with its warning, or an inline error); no page
 * error, no console error from nbtrace, no dialog, no request to any remote
 * host, and the canary the XSS payloads try to set stays unset — also after
 * clicking through the XSS outputs' spans and tabs (Chat renders markdown
 * with JupyterLab's real parser and sanitizer).
 */
import { expect, galata, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as path from 'path';
import { RENDERER } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { makeCorpusNotebook } = require('../../scripts/make-corpus-notebook.js') as {
  makeCorpusNotebook(options?: { scale?: string }): {
    notebook: { cells: unknown[] };
    items: { file: string; entry: { expect: 'tree' | 'error'; warning?: string; spans?: number; xss?: boolean }; asText: boolean }[];
  };
};

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

// Every cell rendered at once (no virtual notebook): each output must show.
test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/notebook-extension:tracker': {
      ...(galata.DEFAULT_SETTINGS['@jupyterlab/notebook-extension:tracker'] as Record<string, unknown>),
      windowingMode: 'none'
    }
  }
});

/** What must never happen, collected over the whole test. */
interface Incidents {
  pageErrors: string[];
  consoleErrors: string[];
  dialogs: string[];
  remote: string[];
}

function watch(page: Page): Incidents {
  const seen: Incidents = { pageErrors: [], consoleErrors: [], dialogs: [], remote: [] };
  page.on('pageerror', e => seen.pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
  page.on('console', m => {
    if (m.type() === 'error') {
      seen.consoleErrors.push(m.text());
    }
  });
  page.on('dialog', d => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', r => {
    const url = new URL(r.url());
    if (/^(https?|wss?|ftp):$/.test(url.protocol) && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      seen.remote.push(r.url());
    }
  });
  return seen;
}

/** No incident so far; console errors count when they come from nbtrace. */
async function expectClean(page: Page, seen: Incidents): Promise<void> {
  expect(seen.pageErrors).toEqual([]);
  expect(seen.consoleErrors.filter(t => /nbtrace/i.test(t))).toEqual([]);
  expect(seen.dialogs).toEqual([]);
  expect(seen.remote).toEqual([]);
  expect(await page.locator('.jp-Dialog').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __nbtracePwned?: unknown }).__nbtracePwned)).toBeUndefined();
  // The DOM rules of tests/corpus/dom-safety.ts, in the page, over every nbtrace output.
  const unsafe = await page.evaluate(() => {
    const forbidden =
      'script, iframe, frame, frameset, object, embed, applet, style, link, meta, base, form, svg, math, template, video, audio, source, track, portal';
    const problems: string[] = [];
    for (const root of Array.from(document.querySelectorAll('.nbtrace-root'))) {
      for (const e of Array.from(root.querySelectorAll(forbidden))) {
        problems.push(`<${e.tagName.toLowerCase()}>`);
      }
      for (const e of Array.from(root.querySelectorAll('*'))) {
        for (const a of Array.from(e.attributes)) {
          const name = a.name.toLowerCase();
          // eslint-disable-next-line no-control-regex
          const value = a.value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
          if (name.startsWith('on')) {
            problems.push(`${name} on <${e.tagName.toLowerCase()}>`);
          } else if ((name === 'href' || name === 'xlink:href') && /^(javascript|vbscript|data:text\/html)/.test(value)) {
            problems.push(`${name}=${a.value.slice(0, 40)}`);
          } else if (name === 'src' && !/^data:image\/(png|jpe?g|gif|webp|avif|bmp|svg\+xml);base64,/i.test(a.value)) {
            problems.push(`src=${a.value.slice(0, 40)}`);
          } else if (['srcset', 'poster', 'background', 'action', 'formaction', 'data', 'ping'].includes(name)) {
            problems.push(`${name} on <${e.tagName.toLowerCase()}>`);
          } else if (name === 'style' && /url\s*\(|expression\s*\(|@import/i.test(a.value)) {
            problems.push(`style=${a.value.slice(0, 40)}`);
          }
        }
      }
    }
    return problems;
  });
  expect(unsafe).toEqual([]);
}

test('the whole hostile corpus as saved outputs of an untrusted notebook: every output shows, nothing runs or loads', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300_000);
  const seen = watch(page);
  const { notebook, items } = makeCorpusNotebook({ scale: 'browser' });
  expect(items.length).toBeGreaterThanOrEqual(50);
  // Uploaded as a plain file, never signed: JupyterLab opens it untrusted.
  const file = `${tmpPath}/hostile-corpus.ipynb`;
  expect(await page.contents.uploadContent(JSON.stringify(notebook), 'text', file)).toBe(true);
  expect(await page.notebook.openByPath(file)).toBe(true);
  await page.notebook.activate('hostile-corpus.ipynb');

  const trusted = await page.evaluate(() => {
    type Cells = { length: number; get(i: number): { trusted: boolean } };
    const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { model: { cells: Cells } } } } } }).jupyterapp;
    const cells = app.shell.currentWidget.content.model.cells;
    return Array.from({ length: cells.length }, (_, i) => cells.get(i).trusted);
  });
  expect(trusted).toHaveLength(items.length);
  expect(trusted.every(t => t === false)).toBe(true);

  // Every output rendered by nbtrace (not the text/plain fallback), and not blank.
  await expect(page.locator(`.jp-Notebook ${RENDERER}`)).toHaveCount(items.length, { timeout: 120_000 });
  // A trace output shows a placeholder (its header) until it comes near the viewport: bring each into view to build it.
  await page.evaluate(async () => {
    for (const cell of Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell'))) {
      cell.scrollIntoView();
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    }
  });
  await expect(page.locator('.jp-Notebook .nbtrace-placeholder')).toHaveCount(0);
  const shown = await page.evaluate(renderer => {
    return Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).map(cell => {
      const root = cell.querySelector(renderer);
      const warnings = Array.from(root?.querySelectorAll<HTMLElement>('.nbtrace-warnings') ?? []).filter(w => !w.hidden);
      return {
        rendered: root !== null,
        text: (root?.textContent ?? '').trim().length,
        trees: root?.querySelectorAll('[role="tree"]').length ?? 0,
        rows: root?.querySelectorAll('[role="treeitem"]').length ?? 0,
        error: root?.querySelector('[role="alert"] .nbtrace-error-message')?.textContent ?? null,
        raw: root?.querySelector('[role="alert"] .nbtrace-raw') !== null,
        warnings: warnings.map(w => w.textContent ?? '').join('\n')
      };
    });
  }, RENDERER);
  expect(shown).toHaveLength(items.length);
  shown.forEach((s, i) => {
    const { file, entry } = items[i];
    const where = `output ${i} (${file})`;
    expect(s.rendered, where).toBe(true);
    expect(s.text, where).toBeGreaterThan(0);
    expect(s.error ?? '', where).not.toMatch(/nbtrace failed to render|internal error/);
    if (entry.expect === 'error') {
      expect(s.error, where).not.toBeNull();
      expect(s.raw, where).toBe(true);
      if (entry.warning) {
        expect(s.error, where).toMatch(new RegExp(entry.warning));
      }
    } else {
      expect(s.error, where).toBeNull();
      expect(s.trees, where).toBeGreaterThan(0);
      if (entry.spans !== 0) {
        expect(s.rows, where).toBeGreaterThan(0);
      }
      if (entry.warning) {
        expect(s.warnings, where).toMatch(new RegExp(entry.warning));
      }
    }
  });
  await expectClean(page, seen);

  // Click into a few XSS outputs (jsdom opens every tab of every span; here the real markdown):
  // each span selected, its Chat tab (else its first tab) opened; then a search for the payload.
  const cells = page.locator('.jp-Notebook .jp-CodeCell');
  const at = (file: string) => cells.nth(items.findIndex(it => it.file === file)).locator(RENDERER);
  for (const file of ['xss-mlflow-openai.json', 'xss-otlp-genai.json', 'xss-openinference.json', 'xss-markdown-only.json']) {
    const renderer = at(file);
    await renderer.scrollIntoViewIfNeeded();
    await renderer.getByRole('button', { name: 'Expand all' }).click();
    const rows = renderer.locator('[role="treeitem"]');
    const detail = renderer.getByRole('region', { name: 'Span details' });
    for (let r = 0; r < (await rows.count()); r++) {
      await rows.nth(r).locator('.nbtrace-name').click();
      const chat = detail.getByRole('tab', { name: /^Chat/ });
      if ((await chat.count()) > 0) {
        await chat.click();
        await expect(detail.locator('.nbtrace-chat-message').first()).toBeVisible();
      } else if ((await detail.getByRole('tab').count()) > 0) {
        await detail.getByRole('tab').last().click();
      }
    }
    const search = renderer.getByRole('searchbox');
    await search.fill('<script');
    await search.press('Enter');
  }
  // The assistant's markdown in the real parser: bold rendered, the vectors inert.
  const markdown = at('xss-markdown-only.json').locator('.nbtrace-markdown').first();
  await expect(markdown.locator('strong').first()).toBeVisible();
  // Markdown renders asynchronously: give images / handlers a moment to (not) fire.
  await page.waitForTimeout(500);
  await expectClean(page, seen);
  // One output with a warning, one with an error: how they look.
  const warned = at('cycle-long-with-tail.json');
  await warned.scrollIntoViewIfNeeded();
  await warned.locator('.nbtrace-warnings summary').click();
  await expect(warned.locator('.nbtrace-warnings li').first()).toBeVisible();
  const failed = at('xss-error-object.json');
  await failed.scrollIntoViewIfNeeded();
  await failed.locator('[role="alert"] summary').click();
  await expect(failed.locator('.nbtrace-raw')).toBeVisible();
  await warned.screenshot({ path: path.join(SCREENSHOTS, 'hostile-warning-light.png') });
  await failed.screenshot({ path: path.join(SCREENSHOTS, 'hostile-error-light.png') });
  await page.theme.setDarkTheme();
  await warned.screenshot({ path: path.join(SCREENSHOTS, 'hostile-warning-dark.png') });
  await failed.screenshot({ path: path.join(SCREENSHOTS, 'hostile-error-dark.png') });
  await page.theme.setLightTheme();
  await expectClean(page, seen);
  if (seen.consoleErrors.length > 0) {
    console.log(`[hostile] console errors not from nbtrace (allowed):\n${seen.consoleErrors.join('\n')}`);
  }
});
