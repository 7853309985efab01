/**
 * Settings: the schema's defaults are the viewer's, bad values fall back to
 * defaults, and a change applies to the traces already on screen (row height,
 * tree height, timeline, expansion defaults, traces per output).
 */
import * as fs from 'fs';
import * as path from 'path';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME_TYPE, TraceRenderer } from '../src/renderer';
import { applySettings, DEFAULT_SETTINGS, getSettings, rowHeightFor } from '../src/settings';
import { otlpDoc, SpanSpec } from './helpers/synthetic';

function renderer(): TraceRenderer {
  const r = new TraceRenderer({ mimeType: MIME_TYPE } as unknown as IRenderMime.IRendererOptions);
  document.body.appendChild(r.node);
  return r;
}

function model(data: unknown): IRenderMime.IMimeModel {
  return { data: { [MIME_TYPE]: data }, metadata: {}, trusted: false, setData: () => undefined } as unknown as IRenderMime.IMimeModel;
}

/** root → a → b → c, and 30 leaves under root. */
function specs(): SpanSpec[] {
  const out: SpanSpec[] = [
    { id: 'root', start: 0, end: 100 },
    { id: 'a', parent: 'root', start: 1, end: 90 },
    { id: 'b', parent: 'a', start: 2, end: 80 },
    { id: 'c', parent: 'b', start: 3, end: 70 }
  ];
  for (let i = 0; i < 30; i++) {
    out.push({ id: `leaf${i}`, parent: 'root', start: 4 + i, end: 5 + i });
  }
  return out;
}

afterEach(() => {
  applySettings({});
  document.body.replaceChildren();
});

describe('settings', () => {
  it("the schema's defaults are the viewer's defaults (JupyterLab needs them in both places)", () => {
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'schema', 'plugin.json'), 'utf-8')) as {
      properties: Record<string, { default: unknown }>;
    };
    const fromSchema = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, v.default]));
    expect(fromSchema).toEqual(DEFAULT_SETTINGS);
    expect(schema.properties.rowDensity.default).toBe('comfortable');
    expect(rowHeightFor('comfortable')).toBe(24);
    expect(rowHeightFor('compact')).toBe(20);
  });

  it('bad values fall back to the defaults', () => {
    applySettings({ defaultExpandDepth: -1, maxVisibleRows: 0, rowDensity: 'huge', timelineVisible: 'yes', maxTracesPerOutput: 2.7 });
    expect(getSettings()).toEqual({ ...DEFAULT_SETTINGS, maxTracesPerOutput: 2 });
  });

  it('a change applies to an open trace: density, height, timeline, expansion depth', async () => {
    const r = renderer();
    await r.renderModel(model(otlpDoc(specs())));
    const view = r.views[0];
    const viewport = r.node.querySelector<HTMLElement>('.nbtrace-viewport')!;
    expect(viewport.style.height).toBe(`${16 * 24}px`);
    expect(view.rows.length).toBe(34); // depth < 3 open: root, a, b, c and 30 leaves

    applySettings({ rowDensity: 'compact', maxVisibleRows: 10, timelineVisible: false, defaultExpandDepth: 1 });
    expect(viewport.style.height).toBe(`${10 * 20}px`);
    expect(r.node.querySelector<HTMLElement>('[role="treeitem"]')!.style.height).toBe('20px');
    expect(view.node.classList.contains('nbtrace-no-timeline')).toBe(true);
    expect(view.rows.length).toBe(32); // only the root open now: root, a and 30 leaves

    applySettings({});
    expect(viewport.style.height).toBe(`${16 * 24}px`);
    expect(view.node.classList.contains('nbtrace-no-timeline')).toBe(false);
    r.dispose();
  });

  it('shows an output over the cap as the trace list, and re-renders when the cap changes', async () => {
    applySettings({ maxTracesPerOutput: 2 });
    const r = renderer();
    const docs = [1, 2, 3, 4].map(i => otlpDoc([{ id: 'root', start: 0, end: i }], `t${i}`));
    await r.renderModel(model(docs));
    expect(r.node.querySelectorAll('[role="tree"]')).toHaveLength(0);
    expect(r.node.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).toBe('5');
    expect(r.node.querySelector('.nbtrace-list-note')!.textContent).toContain('more than 2 traces in one output');
    applySettings({ maxTracesPerOutput: 3 });
    expect(r.node.querySelector('.nbtrace-list-note')!.textContent).toContain('more than 3 traces in one output');
    applySettings({});
    expect(r.node.querySelectorAll('[role="tree"]')).toHaveLength(4);
    expect(r.node.querySelector('.nbtrace-list')).toBeNull();
    r.dispose();
  });

  it('a newer payload over the cap updates the list in place, without moving its node (its scroll stays)', async () => {
    applySettings({ maxTracesPerOutput: 2 });
    const r = renderer();
    const docs = [1, 2, 3, 4].map(i => otlpDoc([{ id: 'root', start: 0, end: i }], `t${i}`));
    await r.renderModel(model(docs.slice(0, 3)));
    const list = r.node.querySelector('.nbtrace-list')!;
    // jsdom keeps scroll offsets of a moved node: watch for the move itself.
    const moves = jest.spyOn(r.node, 'replaceChildren');
    const inserts = jest.spyOn(r.node, 'insertBefore');
    await r.renderModel(model(docs));
    expect(moves).not.toHaveBeenCalled();
    expect(inserts).not.toHaveBeenCalled();
    expect(r.node.querySelector('.nbtrace-list')).toBe(list);
    expect(r.node.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).toBe('5');
    r.dispose();
  });

  it('a disposed renderer stops listening', async () => {
    const r = renderer();
    await r.renderModel(model(otlpDoc(specs())));
    r.dispose();
    expect(() => applySettings({ rowDensity: 'compact' })).not.toThrow();
  });
});

describe('settings and the user\'s own choices', () => {
  it('a look-only change (timeline, density) keeps the depth the user set with ± level', async () => {
    const r = renderer();
    await r.renderModel(model(otlpDoc(specs())));
    const view = r.views[0];
    view.tools.changeDepth(-1);
    view.tools.changeDepth(-1);
    const rows = view.rows.length;
    applySettings({ timelineVisible: false });
    expect(view.rows.length).toBe(rows);
    applySettings({ timelineVisible: false, defaultExpandDepth: 5 }); // a real expansion change applies
    expect(view.rows.length).toBe(34);
    r.dispose();
  });
});
