/**
 * Does a trace match a query? Over TraceFacts (rows/query/facts.ts builds them from a Trace), with
 * SQL's rules so that the same query gives the same traces here and in the
 * Python store's SQL: a scalar field the trace lacks makes its clause
 * unknown (neither it nor its NOT matches; AND / OR / NOT follow three-valued
 * logic), and a clause on a set (spans, assessments, models) holds when some
 * member satisfies it (`span.name != 'x'`: some span is not named x).
 *
 * Text compares exactly (`=`), LIKE with `%` / `_` wildcards (case-sensitive;
 * ILIKE: not), RLIKE is a regular-expression search; status and span type
 * compare case-insensitively. An assessment value compares as a number with a
 * number, else as text (`true` / `false` for booleans).
 */
import { Condition, Literal, Query } from './parser';
import { Field } from './fields';

export type FactValue = string | number | boolean;

export interface SpanFacts {
  name: string;
  type: string;
  status: string;
  model?: string;
  /** Its inputs, outputs and attributes as text (may be computed on first read). */
  readonly content?: string;
}

export interface TraceFacts {
  id: string;
  name: string;
  status: string;
  start_ms?: number;
  end_ms?: number;
  duration_ms?: number;
  client_request_id?: string;
  run_id?: string;
  tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  cost?: number;
  span_count: number;
  models: string[];
  session?: string;
  user?: string;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  spans: SpanFacts[];
  feedback: Record<string, FactValue[]>;
  expectation: Record<string, FactValue[]>;
  /** All the trace's text, for `trace.text` (may be computed on first read). */
  readonly text?: string;
}

type Truth = boolean | null;

/** Whether `facts` passes `query` (null: no query, everything passes). */
export function matches(query: Query | null, facts: TraceFacts): boolean {
  return query === null || truth(query, facts) === true;
}

function truth(q: Query, f: TraceFacts): Truth {
  switch (q.kind) {
    case 'and': {
      let unknown = false;
      for (const item of q.items) {
        const t = truth(item, f);
        if (t === false) {
          return false;
        }
        unknown ||= t === null;
      }
      return unknown ? null : true;
    }
    case 'or': {
      let unknown = false;
      for (const item of q.items) {
        const t = truth(item, f);
        if (t === true) {
          return true;
        }
        unknown ||= t === null;
      }
      return unknown ? null : false;
    }
    case 'not': {
      const t = truth(q.item, f);
      return t === null ? null : !t;
    }
    default:
      return condition(q, f);
  }
}

function scalarOf(field: Field, f: TraceFacts): FactValue | undefined {
  if (field.source === 'tag') {
    return own(f.tags, field.key);
  }
  if (field.source === 'metadata') {
    return own(f.metadata, field.key);
  }
  const v = (f as unknown as Record<string, unknown>)[field.key];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}

function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function membersOf(field: Field, f: TraceFacts): FactValue[] {
  switch (field.source) {
    case 'span':
      return f.spans.map(s => (s as unknown as Record<string, unknown>)[field.key]).filter((v): v is FactValue => v !== undefined && v !== null);
    case 'feedback':
      return own(f.feedback, field.key) ?? [];
    case 'expectation':
      return own(f.expectation, field.key) ?? [];
    default:
      return field.key === 'models' ? f.models : [];
  }
}

function condition(c: Condition, f: TraceFacts): Truth {
  if (c.field.many) {
    const members = membersOf(c.field, f);
    if (c.kind === 'null') {
      return c.negated ? members.length > 0 : members.length === 0;
    }
    return members.some(v => holds(c, v));
  }
  const v = scalarOf(c.field, f);
  if (c.kind === 'null') {
    return (v === undefined) !== c.negated;
  }
  return v === undefined ? null : holds(c, v);
}

/** The text of a value, the same in TypeScript and Python: booleans as true / false. */
export function textOf(v: FactValue): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

function caseless(field: Field): boolean {
  return field.type === 'status' || (field.source === 'span' && field.key === 'type');
}

function equal(field: Field, v: FactValue, lit: Literal): boolean {
  if (typeof v === 'number' && typeof lit === 'number') {
    return v === lit;
  }
  const a = textOf(v);
  const b = textOf(lit);
  return caseless(field) ? a.toUpperCase() === b.toUpperCase() : a === b;
}

const PATTERNS = new Map<string, RegExp>();

/** SQL LIKE → an anchored RegExp (`%`: any run, `_`: one character). */
export function likePattern(pattern: string, op: 'LIKE' | 'ILIKE' | 'RLIKE'): RegExp {
  const cacheKey = `${op}\u0000${pattern}`;
  let re = PATTERNS.get(cacheKey);
  if (!re) {
    if (op === 'RLIKE') {
      re = new RegExp(pattern, 'u');
    } else {
      const body = Array.from(pattern, ch => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
      re = new RegExp(`^${body}$`, op === 'ILIKE' ? 'iu' : 'u');
    }
    if (PATTERNS.size > 500) {
      PATTERNS.clear();
    }
    PATTERNS.set(cacheKey, re);
  }
  return re;
}

function holds(c: Exclude<Condition, { kind: 'null' }>, v: FactValue): boolean {
  switch (c.kind) {
    case 'compare': {
      if (c.op === '=' || c.op === '!=') {
        return equal(c.field, v, c.value) === (c.op === '=');
      }
      if (typeof v !== 'number' || typeof c.value !== 'number') {
        return false;
      }
      return c.op === '>' ? v > c.value : c.op === '>=' ? v >= c.value : c.op === '<' ? v < c.value : v <= c.value;
    }
    case 'like': {
      const text = caseless(c.field) && c.op === 'LIKE' ? textOf(v).toUpperCase() : textOf(v);
      const pattern = caseless(c.field) && c.op === 'LIKE' ? c.pattern.toUpperCase() : c.pattern;
      return likePattern(pattern, c.op).test(text) !== c.negated;
    }
    case 'in':
      return c.values.some(lit => equal(c.field, v, lit)) !== c.negated;
  }
}
