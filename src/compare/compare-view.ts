/**
 * Two traces compared in one output: a header with both traces' totals and
 * the change, one virtualized ARIA tree of the aligned spans (compareTraces)
 * with each span's time in A and B, the delta, the token delta and status
 * changes, and below it the details of the selected span in A and in B side
 * by side (the detail panel, twice).
 *
 * A row stands for a span and its counterpart. Clicking a row's A or B
 * duration picks that side; the other side is its counterpart, highlighted
 * in the row (class `nbtrace-compare-counterpart`) and named in the row's
 * description ("matched with B: search"). The tree is the main view's
 * (TreePane) over stand-in spans (compareTree).
 * Plain DOM, testable in jsdom.
 */
import { el } from '../common/dom';
import { MarkdownRenderer } from '../common/markdown';
import { warningsList } from '../common/warnings';
import { DetailContext, renderDetail } from '../detail/panel';
import { CompareNode, Comparison } from '../model/compare';
import { Span, Trace } from '../model/types';
import { changeWords } from '../rows/compare-labels';
import { CompareTree, compareTree } from '../rows/compare-tree';
import { ExpansionOptions } from '../rows/expansion';
import { Row } from '../rows/visible-rows';
import { TreePane } from '../tree/tree-pane';
import { renderCompareHeader } from './compare-header';
import { compareRowId, counterpartText, createCompareRow, effectiveSide, renderCompareRow, Side } from './compare-row';

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

export class CompareView {
  constructor(comparison: Comparison, options: Partial<CompareViewOptions> = {}) {
    this._idPrefix = `nbtrace-compare-${++nextViewId}`;
    this.comparison = comparison;
    this.names = options.names ?? ['A', 'B'];
    this._tree = compareTree(comparison);
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
      const box = el('div', 'nbtrace-warnings');
      box.appendChild(warningsList(warnings, 'reading these traces'));
      this.node.appendChild(box);
    }
    this.node.appendChild(this._columns());

    this._pane = new TreePane(this._tree.trace, {
      label: `Spans of ${this.names[0]} (${comparison.a.name}) and ${this.names[1]} (${comparison.b.name}), aligned`,
      rowHeight: options.rowHeight,
      maxVisibleRows: options.maxVisibleRows,
      expansion: options.expansion,
      createRow: createCompareRow,
      renderRow: (el, row) => this._renderRow(el, row),
      rowId: key => compareRowId(this._idPrefix, key),
      onSelect: () => this._renderDetails()
    });
    const tree = this._pane.node;
    tree.classList.add('nbtrace-compare-tree');
    // A click on a row's A or B duration picks that side (before the pane's click selects the row).
    tree.addEventListener('click', this._onClickCapture, true);
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

    this._pane.refresh();
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
    return this._pane.rows;
  }

  /** The key of the selected node (null: none). */
  get selectedId(): string | null {
    return this._pane.selectedId;
  }

  get selectedNode(): CompareNode | null {
    const key = this._pane.selectedId;
    return key === null ? null : this._tree.nodeOf.get(key) ?? null;
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
    if (side) {
      this._side = side;
    }
    this._pane.select(key);
  }

  setExpanded(key: string, expanded: boolean): void {
    this._pane.setExpanded(key, expanded);
  }

  expandAll(): void {
    this._pane.expandAll();
  }

  collapseAll(): void {
    this._pane.collapseAll();
  }

  expandSiblings(span: Span): void {
    this._pane.expandSiblings(span);
  }

  focus(): void {
    this._pane.focus();
  }

  dispose(): void {
    this._pane.node.removeEventListener('click', this._onClickCapture, true);
    this._pane.dispose();
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

  private _renderRow(el: HTMLElement, r: Row): void {
    const node = this._tree.nodeOf.get(r.span.id);
    if (node) {
      renderCompareRow(el, r, node, {
        names: this.names,
        selectedKey: this._pane.selectedId,
        side: this._side,
        idPrefix: this._idPrefix,
        describedBy: this._description.id
      });
    }
  }

  private _onClickCapture = (event: MouseEvent): void => {
    const cell = (event.target as HTMLElement | null)?.closest?.('.nbtrace-compare-cell') as HTMLElement | null;
    const side = cell?.dataset.side;
    if (side === 'a' || side === 'b') {
      this._side = side;
    }
  };

  private _idPrefix: string;
  private _tree: CompareTree;
  private _markdown: MarkdownRenderer | undefined;
  private _pane: TreePane;
  private _side: Side = 'a';
  private _description: HTMLElement;
  private _panels: { a: SidePanel; b: SidePanel };
}
