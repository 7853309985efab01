/**
 * "Add to dataset": a small form above the tree that puts the trace's (or a
 * span's) inputs — and, if asked, its output as the expected response — into
 * a named dataset in the notebook's kernel (`nbtrace.dataset(name)`), and
 * says what happened: the kernel's answer, or why it could not (no kernel,
 * no inputs). The owner gives the function that reaches the kernel.
 */
import { button, el } from '../common/dom';
import { Span, Trace } from '../model/types';
import { DATASET_NAME, datasetRecord, DatasetRecord } from '../rows/dataset-record';

/** Puts `record` into the kernel's dataset `name`; resolves with what the kernel said. */
export type DatasetSink = (record: DatasetRecord, name: string) => Promise<string>;

export class DatasetForm {
  constructor(sink: DatasetSink) {
    this._sink = sink;
    // Not a <form>: nothing in a trace output can submit anything anywhere (the hostile corpus checks it).
    this.node = el('div', 'nbtrace-dataset-form');
    this.node.setAttribute('role', 'form');
    this.node.hidden = true;
    this.node.setAttribute('aria-label', 'Add to a dataset');
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._what = el('span', 'nbtrace-dataset-what');
    const nameLabel = el('label', 'nbtrace-dataset-name', 'dataset ');
    this._name = el('input', 'nbtrace-search-input');
    this._name.value = 'golden';
    this._name.required = true;
    this._name.pattern = DATASET_NAME.source.slice(1, -1);
    this._name.setAttribute('aria-label', 'Dataset name');
    nameLabel.appendChild(this._name);
    const outLabel = el('label', 'nbtrace-dataset-outputs');
    this._outputs = el('input', '');
    this._outputs.type = 'checkbox';
    outLabel.append(this._outputs, document.createTextNode(' its output is the expected response'));
    const add = button('Add', 'nbtrace-button nbtrace-dataset-add', () => void this.submit());
    const cancel = button('close', 'nbtrace-link-button', () => this.hide());
    this._status = el('span', 'nbtrace-dataset-status');
    this._status.setAttribute('role', 'status');
    this.node.append(this._what, nameLabel, outLabel, add, cancel, this._status);
    this.node.addEventListener('keydown', e => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.hide();
      } else if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.type !== 'checkbox') {
        e.preventDefault();
        void this.submit();
      }
    });
  }

  readonly node: HTMLElement;

  /** Open the form for the trace (span null) or one span. */
  show(trace: Trace, span: Span | null): void {
    this._trace = trace;
    this._span = span;
    this._what.textContent = span && span !== trace.roots[0] ? `Span “${span.name}” →` : `This trace's inputs →`;
    this._status.textContent = '';
    this.node.hidden = false;
    this._name.focus();
  }

  hide(): void {
    this.node.hidden = true;
  }

  /** Add now (what the Add button does); resolves when the kernel answered. */
  async submit(): Promise<void> {
    if (!this._trace) {
      return;
    }
    const name = this._name.value.trim();
    if (!DATASET_NAME.test(name)) {
      this._say('A dataset name is letters, digits, “_”, “-” or “.” (at most 80).', true);
      return;
    }
    const record = datasetRecord(this._trace, this._span, this._outputs.checked);
    if (typeof record === 'string') {
      this._say(record, true);
      return;
    }
    this._say('Adding…', false);
    try {
      this._say(await this._sink(record, name), false);
    } catch (error) {
      this._say(error instanceof Error ? error.message : String(error), true);
    }
  }

  private _say(text: string, problem: boolean): void {
    this._status.textContent = text;
    this._status.classList.toggle('nbtrace-dataset-problem', problem);
  }

  private _sink: DatasetSink;
  private _trace: Trace | null = null;
  private _span: Span | null = null;
  private _what: HTMLElement;
  private _name: HTMLInputElement;
  private _outputs: HTMLInputElement;
  private _status: HTMLElement;
}
