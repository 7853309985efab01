/**
 * Helpers for nbtrace's galata tests. galata already makes most things one line
 * (page.notebook.createNew / setCell / runCell / getCellOutputLocator); these
 * wrap the few steps every nbtrace test repeats.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

export const MIME_TYPE = 'application/vnd.nbtrace.trace+json';

/** CSS selector of the nbtrace renderer's root node inside an output. */
export const RENDERER = '.nbtrace-root';

/**
 * Create a notebook (optionally named), put `code` in its first cell, run it
 * and wait for the kernel to finish; returns the locator of that cell's output.
 */
export async function runInNewNotebook(
  page: IJupyterLabPageFixture,
  code: string,
  name?: string
): Promise<Locator> {
  await page.notebook.createNew(name);
  return runCode(page, code, 0);
}

/** Set cell `index` of the open notebook to `code`, run it and wait; returns its output. */
export async function runCode(
  page: IJupyterLabPageFixture,
  code: string,
  index = 0
): Promise<Locator> {
  await page.notebook.setCell(index, 'code', code);
  await page.notebook.runCell(index);
  const output = await page.notebook.getCellOutputLocator(index);
  if (!output) {
    throw new Error(`cell ${index} has no output after running:\n${code}`);
  }
  return output;
}

/**
 * Python code that displays the JSON file `file` (relative to the notebook) as
 * an nbtrace output, without going through the nbtrace Python package. Kept
 * short on purpose: galata types cell sources key by key.
 */
export function displayFileCode(file: string, mimeType = MIME_TYPE): string {
  return [
    'import json; from IPython.display import display',
    `display({${JSON.stringify(mimeType)}: json.load(open(${JSON.stringify(file)}))}, raw=True)`
  ].join('\n');
}

/**
 * Upload `payload` (any JSON value, or a string for non-JSON formats such as
 * JSON Lines: then displayed as a string) next to a new notebook in `tmpPath`,
 * display it with the nbtrace MIME type and wait until the nbtrace renderer
 * shows; returns the renderer's locator.
 */
export async function showTrace(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  payload: unknown,
  name = 'trace.ipynb'
): Promise<Locator> {
  const file = name.replace(/\.ipynb$/, '') + '.payload.json';
  // A string payload is uploaded as a JSON string so json.load returns it as-is.
  await page.contents.uploadContent(JSON.stringify(payload), 'text', `${tmpPath}/${file}`);
  const output = await runInNewNotebook(page, displayFileCode(file), name);
  const renderer = output.locator(RENDERER);
  await renderer.first().waitFor({ state: 'visible' });
  return renderer;
}

/** A tiny valid OTLP/JSON trace: a root span with one child. */
export function tinyOtlpTrace(): unknown {
  const start = BigInt(Date.UTC(2025, 0, 1)) * 1_000_000n;
  const ns = (ms: number) => (start + BigInt(ms) * 1_000_000n).toString();
  const traceId = '5b8efff798038103d269b633813fc60c';
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'smoke' } }] },
        scopeSpans: [
          {
            scope: { name: 'nbtrace-ui-tests' },
            spans: [
              {
                traceId,
                spanId: 'eee19b7ec3c1b174',
                parentSpanId: '',
                name: 'agent',
                kind: 1,
                startTimeUnixNano: ns(0),
                endTimeUnixNano: ns(1200),
                attributes: [],
                status: { code: 1 }
              },
              {
                traceId,
                spanId: 'eee19b7ec3c1b175',
                parentSpanId: 'eee19b7ec3c1b174',
                name: 'llm.chat',
                kind: 3,
                startTimeUnixNano: ns(100),
                endTimeUnixNano: ns(900),
                attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-test' } }],
                status: { code: 1 }
              }
            ]
          }
        ]
      }
    ]
  };
}
