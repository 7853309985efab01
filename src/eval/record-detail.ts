/**
 * What opening a result row shows: the record (inputs, what was expected,
 * the output or its error), each score with its rationale — and a judge's own
 * trace on demand — and the row's trace in the full trace view (every feature:
 * tree, timeline, details, search). With repetitions, a choice of which one.
 * Traces are parsed only when shown; views it made are disposed with it.
 */
import { button, el } from '../common/dom';
import { scoreChip } from '../common/chips';
import { renderJson } from '../common/json-view';
import { MarkdownRenderer } from '../common/markdown';
import { EvalRow } from '../model/eval';
import { parsePayload } from '../model';
import { RecordLine } from '../rows/eval-table';
import { TraceView } from '../tree/trace-view';

export interface DetailOptions {
  markdown?: MarkdownRenderer;
  expansion?: { defaultDepth: number; maxAutoExpandChildren: number };
  maxVisibleRows?: number;
}

/** One trace payload in a TraceView (or why it cannot be shown). */
export function traceBox(payload: unknown, options: DetailOptions, views: TraceView[], missing: string): HTMLElement {
  if (payload === undefined || payload === null) {
    return el('p', 'nbtrace-detail-hint', missing);
  }
  const r = parsePayload(payload);
  if (!r.ok || r.traces.length === 0) {
    return el('p', 'nbtrace-eval-problem', r.ok ? 'This trace holds no spans.' : r.error);
  }
  const view = new TraceView(r.traces[0], {
    snapshot: true,
    markdown: options.markdown,
    expansion: options.expansion,
    maxVisibleRows: options.maxVisibleRows
  });
  view.setSource(payload);
  views.push(view);
  return view.node;
}

function section(title: string, body: Node): HTMLElement {
  const s = el('section', 'nbtrace-eval-section');
  s.appendChild(el('h4', 'nbtrace-eval-section-title', title));
  s.appendChild(body);
  return s;
}

export class RecordDetail {
  constructor(options: DetailOptions) {
    this._options = options;
    this.node = el('div', 'nbtrace-eval-detail');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
  }

  readonly node: HTMLElement;

  /** The record shown (null: none). */
  get recordId(): string | null {
    return this._line?.recordId ?? null;
  }

  /**
   * Show `line` (repetition `rep`). The same record again keeps what is built
   * unless its rows changed (a live run finished the row, or sent its trace).
   */
  show(line: RecordLine | null, rep = this._rep): void {
    const signature = line ? line.reps.map(r => `${r.status}|${r.trace !== undefined}|${r.scores.size}`).join(';') : '';
    if (line && this._line?.recordId === line.recordId && signature === this._signature && rep === this._rep) {
      this._line = line;
      return;
    }
    this._line = line;
    this._signature = signature;
    this._rep = line ? Math.min(rep, line.reps.length - 1) : 0;
    this._render();
  }

  dispose(): void {
    this._disposeViews();
  }

  private _render(): void {
    this._disposeViews();
    const line = this._line;
    this.node.hidden = line === null;
    if (!line) {
      this.node.replaceChildren();
      return;
    }
    this.node.setAttribute('aria-label', `Record ${line.index + 1}`);
    const row: EvalRow = line.reps[this._rep];
    const head = el('div', 'nbtrace-eval-detail-head');
    head.appendChild(el('h3', 'nbtrace-eval-detail-title', `Record ${line.index + 1}`));
    head.appendChild(el('span', 'nbtrace-eval-record-id', `id ${line.recordId}`));
    if (line.reps.length > 1) {
      const reps = el('span', 'nbtrace-eval-reps');
      reps.setAttribute('role', 'group');
      reps.setAttribute('aria-label', 'Repetition');
      line.reps.forEach((r, i) => {
        const b = button(String(i + 1), 'nbtrace-button nbtrace-eval-rep', () => this.show(line, i), {
          label: `Repetition ${i + 1} (${r.status})`
        });
        b.setAttribute('aria-pressed', i === this._rep ? 'true' : 'false');
        reps.appendChild(b);
      });
      head.appendChild(reps);
    }
    this.node.replaceChildren(head);

    const record = el('div', 'nbtrace-eval-record');
    record.appendChild(section('Inputs', renderJson(row.inputs, { openDepth: 2 })));
    if (row.expectations !== undefined && !(typeof row.expectations === 'object' && row.expectations !== null && Object.keys(row.expectations).length === 0)) {
      record.appendChild(section('Expected', renderJson(row.expectations, { openDepth: 2 })));
    }
    if (row.error) {
      record.appendChild(section('Error', el('pre', 'nbtrace-eval-error', row.error)));
    } else {
      record.appendChild(section('Output', row.status === 'done' ? renderJson(row.outputs, { openDepth: 2 }) : el('p', 'nbtrace-detail-hint', row.status)));
    }
    this.node.appendChild(record);

    if (row.scores.size > 0) {
      const list = el('ul', 'nbtrace-eval-scores');
      for (const [name, s] of row.scores) {
        const li = el('li', 'nbtrace-eval-score');
        const title = `${name} (${s.source})${s.error ? `: error: ${s.error}` : s.rationale ? `: ${s.rationale}` : ''}`;
        li.appendChild(scoreChip(name, s.value, s.error, title));
        li.appendChild(el('span', 'nbtrace-assessment-source', s.source));
        if (s.error || s.rationale) {
          li.appendChild(el('p', s.error ? 'nbtrace-assessment-error' : 'nbtrace-assessment-rationale', s.error ?? s.rationale!));
        }
        if (s.trace !== undefined) {
          const slot = el('div', 'nbtrace-eval-judge-trace');
          const toggle = button('show the judge\u2019s trace', 'nbtrace-link-button', () => {
            if (slot.childElementCount > 0) {
              slot.replaceChildren();
              toggle.textContent = 'show the judge\u2019s trace';
              toggle.setAttribute('aria-expanded', 'false');
              return;
            }
            slot.appendChild(traceBox(s.trace, this._options, this._views, ''));
            toggle.textContent = 'hide the judge\u2019s trace';
            toggle.setAttribute('aria-expanded', 'true');
          });
          toggle.setAttribute('aria-expanded', 'false');
          li.append(toggle, slot);
        }
        list.appendChild(li);
      }
      this.node.appendChild(section('Scores', list));
    }
    const missing = row.traceDeferred
      ? 'This row\u2019s trace comes with the final update (live updates leave big traces out).'
      : row.status === 'pending' || row.status === 'running'
        ? 'The trace shows when this row finishes.'
        : 'This row has no trace.';
    this.node.appendChild(section('Trace', traceBox(row.trace, this._options, this._views, missing)));
  }

  private _disposeViews(): void {
    for (const v of this._views) {
      v.dispose();
    }
    this._views = [];
  }

  private _options: DetailOptions;
  private _line: RecordLine | null = null;
  private _signature = '';
  private _rep = 0;
  private _views: TraceView[] = [];
}
