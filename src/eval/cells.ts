/**
 * What a results-grid cell shows for a record: compact text of its inputs,
 * output or expectations (the whole value in the tooltip), a score chip (✓ /
 * ✗ / "2/3" / a value / "error", rationales in the tooltip), numbers, and the
 * status. Text only.
 */
import { el } from '../common/dom';
import { cellText, Column, compactJson, RecordLine } from '../rows/eval-table';

const TOOLTIP_CHARS = 2000;

function tooltip(v: unknown): string {
  const t = typeof v === 'string' ? v : JSON.stringify(v, null, 1) ?? '';
  return t.length > TOOLTIP_CHARS ? `${t.slice(0, TOOLTIP_CHARS)}…` : t;
}

export function renderLineCell(cell: HTMLElement, line: RecordLine, col: Column): void {
  cell.className = `nbtrace-grid-cell nbtrace-eval-cell-${col.kind}`;
  delete cell.dataset.verdict;
  delete cell.dataset.status;
  if (col.kind === 'score' && col.scorer) {
    const score = line.scores.get(col.scorer);
    if (!score) {
      cell.replaceChildren();
      cell.title = line.status === 'done' ? 'not scored' : line.status;
      return;
    }
    const chip = el('span', 'nbtrace-eval-chip', score.text);
    cell.dataset.verdict = score.verdict;
    cell.replaceChildren(chip);
    cell.title = `${col.scorer}: ${score.notes.join('\n')}`;
    return;
  }
  const text = cellText(line, col);
  cell.textContent = text;
  if (col.id === 'status') {
    cell.dataset.status = line.status;
    cell.title = line.error ?? line.status;
  } else if (col.kind === 'json') {
    const value = col.id === 'inputs' ? line.inputs : col.id === 'output' ? (line.error && line.outputs === undefined ? line.error : line.outputs) : line.expectations;
    cell.title = tooltip(value) || compactJson(value);
    if (col.id === 'output' && line.error) {
      cell.dataset.status = 'error';
    }
  } else {
    cell.title = text;
  }
}
