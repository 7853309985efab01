/**
 * The strip above the trace list: figures over the traces that pass the
 * filter (count, errors, latency p50 / p90 / p99, tokens, cost), a latency
 * histogram, bars of cost (or tokens) by model, and time by span type. The
 * charts are SVG drawn from rows/list/chart-geometry.ts, themed by CSS
 * variables; each is an image whose text alternative says every number, and
 * the by-model and by-type parts are lists a screen reader reads as text.
 */
import { el } from '../common/dom';
import { Aggregates } from '../rows/list/aggregate';
import { histogramBars, metricOf, modelBarWidths, modelMetric } from '../rows/list/chart-geometry';
import { figures, histogramText, kindText, modelText } from '../rows/list/list-labels';
import { ESTIMATE_MARK, formatCount, formatDuration, money } from '../rows/labels';

const SVG = 'http://www.w3.org/2000/svg';
const HIST_W = 160;
const HIST_H = 34;
const BAR_W = 90;
const MAX_MODELS = 6;
const MAX_KINDS = 6;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  return e;
}

function histogramChart(a: Aggregates): HTMLElement | null {
  if (a.histogram.length < 2 || !a.latency) {
    return null;
  }
  const box = el('figure', 'nbtrace-list-chart nbtrace-list-histogram');
  const chart = svg('svg', { width: HIST_W, height: HIST_H + 12, viewBox: `0 0 ${HIST_W} ${HIST_H + 12}`, role: 'img' });
  chart.setAttribute('aria-label', histogramText(a.histogram));
  const title = svg('title', {});
  title.textContent = histogramText(a.histogram);
  chart.appendChild(title);
  histogramBars(a.histogram, HIST_W, HIST_H).forEach((r, i) => {
    if (r.height > 0) {
      const bar = svg('rect', { x: r.x.toFixed(1), y: r.y.toFixed(1), width: r.width.toFixed(1), height: r.height.toFixed(1), class: 'nbtrace-list-bar' });
      const b = a.histogram[i];
      const t = svg('title', {});
      t.textContent = `${formatDuration(b.x0)}–${formatDuration(b.x1)}: ${formatCount(b.count)}`;
      bar.appendChild(t);
      chart.appendChild(bar);
    }
  });
  const first = a.histogram[0].x0;
  const last = a.histogram[a.histogram.length - 1].x1;
  const left = svg('text', { x: 0, y: HIST_H + 11, class: 'nbtrace-list-axis' });
  left.textContent = formatDuration(first);
  const right = svg('text', { x: HIST_W, y: HIST_H + 11, 'text-anchor': 'end', class: 'nbtrace-list-axis' });
  right.textContent = formatDuration(last);
  chart.append(left, right);
  box.append(chart, el('figcaption', 'nbtrace-list-chart-caption', 'latency'));
  return box;
}

function modelChart(a: Aggregates): HTMLElement | null {
  const metric = modelMetric(a.byModel);
  if (a.byModel.length === 0) {
    return null;
  }
  const shown = a.byModel.slice(0, MAX_MODELS);
  const widths = metric ? modelBarWidths(shown, metric, BAR_W) : shown.map(() => 0);
  const box = el('div', 'nbtrace-list-chart nbtrace-list-models');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', metric === 'cost' ? 'Cost by model' : 'Use by model');
  const list = el('ul', 'nbtrace-list-barlist');
  shown.forEach((m, i) => {
    const item = el('li', 'nbtrace-list-baritem');
    item.title = modelText(m);
    const name = el('span', 'nbtrace-list-barname', m.model);
    const track = el('span', 'nbtrace-list-bartrack');
    track.setAttribute('aria-hidden', 'true');
    const bar = el('span', 'nbtrace-list-barfill');
    bar.style.width = `${widths[i].toFixed(1)}px`;
    track.appendChild(bar);
    const value = el('span', 'nbtrace-list-barvalue', metric === 'cost' ? `${m.estimated ? ESTIMATE_MARK : ''}${money(metricOf(m, 'cost'))}` : metric === 'tokens' ? `${formatCount(metricOf(m, 'tokens'))} tok` : `${formatCount(m.calls)} calls`);
    const readable = el('span', 'nbtrace-visually-hidden', modelText(m));
    name.setAttribute('aria-hidden', 'true');
    value.setAttribute('aria-hidden', 'true');
    item.append(name, track, value, readable);
    list.appendChild(item);
  });
  if (a.byModel.length > shown.length) {
    const rest = a.byModel.length - shown.length;
    list.appendChild(el('li', 'nbtrace-list-barmore', `+${rest} more model${rest === 1 ? '' : 's'}`));
  }
  box.append(list, el('span', 'nbtrace-list-chart-caption', metric === 'cost' ? 'cost by model' : 'by model'));
  return box;
}

function kindChart(a: Aggregates): HTMLElement | null {
  if (a.byKind.length === 0) {
    return null;
  }
  const shown = a.byKind.slice(0, MAX_KINDS);
  const max = Math.max(1e-9, ...shown.map(k => k.ms));
  const box = el('div', 'nbtrace-list-chart nbtrace-list-kinds');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Time by span type');
  const list = el('ul', 'nbtrace-list-barlist');
  for (const k of shown) {
    const item = el('li', 'nbtrace-list-baritem');
    item.title = kindText(k);
    item.dataset.kind = k.kind;
    const name = el('span', 'nbtrace-list-barname', k.kind);
    const track = el('span', 'nbtrace-list-bartrack');
    track.setAttribute('aria-hidden', 'true');
    const bar = el('span', 'nbtrace-list-barfill nbtrace-list-barfill-kind');
    bar.style.width = `${((k.ms / max) * BAR_W).toFixed(1)}px`;
    track.appendChild(bar);
    const value = el('span', 'nbtrace-list-barvalue', `${formatCount(k.spans)} · ${formatDuration(k.ms)}`);
    name.setAttribute('aria-hidden', 'true');
    value.setAttribute('aria-hidden', 'true');
    item.append(name, track, value, el('span', 'nbtrace-visually-hidden', kindText(k)));
    list.appendChild(item);
  }
  box.append(list, el('span', 'nbtrace-list-chart-caption', 'time by span type'));
  return box;
}

export class AggregateStrip {
  constructor() {
    this.node = el('div', 'nbtrace-list-strip');
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', 'Aggregates over the traces shown');
  }

  readonly node: HTMLElement;

  render(a: Aggregates): void {
    const numbers = el('dl', 'nbtrace-list-figures');
    for (const f of figures(a)) {
      const item = el('div', 'nbtrace-list-figure');
      item.dataset.figure = f.label;
      if (f.title) {
        item.title = f.title;
      }
      item.append(el('dt', '', f.label), el('dd', '', f.value));
      numbers.appendChild(item);
    }
    const parts: HTMLElement[] = [numbers];
    for (const chart of [histogramChart(a), modelChart(a), kindChart(a)]) {
      if (chart) {
        parts.push(chart);
      }
    }
    this.node.replaceChildren(...parts);
  }
}
