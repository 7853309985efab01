/**
 * One row of the comparison tree: mark (+ added / − removed), the span's
 * name in the tree, its duration in A and in B, the time delta (sign, colour
 * and a spoken sentence), the token delta and the status change. Built once
 * per pool slot and refilled as it is recycled; text goes in as text only.
 */
import { CompareNode } from '../model/compare';
import { child } from '../common/dom';
import {
  durationCell,
  formatDeltaMs,
  formatPct,
  formatTokenDelta,
  rowLabel,
  statusCell,
  tokenDeltaText,
  tokenTrend,
  trendOf
} from '../rows/compare-labels';
import { MAX_INDENT_LEVELS } from '../tree/row';
import { kindLook } from '../rows/kind-look';
import { Row } from '../rows/visible-rows';

export type Side = 'a' | 'b';

interface Parts {
  mark: HTMLElement;
  twisty: HTMLElement;
  kind: HTMLElement;
  name: HTMLElement;
  label: HTMLElement;
  cellA: HTMLElement;
  cellB: HTMLElement;
  delta: HTMLElement;
  deltaText: HTMLElement;
  deltaPct: HTMLElement;
  tokens: HTMLElement;
  status: HTMLElement;
}

const partsOf = new WeakMap<HTMLElement, Parts>();

/** `nbtrace-row` so the main tree's input handling (TreeInput) finds it. */
export function createCompareRow(): HTMLElement {
  const row = document.createElement('div');
  row.className = 'nbtrace-row nbtrace-compare-row';
  row.setAttribute('role', 'treeitem');
  const label = child('div', 'nbtrace-compare-label', row);
  const mark = child('span', 'nbtrace-compare-mark', label);
  const twisty = child('span', 'nbtrace-twisty', label);
  const kind = child('span', 'nbtrace-kind', label);
  const name = child('span', 'nbtrace-name', label);
  const cellA = child('div', 'nbtrace-compare-cell nbtrace-compare-cell-a', row);
  cellA.dataset.side = 'a';
  const cellB = child('div', 'nbtrace-compare-cell nbtrace-compare-cell-b', row);
  cellB.dataset.side = 'b';
  const delta = child('div', 'nbtrace-compare-delta', row);
  const deltaText = child('span', 'nbtrace-compare-delta-ms', delta);
  const deltaPct = child('span', 'nbtrace-compare-delta-pct', delta);
  const tokens = child('div', 'nbtrace-compare-tokens', row);
  const status = child('div', 'nbtrace-compare-status', row);
  for (const e of [mark, twisty, label, cellA, cellB, delta, tokens, status]) {
    e.setAttribute('aria-hidden', 'true'); // the row's aria-label says it all, in words
  }
  partsOf.set(row, { mark, twisty, kind, name, label, cellA, cellB, delta, deltaText, deltaPct, tokens, status });
  return row;
}

export interface CompareRowContext {
  names: readonly [string, string];
  selectedKey: string | null;
  /** The side of the selected row the user picked (its counterpart is the other side). */
  side: Side;
  idPrefix: string;
  /** Id of the element describing the selected row (aria-describedby). */
  describedBy: string;
}

/** The side a row shows as "selected": the chosen side if the row has it, else the one it has. */
export function effectiveSide(node: CompareNode, side: Side): Side {
  return node[side] ? side : side === 'a' ? 'b' : 'a';
}

function otherName(names: readonly [string, string], side: Side): string {
  return side === 'a' ? names[1] : names[0];
}

/** "matched with B: search" — what the counterpart of the selected side is. */
export function counterpartText(node: CompareNode, side: Side, names: readonly [string, string]): string {
  const other: Side = side === 'a' ? 'b' : 'a';
  const span = node[other];
  return span ? `matched with ${otherName(names, side)}: ${span.name}` : `no counterpart in ${otherName(names, side)}`;
}

export function renderCompareRow(el: HTMLElement, r: Row, node: CompareNode, ctx: CompareRowContext): void {
  const p = partsOf.get(el);
  if (!p) {
    return;
  }
  const selected = node.key === ctx.selectedKey;
  el.id = compareRowId(ctx.idPrefix, node.key);
  el.dataset.spanId = node.key;
  el.dataset.kind = node.kind;
  el.setAttribute('aria-level', String(r.level));
  el.setAttribute('aria-posinset', String(r.posInSet));
  el.setAttribute('aria-setsize', String(r.setSize));
  el.setAttribute('aria-selected', selected ? 'true' : 'false');
  el.setAttribute('aria-label', rowLabel(node, ctx.names));
  if (r.hasChildren) {
    el.setAttribute('aria-expanded', r.expanded ? 'true' : 'false');
  } else {
    el.removeAttribute('aria-expanded');
  }
  if (selected) {
    el.setAttribute('aria-describedby', ctx.describedBy);
  } else {
    el.removeAttribute('aria-describedby');
  }
  el.classList.toggle('nbtrace-compare-added', node.kind === 'added');
  el.classList.toggle('nbtrace-compare-removed', node.kind === 'removed');

  p.mark.textContent = node.kind === 'added' ? '+' : node.kind === 'removed' ? '\u2212' : '';
  p.mark.title = node.kind === 'added' ? `Added: only in ${ctx.names[1]}` : node.kind === 'removed' ? `Removed: only in ${ctx.names[0]}` : '';
  p.label.style.setProperty('--nbtrace-indent', String(Math.min(node.depth, MAX_INDENT_LEVELS)));
  p.twisty.classList.toggle('nbtrace-twisty-leaf', !r.hasChildren);
  p.twisty.classList.toggle('nbtrace-twisty-open', r.expanded);
  const span = node.b ?? node.a!;
  const look = kindLook(span.kind);
  p.kind.textContent = look.badge;
  p.kind.title = look.label;
  p.kind.dataset.family = look.family;
  const renamed = node.a && node.b && node.a.name !== node.b.name;
  p.name.textContent = renamed ? `${node.a!.name} → ${node.b!.name}` : node.name;
  p.name.title = p.name.textContent;

  p.cellA.textContent = durationCell(node.a);
  p.cellB.textContent = durationCell(node.b);
  const side = effectiveSide(node, ctx.side);
  for (const [cell, s] of [[p.cellA, 'a'], [p.cellB, 'b']] as const) {
    const present = node[s] !== undefined;
    cell.classList.toggle('nbtrace-compare-cell-missing', !present);
    cell.classList.toggle('nbtrace-compare-cell-selected', selected && s === side);
    const counterpart = selected && present && s !== side;
    cell.classList.toggle('nbtrace-compare-counterpart', counterpart);
    cell.title = !present
      ? `Not in ${s === 'a' ? ctx.names[0] : ctx.names[1]}`
      : counterpart
        ? `${s === 'a' ? ctx.names[0] : ctx.names[1]}: ${node[s]!.name}, ${counterpartText(node, s, ctx.names)}`
        : `${s === 'a' ? ctx.names[0] : ctx.names[1]}: ${node[s]!.name} (click to select this side)`;
    if (counterpart) {
      cell.dataset.counterpart = 'true';
    } else {
      delete cell.dataset.counterpart;
    }
  }

  const trend = trendOf(node.deltaMs, node.deltaPct);
  p.delta.dataset.trend = trend ?? '';
  p.deltaText.textContent = formatDeltaMs(node.deltaMs);
  p.deltaPct.textContent = node.kind === 'matched' ? formatPct(node.deltaPct) : '';
  p.delta.title = trend ? `${formatDeltaMs(node.deltaMs)}${trend === 'same' ? ' (about the same)' : ` ${trend}`}` : '';

  p.tokens.textContent = formatTokenDelta(node.tokenDelta);
  p.tokens.dataset.trend = tokenTrend(node.tokenDelta) ?? '';
  p.tokens.title = node.tokenDelta ? `Tokens ${ctx.names[1]} − ${ctx.names[0]}: ${tokenDeltaText(node.tokenDelta)}` : '';

  const status = statusCell(node);
  p.status.textContent = status.tone === 'error' ? `! ${status.text}` : status.text;
  p.status.dataset.tone = status.tone;
}

/** A DOM id for a row; one-to-one (keys are encodeURIComponent output plus '#' and '/': two hex digits each). */
export function compareRowId(prefix: string, key: string): string {
  return `${prefix}-${key.replace(/[^A-Za-z0-9-]/g, c => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
}
