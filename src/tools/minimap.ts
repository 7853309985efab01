/**
 * The overview of the whole trace above the tree: every span as a thin line
 * (canvas; rows in tree order squeezed into its height), with a brush to zoom
 * the timeline into a time window. Drag to zoom, double-click (or the reset
 * button) to see the whole trace again. By keyboard (the overview is
 * focusable): + / - zoom around the window's centre, ← / → pan, 0 or Escape
 * resets. Drawing waits for idle time, so it
 * never delays the tree's first paint and a burst of live updates draws once.
 */
import { Trace } from '../model/types';
import { TimeWindow } from '../rows/timeline';

const HEIGHT = 32;
/** A drag shorter than this (px) is a click, not a zoom. */
const MIN_BRUSH_PX = 4;

/** The minimaps on the page: a theme change redraws them (a canvas keeps the colours it was drawn with). */
const live = new Set<Minimap>();
let themeObserver: MutationObserver | null = null;
/** The paint colours of the current theme, shared by every minimap; null: read them again. */
let palette: readonly string[] | null = null;

function watchTheme(m: Minimap): void {
  live.add(m);
  if (themeObserver || typeof MutationObserver === 'undefined' || typeof document === 'undefined' || !document.body) {
    return;
  }
  // JupyterLab marks the body with the theme it applied (after its CSS is in).
  themeObserver = new MutationObserver(() => {
    palette = null;
    live.forEach(x => x.redraw());
  });
  themeObserver.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-name', 'data-jp-theme-light'] });
}

/**
 * The colours to paint with, by priority ('' for none, then plain, running,
 * error), read from the theme once per theme change: reading a computed style
 * forces a style recalculation of the page, and a theme change restyles all of
 * it, so 100 minimaps each reading their own cost seconds (bench/notebook.js).
 */
export function minimapPalette(node: Element): readonly string[] {
  if (palette) {
    return palette;
  }
  const style = getComputedStyle(node);
  const color = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const colors = ['', color('--jp-brand-color1', '#1976d2'), color('--jp-warn-color1', '#f57c00'), color('--jp-error-color1', '#d32f2f')];
  // Without a theme observer nothing would say when they change: read them each time.
  if (themeObserver) {
    palette = colors;
  }
  return colors;
}

export class Minimap {
  constructor(onZoom: (window: TimeWindow | null) => void) {
    watchTheme(this);
    this._onZoom = onZoom;
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-minimap';
    this._canvas = document.createElement('canvas');
    this._canvas.height = HEIGHT;
    this._canvas.setAttribute('aria-hidden', 'true');
    this._brush = document.createElement('div');
    this._brush.className = 'nbtrace-minimap-brush';
    this._brush.hidden = true;
    this._reset = document.createElement('button');
    this._reset.type = 'button';
    this._reset.className = 'nbtrace-button nbtrace-minimap-reset';
    this._reset.textContent = 'reset zoom';
    this._reset.hidden = true;
    this._reset.addEventListener('click', () => onZoom(null));
    this.node.append(this._canvas, this._brush, this._reset);
    this.node.title = 'Overview: drag to zoom the timeline, double-click to see the whole trace';
    this.node.tabIndex = 0;
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', 'Timeline overview: + and - zoom, arrow keys pan, 0 resets');
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this.node.addEventListener('keydown', this._onKeyDown);
    this.node.addEventListener('pointerdown', this._onDown);
    this.node.addEventListener('dblclick', this._onDblClick);
    if (typeof ResizeObserver !== 'undefined') {
      this._resizeObserver = new ResizeObserver(entries => {
        const width = Math.floor(entries[entries.length - 1].contentRect.width);
        if (width !== this._width) {
          this._width = width;
          this._schedule();
        }
      });
      this._resizeObserver.observe(this.node);
    }
  }

  readonly node: HTMLElement;

  /** Draw `trace` (time axis [0, end]) with the zoom window marked. */
  render(trace: Trace, end: number, window: TimeWindow | null): void {
    this._trace = trace;
    this._end = end > 0 ? end : 1;
    this._window = window;
    this._reset.hidden = window === null;
    this._placeBrush();
    this._schedule();
  }

  /** Draw again soon (the theme changed). */
  redraw(): void {
    this._schedule();
  }

  dispose(): void {
    live.delete(this);
    this._resizeObserver?.disconnect();
    if (this._frame) {
      if (this._idle) {
        cancelIdleCallback(this._frame);
      } else {
        cancelAnimationFrame(this._frame);
      }
      this._frame = 0;
    }
    this._endDrag();
  }

  /** Draw when the browser is idle (after the tree's first paint), at the latest 200 ms later. */
  private _schedule(): void {
    if (this._frame || this._width <= 0) {
      return;
    }
    const draw = (): void => {
      this._frame = 0;
      this._draw();
    };
    if (typeof requestIdleCallback !== 'undefined') {
      this._frame = requestIdleCallback(draw, { timeout: 200 });
      this._idle = true;
    } else if (typeof requestAnimationFrame !== 'undefined') {
      this._frame = requestAnimationFrame(draw);
      this._idle = false;
    }
  }

  private _draw(): void {
    const trace = this._trace;
    const ctx = this._width > 0 ? this._canvas.getContext('2d') : null;
    if (!trace || !ctx) {
      return;
    }
    const width = this._width;
    this._canvas.width = width;
    // Paint colours by priority: an error shows over a running span over a plain one.
    const colors = minimapPalette(this.node);
    ctx.clearRect(0, 0, width, HEIGHT);
    const cells = overviewCells(trace, this._end, width, HEIGHT);
    // One rectangle per run of equal cells: O(width × height) draw calls at most, whatever the span count.
    for (let y = 0; y < cells.rows; y++) {
      const row = cells.data.subarray(y * width, (y + 1) * width);
      for (let x = 0; x < width; ) {
        const c = row[x];
        let x2 = x + 1;
        while (x2 < width && row[x2] === c) {
          x2++;
        }
        if (c > 0) {
          ctx.fillStyle = colors[c];
          ctx.fillRect(x, y * cells.rowHeight, x2 - x, Math.max(1, cells.rowHeight - (cells.rowHeight > 2 ? 1 : 0)));
        }
        x = x2;
      }
    }
  }

  private _placeBrush(from?: number, to?: number): void {
    const w = this._window;
    if (from === undefined && !w) {
      this._brush.hidden = true;
      return;
    }
    const a = from ?? (w![0] / this._end) * 100;
    const b = to ?? (w![1] / this._end) * 100;
    this._brush.hidden = false;
    this._brush.style.left = `${Math.max(0, Math.min(a, b))}%`;
    this._brush.style.width = `${Math.min(100, Math.abs(b - a))}%`;
  }

  private _percentAt(clientX: number): number {
    const rect = this.node.getBoundingClientRect();
    return rect.width > 0 ? Math.max(0, Math.min(100, ((clientX - rect.left) / rect.width) * 100)) : 0;
  }

  private _onDown = (event: PointerEvent): void => {
    if (event.button !== 0 || (event.target as HTMLElement).closest('button')) {
      return;
    }
    event.preventDefault();
    this._dragFrom = this._percentAt(event.clientX);
    this._dragFromX = event.clientX;
    window.addEventListener('pointermove', this._onMove);
    window.addEventListener('pointerup', this._onUp);
    window.addEventListener('pointercancel', this._onCancel);
  };

  private _onCancel = (): void => {
    this._endDrag();
    this._placeBrush();
  };

  private _onMove = (event: PointerEvent): void => {
    this._placeBrush(this._dragFrom, this._percentAt(event.clientX));
  };

  private _onUp = (event: PointerEvent): void => {
    const from = this._dragFrom;
    const to = this._percentAt(event.clientX);
    const moved = Math.abs(event.clientX - this._dragFromX);
    this._endDrag();
    if (moved < MIN_BRUSH_PX) {
      this._placeBrush();
      return;
    }
    const t0 = (Math.min(from, to) / 100) * this._end;
    const t1 = (Math.max(from, to) / 100) * this._end;
    this._onZoom([t0, t1]);
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    const next = keyZoom(event.key, this._window, this._end);
    if (next === undefined) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    this._onZoom(next);
  };

  private _onDblClick = (): void => {
    this._onZoom(null);
  };

  private _endDrag(): void {
    window.removeEventListener('pointermove', this._onMove);
    window.removeEventListener('pointerup', this._onUp);
    window.removeEventListener('pointercancel', this._onCancel);
  }

  private _onZoom: (window: TimeWindow | null) => void;
  private _canvas: HTMLCanvasElement;
  private _brush: HTMLElement;
  private _reset: HTMLButtonElement;
  private _resizeObserver: ResizeObserver | null = null;
  private _trace: Trace | null = null;
  private _end = 1;
  private _window: TimeWindow | null = null;
  private _width = 0;
  private _frame = 0;
  private _idle = false;
  private _dragFrom = 0;
  private _dragFromX = 0;
}

/**
 * The zoom window after a key in the overview (undefined: not a zoom key):
 * "+"/"=" halves the window around its centre, "-" doubles it, arrows move it
 * by a tenth of the trace, "0"/Escape resets. Stays within [0, end].
 */
export function keyZoom(key: string, window: TimeWindow | null, end: number): TimeWindow | null | undefined {
  const [a, b] = window ?? [0, end];
  const mid = (a + b) / 2;
  const width = b - a;
  const clampWindow = (from: number, to: number): TimeWindow | null => {
    const w = Math.min(end, to - from);
    const start = Math.max(0, Math.min(end - w, from));
    return w >= end ? null : [start, start + w];
  };
  switch (key) {
    case '+':
    case '=':
      return clampWindow(mid - width / 4, mid + width / 4);
    case '-':
      return clampWindow(mid - width, mid + width);
    case 'ArrowLeft':
      return window ? clampWindow(a - end / 10, b - end / 10) : undefined;
    case 'ArrowRight':
      return window ? clampWindow(a + end / 10, b + end / 10) : undefined;
    case '0':
    case 'Escape':
      return window ? null : undefined;
    default:
      return undefined;
  }
}

/**
 * The overview as a grid of cells (rows × width px): 0 empty, 1 span, 2
 * running span, 3 error (the highest wins). Spans in tree order are squeezed
 * into the rows; every span marks at least one pixel.
 */
export function overviewCells(
  trace: Trace,
  end: number,
  width: number,
  height: number
): { data: Uint8Array; rows: number; rowHeight: number } {
  const n = trace.spans.length;
  const rowHeight = Math.max(1, Math.min(4, Math.floor(height / Math.max(1, n))));
  const rows = Math.max(1, Math.min(n, Math.floor(height / rowHeight)));
  const data = new Uint8Array(rows * width);
  const scale = end > 0 ? width / end : 0;
  for (let i = 0; i < n; i++) {
    const s = trace.spans[i];
    const y = Math.min(rows - 1, Math.floor((i * rows) / n));
    const x0 = Math.max(0, Math.min(width - 1, Math.floor(s.start * scale)));
    const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil((s.end ?? end) * scale)));
    const c = s.status === 'ERROR' ? 3 : s.end === undefined ? 2 : 1;
    const base = y * width;
    for (let x = x0; x < x1; x++) {
      if (data[base + x] < c) {
        data[base + x] = c;
      }
    }
  }
  return { data, rows, rowHeight };
}
