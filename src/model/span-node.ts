/**
 * The Span the builder makes: the fields a first paint needs (id, parent,
 * name, times, status, tree links) are plain, read once from the raw span;
 * the rest (attributes, events, kind, inputs/outputs, tokens, cost, model, an
 * error's message) is derived on first read and kept. A 100k-span trace shows
 * its first rows without decoding 100k attribute maps; the ~40 rows on screen,
 * the detail panel, search and the header totals each derive what they read.
 *
 * Reading a lazy field is exactly the eager value (the same pure functions of
 * the raw span); tests/model/lazy-fields.test.ts pins that for every fixture.
 */
import { exceptionMessage, spanInputs, spanOutputs } from './span-fields';
import { detectKind } from './kind';
import { DerivedFields, RawSpan } from './raw';
import { relMs } from './time';
import { spanCost, spanEstimate } from './cost';
import { PriceTable } from './prices';
import { spanModel, spanTokens } from './tokens';
import { Cost, Span, SpanEvent, SpanStatus, TokenUsage } from './types';

/** What a span's lazy fields need from the trace it is built in (shared by all its spans). */
export interface SpanContext {
  /** The trace's time origin in epoch ns (events' times are relative to it). */
  baseNs: bigint | undefined;
  /** The trace's price table for cost estimates (read once, on the first estimate). */
  prices(): PriceTable;
}

const UNREAD = Symbol('unread');
const NO_CHILDREN: Span[] = Object.freeze([]) as unknown as Span[];
type Slot<T> = T | typeof UNREAD;

/** A span's derived fields, once read (UNREAD: not yet). */
interface LazyFields {
  derived: DerivedFields | undefined;
  message: Slot<string>;
  attributes: Slot<Record<string, unknown>>;
  events: Slot<SpanEvent[]>;
  cost: Slot<Cost | undefined>;
}

function derive(r: RawSpan): DerivedFields {
  const a = r.attributes;
  return {
    kind: detectKind(a, r.kindHint),
    inputs: spanInputs(a),
    outputs: spanOutputs(a),
    tokens: spanTokens(a),
    cost: spanCost(a),
    model: spanModel(a)
  };
}

export class SpanNode implements Span {
  constructor(raw: RawSpan, seq: number, id: string, name: string, start: number, end: number | undefined, ctx: SpanContext) {
    this._raw = raw;
    this.seq = seq;
    this._ctx = ctx;
    this.id = id;
    this.parentId = raw.parentId || null;
    this.name = name;
    this.status = raw.status;
    this.start = start;
    this.end = end;
  }

  /** Its position in the payload's span list. */
  readonly seq: number;
  id: string;
  parentId: string | null;
  name: string;
  status: SpanStatus;
  start: number;
  end?: number;
  /** A leaf's children: one shared empty list (the builder gives a parent its own). */
  children: Span[] = NO_CHILDREN;
  depth = 0;
  orphan = false;

  get statusMessage(): string {
    const l = this._read();
    if (l.message === UNREAD) {
      const r = this._raw;
      l.message = r.status === 'ERROR' && !r.statusMessage ? exceptionMessage(r.events) : r.statusMessage;
    }
    return l.message;
  }
  set statusMessage(v: string) {
    this._read().message = v;
  }

  get attributes(): Record<string, unknown> {
    const l = this._read();
    return l.attributes === UNREAD ? (l.attributes = this._raw.attributes) : l.attributes;
  }
  set attributes(v: Record<string, unknown>) {
    this._read().attributes = v;
  }

  get events(): SpanEvent[] {
    const l = this._read();
    if (l.events === UNREAD) {
      const base = this._ctx.baseNs;
      l.events = this._raw.events.map(e => ({
        name: e.name,
        time: e.timeNs !== undefined && base !== undefined ? relMs(e.timeNs, base) : undefined,
        attributes: e.attributes
      }));
    }
    return l.events;
  }
  set events(v: SpanEvent[]) {
    this._read().events = v;
  }

  get kind(): string {
    return this._fields().kind;
  }
  set kind(v: string) {
    this._own().kind = v;
  }

  get inputs(): unknown {
    return this._fields().inputs;
  }
  set inputs(v: unknown) {
    this._own().inputs = v;
  }

  get outputs(): unknown {
    return this._fields().outputs;
  }
  set outputs(v: unknown) {
    this._own().outputs = v;
  }

  get tokens(): TokenUsage | undefined {
    return this._fields().tokens;
  }
  set tokens(v: TokenUsage | undefined) {
    this._own().tokens = v;
  }

  get model(): string | undefined {
    return this._fields().model;
  }
  set model(v: string | undefined) {
    this._own().model = v;
  }

  /** Reported cost, else an estimate from the model's list price (unknown model: none). */
  get cost(): Cost | undefined {
    const l = this._read();
    if (l.cost === UNREAD) {
      const reported = this._fields().cost;
      l.cost =
        reported === undefined && this.model !== undefined && this.tokens !== undefined
          ? spanEstimate(this, this._ctx.prices())
          : reported;
    }
    return l.cost;
  }
  set cost(v: Cost | undefined) {
    this._read().cost = v;
  }

  /** Whether the fields derived from the attributes have been read (the header's totals wait for them). */
  get derived(): boolean {
    return this._lazy !== null && this._lazy.cost !== UNREAD;
  }

  /**
   * The derived fields: the raw span's (shared by the snapshots of a live
   * trace whose span did not change, see memoParse), until one is set here.
   */
  private _fields(): DerivedFields {
    const l = this._read();
    return (l.derived ??= this._raw.derived ??= derive(this._raw));
  }

  private _own(): DerivedFields {
    const d = this._fields();
    const l = this._read();
    if (d === this._raw.derived) {
      l.derived = { ...d };
    }
    return l.derived!;
  }

  private _raw: RawSpan;
  private _ctx: SpanContext;
  /** The lazy fields, made on the first read of any (most spans of a big trace never get one). */
  private _read(): LazyFields {
    return (this._lazy ??= { derived: undefined, message: UNREAD, attributes: UNREAD, events: UNREAD, cost: UNREAD });
  }

  private _lazy: LazyFields | null = null;
}
