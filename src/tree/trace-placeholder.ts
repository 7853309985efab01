/**
 * What an off-screen trace output shows until it is built (TraceSlot): the
 * real trace header (name, state, span count, duration, tokens, cost — and
 * its buttons, which build the view and act) over an empty block as tall as
 * the tools, column header, tree and detail panel will be, so the page does
 * not jump when the view replaces it. No tree, tools, minimap, observers or
 * listeners of its own; a group with a name, and aria-busy, for screen readers.
 */
import { Trace } from '../model/types';
import { ExpansionOptions } from '../rows/expansion';
import { displayName, formatCount, formatDuration } from '../rows/labels';
import { estimateBodyHeight, PlaceholderGeometry } from '../rows/placeholder-size';
import { TraceHeader } from './header';

export interface PlaceholderActions {
  expandAll(): void;
  collapseAll(): void;
  traceJson(): string;
  addToDataset?: () => void;
}

export class TracePlaceholder {
  constructor(actions: PlaceholderActions) {
    this.node = document.createElement('div');
    this.node.className = 'nbtrace-trace nbtrace-placeholder';
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-busy', 'true');
    this._header = new TraceHeader(actions);
    this._body = document.createElement('div');
    this._body.className = 'nbtrace-placeholder-body';
    this._body.setAttribute('aria-hidden', 'true');
    this.node.append(this._header.node, this._body);
  }

  readonly node: HTMLElement;

  /** Show `trace`'s header, and take the room its view will take. */
  render(trace: Trace, geometry: PlaceholderGeometry, expansion: Partial<ExpansionOptions>): void {
    const running = trace.state === 'IN_PROGRESS';
    this._header.render(trace, running, trace.duration);
    const height = `${estimateBodyHeight(trace, geometry, expansion)}px`;
    if (this._body.style.height !== height) {
      this._body.style.height = height;
    }
    const state = running ? 'running' : trace.state === 'ERROR' ? 'error' : trace.state === 'OK' ? 'ok' : 'done';
    const n = trace.spans.length;
    this.node.setAttribute(
      'aria-label',
      `Trace ${displayName(trace.name)}: ${state}, ${formatCount(n)} span${n === 1 ? '' : 's'}` +
        `${running ? '' : `, ${formatDuration(trace.duration)}`}; its span tree is shown when it scrolls into view`
    );
  }

  private _header: TraceHeader;
  private _body: HTMLElement;
}
