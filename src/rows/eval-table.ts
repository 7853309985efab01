/**
 * An evaluation run as a table: one line per record (its repetitions grouped),
 * the columns (#, inputs, output, expectations, one per scorer, latency,
 * tokens, cost, status), what each cell says and sorts by, and the filters
 * (text, failed only, one scorer). Pure (no DOM).
 */
import { EvalRow, EvalRun, RowStatus } from '../model/eval';
import { ESTIMATE_MARK, formatCompact, formatDuration, money } from './labels';
import { passed, scoreNumber, valueText, Verdict, verdictOf } from './verdicts';

/** One scorer's result on a record, over its repetitions. */
export interface ScoreCell {
  /** One repetition: its value; several: the mean (pass/fail as a share). */
  value: unknown;
  /** Repetitions that passed / were judged pass-fail / failed with an error. */
  pass: number;
  judged: number;
  errors: number;
  n: number;
  verdict: Verdict;
  /** Text for the cell: ✓ / ✗ / "2/3" / a value / "error". */
  text: string;
  /** Rationales and errors, one line per repetition (the cell's tooltip). */
  notes: string[];
}

export interface RecordLine {
  recordId: string;
  /** 0-based position of the record in the run. */
  index: number;
  reps: EvalRow[];
  inputs: unknown;
  expectations: unknown;
  outputs: unknown;
  status: RowStatus;
  error?: string;
  latencyMs?: number;
  tokens?: number;
  cost?: number;
  /** Some repetition's cost is an estimate (tokens × list prices). */
  costEstimated?: boolean;
  scores: Map<string, ScoreCell>;
}

export type ColumnKind = 'index' | 'json' | 'score' | 'number' | 'status';

export interface Column {
  id: string;
  label: string;
  kind: ColumnKind;
  /** The scorer, for score columns. */
  scorer?: string;
}

export type SortDirection = 'ascending' | 'descending';

/** A header clicked again: ascending → descending → the run's own order (null). */
export function nextSort(sort: string | null, direction: SortDirection, columnId: string): [string | null, SortDirection] {
  if (sort !== columnId) {
    return [columnId, 'ascending'];
  }
  return direction === 'ascending' ? [columnId, 'descending'] : [null, 'ascending'];
}

export interface EvalFilter {
  text: string;
  /** Only records with an error or a failing score (of `scorer`, when set). */
  failedOnly: boolean;
  scorer: string | null;
}

export const NO_EVAL_FILTER: EvalFilter = { text: '', failedOnly: false, scorer: null };

const STATUS_RANK: Record<RowStatus, number> = { error: 0, running: 1, pending: 2, done: 3 };

function mean(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

function scoreCell(reps: EvalRow[], name: string): ScoreCell | undefined {
  const scores = reps.map(r => r.scores.get(name)).filter((s): s is NonNullable<typeof s> => s !== undefined);
  if (scores.length === 0) {
    return undefined;
  }
  const errors = scores.filter(s => s.error).length;
  const ok = scores.filter(s => !s.error);
  const verdicts = ok.map(s => passed(s.value));
  const judged = verdicts.filter(v => v !== undefined).length;
  const pass = verdicts.filter(v => v === true).length;
  const notes = scores.map((s, i) => `${scores.length > 1 ? `#${i + 1}: ` : ''}${s.error ? `error: ${s.error}` : s.rationale ?? valueText(s.value, undefined, 200)}`);
  if (scores.length === 1) {
    const s = scores[0];
    return { value: s.value, pass, judged, errors, n: 1, verdict: verdictOf(s.value, s.error), text: valueText(s.value, s.error), notes };
  }
  const value = judged === ok.length && judged > 0 ? pass / judged : mean(ok.map(s => scoreNumber(s.value)));
  const verdict: Verdict = errors === scores.length ? 'error' : judged > 0 ? (pass === judged ? 'pass' : 'fail') : 'value';
  const text = judged > 0 ? `${pass}/${judged}` : errors === scores.length ? 'error' : valueText(value);
  return { value, pass, judged, errors, n: scores.length, verdict, text, notes };
}

/** The run's records in run order, repetitions grouped. */
export function recordLines(run: EvalRun): RecordLine[] {
  const groups = new Map<string, EvalRow[]>();
  for (const row of run.rows) {
    const list = groups.get(row.recordId);
    if (list) {
      list.push(row);
    } else {
      groups.set(row.recordId, [row]);
    }
  }
  const lines: RecordLine[] = [];
  let index = 0;
  for (const [recordId, reps] of groups) {
    reps.sort((a, b) => a.repetition - b.repetition);
    const first = reps[0];
    const status = reps.reduce<RowStatus>((w, r) => (STATUS_RANK[r.status] < STATUS_RANK[w] ? r.status : w), 'done');
    const scores = new Map<string, ScoreCell>();
    for (const spec of run.scorers) {
      const cell = scoreCell(reps, spec.name);
      if (cell) {
        scores.set(spec.name, cell);
      }
    }
    lines.push({
      recordId,
      index: index++,
      reps,
      inputs: first.inputs,
      expectations: first.expectations,
      outputs: first.outputs,
      status,
      error: reps.find(r => r.error)?.error,
      latencyMs: mean(reps.map(r => r.latencyMs)),
      tokens: mean(reps.map(r => r.tokens?.total)),
      cost: mean(reps.map(r => r.cost)),
      ...(reps.some(r => r.costEstimated && r.cost !== undefined) ? { costEstimated: true } : {}),
      scores
    });
  }
  return lines;
}

/**
 * The columns of a run: Expected, Tokens and Cost only when some record has
 * them (a column of blanks only takes width from the inputs and outputs).
 */
export function evalColumns(run: EvalRun, lines: readonly RecordLine[] = recordLines(run)): Column[] {
  const some = (has: (l: RecordLine) => boolean) => lines.some(has);
  const columns: (Column | false)[] = [
    { id: 'index', label: '#', kind: 'index' },
    { id: 'inputs', label: 'Inputs', kind: 'json' },
    { id: 'output', label: 'Output', kind: 'json' },
    some(l => !isEmpty(l.expectations)) && { id: 'expectations', label: 'Expected', kind: 'json' },
    ...run.scorers.map(s => ({ id: `score:${s.name}`, label: s.name, kind: 'score' as const, scorer: s.name })),
    { id: 'latency', label: 'Latency', kind: 'number' },
    some(l => l.tokens !== undefined) && { id: 'tokens', label: 'Tokens', kind: 'number' },
    some(l => l.cost !== undefined) && { id: 'cost', label: 'Cost', kind: 'number' },
    { id: 'status', label: 'Status', kind: 'status' }
  ];
  return columns.filter((c): c is Column => c !== false);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0);
}

/** Compact one-line text of a JSON value: a lone string as it is, a one-key object by its value. */
export function compactJson(v: unknown, max = 200): string {
  if (v === undefined || v === null) {
    return '';
  }
  let t: string;
  if (typeof v === 'string') {
    t = v;
  } else if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 1) {
    const only = Object.values(v as object)[0];
    t = typeof only === 'string' ? only : JSON.stringify(only) ?? '';
  } else {
    t = JSON.stringify(v) ?? String(v);
  }
  t = t.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function statusText(line: RecordLine): string {
  return line.status === 'error' ? 'error' : line.status;
}

/** What a cell shows, as text. */
export function cellText(line: RecordLine, col: Column): string {
  switch (col.id) {
    case 'index':
      return String(line.index + 1) + (line.reps.length > 1 ? ` ×${line.reps.length}` : '');
    case 'inputs':
      return compactJson(line.inputs);
    case 'output':
      return line.error && line.outputs === undefined ? line.error : compactJson(line.outputs);
    case 'expectations':
      return compactJson(line.expectations);
    case 'latency':
      return line.latencyMs === undefined ? '' : formatDuration(line.latencyMs);
    case 'tokens':
      return line.tokens === undefined ? '' : formatCompact(line.tokens);
    case 'cost':
      return line.cost === undefined ? '' : `${line.costEstimated ? ESTIMATE_MARK : ''}${money(line.cost)}`;
    case 'status':
      return statusText(line);
    default:
      return col.scorer ? line.scores.get(col.scorer)?.text ?? '' : '';
  }
}

/** What a column sorts by (undefined sorts last). */
export function sortValue(line: RecordLine, col: Column): number | string | undefined {
  switch (col.kind) {
    case 'index':
      return line.index;
    case 'json':
      return cellText(line, col).toLowerCase() || undefined;
    case 'status':
      return STATUS_RANK[line.status];
    case 'number':
      return col.id === 'latency' ? line.latencyMs : col.id === 'tokens' ? line.tokens : line.cost;
    default: {
      const cell = col.scorer ? line.scores.get(col.scorer) : undefined;
      if (!cell) {
        return undefined;
      }
      if (cell.errors === cell.n) {
        return -Infinity; // errors first when ascending: they are the worst
      }
      const n = scoreNumber(cell.value) ?? (typeof cell.value === 'number' ? cell.value : undefined);
      return n ?? (typeof cell.value === 'string' ? cell.value.toLowerCase() : undefined);
    }
  }
}

/** Lines sorted by `col` (stable; values missing last in either direction). */
export function sortLines(lines: readonly RecordLine[], col: Column, direction: SortDirection): RecordLine[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const keyed = lines.map((line, i) => ({ line, i, v: sortValue(line, col) }));
  keyed.sort((x, y) => {
    if (x.v === undefined || y.v === undefined) {
      return x.v === y.v ? x.i - y.i : x.v === undefined ? 1 : -1;
    }
    if (typeof x.v === 'number' && typeof y.v === 'number') {
      return (x.v - y.v) * sign || x.i - y.i;
    }
    return String(x.v).localeCompare(String(y.v)) * sign || x.i - y.i;
  });
  return keyed.map(k => k.line);
}

/** Did the record fail: an error, or a failing / erroring score (of `scorer` only, when given)? */
export function failed(line: RecordLine, scorer: string | null): boolean {
  if (line.status === 'error') {
    return true;
  }
  const cells = scorer ? [line.scores.get(scorer)] : [...line.scores.values()];
  return cells.some(c => c !== undefined && (c.verdict === 'fail' || c.verdict === 'error'));
}

function searchText(line: RecordLine): string {
  const parts = [line.inputs, line.outputs, line.expectations, line.error].map(v => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  for (const cell of line.scores.values()) {
    parts.push(...cell.notes);
  }
  return parts.join('\n').toLowerCase();
}

/** The lines that pass `filter` (text: every word, case-insensitive, anywhere in the record or its notes). */
export function filterLines(lines: readonly RecordLine[], filter: EvalFilter): RecordLine[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return lines.filter(line => {
    if (filter.failedOnly && !failed(line, filter.scorer)) {
      return false;
    }
    if (!filter.failedOnly && filter.scorer && !line.scores.has(filter.scorer)) {
      return false;
    }
    if (words.length === 0) {
      return true;
    }
    const hay = searchText(line);
    return words.every(w => hay.includes(w));
  });
}
