/**
 * UI state of one trace view, keyed by span id so it survives a newer
 * payload of the same trace (live updates re-parse the whole trace).
 *
 * Expansion is stored as a mode plus per-span overrides instead of a set of
 * every expanded id: "expand all" on 100k spans is then O(1), and spans that
 * arrive later get the default rule instead of an arbitrary state.
 */
import { Span } from '../model/types';
import { DEFAULT_EXPANSION, ExpansionDefaults } from '../settings';

export type ExpandMode = 'default' | 'all' | 'none';

/** How spans start: open above a depth, closed when they have too many children. */
export type ExpansionOptions = ExpansionDefaults;

export class ExpansionState {
  constructor(options: Partial<ExpansionOptions> = {}) {
    this.options = { ...DEFAULT_EXPANSION, ...options };
  }

  options: ExpansionOptions;

  get mode(): ExpandMode {
    return this._mode;
  }

  /** Whether the span's children are shown. A leaf is never "expanded". */
  isExpanded(span: Span): boolean {
    if (span.children.length === 0) {
      return false;
    }
    const override = this._overrides.get(span.id);
    if (override !== undefined) {
      return override;
    }
    switch (this._mode) {
      case 'all':
        return true;
      case 'none':
        return false;
      default:
        return (
          span.depth < this.options.defaultDepth &&
          span.children.length <= this.options.maxAutoExpandChildren
        );
    }
  }

  setExpanded(span: Span, expanded: boolean): void {
    this._overrides.set(span.id, expanded);
  }

  toggle(span: Span): void {
    this.setExpanded(span, !this.isExpanded(span));
  }

  expandAll(): void {
    this._mode = 'all';
    this._overrides.clear();
  }

  collapseAll(): void {
    this._mode = 'none';
    this._overrides.clear();
  }

  /** Spans with depth < `depth` expanded, the rest collapsed (the "± one level" buttons). */
  expandToDepth(depth: number): void {
    this._mode = 'default';
    this.options = { ...this.options, defaultDepth: Math.max(0, depth), maxAutoExpandChildren: Infinity };
    this._overrides.clear();
  }

  /** The depth the tree is open to, by mode: `maxDepth + 1` when all is expanded. */
  openDepth(maxDepth: number): number {
    return this._mode === 'all' ? maxDepth + 1 : this._mode === 'none' ? 0 : Math.min(this.options.defaultDepth, maxDepth + 1);
  }

  private _mode: ExpandMode = 'default';
  private _overrides = new Map<string, boolean>();
}
