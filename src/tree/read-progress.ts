/**
 * The line a big payload shows while it is read in slices (renderer.ts):
 * "Reading 100,000 spans… 40 %", with a bar. A polite live region, so a
 * screen reader hears that something is coming; replaced by the trace.
 */
import { Progress, progressShare } from '../model/steps';
import { formatCount } from '../rows/labels';

export class ReadProgress {
  /** `what`: the text before the percentage (default: "Reading N spans…"). */
  constructor(spans: number, what?: string) {
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-read-progress';
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this._label = document.createElement('span');
    this._label.className = 'nbtrace-read-progress-label';
    this._what = what ?? `Reading ${spans > 0 ? `${formatCount(spans)} spans` : 'the trace'}…`;
    this._label.textContent = this._what;
    this._bar = document.createElement('progress');
    this._bar.className = 'nbtrace-read-progress-bar';
    this._bar.max = 100;
    this._bar.value = 0;
    this._bar.setAttribute('aria-label', this._what);
    this._bar.hidden = what !== undefined; // a message of its own: no progress to show
    this.node.append(this._label, this._bar);
  }

  readonly node: HTMLElement;

  render(p: Progress): void {
    const pct = Math.round(progressShare(p) * 100);
    this._bar.value = pct;
    this._label.textContent = `${this._what} ${pct} %`;
  }

  private _label: HTMLElement;
  private _bar: HTMLProgressElement;
  private _what: string;
}
