/**
 * The intermediate shape every format parser produces: a flat list of spans
 * with absolute nanosecond times (epoch ns exceed 2^53: span times as two
 * exact doubles, see ns-parts.ts; event times as BigInt). One shared builder
 * (buildTrace) turns it into the Trace tree.
 */
import { Assessment, Cost, SpanStatus, TokenUsage, TraceFormat, TraceState } from './types';

export interface RawEvent {
  name: string;
  /** Absolute ns (already unit-corrected), or undefined when the event had no time. */
  timeNs?: bigint;
  attributes: Record<string, unknown>;
}

export interface RawSpan {
  /** Normalized id ('' when the payload had none; the builder names it). */
  id: string;
  /** Normalized parent id; null (or '') for a root. */
  parentId: string | null;
  name?: string;
  /** The start in epoch ns as whole ms + the ns past them (ns-parts.ts); startMs undefined: no start. */
  startMs?: number;
  startSub?: number;
  /** The end likewise; endMs undefined: no end recorded (running or missing). */
  endMs?: number;
  endSub?: number;
  status: SpanStatus;
  statusMessage: string;
  /** Decoded attributes. */
  attributes: Record<string, unknown>;
  events: RawEvent[];
  /** A kind from outside the attributes (legacy MLflow `span_type`), used after the attribute rules 1–2. */
  kindHint?: string;
  /**
   * Fields the builder derives from the attributes alone, filled on first
   * build: a live trace's unchanged spans come back as the same RawSpan
   * (memoParse), so each snapshot does not derive them again.
   */
  derived?: DerivedFields;
}

export interface DerivedFields {
  kind: string;
  inputs: unknown;
  outputs: unknown;
  tokens?: TokenUsage;
  cost?: Cost;
  model?: string;
}

export interface RawTrace {
  id: string;
  format: TraceFormat;
  spans: RawSpan[];
  /** Explicit trace name (MLflow tag `mlflow.traceName`). */
  name?: string;
  /** Explicit trace state (MLflow info); undefined → derived from the spans. */
  state?: TraceState;
  metadata: Record<string, unknown>;
  /** Trace-level usage from metadata (`mlflow.trace.tokenUsage`); preferred over the span roll-up. */
  tokens?: TokenUsage;
  /** Trace-level cost from metadata (`mlflow.trace.cost`); preferred over the span roll-up. */
  cost?: Cost;
  /** Epoch ms to use when no span has a start time (MLflow info timestamp). */
  startEpochMsFallback?: number;
  /** MLflow `info.assessments`. */
  assessments?: Assessment[];
  warnings: Warnings;
}

/**
 * Warning list with a cap per category: a 100k-span payload full of orphans
 * must not produce 100k warning lines.
 */
export class Warnings {
  constructor(private readonly perCategory = 20) {}

  add(category: string, message: string): void {
    const n = (this._counts.get(category) ?? 0) + 1;
    this._counts.set(category, n);
    if (n <= this.perCategory) {
      this._list.push(message);
    }
  }

  /** Merge another sink's messages (used when documents are combined). */
  addAll(messages: readonly string[]): void {
    for (const m of messages) {
      this.add('merged', m);
    }
  }

  toArray(): string[] {
    const out = this._list.slice();
    for (const [category, n] of this._counts) {
      if (n > this.perCategory) {
        out.push(`… and ${n - this.perCategory} more ${category} warnings.`);
      }
    }
    return out;
  }

  private _list: string[] = [];
  private _counts = new Map<string, number>();
}
