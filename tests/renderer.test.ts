import { TraceRenderer, MIME_TYPE } from '../src/renderer';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { otlpDoc } from './helpers/synthetic';
import { mimeModel, mountRenderer } from './helpers/renderer';

const renderer = () => mountRenderer();
const model = mimeModel;

afterEach(() => document.body.replaceChildren());

describe('TraceRenderer', () => {
  it('renders a trace as a tree', async () => {
    const r = renderer();
    await r.renderModel(model(otlpDoc([{ id: 'root', start: 0, end: 10 }])));
    expect(r.node.querySelectorAll('[role="tree"]')).toHaveLength(1);
    expect(r.node.querySelectorAll('[role="treeitem"]')).toHaveLength(1);
  });

  it('shows one tree per trace for a list of traces', async () => {
    const r = renderer();
    await r.renderModel(
      model([otlpDoc([{ id: 'a', start: 0, end: 1 }], 't1'), otlpDoc([{ id: 'b', start: 0, end: 1 }], 't2')])
    );
    expect(r.node.querySelectorAll('[role="tree"]')).toHaveLength(2);
  });

  it.each([[null], [42], ['hello'], [{ foo: 1 }], [[]], [{ resourceSpans: 'x' }]])(
    'shows a clear inline message and the raw JSON for %p',
    async data => {
      const r = renderer();
      await expect(r.renderModel(model(data))).resolves.toBeUndefined();
      const alert = r.node.querySelector('[role="alert"]');
      expect(alert).not.toBeNull();
      expect(alert!.querySelector('.nbtrace-error-message')!.textContent!.length).toBeGreaterThan(10);
      expect(r.node.querySelector('.nbtrace-raw')).not.toBeNull();
    }
  );

  it('reuses the view of the same trace on a newer payload', async () => {
    const r = renderer();
    await r.renderModel(model(otlpDoc([{ id: 'root', start: 0, end: 10 }])));
    const first = r.views[0];
    await r.renderModel(
      model(otlpDoc([{ id: 'root', start: 0, end: 10 }, { id: 'kid', parent: 'root', start: 1, end: 2 }]))
    );
    expect(r.views[0]).toBe(first);
    expect(r.node.querySelectorAll('[role="treeitem"]')).toHaveLength(2);
  });

  it('does not move a kept view in the DOM (a detach would reset its scroll offsets)', async () => {
    const r = renderer();
    await r.renderModel(model(otlpDoc([{ id: 'root', start: 0, end: 10 }])));
    const insert = jest.spyOn(r.node, 'insertBefore');
    const append = jest.spyOn(r.node, 'appendChild');
    await r.renderModel(
      model(otlpDoc([{ id: 'root', start: 0, end: 10 }, { id: 'kid', parent: 'root', start: 1, end: 2 }]))
    );
    expect(insert).not.toHaveBeenCalled();
    expect(append).not.toHaveBeenCalled();
    expect(r.views[0].node.parentNode).toBe(r.node);
  });

  it('recovers from an error payload to a good one', async () => {
    const r = renderer();
    await r.renderModel(model({ nope: true }));
    await r.renderModel(model(otlpDoc([{ id: 'root', start: 0, end: 10 }])));
    expect(r.node.querySelector('[role="alert"]')).toBeNull();
    expect(r.node.querySelectorAll('[role="tree"]')).toHaveLength(1);
  });
});
