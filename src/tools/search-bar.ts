/**
 * The search box of a trace header: query input (debounced), "i / N" counter
 * announced to screen readers, previous/next buttons, "matches only" toggle
 * and "next error". DOM only; the view does the searching.
 */
import { button } from '../common/dom';
export interface SearchBarActions {
  /** The query changed (after the debounce, or at once on Enter). */
  query(text: string): void;
  /** Step to the next (1) or previous (-1) match. */
  step(direction: 1 | -1): void;
  matchesOnly(on: boolean): void;
  nextError(direction: 1 | -1): void;
}

export const SEARCH_DEBOUNCE_MS = 150;

export class SearchBar {
  constructor(actions: SearchBarActions) {
    this._actions = actions;
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-search';
    this.node.setAttribute('role', 'search');
    // Typing here belongs to the box, not to notebook shortcuts.
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');

    const input = document.createElement('input');
    input.type = 'search';
    input.className = 'nbtrace-search-input';
    input.placeholder = 'Search spans…';
    input.setAttribute('aria-label', 'Search spans (text, or key=value for one attribute)');
    input.title = 'Name, kind, attributes, inputs, outputs, events; key=value narrows to one attribute. Enter: next, Shift+Enter: previous';
    input.spellcheck = false;
    input.addEventListener('input', this._onInput);
    input.addEventListener('keydown', this._onKeyDown);
    this._input = input;

    this._count = document.createElement('span');
    this._count.className = 'nbtrace-search-count';
    this._count.setAttribute('role', 'status');
    this._count.setAttribute('aria-live', 'polite');

    const prev = iconButton('↑', 'Previous match (Shift+Enter)', () => this._step(-1));
    const next = iconButton('↓', 'Next match (Enter)', () => this._step(1));

    const only = document.createElement('label');
    only.className = 'nbtrace-search-only';
    this._only = document.createElement('input');
    this._only.type = 'checkbox';
    this._only.addEventListener('change', () => actions.matchesOnly(this._only.checked));
    only.append(this._only, document.createTextNode(' matches only'));

    this._errorButton = iconButton('next error', 'Select the next span with an error', () => actions.nextError(1));
    this._errorButton.classList.add('nbtrace-next-error');

    this.node.append(input, this._count, prev, next, only, this._errorButton);
  }

  readonly node: HTMLElement;

  get value(): string {
    return this._input.value;
  }

  /** Show where the current match is: `current` is 0-based, -1 for none. */
  setCount(current: number, total: number, active: boolean): void {
    const text = !active ? '' : total === 0 ? 'no matches' : `${current >= 0 ? current + 1 : '–'} / ${total}`;
    if (this._count.textContent !== text) {
      this._count.textContent = text;
    }
    this._count.title = active ? `${total} matching span${total === 1 ? '' : 's'}` : '';
  }

  /** Whether the trace has errors at all ("next error" is disabled otherwise). */
  setHasErrors(has: boolean): void {
    this._errorButton.disabled = !has;
  }

  focus(): void {
    this._input.focus();
  }

  dispose(): void {
    window.clearTimeout(this._timer);
  }

  private _flush(): void {
    window.clearTimeout(this._timer);
    this._timer = 0;
    if (this._input.value !== this._sent) {
      this._sent = this._input.value;
      this._actions.query(this._sent);
    }
  }

  private _step(direction: 1 | -1): void {
    this._flush();
    this._actions.step(direction);
  }

  private _onInput = (): void => {
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => this._flush(), SEARCH_DEBOUNCE_MS);
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      // A new query lands on its first match; Enter again steps on.
      const fresh = this._input.value !== this._sent;
      this._flush();
      if (!fresh) {
        this._actions.step(event.shiftKey ? -1 : 1);
      }
    } else if (event.key === 'Escape' && this._input.value !== '') {
      event.preventDefault();
      this._input.value = '';
      this._flush();
    } else {
      return;
    }
    event.stopPropagation();
  };

  private _actions: SearchBarActions;
  private _input: HTMLInputElement;
  private _count: HTMLElement;
  private _only: HTMLInputElement;
  private _errorButton: HTMLButtonElement;
  private _timer = 0;
  private _sent = '';
}

function iconButton(text: string, label: string, onClick: () => void): HTMLButtonElement {
  return button(text, 'nbtrace-button nbtrace-search-button', onClick, { title: label, label });
}
