/**
 * The results table's pure parts on hand-computed cases: reading payloads
 * (junk included), repetitions grouped into one line per record, cell texts,
 * sorting (stable, missing values last), the filters, the comparison of two
 * runs, and the metric labels.
 */
import { parseEvalPayload, EvalRun } from '../../src/model/eval';
import { compareRuns, trend } from '../../src/rows/eval-compare';
import { datasetText, metricLabel, progressText } from '../../src/rows/eval-labels';
import { cellText, evalColumns, filterLines, nextSort, NO_EVAL_FILTER, recordLines, sortLines } from '../../src/rows/eval-table';
import { run, runPayload, RowSpec } from '../helpers/eval';

function read(payload: unknown): EvalRun {
  const r = parseEvalPayload(payload);
  if (!r.ok || r.payload.kind !== 'run') {
    throw new Error(r.ok ? 'not a run' : r.error);
  }
  return r.payload.run;
}

const ROWS: RowSpec[] = [
  { q: 'a', scores: { ok: true, judge: { value: 'no', rationale: 'wrong city' } }, latency: 300, tokens: 50 },
  { q: 'b', scores: { ok: false, judge: 'yes' }, latency: 100, tokens: 10, cost: 0.002 },
  { q: 'c', status: 'error', error: 'TimeoutError: slow', scores: {}, latency: 900 },
  { q: 'd', scores: { ok: true, judge: { error: 'RateLimitError' } }, latency: undefined },
  { q: 'e', status: 'running', scores: {} }
];

describe('parseEvalPayload', () => {
  it('reads a run, JSON text too, and says what is wrong otherwise', () => {
    const r = read(runPayload('v1', ROWS));
    expect(r.rows).toHaveLength(5);
    expect(r.scorers.map(s => s.name)).toEqual(['ok', 'judge']);
    expect(r.rows[0].scores.get('judge')).toEqual({ value: 'no', rationale: 'wrong city', error: undefined, source: 'CODE', spanId: undefined, trace: undefined });
    expect(read(JSON.stringify(runPayload('v1', ROWS))).rows).toHaveLength(5);
    expect(parseEvalPayload('{oops')).toEqual({ ok: false, error: 'This evaluation output is not valid JSON.' });
    expect(parseEvalPayload(42)).toMatchObject({ ok: false });
    expect(parseEvalPayload({ version: 1, kind: 'run', run: { name: 'x' } })).toEqual({ ok: false, error: 'The run has no "rows" list.' });
    const future = parseEvalPayload({ ...runPayload('v', []), version: 7 });
    expect(future.ok && future.warnings).toEqual(['This output was written as version 7; this viewer reads version 1.']);
  });

  it('tolerates junk rows and fields, and prototype keys as scorer names', () => {
    const r = read({
      version: 1,
      kind: 'run',
      run: {
        rows: [null, 'junk', { status: 'weird', scores: { __proto__: { value: 1 }, constructor: 2 }, index: -3, tokens: 'many' }],
        metrics: { 'x/mean': 'NaN', 'y/mean': 0.5 }
      }
    });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ status: 'done', index: 2, recordId: 'row-2', tokens: undefined });
    expect([...r.rows[0].scores.keys()].sort()).toEqual(['constructor']);
    expect([...r.metrics]).toEqual([['y/mean', 0.5]]);
    expect(r.scorers.map(s => s.name)).toEqual(['constructor']);
  });
});

describe('recordLines and cells', () => {
  const r = read(runPayload('v1', ROWS));
  const lines = recordLines(r);
  const cols = evalColumns(r);
  const col = (id: string) => cols.find(c => c.id === id)!;

  it('one line per record with columns for every scorer', () => {
    expect(cols.map(c => c.id)).toEqual(['index', 'inputs', 'output', 'expectations', 'score:ok', 'score:judge', 'latency', 'tokens', 'cost', 'status']);
    expect(lines.map(l => cellText(l, col('score:ok')))).toEqual(['✓', '✗', '', '✓', '']);
    expect(lines.map(l => cellText(l, col('score:judge')))).toEqual(['✗', '✓', '', 'error', '']);
    expect(lines.map(l => cellText(l, col('status')))).toEqual(['done', 'done', 'error', 'done', 'running']);
    expect(cellText(lines[0], col('inputs'))).toBe('a'); // a one-key object shows its value
    expect(cellText(lines[2], col('output'))).toBe('answer to c');
    expect(cellText(lines[1], col('cost'))).toBe('$0.002000');
    expect(cellText(lines[0], col('latency'))).toBe('300 ms');
  });

  it('leaves out Expected, Tokens and Cost when no record has them', () => {
    const bare = read(runPayload('v1', [{ q: 'a' }, { q: 'b' }]));
    const rows = (bare.rows as { expectations: unknown }[]).map(x => ({ ...x, expectations: {} }));
    const ids = evalColumns({ ...bare, rows } as typeof bare).map(c => c.id);
    expect(ids).toEqual(['index', 'inputs', 'output', 'latency', 'status']);
  });

  it('groups repetitions: pass counts, mean numbers, the worst status', () => {
    const reps = read(
      runPayload('v1', [
        { q: 'x', rep: 0, index: 0, scores: { ok: true, n: 1 }, latency: 100 },
        { q: 'x', rep: 1, index: 0, scores: { ok: false, n: 3 }, latency: 300 },
        { q: 'x', rep: 2, index: 0, status: 'error', error: 'boom', scores: { ok: { error: 'no output' } }, latency: undefined },
        { q: 'y', index: 1, scores: { ok: true, n: 2 } }
      ])
    );
    const [x, y] = recordLines(reps);
    expect(x.reps.map(r => r.repetition)).toEqual([0, 1, 2]);
    expect(x.status).toBe('error');
    expect(x.latencyMs).toBe(200);
    expect(x.scores.get('ok')).toMatchObject({ text: '1/2', pass: 1, judged: 2, errors: 1, n: 3, verdict: 'fail', value: 0.5 });
    expect(x.scores.get('n')).toMatchObject({ value: 2, text: '2', verdict: 'value' });
    expect(x.scores.get('ok')!.notes).toEqual(['#1: ✓', '#2: ✗', '#3: error: no output']);
    expect(cellText(x, evalColumns(reps)[0])).toBe('1 ×3');
    expect(y.index).toBe(1);
  });

  it('sorts by any column, stable, missing values last', () => {
    const ids = (l: typeof lines) => l.map(x => x.recordId.slice(2));
    expect(ids(sortLines(lines, col('latency'), 'ascending'))).toEqual(['b', 'e', 'a', 'c', 'd']);
    expect(ids(sortLines(lines, col('latency'), 'descending'))).toEqual(['c', 'a', 'b', 'e', 'd']);
    expect(ids(sortLines(lines, col('score:judge'), 'ascending'))).toEqual(['d', 'a', 'b', 'c', 'e']);
    expect(ids(sortLines(lines, col('status'), 'ascending'))).toEqual(['c', 'e', 'a', 'b', 'd']);
    expect(ids(sortLines(lines, col('inputs'), 'descending'))).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('filters by text (rationales too), failed only, and one scorer', () => {
    const ids = (l: typeof lines) => l.map(x => x.recordId.slice(2));
    expect(ids(filterLines(lines, { ...NO_EVAL_FILTER, failedOnly: true }))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(filterLines(lines, { ...NO_EVAL_FILTER, failedOnly: true, scorer: 'ok' }))).toEqual(['b', 'c']);
    expect(ids(filterLines(lines, { ...NO_EVAL_FILTER, scorer: 'judge' }))).toEqual(['a', 'b', 'd']);
    expect(ids(filterLines(lines, { ...NO_EVAL_FILTER, text: 'WRONG city' }))).toEqual(['a']);
    expect(ids(filterLines(lines, { ...NO_EVAL_FILTER, text: 'timeout' }))).toEqual(['c']);
  });
});

describe('comparing two runs', () => {
  it('finds improved, regressed, unchanged, added and removed records', () => {
    const a = read(runPayload('v1', [
      { q: 'same', scores: { ok: true }, latency: 100, tokens: 100 },
      { q: 'fixed', scores: { ok: false }, latency: 100, tokens: 100 },
      { q: 'broke', scores: { ok: true }, latency: 100, tokens: 100 },
      { q: 'slow', scores: { ok: true }, latency: 100, tokens: 100 },
      { q: 'gone', scores: { ok: true } }
    ]));
    const b = read(run('v2', [
      { q: 'same', scores: { ok: true }, latency: 110, tokens: 104 },
      { q: 'fixed', scores: { ok: true }, latency: 100, tokens: 90 },
      { q: 'broke', status: 'error', error: 'x', scores: {}, latency: 100, tokens: 100 },
      { q: 'slow', scores: { ok: true }, latency: 400, tokens: 200 },
      { q: 'new', scores: { ok: true } }
    ]) as never);
    const cmp = compareRuns(a, b);
    const by = new Map(cmp.rows.map(r => [r.recordId.slice(2), r]));
    expect(by.get('same')!.verdict).toBe('unchanged');
    expect(Object.fromEntries(by.get('same')!.trends)).toEqual({ ok: 'unchanged', status: 'unchanged', latency_ms: 'unchanged', tokens: 'unchanged', cost: null });
    expect(by.get('fixed')!.verdict).toBe('improved');
    expect(by.get('fixed')!.trends.get('tokens')).toBe('improved');
    expect(by.get('broke')!.verdict).toBe('regressed');
    expect(by.get('broke')!.trends.get('status')).toBe('regressed');
    expect(by.get('slow')!.verdict).toBe('unchanged'); // slower and costlier, but no score got worse
    expect([by.get('slow')!.trends.get('latency_ms'), by.get('slow')!.trends.get('tokens')]).toEqual(['regressed', 'regressed']);
    expect([by.get('new')!.kind, by.get('gone')!.kind]).toEqual(['added', 'removed']);
    expect(cmp.verdicts).toEqual({ improved: 1, regressed: 1, unchanged: 2, added: 1, removed: 1 });
    expect(cmp.counts.get('ok')).toEqual({ improved: 1, regressed: 0, unchanged: 2 });
    expect(cmp.counts.get('latency_ms')).toEqual({ improved: 0, regressed: 1, unchanged: 3 });
    expect(cmp.warnings).toEqual([]); // same digest, same scorers
  });

  it('trend thresholds', () => {
    expect(trend(100, 119, false, 0.2, 5)).toBe('unchanged');
    expect(trend(100, 121, false, 0.2, 5)).toBe('regressed');
    expect(trend(2, 6, false, 0.2, 5)).toBe('unchanged'); // under the 5 ms floor
    expect(trend(0.5, 0.52, true, 0.01, 0.01)).toBe('improved');
    expect(trend(1, 0, true, 0, 0)).toBe('regressed');
    expect(trend(undefined, 1, true, 0, 0)).toBeNull();
  });
});

describe('labels', () => {
  it('metrics, progress and dataset in words', () => {
    expect(metricLabel('contains/pass_rate', 0.8333).text).toBe('contains 83%');
    expect(metricLabel('latency_ms/p50', 1234).text).toBe('latency p50 1.23 s');
    expect(metricLabel('similarity/mean', 0.8123).text).toBe('similarity 0.812');
    expect(metricLabel('tokens/total', 12345).text).toBe('12k tokens');
    expect(metricLabel('cost/total', 0.0123).text).toBe('cost $0.0123');
    expect(progressText({ total: 12, done: 7, running: 2, pending: 3, errors: 1, etaMs: 3000 }, 'RUNNING')).toBe(
      '7 of 12 done · 2 running · 1 error · about 3 s left'
    );
    expect(progressText({ total: 3, done: 1, running: 0, pending: 0, errors: 0 }, 'INTERRUPTED')).toBe('1 of 3 done · interrupted');
    expect(datasetText(read(runPayload('v', [{ q: 'a' }])))).toBe('golden · 1 record · digest abc123abc123');
  });
});

describe('nextSort', () => {
  it('cycles ascending → descending → none, and starts over on another column', () => {
    expect(nextSort(null, 'ascending', 'a')).toEqual(['a', 'ascending']);
    expect(nextSort('a', 'ascending', 'a')).toEqual(['a', 'descending']);
    expect(nextSort('a', 'descending', 'a')).toEqual([null, 'ascending']);
    expect(nextSort('a', 'descending', 'b')).toEqual(['b', 'ascending']);
  });
});
