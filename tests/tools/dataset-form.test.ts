/**
 * "Add to dataset" in the trace view: the button only where a kernel can be
 * reached, the record it sends (the trace's or a span's inputs, the output as
 * the expected response on request, the source), name checks, and what the
 * kernel answered or why it failed, said in a status line.
 */
import { datasetRecord, DatasetRecord } from '../../src/rows/dataset-record';
import { TraceView } from '../../src/tree/trace-view';
import { parseSpecs, SpanSpec } from '../helpers/synthetic';

const SPECS: SpanSpec[] = [
  { id: 'root', name: 'agent', start: 0, end: 100, kind: 'AGENT', attributes: { 'input.value': '{"question": "hi"}', 'output.value': 'hello' } },
  { id: 'tool', parent: 'root', name: 'search', start: 10, end: 50, kind: 'TOOL', attributes: { 'input.value': 'plain text query' } },
  { id: 'bare', parent: 'root', name: 'noinputs', start: 60, end: 70 }
];

const flush = () => new Promise(r => setTimeout(r, 0));

afterEach(() => document.body.replaceChildren());

test('no sink, no button', () => {
  const view = new TraceView(parseSpecs(SPECS));
  expect(view.node.querySelector('.nbtrace-add-dataset')).toBeNull();
  expect(view.node.querySelector('.nbtrace-dataset-form')).toBeNull();
});

test('the trace\'s inputs go to the kernel, with the output when asked', async () => {
  const sent: [DatasetRecord, string][] = [];
  const view = new TraceView(parseSpecs(SPECS), {
    datasetSink: async (record, name) => {
      sent.push([record, name]);
      return `record added to dataset '${name}' (1 record)`;
    }
  });
  document.body.appendChild(view.node);
  view.node.querySelector<HTMLElement>('.nbtrace-add-dataset')!.click();
  const form = view.node.querySelector<HTMLElement>('.nbtrace-dataset-form')!;
  expect(form.hidden).toBe(false);
  expect(form.querySelector('.nbtrace-dataset-what')!.textContent).toBe("This trace's inputs →");
  form.querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked = true;
  form.querySelector<HTMLInputElement>('.nbtrace-search-input')!.value = 'golden';
  form.querySelector<HTMLElement>('.nbtrace-dataset-add')!.click();
  await flush();
  expect(sent).toEqual([[{ inputs: { question: 'hi' }, expectations: { expected_response: 'hello' }, source: { type: 'TRACE', trace_id: view.trace.id } }, 'golden']]);
  expect(form.querySelector('[role="status"]')!.textContent).toBe("record added to dataset 'golden' (1 record)");
});

test('a span from its details; bad names and failures are said', async () => {
  const view = new TraceView(parseSpecs(SPECS), {
    datasetSink: async () => {
      throw new Error('No kernel is attached here.');
    }
  });
  document.body.appendChild(view.node);
  const t = view.trace;
  view.select(t.spans[1].id);
  Array.from(view.node.querySelectorAll<HTMLElement>('.nbtrace-detail button')).find(b => b.textContent === 'add to dataset')!.click();
  const form = view.node.querySelector<HTMLElement>('.nbtrace-dataset-form')!;
  expect(form.querySelector('.nbtrace-dataset-what')!.textContent).toBe('Span “search” →');
  const status = form.querySelector('[role="status"]')!;
  form.querySelector<HTMLInputElement>('.nbtrace-search-input')!.value = 'bad name"';
  form.querySelector<HTMLElement>('.nbtrace-dataset-add')!.click();
  await flush();
  expect(status.textContent).toBe('A dataset name is letters, digits, “_”, “-” or “.” (at most 80).');
  const name = form.querySelector<HTMLInputElement>('.nbtrace-search-input')!;
  name.value = 'golden';
  name.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })); // Enter adds too
  await flush();
  expect(status.textContent).toBe('No kernel is attached here.');
  expect(status.classList.contains('nbtrace-dataset-problem')).toBe(true);
});

test('records: a span keeps its id as the source, plain inputs are wrapped, no inputs is said', () => {
  const t = parseSpecs(SPECS);
  expect(datasetRecord(t, t.spans[1], false)).toEqual({
    inputs: { input: 'plain text query' },
    expectations: {},
    source: { type: 'TRACE', trace_id: t.id, span_id: t.spans[1].id }
  });
  expect(datasetRecord(t, t.spans[2], true)).toBe('“noinputs” recorded no inputs: there is nothing to run again.');
});
