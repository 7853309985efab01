/**
 * One tree row: built once per pool slot, then only its text, attributes and
 * bar geometry change as it is recycled. No listeners here — the tree view
 * delegates events from its viewport, so there are no per-row closures.
 */
import { Assessment, Span } from '../model/types';
import { assessmentTitle, valueText, verdictOf } from '../rows/verdicts';
import { child } from '../common/dom';
import { displayName, formatCompact, formatCount, formatDuration, tokenText } from '../rows/labels';
import { kindLook } from '../rows/kind-look';
import { Row } from '../rows/visible-rows';
import { highlightRanges } from '../rows/search';
import { RowSearch } from '../rows/search-state';
import { BarGeometry, barGeometry, TimeScale } from '../rows/timeline';

/**
 * Indentation stops growing past this depth; a depth badge shows the real
 * level. The row sets `--nbtrace-indent` (0..16); the stylesheet turns it into
 * padding that never takes more than 30 % of the label column, so the name of
 * the deepest span stays visible in a narrow output.
 */
export const MAX_INDENT_LEVELS = 16;

interface RowParts {
  label: HTMLElement;
  depth: HTMLElement;
  twisty: HTMLElement;
  kind: HTMLElement;
  name: HTMLElement;
  status: HTMLElement;
  errorBelow: HTMLElement;
  tokens: HTMLElement;
  scores: HTMLElement;
  count: HTMLElement;
  duration: HTMLElement;
  bar: HTMLElement;
}

// Parts are looked up by element, not captured in closures.
const partsOf = new WeakMap<HTMLElement, RowParts>();
// What each element last showed, besides its bar geometry.
const keyOf = new WeakMap<HTMLElement, string>();

function rowKey(r: Row, ctx: RowContext): string {
  const s = r.span;
  return [
    ctx.idPrefix,
    s.id,
    s.name,
    s.kind,
    s.status,
    s.statusMessage,
    s.depth,
    s.start,
    s.end,
    s.orphan,
    s.children.length,
    s.parentId,
    r.expanded,
    r.hasChildren,
    r.posInSet,
    r.setSize,
    s.id === ctx.selectedId,
    matchState(s, ctx),
    ctx.search?.textTerms.join(' ') ?? '',
    ctx.hasErrorBelow?.(s) ?? false,
    ctx.critical?.has(s) ?? false,
    s.tokens ? tokenText(s.tokens) : '',
    ctx.assessments?.get(s.id)?.map(assessmentTitle).join('\n') ?? ''
  ].join('\u0000');
}

export function createRowElement(): HTMLElement {
  const row = document.createElement('div');
  row.className = 'nbtrace-row';
  row.setAttribute('role', 'treeitem');
  const label = child('div', 'nbtrace-row-label', row);
  const depth = child('span', 'nbtrace-depth', label);
  const twisty = child('span', 'nbtrace-twisty', label);
  twisty.setAttribute('aria-hidden', 'true');
  const kind = child('span', 'nbtrace-kind', label);
  const name = child('span', 'nbtrace-name', label);
  const status = child('span', 'nbtrace-status-icon', label);
  const errorBelow = child('span', 'nbtrace-error-below', label);
  const tokens = child('span', 'nbtrace-tokens', label);
  const scores = child('span', 'nbtrace-row-scores', label);
  const count = child('span', 'nbtrace-count', label);
  const duration = child('div', 'nbtrace-row-duration', row);
  const timeline = child('div', 'nbtrace-row-timeline', row);
  timeline.setAttribute('aria-hidden', 'true');
  const bar = child('div', 'nbtrace-bar', timeline);
  partsOf.set(row, { label, depth, twisty, kind, name, status, errorBelow, tokens, scores, count, duration, bar });
  return row;
}

export interface RowContext {
  scale: TimeScale;
  selectedId: string | null;
  /** "Now" in trace-relative ms, for running spans. */
  now: number;
  /** Prefix for element ids (aria-activedescendant). */
  idPrefix: string;
  /** The active search, if any: matches are marked, the rest dimmed. */
  search?: RowSearch;
  /** Does the span hide an ERROR span below it? (Shown while it is collapsed.) */
  hasErrorBelow?: (span: Span) => boolean;
  /** The critical path, when highlighted. */
  critical?: ReadonlySet<Span>;
  /** Span id → the assessments about that span (scores shown on its row). */
  assessments?: ReadonlyMap<string, readonly Assessment[]>;
}

function matchState(s: Span, ctx: RowContext): string {
  const q = ctx.search;
  if (!q) {
    return '';
  }
  return s.id === q.currentId ? 'current' : q.matchIds.has(s.id) ? 'match' : 'other';
}

/**
 * An icon's spoken name: role="img" with the label (a plain span's aria-label
 * is not read); hidden from screen readers while it has nothing to say.
 */
function iconLabel(el: HTMLElement, label: string): void {
  if (label) {
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
    el.removeAttribute('aria-hidden');
  } else {
    el.removeAttribute('role');
    el.removeAttribute('aria-label');
    el.setAttribute('aria-hidden', 'true');
  }
}

/** `text` into `el` as text nodes, with <mark> around the given ranges (never HTML parsing). */
function setMarkedText(el: HTMLElement, text: string, ranges: readonly [number, number][]): void {
  if (ranges.length === 0) {
    el.textContent = text;
    return;
  }
  const nodes: Node[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a > at) {
      nodes.push(document.createTextNode(text.slice(at, a)));
    }
    const mark = document.createElement('mark');
    mark.className = 'nbtrace-mark';
    mark.textContent = text.slice(a, b);
    nodes.push(mark);
    at = b;
  }
  if (at < text.length) {
    nodes.push(document.createTextNode(text.slice(at)));
  }
  el.replaceChildren(...nodes);
}

export function renderRowElement(row: HTMLElement, r: Row, ctx: RowContext): void {
  const parts = partsOf.get(row);
  if (!parts) {
    return;
  }
  const span = r.span;
  // A live update re-renders every visible row with new span objects; most are
  // unchanged but for their bar (the axis grew): then only move the bar.
  const key = rowKey(r, ctx);
  if (keyOf.get(row) === key) {
    updateRowBar(row, span, ctx);
    return;
  }
  keyOf.set(row, key);
  const look = kindLook(span.kind);
  const isError = span.status === 'ERROR';
  const running = span.end === undefined;

  row.id = rowElementId(ctx.idPrefix, span.id);
  row.dataset.spanId = span.id;
  row.setAttribute('aria-level', String(r.level));
  row.setAttribute('aria-posinset', String(r.posInSet));
  row.setAttribute('aria-setsize', String(r.setSize));
  row.setAttribute('aria-selected', span.id === ctx.selectedId ? 'true' : 'false');
  if (r.hasChildren) {
    row.setAttribute('aria-expanded', r.expanded ? 'true' : 'false');
  } else {
    row.removeAttribute('aria-expanded');
  }
  if (running) {
    row.setAttribute('aria-busy', 'true');
  } else {
    row.removeAttribute('aria-busy');
  }
  row.classList.toggle('nbtrace-row-error', isError);
  row.classList.toggle('nbtrace-row-running', running);
  row.classList.toggle('nbtrace-row-orphan', span.orphan);
  const match = matchState(span, ctx);
  row.classList.toggle('nbtrace-row-match', match === 'match' || match === 'current');
  row.classList.toggle('nbtrace-row-current-match', match === 'current');
  row.classList.toggle('nbtrace-row-dim', match === 'other');
  row.classList.toggle('nbtrace-row-critical', ctx.critical?.has(span) ?? false);

  const indentLevels = Math.min(span.depth, MAX_INDENT_LEVELS);
  parts.label.style.setProperty('--nbtrace-indent', String(indentLevels));
  parts.depth.textContent = span.depth > MAX_INDENT_LEVELS ? `L${span.depth + 1}` : '';
  parts.depth.title = span.depth > MAX_INDENT_LEVELS ? `Depth ${span.depth + 1}` : '';

  parts.twisty.classList.toggle('nbtrace-twisty-leaf', !r.hasChildren);
  parts.twisty.classList.toggle('nbtrace-twisty-open', r.expanded);

  parts.kind.textContent = look.badge;
  parts.kind.title = look.label;
  parts.kind.dataset.family = look.family;

  const terms = match === 'match' || match === 'current' ? ctx.search!.textTerms : [];
  const name = displayName(span.name);
  setMarkedText(parts.name, name, highlightRanges(name, terms));
  parts.name.title = span.orphan ? `${name} (parent ${span.parentId} not in this trace)` : name;

  // Status is said in text (for screen readers) and drawn as an icon, not only as a colour.
  parts.status.textContent = isError ? '!' : '';
  parts.status.title = isError ? `Error${span.statusMessage ? `: ${span.statusMessage}` : ''}` : '';
  iconLabel(parts.status, isError ? 'error' : running ? 'running' : '');

  // A collapsed span that hides an error says so (hollow mark), apart from its own status.
  const hidesError = r.hasChildren && !r.expanded && (ctx.hasErrorBelow?.(span) ?? false);
  parts.errorBelow.textContent = hidesError ? '!' : '';
  parts.errorBelow.title = hidesError ? 'Contains an error (expand to see it)' : '';
  iconLabel(parts.errorBelow, hidesError ? 'contains an error' : '');

  // Token usage of the span itself (LLM calls), as a small badge; the full counts in its tooltip.
  const total = span.tokens ? span.tokens.total ?? (span.tokens.input ?? 0) + (span.tokens.output ?? 0) : 0;
  parts.tokens.textContent = total > 0 ? `${formatCompact(total)} tok` : '';
  parts.tokens.title = total > 0 ? `Tokens: ${tokenText(span.tokens!)}` : '';

  renderScores(parts.scores, ctx.assessments?.get(span.id));

  const hiddenChildren = r.hasChildren && !r.expanded ? span.children.length : 0;
  parts.count.textContent = hiddenChildren ? formatCount(hiddenChildren) : '';
  parts.count.title = hiddenChildren ? `${formatCount(hiddenChildren)} child spans hidden` : '';

  parts.duration.textContent = running ? 'running' : formatDuration(span.end! - span.start);

  placeBar(parts.bar, barGeometry(span, ctx.scale, ctx.now));
  parts.bar.dataset.family = look.family;
  parts.bar.classList.toggle('nbtrace-bar-error', isError);
  parts.bar.classList.toggle('nbtrace-bar-running', running);
}

/** A span's scores as one badge, the worst verdict as its tone (said in its label too). */
function renderScores(badge: HTMLElement, list: readonly Assessment[] | undefined): void {
  if (!list || list.length === 0) {
    badge.textContent = '';
    badge.removeAttribute('title');
    delete badge.dataset.verdict;
    iconLabel(badge, '');
    return;
  }
  const verdicts = list.map(a => verdictOf(a.value, a.error));
  const pass = verdicts.filter(v => v === 'pass').length;
  const fail = verdicts.filter(v => v === 'fail' || v === 'error').length;
  // Up to three values as they are ("✓ 4 error"), more as counts ("5✓ 2✗ +1").
  const other = list.length - pass - fail;
  badge.textContent =
    list.length <= 3
      ? list.map(a => valueText(a.value, a.error, 8)).join(' ')
      : [pass ? `${pass}✓` : '', fail ? `${fail}✗` : '', other ? `+${other}` : ''].filter(Boolean).join(' ');
  badge.dataset.verdict = fail ? 'fail' : pass === list.length ? 'pass' : 'value';
  badge.title = list.map(assessmentTitle).join('\n');
  iconLabel(badge, `${list.length} score${list.length === 1 ? '' : 's'}: ${list.map(a => `${a.name} ${valueText(a.value, a.error)}`).join(', ')}`);
}

/** Only the bar of an already rendered row (live ticker: no full re-render). */
export function updateRowBar(row: HTMLElement, span: Span, ctx: RowContext): void {
  const parts = partsOf.get(row);
  if (!parts) {
    return;
  }
  placeBar(parts.bar, barGeometry(span, ctx.scale, ctx.now));
}

function placeBar(bar: HTMLElement, geo: BarGeometry): void {
  bar.style.left = `${geo.left}%`;
  bar.style.width = `${geo.width}%`;
  // Outside a zoomed window there is no bar (a clamped sliver at the edge would mislead).
  const visibility = geo.outside ? 'hidden' : '';
  if (bar.style.visibility !== visibility) {
    bar.style.visibility = visibility;
  }
}

/** A DOM id for a span's row, safe for any span id text. */
export function rowElementId(prefix: string, spanId: string): string {
  return `${prefix}-${spanId.replace(/[^A-Za-z0-9_-]/g, c => `_${c.charCodeAt(0).toString(16)}`)}`;
}
