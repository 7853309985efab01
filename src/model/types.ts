/**
 * The one Trace model every input format is normalized into.
 *
 * Everything downstream (rows, timeline, detail panel) reads only these
 * types, never a raw payload. Times are milliseconds relative to the trace
 * start (the earliest span start), so they stay small floats and never hit
 * the 2^53 limit that epoch nanoseconds do.
 */

/** Span status, OTel style. */
export type SpanStatus = 'OK' | 'ERROR' | 'UNSET';

/** Whole-trace state, MLflow style (IN_PROGRESS while a root still runs). */
export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'UNSET';

/** Which payload shape a trace came from. */
export type TraceFormat =
  | 'mlflow-v2'
  | 'mlflow-v3'
  | 'otlp'
  | 'jaeger';

export interface SpanEvent {
  name: string;
  /** ms relative to trace start; undefined when the event carried no time. */
  time?: number;
  attributes: Record<string, unknown>;
}

/** Token counts; any may be missing. */
export interface TokenUsage {
  input?: number;
  output?: number;
  total?: number;
  cacheRead?: number;
  cacheCreation?: number;
  reasoning?: number;
}

/** Money, as the trace reports it (MLflow and OpenInference: US dollars), or estimated from tokens. */
export interface Cost {
  input?: number;
  output?: number;
  total?: number;
  /** Not reported: tokens × list prices (model/prices.ts). Absent on reported costs. */
  estimated?: boolean;
  /** Estimates: the date of the price table's list prices. */
  pricesDate?: string;
  /** Estimates: some price came from the trace's `nbtrace.prices` (the user's own). */
  customPrices?: boolean;
  /** A roll-up that is part reported, part estimated. */
  partlyReported?: boolean;
}

export interface Span {
  /** Normalized id: lowercase hex where the source id is hex/base64/0x-hex; otherwise as given. */
  id: string;
  /** Normalized parent id as given by the payload (may point outside the trace). */
  parentId: string | null;
  name: string;
  /**
   * Normalized kind, upper case: LLM, CHAT_MODEL, CHAIN, AGENT, TOOL,
   * RETRIEVER, EMBEDDING, RERANKER, PARSER, MEMORY, GUARDRAIL, EVALUATOR,
   * WORKFLOW, TASK, PROMPT, HTTP, DB, RPC, MESSAGING, UNKNOWN, or any custom
   * string the payload gave.
   */
  kind: string;
  status: SpanStatus;
  statusMessage: string;
  /** ms relative to trace start. */
  start: number;
  /** ms relative to trace start; undefined while the span is still running. */
  end?: number;
  /** Decoded attributes (MLflow JSON-string values decoded, OTLP AnyValues unwrapped). */
  attributes: Record<string, unknown>;
  inputs?: unknown;
  outputs?: unknown;
  events: SpanEvent[];
  /** Children ordered by start time (stable for ties). */
  children: Span[];
  /** 0 for a root. */
  depth: number;
  /** True when parentId was given but no span in the trace has that id. */
  orphan: boolean;
  tokens?: TokenUsage;
  /** Cost the span reports (`mlflow.llm.cost`, `llm.cost.*`), else estimated from its model and tokens. */
  cost?: Cost;
  /** Model name for LLM spans when the attributes say it. */
  model?: string;
}

/** A judgement of a trace or one of its spans (MLflow's Assessment: feedback or expectation). */
export interface Assessment {
  id?: string;
  name: string;
  kind: 'feedback' | 'expectation';
  /** bool, number, text or any JSON value. */
  value: unknown;
  rationale?: string;
  /** The scorer failed: why (then there is no value). */
  error?: string;
  /** HUMAN, LLM_JUDGE, CODE, … (upper case). */
  sourceType: string;
  sourceId?: string;
  /** The span it is about (normalized id), or null for the whole trace. */
  spanId: string | null;
  /** ISO time of its last change. */
  time?: string;
}

/** Span by id: what readers of a trace's index use (a Map<string, Span> is one too; the builder's is model/id-index.ts). */
export interface SpanIndex {
  get(id: string): Span | undefined;
  has(id: string): boolean;
  readonly size: number;
  keys(): IterableIterator<string>;
}

/** What the builder counts over all spans for the first screen (model/span-facts.ts). */
export interface SpanFacts {
  /** Spans with status ERROR. */
  errors: number;
  /** Spans without an end (running, or the end is missing). */
  running: number;
  /** Spans with an ERROR span somewhere below them (a collapsed row shows "!"). */
  errorBelow: ReadonlySet<Span>;
}

export interface Trace {
  /** Trace id (MLflow request/trace id, or OTel trace id in lowercase hex). */
  id: string;
  format: TraceFormat;
  /** Display name: the trace name tag, else the first root's name. */
  name: string;
  state: TraceState;
  /** Epoch milliseconds of the trace start (earliest span start), when known. */
  startEpochMs?: number;
  /** ms from trace start to the latest known end (or start, for running spans). */
  duration: number;
  /** Top-level spans: real roots and orphans, ordered by start. */
  roots: Span[];
  /** All spans in depth-first pre-order (the tree order). */
  spans: Span[];
  byId: SpanIndex;
  /** Trace-level token roll-up (no double counting through wrapper spans). */
  tokens?: TokenUsage;
  /** Trace-level cost roll-up, same rule as tokens (or `mlflow.trace.cost`). */
  cost?: Cost;
  /** Trace-level metadata/tags as flat key → value. */
  metadata: Record<string, unknown>;
  /** Scores and expectations recorded on the trace and its spans. */
  assessments: Assessment[];
  /** Problems found while normalizing (cycles, duplicate ids, end < start, ...). */
  warnings: string[];
  /** Counted by the builder (errors, running spans, errors below): absent on a trace made by hand. */
  facts?: SpanFacts;
}

export type ParseResult =
  | { ok: true; traces: Trace[] }
  | {
      ok: false;
      /** What is wrong, in one sentence a user can act on. */
      error: string;
    };
