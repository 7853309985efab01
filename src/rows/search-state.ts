/**
 * What the user searched for in one trace view, and where they are among the
 * matches. Pure (no DOM): the view renders it, live updates refresh it.
 */
import { Span, Trace } from '../model/types';
import { parseQuery, searchIndices, SearchTerm } from './search';

/** What the rows need to mark search matches. */
export interface RowSearch {
  matchIds: ReadonlySet<string>;
  currentId: string | null;
  /** Plain-text terms (lowercase), highlighted in span names. */
  textTerms: readonly string[];
}

export class SearchState {
  /** Hide the spans that neither match nor lead to a match. */
  matchesOnly = false;

  get active(): boolean {
    return this._terms.length > 0;
  }

  get query(): string {
    return this._query;
  }

  get matches(): readonly Span[] {
    return this._matches;
  }

  /** 0-based index of the current match, -1 for none. */
  get currentIndex(): number {
    return this._current;
  }

  get current(): Span | null {
    return this._current >= 0 ? this._matches[this._current] : null;
  }

  /**
   * A new query: the current match becomes the first one at or after
   * `fromId` in tree order (so searching does not jump back to the top).
   */
  setQuery(query: string, trace: Trace, fromId: string | null): void {
    this._query = query;
    this._terms = parseQuery(query);
    this._rowSearch = undefined;
    this._search(trace);
    this._current = -1;
    if (this._matches.length === 0) {
      return;
    }
    const from = fromId === null ? -1 : trace.spans.indexOf(trace.byId.get(fromId)!);
    // The first match at or after `from` (positions ascend), else wrap to the first.
    const at = from < 0 ? 0 : this._positions.findIndex(p => p >= from);
    this._current = at < 0 ? 0 : at;
  }

  /** A newer payload of the trace: search it again, keeping the current match if it still matches. */
  refresh(trace: Trace): void {
    if (!this.active) {
      return;
    }
    const currentId = this.current?.id ?? null;
    this._search(trace);
    const i = currentId === null ? -1 : this._matches.findIndex(s => s.id === currentId);
    this._current = i >= 0 ? i : this._matches.length > 0 ? Math.min(Math.max(this._current, 0), this._matches.length - 1) : -1;
  }

  /** Move to the next (1) or previous (-1) match, wrapping; the new current match. */
  step(direction: 1 | -1): Span | null {
    const n = this._matches.length;
    if (n === 0) {
      return null;
    }
    this._current = this._current < 0 ? (direction === 1 ? 0 : n - 1) : (this._current + direction + n) % n;
    return this._matches[this._current];
  }

  isMatch(span: Span): boolean {
    return this._matchIds.has(span.id);
  }

  /** What the rows need to mark matches (undefined while no search is active). Cached: asked per row. */
  rowSearch(): RowSearch | undefined {
    if (!this.active) {
      return undefined;
    }
    const currentId = this.current?.id ?? null;
    if (!this._rowSearch || this._rowSearch.currentId !== currentId || this._rowSearch.matchIds !== this._matchIds) {
      this._rowSearch = {
        matchIds: this._matchIds,
        currentId,
        textTerms: this._terms.filter((t): t is { text: string } => 'text' in t).map(t => t.text)
      };
    }
    return this._rowSearch;
  }

  private _search(trace: Trace): void {
    this._positions = searchIndices(trace, this._terms);
    this._matches = this._positions.map(i => trace.spans[i]);
    this._matchIds = new Set(this._matches.map(s => s.id));
  }

  private _query = '';
  private _terms: SearchTerm[] = [];
  private _matches: Span[] = [];
  /** Indices of the matches in Trace.spans (ascending). */
  private _positions: number[] = [];
  private _matchIds: Set<string> = new Set();
  private _current = -1;
  private _rowSearch: RowSearch | undefined;
}
