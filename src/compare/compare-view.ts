/**
 * Two traces compared in one output: a header with both traces' totals and
 * the change, one virtualized ARIA tree of the aligned spans (model/compare.ts)
 * with each span's time in A and B, the delta, the token delta and status
 * changes, and below it the details of the selected span in A and in B side
 * by side (detail.ts's panel, twice).
 *
 * A row stands for a span and its counterpart. Clicking a row's A or B
 * duration picks that side; the other side is its counterpart, highlighted
 * in the row (class `nbtrace-compare-counterpart`) and named in the row's
 * description ("matched with B: search"). The keyboard is the main tree's
 * (tree-input.ts + keyboard.ts) through stand-in spans (compare-rows.ts).
 * Plain DOM, testable in jsdom.
 */
import { CompareNode, Comparison } from '../model/compare';
import { Span, Trace } from '../model/types';
import { renderCompareHeader } from './compare-header';
import { compareRowId, counterpartText, createCompareRow, effectiveSide, renderCompareRow, Side } from './compare-row';
import { CompareTree, compareTree } from '../rows/compare-tree';
import { changeWords } from '../rows/compare-labels';
import { DetailContext, renderDetail } from '../detail/panel';
import { el } from '../common/dom';
import { MarkdownRenderer } from '../common/markdown';
import { buildRows, revealSpan, Row, rowIndexOf } from '../rows/visible-rows';
import { ExpansionOptions, ExpansionState } from '../rows/expansion';
import { TreeInput, TreeInputTarget } from '../tree/tree-input';
import { VirtualList } from '../tree/virtual-list';

export interface CompareViewOptions {
  /** Labels of the two traces (default "A", "B"). */
  names: readonly [string, string];
  /** Problems found reading the payload, shown under the header. */
  warnings: readonly string[];
  maxVisibleRows: number;
  rowHeight: number;
  expansion: Partial<ExpansionOptions>;
  markdown: MarkdownRenderer;
}

let nextViewId = 0;

interface SidePanel {
  section: HTMLElement;
  title: HTMLElement;
  role: HTMLElement;
  panel: HTMLElement;
  ctx: DetailContext;
}

export class CompareView implements TreeInputTarget {
  constructor(comparison: Comparison, options: Partial<CompareViewOptions> = {}) {
    this._idPrefix = `nbtrace-compare-${++nextViewId}`;
    this.comparison = comparison;
    this.names = options.names ?? ['A', 'B'];
    this._tree = compareTree(comparison);
    this._expansion = new ExpansionState(options.expansion);
    this._markdown = options.markdown;

    this.node = el('div', 'nbtrace-trace nbtrace-compare');
    this.node.appendChild(
      renderCompareHeader(comparison, this.names, { expandAll: () => this.expandAll(), collapseAll: () => this.collapseAll() })
    );
    const warnings = [
      ...(options.warnings ?? []),
      ...comparison.a.warnings.map(w => `${this.names[0]}: ${w}`),
      ...comparison.b.warnings.map(w => `${this.names[1]}: ${w}`)
    ];
    if (warnings.length > 0) {
      this.node.appendChild(warningsNode(warnings));
    }
    this.node.appendChild(this._columns());

    this._list = new VirtualList({
      rowHeight: options.rowHeight ?? 24,
      overscan: 8,
      maxVisibleRows: options.maxVisibleRows ?? 16,
      createRow: createCompareRow,
      renderRow: (row, index) => this._renderRow(row, index)
    });
    const tree = this._list.node;
    tree.classList.add('nbtrace-compare-tree');
    tree.setAttribute('role', 'tree');
    tree.setAttribute('tabindex', '0');
    tree.setAttribute('aria-label', `Spans of ${this.names[0]} (${comparison.a.name}) and ${this.names[1]} (${comparison.b.name}), aligned`);
    tree.setAttribute('data-lm-suppress-shortcuts', 'true');
    // Which side a click picked: seen before TreeInput's click selects the row, forgotten after.
    tree.addEventListener('click', this._onClickCapture, true);
    this._input = new TreeInput(tree, this);
    tree.addEventListener('click', this._onClickAfter);
    this.node.appendChild(tree);

    // What the selected row is matched with and what changed, in words: the row's description too.
    this._description = el('div', 'nbtrace-compare-selection');
    this._description.id = `${this._idPrefix}-description`;
    this._description.hidden = true;
    this.node.appendChild(this._description);

    const details = el('div', 'nbtrace-compare-details');
    details.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._panels = { a: this._sidePanel('a'), b: this._sidePanel('b') };
    details.appendChild(this._panels.a.section);
    details.appendChild(this._panels.b.section);
    this.node.appendChild(details);

    this._rebuildRows();
    this._renderDetails();
  }

  readonly node: HTMLElement;
  readonly comparison: Comparison;
  readonly names: readonly [string, string];

  /** The stand-in trace of aligned nodes (for the tree input). */
  get trace(): Trace {
    return this._tree.trace;
  }

  get rows(): readonly Row[] {
    return this._rows;
  }

  /** The key of the selected node (null: none). */
  get selectedId(): string | null {
    return this._selectedKey;
  }

  get selectedNode(): CompareNode | null {
    return this._selectedKey === null ? null : this._tree.nodeOf.get(this._selectedKey) ?? null;
  }

  /** The side the user picked; a row without it shows the other. */
  get side(): Side {
    return this._side;
  }

  /** The node holding a given span of A or B. */
  nodeForSpan(side: Side, spanId: string): CompareNode | undefined {
    return (side === 'a' ? this._tree.byIdA : this._tree.byIdB).get(spanId);
  }

  /** Select a node by key (revealing it), optionally picking a side; null clears. */
  select(key: string | null, side?: Side): void {
    const pick = side ?? this._clickSide ?? undefined;
    this._clickSide = null;
    if (pick) {
      this._side = pick;
    }
    const span = key === null ? null : this._tree.trace.byId.get(key) ?? null;
    this._selectedKey = span ? span.id : null;
    if (span && rowIndexOf(this._rows, span.id) < 0) {
      revealSpan(this._tree.trace, this._expansion, span);
      this._rebuildRows();
    }
    const index = rowIndexOf(this._rows, this._selectedKey);
    if (index >= 0) {
      this._list.scrollToIndex(index);
    }
    this._list.invalidate();
    this._syncActiveDescendant();
    this._renderDetails();
  }

  setExpanded(key: string, expanded: boolean): void {
    this._clickSide = null;
    const span = this._tree.trace.byId.get(key);
    if (span && span.children.length > 0) {
      this._expansion.setExpanded(span, expanded);
      this._refreshRows();
    }
  }

  expandAll(): void {
    this._expansion.expandAll();
    this._refreshRows();
  }

  collapseAll(): void {
    this._expansion.collapseAll();
    this._refreshRows();
  }

  expandSiblings(span: Span): void {
    const parent = span.parentId === null ? null : this._tree.trace.byId.get(span.parentId);
    for (const s of parent ? parent.children : this._tree.trace.roots) {
      if (s.children.length > 0) {
        this._expansion.setExpanded(s, true);
      }
    }
    this._refreshRows();
  }

  /** The comparison has no search box: "/" does nothing here. */
  focusSearch(): void {
    return;
  }

  pageSize(): number {
    return Math.max(1, Math.floor(this._list.viewportHeight / this._list.rowHeight) - 1);
  }

  focus(): void {
    this._list.node.focus();
  }

  dispose(): void {
    const tree = this._list.node;
    tree.removeEventListener('click', this._onClickCapture, true);
    tree.removeEventListener('click', this._onClickAfter);
    this._input.dispose();
    this._list.dispose();
  }

  // ------------------------------------------------------------ internals

  private _columns(): HTMLElement {
    const cols = el('div', 'nbtrace-compare-columns');
    cols.setAttribute('aria-hidden', 'true');
    cols.appendChild(el('div', 'nbtrace-compare-col-label', 'Span'));
    cols.appendChild(el('div', 'nbtrace-compare-col-a', this.names[0]));
    cols.appendChild(el('div', 'nbtrace-compare-col-b', this.names[1]));
    cols.appendChild(el('div', 'nbtrace-compare-col-delta', 'Δ time'));
    cols.appendChild(el('div', 'nbtrace-compare-col-tokens', 'Δ tokens'));
    cols.appendChild(el('div', 'nbtrace-compare-col-status', 'Status'));
    for (const c of Array.from(cols.children) as HTMLElement[]) {
      c.title = c.textContent ?? '';
    }
    return cols;
  }

  private _sidePanel(side: Side): SidePanel {
    const name = side === 'a' ? this.names[0] : this.names[1];
    const trace = side === 'a' ? this.comparison.a : this.comparison.b;
    const section = el('section', 'nbtrace-compare-detail');
    section.dataset.side = side;
    section.setAttribute('role', 'region');
    section.setAttribute('aria-label', `Span details: ${name}`);
    const title = el('div', 'nbtrace-compare-detail-title');
    title.appendChild(el('span', 'nbtrace-compare-side-tag', name));
    title.appendChild(el('span', 'nbtrace-compare-trace-name', trace.name));
    const role = el('span', 'nbtrace-compare-detail-role');
    title.appendChild(role);
    section.appendChild(title);
    const panel = el('div', 'nbtrace-detail');
    section.appendChild(panel);
    const ctx: DetailContext = {
      tab: null,
      raw: false,
      markdown: this._markdown,
      // A link in the details (a tool call → its tool span) selects that span's row.
      select: id => {
        const node = this.nodeForSpan(side, id);
        if (node) {
          this.select(node.key, side);
          this.focus();
        }
      },
      onTab: id => (ctx.tab = id),
      onRaw: raw => {
        ctx.raw = raw;
        this._renderDetails();
      }
    };
    return { section, title, role, panel, ctx };
  }

  private _renderDetails(): void {
    const node = this.selectedNode;
    const side = node ? effectiveSide(node, this._side) : null;
    for (const s of ['a', 'b'] as const) {
      const p = this._panels[s];
      const trace = s === 'a' ? this.comparison.a : this.comparison.b;
      const name = s === 'a' ? this.names[0] : this.names[1];
      const other = s === 'a' ? this.names[1] : this.names[0];
      p.section.classList.toggle('nbtrace-compare-detail-selected', node !== null && s === side && node[s] !== undefined);
      p.section.classList.toggle('nbtrace-compare-detail-counterpart', node !== null && s !== side && node[s] !== undefined);
      if (!node) {
        p.role.textContent = '';
        p.panel.replaceChildren(el('p', 'nbtrace-detail-hint', `Select a span to see it in ${this.names[0]} and ${this.names[1]} side by side.`));
        continue;
      }
      const span = node[s];
      if (!span) {
        p.role.textContent = node.kind === 'added' ? `added in ${other}` : `removed in ${other}`;
        p.panel.replaceChildren(
          el(
            'p',
            'nbtrace-detail-hint nbtrace-compare-missing',
            node.kind === 'added'
              ? `Not in ${name}: “${node.name}” is new in ${other}.`
              : `Not in ${name}: “${node.name}” is only in ${other}.`
          )
        );
        continue;
      }
      p.role.textContent = s === side ? 'selected' : counterpartText(node, s, this.names);
      const scroll = p.panel.scrollTop;
      renderDetail(p.panel, trace, span, p.ctx);
      p.panel.scrollTop = scroll;
    }
    this._description.hidden = node === null;
    this._description.textContent = node
      ? `Selected in ${side === 'a' ? this.names[0] : this.names[1]}: ${node[side!]!.name}; ${counterpartText(node, side!, this.names)}. ${changeWords(node, this.names)}.`
      : '';
  }

  private _renderRow(row: HTMLElement, index: number): void {
    const r = this._rows[index];
    const node = r ? this._tree.nodeOf.get(r.span.id) : undefined;
    if (r && node) {
      renderCompareRow(row, r, node, {
        names: this.names,
        selectedKey: this._selectedKey,
        side: this._side,
        idPrefix: this._idPrefix,
        describedBy: this._description.id
      });
    }
  }

  private _rebuildRows(): void {
    this._rows = buildRows(this._tree.trace, this._expansion);
    this._list.setCount(this._rows.length);
  }

  private _refreshRows(): void {
    this._rebuildRows();
    this._syncActiveDescendant();
  }

  private _syncActiveDescendant(): void {
    const tree = this._list.node;
    if (this._selectedKey !== null && rowIndexOf(this._rows, this._selectedKey) >= 0) {
      tree.setAttribute('aria-activedescendant', compareRowId(this._idPrefix, this._selectedKey));
    } else {
      tree.removeAttribute('aria-activedescendant');
    }
  }

  private _onClickCapture = (event: MouseEvent): void => {
    const cell = (event.target as HTMLElement | null)?.closest?.('.nbtrace-compare-cell') as HTMLElement | null;
    const side = cell?.dataset.side;
    this._clickSide = side === 'a' || side === 'b' ? side : null;
  };

  private _onClickAfter = (): void => {
    this._clickSide = null;
  };

  private _idPrefix: string;
  private _tree: CompareTree;
  private _expansion: ExpansionState;
  private _markdown: MarkdownRenderer | undefined;
  private _list: VirtualList;
  private _input: TreeInput;
  private _rows: Row[] = [];
  private _selectedKey: string | null = null;
  private _side: Side = 'a';
  private _clickSide: Side | null = null;
  private _description: HTMLElement;
  private _panels: { a: SidePanel; b: SidePanel };
}

function warningsNode(list: readonly string[]): HTMLElement {
  const w = el('div', 'nbtrace-warnings');
  const details = el('details', '');
  details.appendChild(el('summary', '', `${list.length} problem${list.length === 1 ? '' : 's'} reading these traces`));
  const ul = el('ul', '');
  for (const text of list.slice(0, 50)) {
    ul.appendChild(el('li', '', text));
  }
  if (list.length > 50) {
    ul.appendChild(el('li', '', `… and ${list.length - 50} more`));
  }
  details.appendChild(ul);
  w.appendChild(details);
  return w;
}
