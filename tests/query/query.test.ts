/**
 * The trace query language on the shared cases (tests/query/cases.json, the
 * Python side runs the same file): what each query selects, where and why a
 * bad one fails, precedence, and that every MLflow-documented form parses.
 */
import * as fs from 'fs';
import * as path from 'path';
import { QueryError } from '../../src/rows/query/lexer';
import { matches, TraceFacts } from '../../src/rows/query/match';
import { parseQuery, Query } from '../../src/rows/query/parser';

interface Cases {
  traces: TraceFacts[];
  cases: { query: string; ids: string[] }[];
  errors: { query: string; at: number; words: string[] }[];
}

const CASES: Cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'cases.json'), 'utf-8'));

function select(query: string): string[] {
  const q = parseQuery(query);
  return CASES.traces.filter(t => matches(q, t)).map(t => t.id);
}

describe('the trace query language', () => {
  it.each(CASES.cases.map(c => [c.query, c.ids] as const))('%s', (query, ids) => {
    expect(select(query)).toEqual(ids);
  });

  it.each(CASES.errors.map(e => [e.query, e.at, e.words] as const))('rejects %s', (query, at, words) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryError);
    const q = error as QueryError;
    for (const w of words) {
      expect(q.message).toContain(w);
    }
    expect(q.at).toBe(at);
  });

  it('AND binds tighter than OR, NOT tighter than both', () => {
    const q = parseQuery("NOT a.b = 'x' OR tokens > 1 AND cost < 2".replace('a.b', 'tag.b')) as Query;
    expect(q.kind).toBe('or');
    const [left, right] = (q as { items: Query[] }).items;
    expect(left.kind).toBe('not');
    expect(right.kind).toBe('and');
  });

  it("parses MLflow's documented filter strings", () => {
    for (const s of [
      "attributes.status = 'OK'",
      'attributes.timestamp_ms > 1700000000000',
      'trace.execution_time_ms > 1000',
      "tags.`mlflow.traceName` = 'my_trace'",
      "metadata.`mlflow.trace.user` = 'alice' AND trace.status = 'OK'",
      "span.name = 'ChatModel' AND span.type = 'CHAT_MODEL'",
      "feedback.`relevance` = 'yes'",
      "trace.name IN ('a', 'b')",
      "trace.text ILIKE '%error%'",
      "span.content LIKE '%hello%'",
      "expectation.expected_response IS NOT NULL"
    ]) {
      expect(() => parseQuery(s)).not.toThrow();
    }
  });

  it('never throws anything but a QueryError, whatever the input', () => {
    const alphabet = ["'", '"', '`', '(', ')', ',', '.', '=', '!', '<', '>', 'a', ' ', 'AND', 'OR', 'NOT', 'IN', 'tag', '1', '-', '%'];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let n = 0; n < 2000; n++) {
      const s = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      try {
        const q = parseQuery(s);
        CASES.traces.forEach(t => matches(q, t));
      } catch (e) {
        expect(e).toBeInstanceOf(QueryError);
      }
    }
  });
});
