/**
 * The trace list's filter box: a query in the trace query language
 * (MLflow's filter strings plus OR, NOT, parentheses, tokens, cost, model),
 * parsed as the user types. A query that does not parse keeps the last good
 * filter and says, inline, what was expected and where (the query with the
 * place marked, as text). A "?" lists the fields. The owner hears
 * `onChange(query)` with each new good query.
 */
import { button, el } from '../common/dom';
import { QueryError } from '../rows/query/lexer';
import { parseQuery, Query } from '../rows/query/parser';

const DEBOUNCE_MS = 80;

const HELP: [string, string][] = [
  ["trace.status = 'ERROR'", 'status: OK, ERROR, IN_PROGRESS'],
  ['trace.execution_time_ms > 2000', 'latency (also trace.timestamp_ms, a date string works)'],
  ["trace.name LIKE '%agent%'", 'LIKE / ILIKE with % and _, RLIKE for a regular expression'],
  ['tokens > 1000', 'also input_tokens, output_tokens, cost'],
  ["model = 'gpt-4o-mini'", 'a model some span used'],
  ["span.type = 'TOOL' AND span.status = 'ERROR'", 'span.name, span.type, span.status, span.model'],
  ["tag.env = 'prod'", 'tag.<key>, metadata.<key> (`backticks` for odd keys)'],
  ["session = 'chat-42'", 'also user, trace.run_id'],
  ['feedback.correct = true', 'assessments: feedback.<name>, expectation.<name>'],
  ["trace.status IN ('ERROR', 'IN_PROGRESS')", 'IN, NOT IN, IS NULL, IS NOT NULL'],
  ["NOT (a OR b) AND c", 'OR, AND, NOT and parentheses']
];

export class QueryBox {
  constructor(onChange: (query: Query | null) => void) {
    this._onChange = onChange;
    this.node = el('div', 'nbtrace-list-query');
    this.node.setAttribute('role', 'search');
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this.input = el('input', 'nbtrace-search-input nbtrace-list-query-input');
    this.input.type = 'search';
    this.input.spellcheck = false;
    this.input.placeholder = "Filter traces: trace.status = 'ERROR' OR tokens > 1000";
    this.input.setAttribute('aria-label', 'Filter traces (query)');
    this._errorId = `nbtrace-list-query-error-${++nextId}`;
    this.input.setAttribute('aria-describedby', this._errorId);
    this.input.addEventListener('input', () => {
      window.clearTimeout(this._timer);
      this._timer = window.setTimeout(() => this.apply(), DEBOUNCE_MS);
    });
    this.input.addEventListener('keydown', e => {
      if (e.key === 'Enter') {
        window.clearTimeout(this._timer);
        this.apply();
        e.preventDefault();
      } else if (e.key === 'Escape' && this.input.value) {
        this.set('');
        e.stopPropagation();
      }
    });
    this.count = el('span', 'nbtrace-list-count');
    this.count.setAttribute('aria-live', 'polite');
    this._help = el('div', 'nbtrace-list-help');
    this._help.hidden = true;
    const helpButton = button('?', 'nbtrace-button nbtrace-list-help-button', () => {
      this._help.hidden = !this._help.hidden;
      helpButton.setAttribute('aria-expanded', String(!this._help.hidden));
    }, { title: 'What the filter understands', label: 'Query help' });
    helpButton.setAttribute('aria-expanded', 'false');
    this._error = el('div', 'nbtrace-list-query-error');
    this._error.id = this._errorId;
    this._error.hidden = true;
    const line = el('div', 'nbtrace-list-query-line');
    line.append(this.input, helpButton, this.count);
    this.node.append(line, this._error, this._help);
    this._fillHelp();
  }

  readonly node: HTMLElement;
  readonly input: HTMLInputElement;
  readonly count: HTMLElement;

  /** The query in force (the last one that parsed). */
  get query(): Query | null {
    return this._query;
  }

  /** The error shown, if the text does not parse. */
  get error(): QueryError | null {
    return this._lastError;
  }

  /** Set the text and apply it now. */
  set(text: string): void {
    this.input.value = text;
    this.apply();
  }

  /** Parse the text; a good query becomes the filter, a bad one is explained. */
  apply(): void {
    const text = this.input.value;
    if (text === this._applied) {
      return;
    }
    this._applied = text;
    try {
      this._query = parseQuery(text);
      this._showError(null, text);
      this._onChange(this._query);
    } catch (e) {
      if (!(e instanceof QueryError)) {
        throw e;
      }
      this._showError(e, text);
    }
  }

  dispose(): void {
    window.clearTimeout(this._timer);
  }

  private _showError(error: QueryError | null, text: string): void {
    this._lastError = error;
    this.input.setAttribute('aria-invalid', error ? 'true' : 'false');
    this.node.classList.toggle('nbtrace-list-query-bad', error !== null);
    if (!error) {
      this._error.hidden = true;
      this._error.replaceChildren();
      return;
    }
    const at = Math.max(0, Math.min(text.length, error.at));
    const where = el('code', 'nbtrace-list-query-where');
    const mark = el('mark', 'nbtrace-list-query-mark', text.slice(at, at + 1) || ' ');
    where.append(document.createTextNode(text.slice(0, at)), mark, document.createTextNode(text.slice(at + 1)));
    const message = el('span', 'nbtrace-list-query-message', `At character ${at + 1}: ${error.message}. The list still shows the last filter that worked.`);
    this._error.replaceChildren(message, where);
    this._error.hidden = false;
  }

  private _fillHelp(): void {
    const list = el('dl', 'nbtrace-list-help-list');
    for (const [example, what] of HELP) {
      const dt = el('dt', '');
      const code = el('code', '', example);
      dt.appendChild(code);
      list.append(dt, el('dd', '', what));
    }
    this._help.append(el('p', '', "MLflow's search_traces filter strings, plus OR, NOT and parentheses. Click an example to use it."), list);
    list.addEventListener('click', e => {
      const code = (e.target as HTMLElement).closest?.('code');
      if (code && code.textContent && !code.textContent.startsWith('NOT (a')) {
        this.set(code.textContent);
        this.input.focus();
      }
    });
  }

  private _onChange: (query: Query | null) => void;
  private _query: Query | null = null;
  private _lastError: QueryError | null = null;
  private _applied = '';
  private _timer = 0;
  private _errorId: string;
  private _help: HTMLElement;
  private _error: HTMLElement;
}

let nextId = 0;
