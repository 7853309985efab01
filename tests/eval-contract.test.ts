/**
 * Contract: what `nbtrace.evaluate` and `compare_runs` display (run by the real
 * Python script) is read by the results view's model, and the TypeScript
 * comparison finds the same improved / regressed / unchanged rows, counts and
 * warnings as the Python side.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { addToDatasetCode } from '../src/kernel-bridge';
import { EvalRun, parseEvalPayload } from '../src/model/eval';
import { compareRuns } from '../src/rows/eval-compare';
import { recordLines } from '../src/rows/eval-table';

const ROOT = path.resolve(__dirname, '..');
const MIME = 'application/vnd.nbtrace.eval+json';

function python(): string {
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return process.env.NBTRACE_PYTHON ?? (fs.existsSync(venv) ? venv : 'python3');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let emitted: any;

function run(bundle: Record<string, unknown>): EvalRun {
  const r = parseEvalPayload(bundle[MIME]);
  if (!r.ok || r.payload.kind !== 'run') {
    throw new Error(r.ok ? 'not a run' : r.error);
  }
  return r.payload.run;
}

beforeAll(() => {
  const out = execFileSync(python(), [path.join(ROOT, 'python/tests/emit_eval_runs.py')], { encoding: 'utf-8', timeout: 60000 });
  emitted = JSON.parse(out);
}, 60000);

test('a run reads with its rows, repetitions, scores, traces and metrics', () => {
  const a = run(emitted.a);
  expect(a.name).toBe('v1');
  expect(a.state).toBe('DONE');
  expect(a.rows).toHaveLength(10);
  expect(a.scorers.map(s => s.name)).toEqual(['contains', 'no_errors']);
  expect(a.metrics.get('contains/pass_rate')).toBe(0.8);
  const lines = recordLines(a);
  expect(lines).toHaveLength(5);
  expect(lines.every(l => l.reps.length === 2)).toBe(true);
  expect(lines.map(l => l.scores.get('contains')!.text)).toEqual(['2/2', '2/2', '0/2', '2/2', '2/2']);
  expect(a.rows[0].trace).toBeDefined();
  expect(a.rows[0].tokens).toEqual({ input: 20, output: 5, total: 25 });
});

test('the TypeScript comparison equals the Python one', () => {
  const py = emitted.python;
  const cmp = compareRuns(run(emitted.a), run(emitted.b));
  expect(cmp.verdicts).toEqual(py.verdicts);
  expect(Object.fromEntries(cmp.counts)).toEqual(py.counts);
  expect(cmp.warnings).toEqual(py.warnings);
  expect(cmp.rows.map(r => [r.recordId, r.kind, r.verdict, Object.fromEntries(r.trends)])).toEqual(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    py.rows.map((r: any) => [r.record_id, r.kind, r.verdict, r.trends])
  );
});

test('the comparison bundle reads as a comparison of the two runs', () => {
  const r = parseEvalPayload(emitted.comparison[MIME]);
  expect(r.ok).toBe(true);
  if (r.ok && r.payload.kind === 'comparison') {
    expect([r.payload.a.name, r.payload.b.name]).toEqual(['v1', 'v2']);
  }
  expect(emitted.comparison['text/plain']).toBe('<nbtrace comparison v1 → v2: 2 regressed, 1 improved, 1 unchanged, 1 added, 1 removed>');
});

test('"Add to dataset" runs in Python and keeps hostile text exactly', () => {
  const hostile = '"); import os; os.system("echo pwned") #\u2028 </script> 🌦 \ud83d';
  const record = { inputs: { question: hostile, n: 2 }, expectations: { expected_response: 'ok' }, source: { type: 'TRACE' as const, trace_id: 'tr-1' } };
  const code = addToDatasetCode(record, 'golden-v1.2_x');
  expect(code).not.toContain('pwned'); // the data travels as base64, never as code
  const script = `${code}\nimport json\nprint(json.dumps(_nbtrace.dataset("golden-v1.2_x").records))`;
  const out = execFileSync(python(), ['-c', script], { encoding: 'utf-8', timeout: 60000, env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') } });
  const lines = out.trim().split('\n');
  expect(lines[0]).toBe("nbtrace: record added to dataset 'golden-v1.2_x' (1 record; nbtrace.dataset('golden-v1.2_x').save('golden-v1.2_x.jsonl') writes it next to the notebook)");
  const records = JSON.parse(lines[1]);
  // A lone surrogate is not UTF-8: nbtrace writes it as the text "\ud83d", as everywhere else.
  expect(records[0].inputs.question).toBe(hostile.replace('\ud83d', '\\ud83d'));
  expect(records[0].source).toEqual({ type: 'TRACE', trace_id: 'tr-1' });
  expect(() => addToDatasetCode(record, 'bad name"); x')).toThrow('Not a dataset name');
}, 60000);
