/** Span kind detection from attributes, in order of trust (see detectKind). */
import { Obj } from './util';

const GEN_AI_OPERATIONS: Record<string, string> = {
  // "chat" → CHAT_MODEL (MLflow's name for chat-completion spans); the other
  // generation operations → LLM. Both render in the same LLM colour family.
  chat: 'CHAT_MODEL',
  text_completion: 'LLM',
  generate_content: 'LLM',
  embeddings: 'EMBEDDING',
  retrieval: 'RETRIEVER',
  execute_tool: 'TOOL',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
  invoke_workflow: 'CHAIN'
};

/** A usable explicit kind: non-empty and not the "UNKNOWN" placeholder MLflow writes for untyped spans. */
function explicitKind(v: unknown): string | undefined {
  if (typeof v !== 'string') {
    return undefined;
  }
  const k = v.trim().toUpperCase();
  return k === '' || k === 'UNKNOWN' ? undefined : k;
}

/**
 * 1. `openinference.span.kind`, then `mlflow.spanType`, then OpenLLMetry's
 *    `traceloop.span.kind` (workflow, task, agent, tool), then the legacy
 *    `span_type` hint. An explicit "UNKNOWN" falls through to the heuristics.
 * 2. `gen_ai.operation.name` (table above; an unknown operation falls through).
 * 3. `gen_ai.tool.name` → TOOL.
 * 4. any other `gen_ai.*` / `llm.*` key → LLM.
 * 5. `db.*` → DB, `http.*` → HTTP, `rpc.*` → RPC, `messaging.*` → MESSAGING (first match in that order).
 * Otherwise UNKNOWN. Custom strings are kept, upper-cased.
 */
export function detectKind(attrs: Obj, hint?: string): string {
  const explicit =
    explicitKind(attrs['openinference.span.kind']) ??
    explicitKind(attrs['mlflow.spanType']) ??
    explicitKind(attrs['traceloop.span.kind']) ??
    explicitKind(hint);
  if (explicit !== undefined) {
    return explicit;
  }
  const op = attrs['gen_ai.operation.name'];
  if (typeof op === 'string') {
    const name = op.trim().toLowerCase();
    // Own entries only: "constructor" or "__proto__" must not find Object.prototype's.
    const k = Object.prototype.hasOwnProperty.call(GEN_AI_OPERATIONS, name) ? GEN_AI_OPERATIONS[name] : undefined;
    if (k !== undefined) {
      return k;
    }
  }
  if (attrs['gen_ai.tool.name'] !== undefined) {
    return 'TOOL';
  }
  let db = false;
  let http = false;
  let rpc = false;
  let messaging = false;
  for (const key in attrs) {
    if (key.startsWith('gen_ai.') || key.startsWith('llm.')) {
      return 'LLM';
    }
    if (key.startsWith('db.')) {
      db = true;
    } else if (key.startsWith('http.')) {
      http = true;
    } else if (key.startsWith('rpc.')) {
      rpc = true;
    } else if (key.startsWith('messaging.')) {
      messaging = true;
    }
  }
  return db ? 'DB' : http ? 'HTTP' : rpc ? 'RPC' : messaging ? 'MESSAGING' : 'UNKNOWN';
}
