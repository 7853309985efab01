/**
 * The span detail panel in the DOM: tabs (ARIA, lazy, remembered), the chat
 * view (roles, text as text, sanitized markdown with JupyterLab's real
 * Sanitizer, raw toggle, images, tools offered, tool call → tool span link),
 * cost in facts and header.
 */
import { Sanitizer } from '@jupyterlab/apputils/lib/sanitizer';
import { Trace } from '../../src/model/types';
import { markdownRenderer } from '../../src/common/markdown';
import { TraceView } from '../../src/tree/trace-view';
import { parseSpecs, spanHex } from '../helpers/synthetic';

const EVIL = '<img src=x onerror="window.__pwned=1"> **bold** <script>window.__pwned=2</script>';

function llmTrace(extra: Record<string, string | number> = {}): Trace {
  return parseSpecs([
    { id: 'root', start: 0, end: 20, kind: 'AGENT' },
    {
      id: 'llm',
      parent: 'root',
      start: 1,
      end: 5,
      kind: 'LLM',
      attributes: {
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': EVIL,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city": "Paris"}',
        'input.value': '{"q": 1}',
        'input.mime_type': 'application/json',
        ...extra
      }
    },
    { id: 'tool', parent: 'root', name: 'get_weather', start: 6, end: 8, kind: 'TOOL' },
    { id: 'other', parent: 'root', name: 'plain', start: 9, end: 10, attributes: { a: 1 } }
  ]);
}

/** A markdown parser standing in for marked: `**x**` → <strong>, HTML passed through as marked does. */
const passThroughParser = {
  render: async (source: string) => `<p>${source.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')}</p>`
};

function show(trace: Trace, markdown = false): TraceView {
  const view = new TraceView(trace, {
    markdown: markdown ? markdownRenderer({ sanitizer: new Sanitizer(), markdownParser: passThroughParser }) : undefined
  });
  document.body.appendChild(view.node);
  return view;
}

const tabs = (view: TraceView) => Array.from(view.node.querySelectorAll<HTMLElement>('[role="tab"]'));
const panel = (view: TraceView) => view.node.querySelector<HTMLElement>('[role="tabpanel"]')!;
const flush = () => new Promise(resolve => setTimeout(resolve, 0));

afterEach(() => {
  document.body.replaceChildren();
  delete (window as unknown as Record<string, unknown>).__pwned;
});

describe('detail tabs', () => {
  it('offers Chat, Inputs / Outputs and Attributes for an LLM span, as an ARIA tablist; only the open tab is built', () => {
    const view = show(llmTrace());
    view.select(spanHex('llm'));
    expect(tabs(view).map(t => t.textContent)).toEqual(['Chat (2)', 'Inputs / Outputs', expect.stringMatching(/^Attributes \(\d+\)$/)]);
    expect(view.node.querySelector('[role="tablist"]')).not.toBeNull();
    expect(tabs(view).map(t => t.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false']);
    expect(panel(view).getAttribute('aria-labelledby')).toBe(tabs(view)[0].id);
    expect(panel(view).querySelector('.nbtrace-chat')).not.toBeNull();
    expect(panel(view).textContent).not.toContain('input.mime_type'); // attributes not built yet
    view.dispose();
  });

  it('switches by click and by arrow keys, and reopens the chosen tab for the next span that has it', () => {
    const view = show(llmTrace());
    view.select(spanHex('llm'));
    tabs(view)[2].click();
    expect(panel(view).textContent).toContain('input.mime_type');
    tabs(view)[2].dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    expect(tabs(view)[0].getAttribute('aria-selected')).toBe('true'); // wraps around
    expect(document.activeElement).toBe(tabs(view)[0]);
    tabs(view)[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(panel(view).dataset.tab).toBe('attributes');
    view.select(spanHex('other')); // has no chat, but attributes: the remembered tab opens
    expect(tabs(view).map(t => t.textContent)).toEqual([expect.stringMatching(/^Attributes/)]);
    expect(panel(view).dataset.tab).toBe('attributes');
    view.select(spanHex('llm'));
    expect(panel(view).dataset.tab).toBe('attributes');
    view.dispose();
  });
});

describe('chat view', () => {
  it('without a markdown renderer shows message text as text, never as HTML', () => {
    const view = show(llmTrace());
    view.select(spanHex('llm'));
    const messages = Array.from(view.node.querySelectorAll<HTMLElement>('.nbtrace-chat-message'));
    expect(messages.map(m => m.dataset.role)).toEqual(['user', 'assistant']);
    expect(messages[0].querySelector('.nbtrace-text-body')!.textContent).toBe(EVIL);
    expect(view.node.querySelector('.nbtrace-detail img, .nbtrace-detail script')).toBeNull();
    expect(messages[1].querySelector('.nbtrace-chat-tool-name')!.textContent).toBe('get_weather(…)');
    expect(messages[1].textContent).toContain('Paris');
    view.dispose();
  });

  it('renders markdown through the sanitizer: no script, no handler, no remote image; raw toggle shows the text', async () => {
    const view = show(llmTrace(), true);
    view.select(spanHex('llm'));
    await flush();
    const body = view.node.querySelector<HTMLElement>('.nbtrace-chat-message .nbtrace-text-body')!;
    expect(body.classList.contains('nbtrace-markdown')).toBe(true);
    expect(body.querySelector('strong')!.textContent).toBe('bold');
    expect(body.querySelector('script, img, [onerror]')).toBeNull();
    expect(body.querySelector('.nbtrace-md-image-ref')!.textContent).toContain('not loaded');
    expect((window as unknown as Record<string, unknown>).__pwned).toBeUndefined();
    const toggle = view.node.querySelector<HTMLButtonElement>('.nbtrace-raw-toggle')!;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    toggle.click();
    const raw = view.node.querySelector<HTMLElement>('.nbtrace-chat-message .nbtrace-text-body')!;
    expect(raw.classList.contains('nbtrace-text-raw')).toBe(true);
    expect(raw.textContent).toBe(EVIL);
    expect(view.node.querySelector<HTMLButtonElement>('.nbtrace-raw-toggle')!.getAttribute('aria-pressed')).toBe('true');
    view.dispose();
  });

  it('keeps inline data images and https links (opened outside, no referrer); drops javascript: links', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const md = `![chart](${png}) [site](https://example.org) [bad](javascript:alert(1)) <a href="javascript:alert(2)">x</a>`;
    const parser = {
      render: async (s: string) =>
        `<p>${s
          .replace(/!\[(.*?)\]\((.*?)\)/g, '<img alt="$1" src="$2">')
          .replace(/\[(.*?)\]\((.*?)\)/g, '<a href="$2">$1</a>')}</p>`
    };
    const render = markdownRenderer({ sanitizer: new Sanitizer(), markdownParser: parser })!;
    const host = document.createElement('div');
    await render(host, md);
    expect(host.querySelector('img')!.getAttribute('src')).toBe(png);
    const links = Array.from(host.querySelectorAll('a'));
    const site = links.find(a => a.textContent === 'site')!;
    expect(site.getAttribute('href')).toBe('https://example.org');
    expect(site.getAttribute('rel')).toContain('noreferrer');
    expect(site.getAttribute('target')).toBe('_blank');
    for (const a of links.filter(a => a.textContent !== 'site')) {
      expect(a.getAttribute('href') ?? '').not.toMatch(/javascript/i);
    }
  });

  it('links a tool call to the span that ran it: by call id first (OTel GenAI), else by tool name', () => {
    const output = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { q: 'x' } }] }
    ]);
    const trace = parseSpecs([
      { id: 'root', start: 0, end: 20, kind: 'AGENT' },
      { id: 'llm', parent: 'root', start: 1, end: 2, kind: 'LLM', attributes: { 'gen_ai.output.messages': output } },
      { id: 'first', parent: 'root', name: 'lookup', start: 3, end: 4, kind: 'TOOL' },
      { id: 'second', parent: 'root', name: 'lookup', start: 5, end: 6, kind: 'TOOL', attributes: { 'gen_ai.tool.call.id': 'c1' } }
    ]);
    const view = show(trace);
    view.select(spanHex('llm'));
    const link = view.node.querySelector<HTMLButtonElement>('.nbtrace-chat-tool-link')!;
    expect(link.title).toContain(spanHex('second'));
    link.click();
    expect(view.selectedId).toBe(spanHex('second'));
    view.dispose();

    const byName = show(llmTrace());
    byName.select(spanHex('llm'));
    byName.node.querySelector<HTMLButtonElement>('.nbtrace-chat-tool-link')!.click();
    expect(byName.selectedId).toBe(spanHex('tool'));
    byName.dispose();
  });

  it('lists the tools offered and shows inline images, never loading a remote one', () => {
    const tools = JSON.stringify([{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object' } } }]);
    const inputs = JSON.stringify({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.org/cat.png' } }
          ]
        }
      ]
    });
    const trace = parseSpecs([
      { id: 'llm', start: 0, end: 3, kind: 'CHAT_MODEL', attributes: { 'mlflow.chat.tools': tools, 'mlflow.spanInputs': inputs } }
    ]);
    const view = show(trace);
    view.select(spanHex('llm'));
    expect(view.node.querySelector('.nbtrace-chat-tools summary')!.textContent).toBe('tools offered (1): get_weather');
    expect(view.node.querySelector('.nbtrace-chat-tools')!.textContent).toContain('Weather by city');
    const images = Array.from(view.node.querySelectorAll<HTMLImageElement>('.nbtrace-chat-image'));
    expect(images.map(i => i.getAttribute('src'))).toEqual(['data:image/png;base64,iVBORw0KGgo=']);
    expect(view.node.querySelector('.nbtrace-chat-image-ref')!.textContent).toBe('image: https://example.org/cat.png');
    view.dispose();
  });
});

describe('cost', () => {
  it('shows a span cost in the facts and the trace roll-up in the header, without double counting', () => {
    const trace = parseSpecs([
      { id: 'root', start: 0, end: 10, kind: 'AGENT', attributes: { 'llm.cost.total': 0.5 } },
      { id: 'llm', parent: 'root', start: 1, end: 5, kind: 'LLM', attributes: { 'llm.cost.prompt': 0.2, 'llm.cost.completion': 0.3 } },
      { id: 'solo', start: 11, end: 12, kind: 'LLM', attributes: { 'mlflow.llm.cost': '{"input_cost": 0.001, "output_cost": 0.002, "total_cost": 0.003}' } }
    ]);
    expect(trace.cost).toEqual({ total: 0.503 });
    const view = show(trace);
    expect(view.node.querySelector('.nbtrace-header')!.textContent).toContain('cost: $0.5030');
    view.select(spanHex('llm'));
    expect(view.node.querySelector('.nbtrace-facts')!.textContent).toContain('Cost$0.5000 ($0.2000 in · $0.3000 out)');
    view.select(spanHex('solo'));
    expect(view.node.querySelector('.nbtrace-facts')!.textContent).toContain('$0.003000 ($0.001000 in · $0.002000 out)');
    expect(view.node.querySelector('.nbtrace-summary')!.hasAttribute('title')).toBe(false);
    view.dispose();
  });

  it('shows an estimate (model and tokens, no reported cost) marked ≈, saying on what it rests', () => {
    const trace = parseSpecs([
      { id: 'root', start: 0, end: 10, kind: 'AGENT' },
      { id: 'llm', parent: 'root', start: 1, end: 5, kind: 'LLM', attributes: { 'llm.model_name': 'gpt-4o', 'llm.token_count.prompt': 1000, 'llm.token_count.completion': 500 } }
    ]);
    const view = show(trace);
    const summary = view.node.querySelector<HTMLElement>('.nbtrace-summary')!;
    expect(summary.textContent).toContain('cost: ≈$0.007500 (estimated)');
    expect(summary.title).toMatch(/^estimated from list prices of \d{4}-\d{2}-\d{2} \(nbtrace price table\); the trace reported no cost$/);
    view.select(spanHex('llm'));
    const dd = Array.from(view.node.querySelectorAll('.nbtrace-facts dd')).find(d => d.textContent!.startsWith('≈'))!;
    expect(dd.textContent).toBe('≈$0.007500 ($0.002500 in · $0.005000 out) · estimated');
    expect((dd as HTMLElement).title).toContain('the span reported no cost');
    view.dispose();
  });
});
