/**
 * The price table (prices.json, shared with the Python package) and what it
 * estimates: model name → list price, tokens × price → a Cost marked
 * `estimated`. A trace's metadata `nbtrace.prices` (what the user gave
 * `nbtrace.configure(prices=...)`, same format) overrides and extends the
 * shipped table for that trace. A reported cost always wins: estimates are
 * made only for spans that report none (see build.ts and cost.ts).
 *
 * Model-name matching (the same in Python, tested on tests/model/price-cases.json):
 * lower case; an exact model or alias; else with the provider path
 * ("openai/", "models/", "publishers/google/models/") and a Bedrock region/vendor
 * ("us.anthropic.") removed; else the longest model or alias that the name starts
 * with, followed by "-", "@" or ":" ("gpt-4o-mini-2024-07-18" → gpt-4o-mini,
 * "claude-sonnet-4-5@20250929" → claude-sonnet-4-5). Anything else: no estimate.
 */
import shipped from './prices.json';
import { decodeJson } from './attributes';
import { Cost } from './types';
import { isObject, num } from './util';

/** US dollars per 1M tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cached prompt tokens (cache reads); default: the input price. */
  cached_input?: number;
  /** Prompt tokens written to a cache (Anthropic); default: the input price. */
  cache_write?: number;
}

export interface PriceTable {
  /** The day the list prices were read (YYYY-MM-DD). */
  date: string;
  models: Readonly<Record<string, ModelPrice>>;
  /** Other name → a key of `models`. */
  aliases: Readonly<Record<string, string>>;
  /** Entries that came from the trace's own `nbtrace.prices`. */
  custom?: ReadonlySet<string>;
}

/** Token counts to price; `input` includes `cachedInput` and `cacheWrite`. */
export interface PriceCounts {
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
}

export interface PriceMatch {
  /** The table's key that priced it. */
  key: string;
  price: ModelPrice;
  custom: boolean;
}

export const PRICES_METADATA_KEY = 'nbtrace.prices';

const UNITS: Record<string, number> = {
  'per 1m tokens': 1,
  'per 1k tokens': 1000,
  'per token': 1_000_000
};
const PRICE_FIELDS: ReadonlyArray<keyof ModelPrice> = ['input', 'output', 'cached_input', 'cache_write'];

function readPrice(v: unknown, scale: number, base: ModelPrice | undefined): ModelPrice | undefined {
  if (!isObject(v)) {
    return undefined;
  }
  const out: Partial<ModelPrice> = { ...base };
  for (const k of PRICE_FIELDS) {
    const n = num(v[k]);
    if (n !== undefined && n >= 0) {
      out[k] = n * scale;
    }
  }
  return out.input !== undefined && out.output !== undefined ? (out as ModelPrice) : undefined;
}

/**
 * A table in the prices.json format (an object or its JSON text), merged over
 * `base` entry by entry (a partial entry keeps `base`'s other prices); a bare
 * `{model: {input, output}}` map counts as `models`. Lenient: what cannot be
 * read is left out; undefined when nothing could be.
 */
export function readPriceTable(value: unknown, base?: PriceTable): PriceTable | undefined {
  const v = decodeJson(value);
  if (!isObject(v)) {
    return undefined;
  }
  const framed = isObject(v.models) || isObject(v.aliases);
  const unit = framed && typeof v.unit === 'string' ? v.unit.trim().toLowerCase() : 'per 1m tokens';
  const scale = UNITS[unit];
  if (scale === undefined || (typeof v.currency === 'string' && v.currency.toUpperCase() !== 'USD')) {
    return undefined;
  }
  const models: Record<string, ModelPrice> = { ...base?.models };
  const aliases: Record<string, string> = { ...base?.aliases };
  const custom = new Set(base?.custom);
  let any = false;
  for (const [name, entry] of Object.entries(framed ? (isObject(v.models) ? v.models : {}) : v)) {
    const key = name.trim().toLowerCase();
    const price = key ? readPrice(entry, scale, models[key]) : undefined;
    if (price) {
      models[key] = price;
      custom.add(key);
      any = true;
    }
  }
  if (framed && isObject(v.aliases)) {
    for (const [name, target] of Object.entries(v.aliases)) {
      if (typeof target === 'string' && name.trim()) {
        aliases[name.trim().toLowerCase()] = target.trim().toLowerCase();
        any = true;
      }
    }
  }
  if (!any) {
    return undefined;
  }
  const date = typeof v.date === 'string' && v.date && !base ? v.date : base?.date ?? '';
  return { date, models, aliases, custom: base ? custom : undefined };
}

/** The shipped table (prices.json). */
export const DEFAULT_PRICES: PriceTable = readPriceTable(shipped)!;

const overrideMemo = new Map<string, PriceTable>();

/** The table for a trace: the shipped one, with the trace metadata's `nbtrace.prices` over it. */
export function tracePrices(metadata: Record<string, unknown> | undefined): PriceTable {
  const raw = metadata?.[PRICES_METADATA_KEY];
  if (raw === undefined || raw === null || raw === '') {
    return DEFAULT_PRICES;
  }
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  let table = overrideMemo.get(text);
  if (!table) {
    table = readPriceTable(raw, DEFAULT_PRICES) ?? DEFAULT_PRICES;
    if (overrideMemo.size >= 64) {
      overrideMemo.clear();
    }
    overrideMemo.set(text, table);
  }
  return table;
}

const BEDROCK = /^(?:(?:us|eu|apac|au|ca|jp|us-gov|global)\.)?(?:anthropic|openai|google|amazon|meta|mistral|cohere)\./;
const BOUNDARY = new Set(['-', '@', ':']);

function exact(t: PriceTable, key: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(t.models, key)) {
    return key;
  }
  const target = Object.prototype.hasOwnProperty.call(t.aliases, key) ? t.aliases[key] : undefined;
  return target !== undefined && Object.prototype.hasOwnProperty.call(t.models, target) ? target : undefined;
}

/** The model key that prices `model` (the rules at the top of this file), or undefined. */
export function matchModel(t: PriceTable, model: string): string | undefined {
  const name = model.trim().toLowerCase();
  if (!name) {
    return undefined;
  }
  const hit = exact(t, name);
  if (hit !== undefined) {
    return hit;
  }
  const bare = name.slice(name.lastIndexOf('/') + 1).replace(BEDROCK, ''); // no provider path, no Bedrock prefix
  if (!bare) {
    return undefined;
  }
  const bareHit = exact(t, bare);
  if (bareHit !== undefined) {
    return bareHit;
  }
  let best: string | undefined;
  for (const key of [...Object.keys(t.models), ...Object.keys(t.aliases)]) {
    if (bare.length > key.length && bare.startsWith(key) && BOUNDARY.has(bare[key.length]) && (best === undefined || key.length > best.length)) {
      if (exact(t, key) !== undefined) {
        best = key;
      }
    }
  }
  return best !== undefined ? exact(t, best) : undefined;
}

const matchMemo = new WeakMap<PriceTable, Map<string, PriceMatch | null>>();

/** `model`'s price in `t` (memoized per table), or undefined when the table does not know it. */
export function findPrice(t: PriceTable, model: string): PriceMatch | undefined {
  let memo = matchMemo.get(t);
  if (!memo) {
    memo = new Map();
    matchMemo.set(t, memo);
  }
  let m = memo.get(model);
  if (m === undefined) {
    const key = matchModel(t, model);
    m = key === undefined ? null : { key, price: t.models[key], custom: t.custom?.has(key) ?? false };
    if (memo.size >= 1000) {
      memo.clear();
    }
    memo.set(model, m);
  }
  return m ?? undefined;
}

const nonNeg = (v: number | undefined): number => (v !== undefined && v > 0 ? v : 0);

/**
 * Dollars for `counts` at `price`: the uncached input at the input price, cache
 * reads and writes at theirs, the output at the output price. Undefined with
 * neither an input nor an output count.
 */
export function priceCost(price: ModelPrice, counts: PriceCounts): { input: number; output: number; total: number } | undefined {
  if (counts.input === undefined && counts.output === undefined) {
    return undefined;
  }
  const input = nonNeg(counts.input);
  const cached = Math.min(nonNeg(counts.cachedInput), input);
  const write = Math.min(nonNeg(counts.cacheWrite), input - cached);
  const inCost = ((input - cached - write) * price.input + cached * (price.cached_input ?? price.input) + write * (price.cache_write ?? price.input)) / 1e6;
  const outCost = (nonNeg(counts.output) * price.output) / 1e6;
  return { input: inCost, output: outCost, total: inCost + outCost };
}

/** An estimated Cost of `model` for `counts` from table `t`, or undefined (unknown model, no counts). */
export function estimateCost(t: PriceTable, model: string, counts: PriceCounts): Cost | undefined {
  const m = findPrice(t, model);
  const c = m ? priceCost(m.price, counts) : undefined;
  if (!m || !c) {
    return undefined;
  }
  const out: Cost = { ...c, estimated: true, pricesDate: t.date };
  if (m.custom) {
    out.customPrices = true;
  }
  return out;
}
