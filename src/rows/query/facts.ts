/**
 * A trace as the query language and the trace list read it (TraceFacts):
 * its status, times, tokens, cost, models, session and user, tags and
 * metadata as text, its spans (name, type, status, model, content), and its
 * assessments by name. Span content and the trace's whole text are built on
 * first read only (a filter on `trace.text` pays for them, a sort does not).
 */
import { Span, Trace } from '../../model/types';
import { FactValue, SpanFacts, TraceFacts } from './match';

const SESSION_KEYS = ['mlflow.trace.session', 'session.id', 'session', 'nbtrace.session'];
const USER_KEYS = ['mlflow.trace.user', 'user.id', 'user'];

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? '' : (JSON.stringify(v) ?? String(v));
}

function firstText(maps: Record<string, unknown>[], keys: string[]): string | undefined {
  for (const map of maps) {
    for (const k of keys) {
      const v = map[k];
      if (v !== undefined && v !== null && v !== '') {
        return text(v);
      }
    }
  }
  return undefined;
}

function spanFacts(s: Span): SpanFacts {
  let content: string | undefined;
  return {
    name: s.name,
    type: s.kind,
    status: s.status,
    ...(s.model !== undefined ? { model: s.model } : {}),
    get content() {
      content ??= [text(s.inputs), text(s.outputs), text(s.attributes), s.statusMessage].filter(Boolean).join('\n');
      return content;
    }
  };
}

function scalar(v: unknown): FactValue | undefined {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
    return v;
  }
  return v === undefined || v === null ? undefined : text(v);
}

export function traceFacts(t: Trace): TraceFacts {
  const running = t.state === 'IN_PROGRESS';
  // Tags and metadata as text are built on first read: a list of 10,000 traces sorts and filters on other fields.
  let strings: Record<string, string> | undefined;
  const texts = (): Record<string, string> => {
    if (!strings) {
      strings = {};
      for (const k of Object.keys(t.metadata)) {
        strings[k] = text(t.metadata[k]);
      }
    }
    return strings;
  };
  const feedback: Record<string, FactValue[]> = {};
  const expectation: Record<string, FactValue[]> = {};
  for (const a of t.assessments) {
    const v = scalar(a.value);
    if (v !== undefined && a.error === undefined) {
      const into = a.kind === 'feedback' ? feedback : expectation;
      (into[a.name] ??= []).push(v);
    }
  }
  const models: string[] = [];
  for (const s of t.spans) {
    if (s.model && !models.includes(s.model)) {
      models.push(s.model);
    }
  }
  const rootAttributes = t.roots.map(r => r.attributes);
  const spans = t.spans.map(spanFacts);
  const tok = t.tokens;
  const total = tok?.total ?? (tok?.input !== undefined && tok?.output !== undefined ? tok.input + tok.output : undefined);
  let all: string | undefined;
  const facts: TraceFacts = {
    id: t.id,
    name: t.name,
    status: t.state,
    span_count: t.spans.length,
    models,
    get tags() {
      return texts();
    },
    get metadata() {
      return texts();
    },
    spans,
    feedback,
    expectation,
    get text() {
      all ??= spans.map(s => `${s.name}\n${s.content ?? ''}`).join('\n');
      return all;
    }
  };
  // Optional facts only when known (set one by one: no intermediate object per trace).
  const into = facts as unknown as Record<string, unknown>;
  const set = (k: keyof TraceFacts, v: unknown): void => {
    if (v !== undefined) {
      into[k] = v;
    }
  };
  set('start_ms', t.startEpochMs);
  if (!running) {
    set('duration_ms', t.duration);
    set('end_ms', t.startEpochMs === undefined ? undefined : t.startEpochMs + t.duration);
  }
  const meta = [t.metadata];
  set('run_id', firstText(meta, ['mlflow.sourceRun']));
  set('client_request_id', firstText(meta, ['client_request_id', 'mlflow.clientRequestId']));
  set('tokens', total);
  set('input_tokens', tok?.input);
  set('output_tokens', tok?.output);
  set('cost', t.cost?.total ?? (t.cost?.input !== undefined && t.cost?.output !== undefined ? t.cost.input + t.cost.output : undefined));
  const maps = rootAttributes.length > 0 ? [t.metadata, ...rootAttributes] : meta;
  set('session', firstText(maps, SESSION_KEYS));
  set('user', firstText(maps, USER_KEYS));
  return facts;
}
