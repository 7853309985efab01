/**
 * The filters above a results grid: a text box (every word must appear in the
 * record, its output or the scores' rationales), a checkbox ("failed only", or
 * "regressions only" for a comparison), a scorer choice, and how many records
 * pass. Typing is debounced; the owner hears `onChange` and reads `value`.
 */
import { el } from '../common/dom';
import { EvalFilter } from '../rows/eval-table';
import { formatCount } from '../rows/labels';

const DEBOUNCE_MS = 120;

export class FilterControls {
  constructor(onChange: () => void, options: { failedLabel: string; withScorer?: boolean }) {
    this._onChange = onChange;
    this.node = el('div', 'nbtrace-eval-filters');
    this.node.setAttribute('role', 'search');
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._text = el('input', 'nbtrace-search-input nbtrace-eval-text');
    this._text.type = 'search';
    this._text.placeholder = 'Filter records…';
    this._text.setAttribute('aria-label', 'Filter records by text');
    this._text.addEventListener('input', () => {
      window.clearTimeout(this._timer);
      this._timer = window.setTimeout(() => this._onChange(), DEBOUNCE_MS);
    });
    this._text.addEventListener('keydown', e => {
      if (e.key === 'Escape' && this._text.value) {
        this._text.value = '';
        this._onChange();
        e.stopPropagation();
      }
    });
    const label = el('label', 'nbtrace-eval-failed');
    this._failed = el('input', '');
    this._failed.type = 'checkbox';
    this._failed.addEventListener('change', () => this._onChange());
    label.append(this._failed, document.createTextNode(` ${options.failedLabel}`));
    this._scorer = el('select', 'nbtrace-eval-scorer');
    this._scorer.setAttribute('aria-label', 'Scorer');
    this._scorer.addEventListener('change', () => this._onChange());
    this._scorer.hidden = options.withScorer === false;
    this._count = el('span', 'nbtrace-eval-count');
    this._count.setAttribute('aria-live', 'polite');
    this.node.append(this._text, label, this._scorer, this._count);
    this.setScorers([]);
  }

  readonly node: HTMLElement;

  get value(): EvalFilter {
    return { text: this._text.value, failedOnly: this._failed.checked, scorer: this._scorer.value || null };
  }

  /** Set the filters from code (tests, commands). */
  set(values: Partial<EvalFilter>): void {
    if (values.text !== undefined) {
      this._text.value = values.text;
    }
    if (values.failedOnly !== undefined) {
      this._failed.checked = values.failedOnly;
    }
    if (values.scorer !== undefined) {
      this._scorer.value = values.scorer ?? '';
    }
    this._onChange();
  }

  setScorers(names: readonly string[]): void {
    const key = names.join('\u0000');
    if (key === this._scorersKey) {
      return;
    }
    this._scorersKey = key;
    const keep = this._scorer.value;
    const all = el('option', '', 'all scorers');
    all.value = '';
    this._scorer.replaceChildren(
      all,
      ...names.map(n => {
        const o = el('option', '', n);
        o.value = n;
        return o;
      })
    );
    this._scorer.value = names.includes(keep) ? keep : '';
  }

  setCount(shown: number, total: number): void {
    this._count.textContent = shown === total ? `${formatCount(total)} record${total === 1 ? '' : 's'}` : `${formatCount(shown)} of ${formatCount(total)} records`;
  }

  private _onChange: () => void;
  private _text: HTMLInputElement;
  private _failed: HTMLInputElement;
  private _scorer: HTMLSelectElement;
  private _count: HTMLElement;
  private _timer = 0;
  private _scorersKey: string | null = null;
}
