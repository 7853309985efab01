/**
 * The column header row above the tree: "Span", "Duration" and the time axis,
 * whose tick density follows its own width (labels never collide).
 */
import { axisTicks, TimeScale } from '../rows/timeline';

export class ColumnHeader {
  constructor() {
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-columns';
    this.node.setAttribute('aria-hidden', 'true');
    const spanCol = document.createElement('div');
    spanCol.className = 'nbtrace-col-label';
    spanCol.textContent = 'Span';
    const durCol = document.createElement('div');
    durCol.className = 'nbtrace-col-duration';
    durCol.textContent = 'Duration';
    this._axis = document.createElement('div');
    this._axis.className = 'nbtrace-axis';
    this.node.append(spanCol, durCol, this._axis);
    if (typeof ResizeObserver !== 'undefined') {
      this._resizeObserver = new ResizeObserver(entries => {
        // The width comes with the observation: reading clientWidth later would force a layout.
        const width = entries[entries.length - 1].contentRect.width;
        if (width !== this._width) {
          this._width = width;
          if (this._scale) {
            this.render(this._scale);
          }
        }
      });
      this._resizeObserver.observe(this._axis);
    }
  }

  readonly node: HTMLElement;

  /** Draw the axis ticks for `scale`, reusing the tick elements (the live ticker calls this 4 times a second). */
  render(scale: TimeScale): void {
    this._scale = scale;
    const width = this._width;
    const count = width > 0 ? Math.max(2, Math.min(10, Math.floor(width / 90))) : 5;
    const ticks = axisTicks(scale, count);
    const els = this._axis.children;
    for (let i = 0; i < ticks.length; i++) {
      let t = els[i] as HTMLElement | undefined;
      if (!t) {
        t = document.createElement('span');
        t.className = 'nbtrace-tick';
        this._axis.appendChild(t);
      }
      t.style.left = `${ticks[i].percent}%`;
      if (t.textContent !== ticks[i].label) {
        t.textContent = ticks[i].label;
      }
    }
    while (els.length > ticks.length) {
      els[els.length - 1].remove();
    }
  }

  dispose(): void {
    this._resizeObserver?.disconnect();
  }

  private _axis: HTMLElement;
  private _width = 0;
  private _scale: TimeScale | null = null;
  private _resizeObserver: ResizeObserver | null = null;
}
