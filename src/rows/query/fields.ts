/**
 * The fields a trace query can name, and what each accepts: MLflow's
 * `search_traces` keys (`trace.status`, `trace.execution_time_ms`, `tag.k`,
 * `metadata.k`, `span.name`, `feedback.n`, ... with their aliases) and ours
 * (`tokens`, `input_tokens`, `output_tokens`, `cost`, `model`, `session`,
 * `user`, `span.model`). A field is scalar (one value or none: SQL NULL
 * rules) or a set (spans, assessments, models: a clause holds when it holds
 * for some member).
 */

/** `value`: an assessment's value (text, number or bool: compared as what it is). */
export type FieldType = 'text' | 'number' | 'time' | 'status' | 'value';

export interface Field {
  /** What a trace row holds it under (rows/query/match.ts reads it). */
  source: 'trace' | 'tag' | 'metadata' | 'span' | 'feedback' | 'expectation';
  /** The trace field, span field, or the tag / metadata / assessment name. */
  key: string;
  type: FieldType;
  /** A set: spans, assessments, models (`some member matches`). */
  many: boolean;
  /** As the user should read it in messages: `trace.status`, `tag.\`a.b\``. */
  label: string;
}

interface TraceKey {
  key: string;
  type: FieldType;
  many?: boolean;
}

/** Trace fields (after `trace.` / `attribute(s).`, or bare). */
const TRACE_KEYS: Record<string, TraceKey> = {
  status: { key: 'status', type: 'status' },
  state: { key: 'status', type: 'status' },
  execution_time_ms: { key: 'duration_ms', type: 'number' },
  execution_time: { key: 'duration_ms', type: 'number' },
  execution_duration_ms: { key: 'duration_ms', type: 'number' },
  duration_ms: { key: 'duration_ms', type: 'number' },
  latency: { key: 'duration_ms', type: 'number' },
  latency_ms: { key: 'duration_ms', type: 'number' },
  timestamp_ms: { key: 'start_ms', type: 'time' },
  timestamp: { key: 'start_ms', type: 'time' },
  request_time: { key: 'start_ms', type: 'time' },
  end_time_ms: { key: 'end_ms', type: 'time' },
  end_time: { key: 'end_ms', type: 'time' },
  name: { key: 'name', type: 'text' },
  request_id: { key: 'id', type: 'text' },
  trace_id: { key: 'id', type: 'text' },
  client_request_id: { key: 'client_request_id', type: 'text' },
  run_id: { key: 'run_id', type: 'text' },
  text: { key: 'text', type: 'text' },
  tokens: { key: 'tokens', type: 'number' },
  total_tokens: { key: 'tokens', type: 'number' },
  input_tokens: { key: 'input_tokens', type: 'number' },
  output_tokens: { key: 'output_tokens', type: 'number' },
  cost: { key: 'cost', type: 'number' },
  spans: { key: 'span_count', type: 'number' },
  span_count: { key: 'span_count', type: 'number' },
  model: { key: 'models', type: 'text', many: true },
  session: { key: 'session', type: 'text' },
  user: { key: 'user', type: 'text' }
};

const SPAN_KEYS: Record<string, TraceKey> = {
  name: { key: 'name', type: 'text' },
  type: { key: 'type', type: 'text' },
  span_type: { key: 'type', type: 'text' },
  kind: { key: 'type', type: 'text' },
  status: { key: 'status', type: 'status' },
  content: { key: 'content', type: 'text' },
  model: { key: 'model', type: 'text' }
};

const PREFIXES: Record<string, Field['source'] | 'trace' | 'span'> = {
  trace: 'trace',
  attribute: 'trace',
  attributes: 'trace',
  tag: 'tag',
  tags: 'tag',
  metadata: 'metadata',
  request_metadata: 'metadata',
  span: 'span',
  spans: 'span',
  feedback: 'feedback',
  expectation: 'expectation'
};

function keyLabel(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key.replace(/`/g, '``')}\``;
}

/**
 * The field a path names (`["trace", "status"]`, `["tag", "mlflow.user"]`),
 * or a sentence saying what is known. `path[i]` is one dotted part.
 */
export function resolveField(path: string[]): Field | string {
  const [first, ...rest] = path;
  const lower = first.toLowerCase();
  const prefix = rest.length > 0 ? PREFIXES[lower] : undefined;
  if (prefix === undefined) {
    const own = TRACE_KEYS[path.join('.').toLowerCase()];
    if (own) {
      return { source: 'trace', key: own.key, type: own.type, many: own.many ?? false, label: path.join('.') };
    }
    return (
      `unknown field ${path.map(keyLabel).join('.')}: use trace.<field> (status, execution_time_ms, timestamp_ms, name, ...), ` +
      'tag.<key>, metadata.<key>, span.<name|type|status|content|model>, feedback.<name>, expectation.<name>, ' +
      'or tokens, input_tokens, output_tokens, cost, model, session, user'
    );
  }
  const key = rest.join('.');
  if (prefix === 'trace') {
    const own = TRACE_KEYS[key.toLowerCase()];
    return own
      ? { source: 'trace', key: own.key, type: own.type, many: own.many ?? false, label: `${lower}.${key}` }
      : `unknown trace field ${keyLabel(key)}: one of ${Object.keys(TRACE_KEYS).join(', ')}`;
  }
  if (prefix === 'span') {
    const own = SPAN_KEYS[key.toLowerCase()];
    return own
      ? { source: 'span', key: own.key, type: own.type, many: true, label: `span.${key}` }
      : `unknown span field ${keyLabel(key)}: one of name, type, status, content, model`;
  }
  const assessment = prefix === 'feedback' || prefix === 'expectation';
  return { source: prefix, key, type: assessment ? 'value' : 'text', many: assessment, label: `${lower}.${keyLabel(key)}` };
}
