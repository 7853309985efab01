/**
 * The trace header: name, state, counts, tokens, live elapsed time, the
 * trace's scores (assessment chips), and the expand/collapse-all toolbar;
 * plus the list of data problems. Built once;
 * updates only change text, so a focused button keeps its focus.
 */
import { assessmentChips } from '../common/chips';
import { idleJob, NOTHING } from '../common/idle-job';
import { countTotals, totalsReady } from '../model/trace-node';
import { Assessment, Trace } from '../model/types';
import { assessmentTitle } from '../rows/verdicts';
import { copyButton } from '../common/copy';
import { button } from '../common/dom';
import { warningsList } from '../common/warnings';
import { costMoney, costTitle, displayName, formatCount, formatDuration, tokenText } from '../rows/labels';

/** Room (in ch) for the usual token and cost totals: "tokens: 1,234,567 in · 123,456 out · … · cost: $12.34". */
const TOTALS_ROOM = 72;

export class TraceHeader {
  /** `addToDataset`: when given, a button that opens the "Add to dataset" form. */
  constructor(actions: { expandAll(): void; collapseAll(): void; traceJson(): string; addToDataset?: () => void }) {
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-header';
    const span = (className: string): HTMLElement => {
      const e = document.createElement('span');
      e.className = className;
      this.node.appendChild(e);
      return e;
    };
    this._title = span('nbtrace-title');
    this._chip = span('nbtrace-chip');
    this._summary = span('nbtrace-summary');
    this._elapsed = span('nbtrace-elapsed');
    this._elapsed.setAttribute('aria-live', 'off');
    this._scores = span('nbtrace-trace-scores');
    this._scores.hidden = true;
    this._scores.setAttribute('role', 'group');
    const toolbar = document.createElement('div');
    toolbar.className = 'nbtrace-toolbar';
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Trace tree');
    toolbar.appendChild(button('Expand all', 'nbtrace-button nbtrace-expand-all', () => actions.expandAll()));
    toolbar.appendChild(button('Collapse all', 'nbtrace-button nbtrace-collapse-all', () => actions.collapseAll()));
    toolbar.appendChild(
      copyButton('Copy JSON', () => actions.traceJson(), "Copy the trace's JSON", 'nbtrace-button nbtrace-copy-trace')
    );
    if (actions.addToDataset) {
      const add = actions.addToDataset;
      toolbar.appendChild(
        button('Add to dataset', 'nbtrace-button nbtrace-add-dataset', () => add(), {
          title: "Put this trace's inputs into a dataset in the notebook's kernel (nbtrace.dataset(name))"
        })
      );
    }
    this.node.appendChild(toolbar);

    this.warnings = document.createElement('div');
    this.warnings.className = 'nbtrace-warnings';
  }

  readonly node: HTMLElement;
  /** Problems found in the trace's data; the view places it. */
  readonly warnings: HTMLElement;

  /**
   * `scores`: the trace's own assessments (groupAssessments(t).trace).
   * A big trace's token and cost totals read every span's attributes: they
   * are counted in idle time after the first paint, and until then the header
   * shows the last totals it showed, marked "counting…".
   */
  render(t: Trace, running: boolean, now: number, scores: readonly Assessment[] = []): void {
    this._cancelCount();
    const counting = !totalsReady(t);
    if (counting) {
      this._cancelCount = idleJob(
        more => countTotals(t, more),
        () => {
          this._cancelCount = NOTHING;
          this.render(t, running, now, scores);
        },
        1000
      );
    }
    setText(this._title, displayName(t.name));
    this._title.title = `Trace ${t.id}`;

    const state = t.state === 'IN_PROGRESS' ? 'running' : t.state === 'ERROR' ? 'error' : t.state === 'OK' ? 'ok' : 'done';
    this._chip.className = `nbtrace-chip nbtrace-chip-${state}`;
    setText(this._chip, state);

    let errors = t.facts?.errors ?? 0;
    let runningSpans = t.facts?.running ?? 0;
    if (!t.facts) {
      for (const s of t.spans) {
        errors += s.status === 'ERROR' ? 1 : 0;
        runningSpans += s.end === undefined ? 1 : 0;
      }
    }
    this._running = running;
    this._runningCount = runningSpans;
    const summary: string[] = [`${formatCount(t.spans.length)} span${t.spans.length === 1 ? '' : 's'}`];
    if (!running) {
      summary.push(formatDuration(t.duration));
    }
    if (errors > 0) {
      summary.push(`${formatCount(errors)} error${errors === 1 ? '' : 's'}`);
    }
    let why = '';
    if (counting) {
      summary.push(this._totals ? `${this._totals} (counting…)` : 'tokens and cost: counting…');
    } else {
      const totals: string[] = [];
      if (t.tokens) {
        totals.push(`tokens: ${tokenText(t.tokens)}`);
      }
      if (t.cost?.total !== undefined) {
        totals.push(`cost: ${costMoney(t.cost)}${t.cost.estimated ? ' (estimated)' : ''}`);
        why = costTitle(t.cost);
      }
      this._totals = totals.join(' · ');
      summary.push(...totals);
    }
    this._summary.classList.toggle('nbtrace-counting', counting);
    const text = summary.join(' · ');
    if (counting) {
      this._reserve(text.length - summary[summary.length - 1].length + TOTALS_ROOM);
    }
    setText(this._summary, text);
    if (why) {
      this._summary.title = why;
    } else if (this._summary.title) {
      this._summary.removeAttribute('title');
    }
    this.renderElapsed(now);
    this._renderScores(scores);
    this._renderWarnings(t.warnings);
  }

  /**
   * Keep room for the totals while they are counted, and after: the longer
   * text that replaces "counting…" would otherwise push the toolbar onto a
   * second line and move the tree down under the reader's eyes.
   */
  private _reserve(chars: number): void {
    if (chars > this._reserved) {
      this._reserved = chars;
      this._summary.style.minWidth = `min(100%, ${chars}ch)`;
    }
  }

  /** The trace's own scores as chips (a span's show on its row and in its details). */
  private _renderScores(list: readonly Assessment[]): void {
    const key = list.map(assessmentTitle).join('\n');
    if (key === this._scoresKey) {
      return;
    }
    this._scoresKey = key;
    this._scores.hidden = list.length === 0;
    this._scores.replaceChildren(...(list.length ? Array.from(assessmentChips(list, 'nbtrace-score-list').childNodes) : []));
    this._scores.setAttribute('aria-label', `${list.length} score${list.length === 1 ? '' : 's'} of this trace`);
  }

  /** Stop counting (the header is going away). */
  dispose(): void {
    this._cancelCount();
  }

  /** The live part: elapsed time and running spans (the ticker calls this). */
  renderElapsed(now: number): void {
    this._elapsed.hidden = !this._running;
    if (this._running) {
      const n = this._runningCount;
      setText(this._elapsed, `${formatDuration(now)} elapsed · ${formatCount(n)} running span${n === 1 ? '' : 's'}`);
    }
  }

  private _renderWarnings(list: readonly string[]): void {
    const key = list.join('\n');
    if (key === this._warningsKey) {
      return;
    }
    this._warningsKey = key;
    const w = this.warnings;
    w.replaceChildren();
    if (list.length === 0) {
      w.hidden = true;
      return;
    }
    w.hidden = false;
    w.appendChild(warningsList(list, "in this trace's data"));
  }

  private _title: HTMLElement;
  private _chip: HTMLElement;
  private _summary: HTMLElement;
  private _elapsed: HTMLElement;
  private _running = false;
  private _runningCount = 0;
  private _warningsKey: string | null = null;
  private _scores: HTMLElement;
  private _scoresKey = '';
  /** The token and cost part of the summary last shown (kept while a newer snapshot is counted). */
  private _totals = '';
  /** The width (in ch) kept for the summary since its totals were first counted. */
  private _reserved = 0;
  /** Stops the idle count of the totals. */
  private _cancelCount: () => void = NOTHING;
}

/** Assign text only when it changed (no needless DOM mutation per live update). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) {
    el.textContent = text;
  }
}
