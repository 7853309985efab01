/**
 * Contract: the trace of contract.test.ts, exported by the Python API as OTLP
 * (nbtrace.export.to_otlp_json / to_jsonl), reads back in the TypeScript model
 * with the same tree, kinds, inputs, outputs, tokens and errors as the MLflow
 * payload the notebook shows. Runs the real Python script.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parsePayload, Trace } from '../src/model';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'python/tests/emit_contract_trace.py');

function python(): string {
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return process.env.NBTRACE_PYTHON ?? (fs.existsSync(venv) ? venv : 'python3');
}

function parse(data: unknown): Trace[] {
  const result = parsePayload(data);
  if (!result.ok) {
    throw new Error(result.error);
  }
  return result.traces;
}

let otlp: Trace;
let fromFile: Trace[];
let docKeys: string[];

beforeAll(() => {
  const out = execFileSync(python(), [SCRIPT, '--otlp'], { encoding: 'utf-8', timeout: 60000 });
  const doc = JSON.parse(out);
  docKeys = Object.keys(doc);
  const traces = parse(doc);
  expect(traces).toHaveLength(1);
  otlp = traces[0];
  // OTLP JSON Lines written by nbtrace.export.to_jsonl, read as a .jsonl file's text.
  const file = path.join(fs.mkdtempSync('/tmp/nbtrace-contract-'), 'traces.jsonl');
  execFileSync(python(), [SCRIPT, '--jsonl', file], { encoding: 'utf-8', timeout: 60000 });
  fromFile = parse(fs.readFileSync(file, 'utf-8'));
}, 120000);

const byName = (t: Trace, name: string) => t.spans.find(s => s.name === name)!;

test('the OTLP export parses with the right tree', () => {
  expect(docKeys).toEqual(['resourceSpans']);
  expect(otlp.format).toBe('otlp');
  expect(otlp.name).toBe('agent');
  expect(otlp.state).toBe('OK');
  expect(otlp.id).toMatch(/^[0-9a-f]{32}$/);
  expect(otlp.spans.map(s => s.name)).toEqual(['agent', 'plan', 'llm_call', 'flaky_tool', 'retrieve', 'stream_answer']);
  expect(otlp.roots).toHaveLength(1);
  expect(byName(otlp, 'llm_call').depth).toBe(2);
  expect(byName(otlp, 'llm_call').parentId).toBe(byName(otlp, 'plan').id);
  for (const s of otlp.spans) {
    expect(s.id).toMatch(/^[0-9a-f]{16}$/);
    expect(s.orphan).toBe(false);
    expect(s.end).toBeGreaterThanOrEqual(s.start);
    expect(s.attributes['service.name']).toBe('nbtrace');
  }
  expect(otlp.warnings).toEqual([]);
  expect(otlp.spans[0].start).toBe(0);
  expect(otlp.startEpochMs).toBeGreaterThan(Date.UTC(2024, 0, 1));
});

test('kinds, inputs, outputs, tokens, events and errors survive the OTLP export', () => {
  expect(otlp.spans.map(s => s.kind)).toEqual(['AGENT', 'CHAIN', 'LLM', 'TOOL', 'RETRIEVER', 'LLM']);
  expect(byName(otlp, 'agent').inputs).toMatchObject({ question: 'Quelle est la météo à Paris ? 🌦' });
  expect(byName(otlp, 'agent').outputs).toEqual({ answer: 'Paris is sunny', sources: ['doc-1', 'doc-2'] });
  expect(byName(otlp, 'llm_call').tokens).toMatchObject({ input: 120, output: 30, total: 150 });
  expect(byName(otlp, 'llm_call').model).toBe('fake-gpt');
  expect(otlp.tokens).toMatchObject({ input: 120, output: 30, total: 150 });
  const tool = byName(otlp, 'flaky_tool');
  expect(tool.status).toBe('ERROR');
  expect(tool.statusMessage).toBe('ConnectionError: weather service unreachable for Paris');
  const exc = tool.events.find(e => e.name === 'exception')!;
  expect(exc.attributes['exception.type']).toBe('ConnectionError');
  expect(String(exc.attributes['exception.stacktrace'])).toContain('Traceback');
  const checkpoint = byName(otlp, 'agent').events.find(e => e.name === 'checkpoint')!;
  // beyond int64 (2**64 + 1): sent as its exact decimal text
  expect(checkpoint.attributes).toMatchObject({ big_number: '18446744073709551617', note: 'naïve ✓' });
  expect(byName(otlp, 'stream_answer').outputs).toEqual(['Paris', ' is', ' sunny']);
});

test('an OTLP JSON Lines file from to_jsonl opens as its traces', () => {
  expect(fromFile.map(t => t.name)).toEqual(['agent', 'second']);
  expect(fromFile[0].spans).toHaveLength(6);
  expect(fromFile[1].spans.map(s => [s.kind, s.inputs])).toEqual([['CHAIN', { n: 1 }]]);
  expect(fromFile.every(t => t.warnings.length === 0)).toBe(true);
});
