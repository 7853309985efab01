/**
 * The Trace the builder makes: every field is plain except the token and cost
 * totals, which read every span's derived fields (their attribute maps) and so
 * are rolled up on first read. A view that must not wait for them asks
 * `totalsCounted` first and counts them in idle time (`countTotals`); any other
 * reader simply gets them.
 */
import { rollupCost } from './cost';
import { rollupTokens } from './tokens';
import { Assessment, Cost, Span, SpanFacts, SpanIndex, TokenUsage, Trace, TraceFormat, TraceState } from './types';

const UNREAD = Symbol('unread');

/** The plain fields of a Trace, as the builder has them. */
export type TraceFields = Omit<Trace, 'tokens' | 'cost'>;

export class TraceNode implements Trace {
  constructor(fields: TraceFields, preferredTokens: TokenUsage | undefined, preferredCost: Cost | undefined) {
    this.id = fields.id;
    this.format = fields.format;
    this.name = fields.name;
    this.state = fields.state;
    this.startEpochMs = fields.startEpochMs;
    this.duration = fields.duration;
    this.roots = fields.roots;
    this.spans = fields.spans;
    this.byId = fields.byId;
    this.metadata = fields.metadata;
    this.assessments = fields.assessments;
    this.warnings = fields.warnings;
    this.facts = fields.facts;
    this._preferredTokens = preferredTokens;
    this._preferredCost = preferredCost;
  }

  id: string;
  format: TraceFormat;
  name: string;
  state: TraceState;
  startEpochMs?: number;
  duration: number;
  roots: Span[];
  spans: Span[];
  byId: SpanIndex;
  metadata: Record<string, unknown>;
  assessments: Assessment[];
  warnings: string[];
  facts?: SpanFacts;

  get tokens(): TokenUsage | undefined {
    if (this._tokens === UNREAD) {
      this._tokens = rollupTokens(this.spans, this._preferredTokens);
    }
    return this._tokens;
  }
  set tokens(v: TokenUsage | undefined) {
    this._tokens = v;
  }

  get cost(): Cost | undefined {
    if (this._cost === UNREAD) {
      this._cost = rollupCost(this.spans, this._preferredCost);
    }
    return this._cost;
  }
  set cost(v: Cost | undefined) {
    this._cost = v;
  }

  /** Spans [0, counted) have their derived fields read (countTotals moves it on). */
  counted = 0;

  private _preferredTokens: TokenUsage | undefined;
  private _preferredCost: Cost | undefined;
  private _tokens: TokenUsage | undefined | typeof UNREAD = UNREAD;
  private _cost: Cost | undefined | typeof UNREAD = UNREAD;
}

/** Up to this many spans, reading the totals at once costs little (a few ms): no "counting…" first. */
export const COUNT_LATER_SPANS = 2000;

/** Whether a view should read the totals now: they are counted, or cheap to count. */
export function totalsReady(trace: Trace): boolean {
  return trace.spans.length <= COUNT_LATER_SPANS || totalsCounted(trace);
}

/** Whether reading `trace.tokens` / `trace.cost` costs nothing more (always, for a trace not built here). */
export function totalsCounted(trace: Trace): boolean {
  return !(trace instanceof TraceNode) || trace.counted >= trace.spans.length;
}

/**
 * Read the derived fields of the next spans while `more()` says there is time;
 * true when all are read (the totals are then cheap to read).
 */
export function countTotals(trace: Trace, more: () => boolean): boolean {
  if (!(trace instanceof TraceNode)) {
    return true;
  }
  const spans = trace.spans;
  let i = trace.counted;
  while (i < spans.length) {
    const end = Math.min(spans.length, i + 256);
    for (; i < end; i++) {
      void spans[i].cost; // reads tokens and model too
    }
    if (!more()) {
      break;
    }
  }
  trace.counted = i;
  return i >= spans.length;
}
