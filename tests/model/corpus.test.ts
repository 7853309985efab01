/**
 * The hostile-input corpus (tests/corpus/, see its manifest.json): every
 * payload through parsePayload and through the real TraceRenderer and
 * TraceView in jsdom — every span selected (the first 200), every detail tab
 * opened (markdown through JupyterLab's real Sanitizer), searched, the tree
 * tools used. Nothing may throw, the output is never blank (a tree, with the
 * expected warning shown, or an inline error with the raw payload), and no
 * active HTML, handler, script URL or remote fetch ever reaches the DOM.
 */
import { Sanitizer } from '@jupyterlab/apputils/lib/sanitizer';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { parsePayload, ParseResult, Span } from '../../src/model';
import { MIME_TYPE, TraceRenderer } from '../../src/renderer';
import { ExpansionState } from '../../src/rows/expansion';
import { TraceView } from '../../src/tree/trace-view';
import { unsafeNodes } from '../corpus/dom-safety';
import { checkRows, checkTrace } from '../corpus/invariants';
import { mimeModel, mountRenderer } from '../helpers/renderer';

interface Entry {
  expect: 'tree' | 'error';
  warning?: string;
  spans?: number;
  why: string;
  xss?: boolean;
  generated?: boolean;
}
interface Item {
  file: string;
  entry: Entry;
  load(): unknown;
}
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { corpus, generate } = require('../corpus/generate.js') as {
  corpus(scale?: string): Item[];
  generate(spec: Record<string, unknown>): unknown;
};

const ITEMS = corpus('full');
/** Spans selected (and their tabs opened) per trace. */
const SELECT_MAX = 200;

/**
 * A markdown parser standing in for JupyterLab's (marked): links, images,
 * reference images and bold become HTML, and raw HTML passes through as
 * marked passes it — the sanitizer and markdown.ts must make it safe.
 */
const markedLike = {
  render: async (source: string): Promise<string> => {
    const refs = new Map<string, string>();
    const body = source.replace(/^\[([^\]]+)\]:\s*(\S+)\s*$/gm, (_m, id: string, url: string) => {
      refs.set(id.toLowerCase(), url);
      return '';
    });
    const html = body
      .replace(/!\[([^\]]*)\]\[([^\]]+)\]/g, (_m, alt: string, id: string) => `<img alt="${alt}" src="${refs.get(id.toLowerCase()) ?? ''}">`)
      .replace(/!\[([^\]]*)\]\(([^)\s]*)\)/g, '<img alt="$1" src="$2">')
      .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
    return html
      .split(/\n{2,}/)
      .map(p => `<p>${p}</p>`)
      .join('\n');
  }
};

const renderer = () =>
  mountRenderer({ sanitizer: new Sanitizer(), markdownParser: markedLike } as Partial<IRenderMime.IRendererOptions>);
const model = mimeModel;

const flush = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 0));
const canary = (): unknown => (window as unknown as Record<string, unknown>).__nbtracePwned;

/** Every detail tab of the selected span opened (markdown rendered), raw text toggled there and back. */
async function openEveryTab(view: TraceView): Promise<void> {
  const count = view.node.querySelectorAll('.nbtrace-detail [role="tab"]').length;
  for (let i = 0; i < count; i++) {
    // The panel is rebuilt by the raw toggle: look the tab up again each time.
    view.node.querySelectorAll<HTMLElement>('.nbtrace-detail [role="tab"]')[i]?.click();
    await flush();
    const toggle = view.node.querySelector<HTMLButtonElement>('.nbtrace-detail .nbtrace-raw-toggle');
    if (toggle) {
      toggle.click();
      await flush();
      view.node.querySelector<HTMLButtonElement>('.nbtrace-detail .nbtrace-raw-toggle')?.click();
      await flush();
    }
  }
}

/** The tools a user reaches for on a strange trace. */
function useTools(view: TraceView): void {
  view.tools.search('<script');
  view.tools.search('lorem');
  view.tools.search('name=level');
  view.tools.setMatchesOnly(true);
  view.tools.search('');
  view.tools.setMatchesOnly(false);
  view.tools.setCriticalPath(true);
  view.tools.changeDepth(1);
  view.tools.changeDepth(-1);
  view.tools.collapseShorterThan(1);
  view.tools.selectNextError(1);
  view.tools.zoom([0, Math.max(1, view.trace.duration / 2)]);
  view.tools.zoom(null);
  view.tools.setCriticalPath(false);
  if (view.trace.spans.length <= 5000) {
    view.expandAll();
    view.collapseAll();
  }
  // The keyboard and the mouse on the tree (errors in listeners surface as window "error" events).
  const tree = view.node.querySelector<HTMLElement>('[role="tree"]')!;
  tree.focus();
  for (const key of ['Home', 'ArrowDown', 'ArrowDown', 'ArrowRight', '*', 'ArrowRight', 'End', 'ArrowLeft', 'PageUp', 'PageDown', 'Enter', ' ', 'l', '<', 'Escape']) {
    tree.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  }
  const row = view.node.querySelector<HTMLElement>('[role="treeitem"] .nbtrace-name');
  row?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  row?.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
}

afterEach(() => {
  document.body.replaceChildren();
  delete (window as unknown as Record<string, unknown>).__nbtracePwned;
});

describe('the corpus', () => {
  it('has at least 50 items, each with an expected outcome and a reason', () => {
    expect(ITEMS.length).toBeGreaterThanOrEqual(50);
    for (const { entry } of ITEMS) {
      expect(['tree', 'error']).toContain(entry.expect);
      expect(entry.why.length).toBeGreaterThan(5);
    }
  });
});

/** A parse result as the manifest expects it; traces checked for soundness. */
function checkOutcome(r: ParseResult, entry: Entry): void {
  if (!r.ok) {
    expect(r.error).not.toMatch(/internal error/);
    expect(entry.expect).toBe('error');
    if (entry.warning) {
      expect(r.error).toMatch(new RegExp(entry.warning));
    }
    return;
  }
  const spans = r.traces.reduce((n, t) => n + t.spans.length, 0);
  if (entry.expect === 'error') {
    // Readable, but nothing to show: the renderer says so.
    expect(spans).toBe(0);
    return;
  }
  if (entry.spans !== undefined) {
    expect(spans).toBe(entry.spans);
  }
  if (entry.warning) {
    expect(r.traces.flatMap(t => t.warnings).join('\n')).toMatch(new RegExp(entry.warning));
  }
  for (const t of r.traces) {
    checkTrace(t);
    if (t.spans.length <= 50_000) {
      checkRows(t, new ExpansionState());
      const all = new ExpansionState();
      all.expandAll();
      checkRows(t, all);
    }
  }
}

/**
 * Render the payload, check what shows, then select spans (opening every
 * tab) and use the tools; finally no active HTML anywhere. `select` picks the
 * spans of a trace to select. Returns the renderer (its views hold the traces).
 */
async function renderAndUse(payload: unknown, entry: Entry, select: (spans: readonly Span[]) => Span[]): Promise<TraceRenderer> {
  const uncaught: unknown[] = [];
  const onError = (e: ErrorEvent): void => void uncaught.push(e.error ?? e.message);
  window.addEventListener('error', onError);
  try {
    return await renderAndUseInner(payload, entry, select);
  } finally {
    window.removeEventListener('error', onError);
    expect(uncaught).toEqual([]);
  }
}

async function renderAndUseInner(payload: unknown, entry: Entry, select: (spans: readonly Span[]) => Span[]): Promise<TraceRenderer> {
  const r = renderer();
  await r.renderModel(model(payload));
  await flush();
  const text = r.node.textContent ?? '';
  expect(text).not.toMatch(/nbtrace failed to render|internal error/);
  expect(text.trim().length).toBeGreaterThan(0);

  const alert = r.node.querySelector('[role="alert"]');
  if (entry.expect === 'error') {
    expect(alert).not.toBeNull();
    const message = alert!.querySelector('.nbtrace-error-message')!.textContent!;
    expect(message.length).toBeGreaterThan(10);
    if (entry.warning) {
      expect(message).toMatch(new RegExp(entry.warning));
    }
    const raw = alert!.querySelector('.nbtrace-raw');
    expect(raw).not.toBeNull();
    if (typeof payload !== 'string' || payload.trim() !== '') {
      expect(raw!.textContent!.length).toBeGreaterThan(0);
    }
  } else {
    expect(alert).toBeNull();
    expect(r.views.length).toBeGreaterThan(0);
    expect(r.node.querySelectorAll('[role="tree"]').length).toBe(r.views.length);
    if (entry.spans !== 0) {
      expect(r.node.querySelectorAll('[role="treeitem"]').length).toBeGreaterThan(0);
    }
    if (entry.warning) {
      const shown = Array.from(r.node.querySelectorAll<HTMLElement>('.nbtrace-warnings')).filter(w => !w.hidden);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.map(w => w.textContent).join('\n')).toMatch(new RegExp(entry.warning));
    }
    for (const view of r.views as TraceView[]) {
      for (const span of select(view.trace.spans)) {
        view.select(span.id);
        expect(view.node.querySelector('.nbtrace-detail-name')?.textContent).toBe(span.name);
        await openEveryTab(view);
      }
      useTools(view);
      await flush();
    }
  }
  expect(unsafeNodes(r.node)).toEqual([]);
  expect(canary()).toBeUndefined();
  if (entry.xss) {
    // Shown, as text: nothing was dropped to be safe.
    expect(r.node.textContent).toContain('__nbtracePwned');
  }
  return r;
}

const SMALL = ITEMS.filter(i => !i.entry.generated);
const GENERATED = ITEMS.filter(i => i.entry.generated);

describe.each(SMALL.map(i => [i.file, i] as const))('%s', (_file, item) => {
  it('parsePayload: the expected outcome, sound traces, no internal error', () => {
    checkOutcome(parsePayload(item.load()), item.entry);
  });

  it('renders a tree or an inline error, never blank, never active HTML; every span selected, every tab opened', async () => {
    const r = await renderAndUse(item.load(), item.entry, spans => spans.slice(0, SELECT_MAX));
    r.dispose();
  });
});

describe.each(GENERATED.map(i => [i.file, i] as const))('%s (generated at full size)', (_file, item) => {
  it(
    'renders (one parse: the views hold the traces), sound traces, the first and last spans selected, tools used',
    async () => {
      // Parsing 200k spans is the expensive part: check the traces the renderer parsed.
      const r = await renderAndUse(item.load(), item.entry, spans => [...spans.slice(0, 20), ...spans.slice(-3)]);
      checkOutcome({ ok: true, traces: r.views.map(v => v.trace) }, item.entry);
      r.dispose();
    },
    120_000
  );
});

/** Focused tests for the parser bugs the corpus found (each failed before its fix). */
describe('bugs the corpus found', () => {
  const otlpSpan = (spanId: string, start: unknown, end: unknown, extra: Record<string, unknown> = {}) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    parentSpanId: '',
    name: spanId,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    ...extra
  });
  const otlp = (...spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

  it('a time beyond any date is read as missing, never as an Infinity duration (time.ts)', () => {
    const r = parsePayload(
      otlp(
        otlpSpan('0000000000000001', '1700000000000000000', '9'.repeat(400), {
          events: [{ name: 'far', timeUnixNano: '1' + '0'.repeat(40) }]
        })
      )
    );
    expect(r.ok).toBe(true);
    const t = r.ok ? r.traces[0] : undefined;
    expect(Number.isFinite(t!.duration)).toBe(true);
    expect(t!.spans[0].end).toBeUndefined();
    expect(t!.spans[0].events[0].time).toBeUndefined();
  });

  it('megabytes of digits in a time field are not parsed as a number (time.ts)', () => {
    const { toNs } = jest.requireActual('../../src/model/time') as typeof import('../../src/model/time');
    expect(toNs('9'.repeat(1_000_000))).toBeUndefined();
    expect(toNs(` 1700000000000000000 `)).toBe(1700000000000000000n);
    expect(toNs(2 ** 70)).toBeUndefined();
  });

  it('an attribute named __proto__ stays an attribute and cannot forge inherited ones (attributes.ts)', () => {
    const forged = '{"mlflow.spanInputs": "forged", "openinference.span.kind": "LLM"}';
    const mlflow = {
      info: { trace_id: 'tr-1', state: 'OK' },
      data: {
        spans: [
          {
            span_id: 'AAAAAAAAAAE=',
            name: 'x',
            start_time_unix_nano: 1,
            end_time_unix_nano: 2,
            attributes: JSON.parse(`{"__proto__": ${JSON.stringify(forged)}, "real": "\\"yes\\""}`)
          }
        ]
      }
    };
    const kvlist = otlp(
      otlpSpan('0000000000000001', 1, 2, {
        attributes: [
          { key: '__proto__', value: { kvlistValue: { values: [{ key: 'input.value', value: { stringValue: 'forged' } }] } } },
          { key: 'nested', value: { kvlistValue: { values: [{ key: '__proto__', value: { stringValue: 'kept' } }] } } }
        ]
      })
    );
    for (const payload of [mlflow, kvlist]) {
      const r = parsePayload(payload);
      const s = r.ok ? r.traces[0].spans[0] : undefined;
      expect(Object.keys(s!.attributes)).toContain('__proto__');
      expect(Object.getPrototypeOf(s!.attributes)).toBe(Object.prototype);
      expect(s!.inputs).toBeUndefined();
      expect(s!.kind).toBe('UNKNOWN');
    }
    const nested = parsePayload(kvlist);
    const attrs = nested.ok ? (nested.traces[0].spans[0].attributes.nested as Record<string, unknown>) : {};
    expect(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value).toBe('kept');
  });

  it('"matches only" opens each path once: a 3,000-deep chain where every span matches is linear, not quadratic (revealSpan, setMatchesOnly)', () => {
    const n = 3000;
    const r = parsePayload(generate({ shape: 'chain', format: 'otlp', n }));
    const view = new TraceView(r.ok ? r.traces[0] : (undefined as never), {});
    view.tools.search('name=level');
    const isExpanded = jest.spyOn(ExpansionState.prototype, 'isExpanded');
    const setExpanded = jest.spyOn(ExpansionState.prototype, 'setExpanded');
    try {
      view.tools.setMatchesOnly(true);
      // Before: every match walked up to the root (n²/2 = 4.5 million steps).
      expect(isExpanded.mock.calls.length + setExpanded.mock.calls.length).toBeLessThan(20 * n);
      expect(view.rows).toHaveLength(n);
    } finally {
      isExpanded.mockRestore();
      setExpanded.mockRestore();
      view.dispose();
    }
  });

  it('payload keys named like Object.prototype members are data, not lookups (kind.ts, attributes.ts)', () => {
    const one = (attributes: unknown[]) => {
      const r = parsePayload(otlp(otlpSpan('0000000000000001', '1', '2', { attributes })));
      return r.ok ? r.traces[0].spans[0] : (undefined as never);
    };
    for (const op of ['constructor', '__proto__', 'toString']) {
      const s = one([{ key: 'gen_ai.operation.name', value: { stringValue: op } }]);
      expect(s.kind).toBe('LLM'); // an unknown operation: the gen_ai.* rule
    }
    // Not an AnyValue (no variant key of its own): kept whole, not unwrapped to 5.
    const s = one([{ key: 'k', value: { constructor: 5, keep: 'me' } }]);
    expect(s.attributes.k).toEqual({ constructor: 5, keep: 'me' });
  });

  it('a search for constructor=… or __proto__=… does not throw (the search)', () => {
    const r = parsePayload(otlp(otlpSpan('0000000000000001', '1', '2')));
    const view = new TraceView(r.ok ? r.traces[0] : (undefined as never), {});
    for (const q of ['constructor=x', '__proto__=x', 'valueOf=', 'hasOwnProperty=name']) {
      expect(() => view.tools.search(q)).not.toThrow();
      expect(view.tools.searchState.matches).toHaveLength(0);
    }
    view.dispose();
  });

  it('the DOM check catches what it must (so a clean result means something)', () => {
    const host = document.createElement('div');
    host.innerHTML =
      '<script></script><img src="https://x.invalid/a.png" onerror="x()"><a href=" java\tscript:x()">a</a>' +
      '<div style="background:url(https://x.invalid/b.png)"></div><img src="data:image/png;base64,AAAA"><a href="https://ok.example">ok</a>';
    const problems = unsafeNodes(host);
    expect(problems).toEqual([
      '<script> element',
      'src that is not an inline image on <img>: https://x.invalid/a.png',
      'onerror attribute on <img>',
      'script URL in href of <a>:  java\tscript:x()',
      'style with url()/expression on <div>'
    ]);
  });

  it('warns about a trace without spans, spans without a start, and start times in mixed units (build.ts)', () => {
    const warnings = (payload: unknown): string => {
      const r = parsePayload(payload);
      return r.ok ? r.traces.flatMap(t => t.warnings).join('\n') : r.error;
    };
    expect(warnings({ traceID: 'abc', spans: [], processes: {} })).toMatch(/no spans/);
    expect(warnings(otlp(otlpSpan('0000000000000001', 'soon', '5')))).toMatch(/no readable start time/);
    expect(warnings(otlp(otlpSpan('0000000000000001', '1700000000', '1700000001'), otlpSpan('0000000000000002', '1700000000000000000', '1700000000000000001')))).toMatch(
      /mix units/
    );
    // Small fake times alone (test payloads) and real epoch times alone are fine.
    expect(warnings(otlp(otlpSpan('0000000000000001', '100', '200'), otlpSpan('0000000000000002', '150', '160')))).toBe('');
  });
});
