/**
 * The "Filters" panel under the search box (a native <details>, closed by
 * default): kind, errors only, slower than X ms; one level deeper/shallower;
 * collapse spans shorter than X ms; critical path. DOM only; the view acts.
 * The controls are built when the panel is first opened: form controls
 * (number inputs, selects) are costly to create, and most traces never
 * need them.
 */
import { button } from '../common/dom';
import { SpanFilter } from '../rows/filters';

export interface FilterBarActions {
  filter(f: SpanFilter): void;
  changeDepth(delta: 1 | -1): void;
  collapseShorterThan(ms: number): void;
  criticalPath(on: boolean): void;
}

export class FilterBar {
  constructor(actions: FilterBarActions) {
    this._actions = actions;
    this.node = document.createElement('details');
    this.node.className = 'nbtrace-filters';
    const summary = document.createElement('summary');
    summary.textContent = 'Filters';
    this.node.appendChild(summary);
    this.node.addEventListener('toggle', () => {
      if (this.node.open && !this._built) {
        this._build();
      }
    });
  }

  readonly node: HTMLDetailsElement;

  /** The kinds to offer (present in the trace; asked only once the panel is built); keeps the current choice. */
  setKinds(kinds: () => readonly string[]): void {
    this._kinds = kinds;
    if (this._built) {
      this._renderKinds();
    }
  }

  /** Build the controls now (the panel does it when first opened). */
  build(): void {
    if (!this._built) {
      this._build();
    }
  }

  private _build(): void {
    this._built = true;
    const actions = this._actions;
    const body = document.createElement('div');
    body.className = 'nbtrace-filters-body';
    this.node.appendChild(body);

    this._kind = document.createElement('select');
    this._kind.setAttribute('aria-label', 'Show spans of kind');
    this._kind.addEventListener('change', this._emit);
    body.appendChild(labelled('kind', this._kind));

    this._errors = document.createElement('input');
    this._errors.type = 'checkbox';
    this._errors.addEventListener('change', this._emit);
    body.appendChild(labelled('errors only', this._errors, true));

    this._slower = numberInput('Show spans lasting at least this many ms');
    this._slower.addEventListener('input', this._emit);
    body.appendChild(labelled('slower than', this._slower, false, 'ms'));

    body.appendChild(toolButton('− level', 'Collapse one level everywhere', () => actions.changeDepth(-1)));
    body.appendChild(toolButton('+ level', 'Expand one level everywhere', () => actions.changeDepth(1)));

    this._shorter = numberInput('Collapse spans shorter than this many ms');
    body.appendChild(labelled('collapse shorter than', this._shorter, false, 'ms'));
    body.appendChild(
      toolButton('collapse', 'Collapse every span shorter than the given ms', () => {
        const ms = Number(this._shorter.value);
        if (Number.isFinite(ms) && ms > 0) {
          actions.collapseShorterThan(ms);
        }
      })
    );

    this._critical = document.createElement('input');
    this._critical.type = 'checkbox';
    this._critical.addEventListener('change', () => actions.criticalPath(this._critical.checked));
    body.appendChild(labelled('critical path', this._critical, true));
    this._renderKinds();
  }

  private _renderKinds(): void {
    const kinds = this._kinds();
    const key = kinds.join('\n');
    if (key === this._kindsKey) {
      return;
    }
    this._kindsKey = key;
    const chosen = this._kind.value;
    const options = [new Option('all', '')].concat(kinds.map(k => new Option(k, k)));
    this._kind.replaceChildren(...options);
    this._kind.value = kinds.includes(chosen) ? chosen : '';
  }

  private _emit = (): void => {
    const ms = Number(this._slower.value);
    this._actions.filter({
      kinds: new Set(this._kind.value ? [this._kind.value] : []),
      errorsOnly: this._errors.checked,
      minDurationMs: Number.isFinite(ms) && ms > 0 ? ms : 0
    });
  };

  private _actions: FilterBarActions;
  private _built = false;
  private _kinds: () => readonly string[] = () => [];
  private _kind!: HTMLSelectElement;
  private _errors!: HTMLInputElement;
  private _slower!: HTMLInputElement;
  private _shorter!: HTMLInputElement;
  private _critical!: HTMLInputElement;
  private _kindsKey: string | null = null;
}

function numberInput(label: string): HTMLInputElement {
  const i = document.createElement('input');
  i.type = 'number';
  i.min = '0';
  i.className = 'nbtrace-filter-number';
  i.setAttribute('aria-label', label);
  return i;
}

function labelled(text: string, control: HTMLElement, after = false, unit = ''): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'nbtrace-filter';
  const t = document.createTextNode(after ? ` ${text}` : `${text} `);
  if (after) {
    label.append(control, t);
  } else {
    label.append(t, control);
  }
  if (unit) {
    label.append(document.createTextNode(` ${unit}`));
  }
  return label;
}

function toolButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  return button(text, 'nbtrace-button nbtrace-search-button', onClick, { title });
}
