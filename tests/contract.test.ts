/**
 * Contract: a trace emitted by the Python API (same code path as the notebook
 * display) is read by the TypeScript model. Runs the real Python script.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parsePayload, Trace } from '../src/model';

const ROOT = path.resolve(__dirname, '..');

function python(): string {
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  return process.env.NBTRACE_PYTHON ?? (fs.existsSync(venv) ? venv : 'python3');
}

let trace: Trace;

beforeAll(() => {
  const out = execFileSync(python(), [path.join(ROOT, 'python/tests/emit_contract_trace.py')], {
    encoding: 'utf-8',
    timeout: 60000
  });
  // Written to a file and read back, as the notebook would store it.
  const file = path.join(fs.mkdtempSync('/tmp/nbtrace-contract-'), 'trace.json');
  fs.writeFileSync(file, out);
  const result = parsePayload(JSON.parse(fs.readFileSync(file, 'utf-8')));
  if (!result.ok) {
    throw new Error(result.error);
  }
  expect(result.traces).toHaveLength(1);
  trace = result.traces[0];
  // Starting Python can take more than jest's 5 s hook default on a loaded 2-core machine.
}, 60000);

const byName = (name: string) => trace.spans.find(s => s.name === name)!;

test('the Python trace parses with the right tree', () => {
  expect(trace.format).toBe('mlflow-v3');
  expect(trace.name).toBe('agent');
  expect(trace.state).toBe('OK');
  expect(trace.id).toMatch(/^tr-[0-9a-f]{32}$/);
  expect(trace.spans.map(s => s.name)).toEqual(['agent', 'plan', 'llm_call', 'flaky_tool', 'retrieve', 'stream_answer']);
  expect(trace.roots).toHaveLength(1);
  expect(byName('llm_call').depth).toBe(2);
  expect(byName('llm_call').parentId).toBe(byName('plan').id);
  for (const s of trace.spans) {
    expect(s.id).toMatch(/^[0-9a-f]{16}$/);
    expect(s.orphan).toBe(false);
    expect(s.end).toBeGreaterThanOrEqual(s.start);
  }
  expect(trace.warnings).toEqual([]);
});

test('kinds, inputs, outputs, tokens and errors survive', () => {
  expect(trace.spans.map(s => s.kind)).toEqual(['AGENT', 'CHAIN', 'LLM', 'TOOL', 'RETRIEVER', 'LLM']);
  expect(byName('agent').inputs).toMatchObject({ question: 'Quelle est la météo à Paris ? 🌦' });
  expect(byName('agent').outputs).toEqual({ answer: 'Paris is sunny', sources: ['doc-1', 'doc-2'] });
  expect(byName('llm_call').tokens).toMatchObject({ input: 120, output: 30, total: 150 });
  expect(byName('llm_call').model).toBe('fake-gpt');
  expect(trace.tokens).toMatchObject({ input: 120, output: 30, total: 150 });
  const tool = byName('flaky_tool');
  expect(tool.status).toBe('ERROR');
  expect(tool.statusMessage).toBe('ConnectionError: weather service unreachable for Paris');
  const exc = tool.events.find(e => e.name === 'exception')!;
  expect(exc.attributes['exception.type']).toBe('ConnectionError');
  expect(String(exc.attributes['exception.stacktrace'])).toContain('Traceback');
  expect(exc.time).toBeGreaterThanOrEqual(tool.start);
  expect(byName('stream_answer').outputs).toEqual(['Paris', ' is', ' sunny']);
});

test('times are trace-relative milliseconds in a plausible range', () => {
  expect(trace.spans[0].start).toBe(0);
  expect(trace.duration).toBeGreaterThan(0);
  expect(trace.duration).toBeLessThan(60000);
  expect(trace.startEpochMs).toBeGreaterThan(Date.UTC(2024, 0, 1));
});
