/**
 * Span search: a query → the matching spans, in tree order. Pure (no DOM).
 *
 * A query is whitespace-separated terms, all of which must match (quotes keep
 * spaces inside one term). A plain term matches, case-insensitively, anywhere
 * in a span's name, kind, status, id, model, attribute keys and values,
 * inputs, outputs and events. `key=value` narrows to one field: an attribute
 * whose key is `key` (or ends with `.key`), or one of the span's own fields
 * `name`, `kind`, `status`, `id`, `model`; the value is a substring, and an
 * empty value only asks that the attribute exists.
 */
import { Span, Trace } from '../model/types';

export type SearchTerm = { text: string } | { key: string; value: string };

/**
 * Each value adds at most this many characters to a span's searchable text: a
 * 10 MB attribute must not cost a 10 MB lowercase copy. (The detail panel
 * still shows and copies the whole value.)
 */
export const MAX_VALUE_CHARS = 20000;

const OWN_FIELDS: Record<string, (s: Span) => string | undefined> = {
  name: s => s.name,
  kind: s => s.kind,
  status: s => s.status,
  id: s => s.id,
  model: s => s.model
};

export function parseQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  // A term: "quoted text", key="quoted value", or a run of non-space characters.
  const re = /(?:([^\s="]+)=)?"([^"]*)"?|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) {
    let key: string | undefined;
    let value: string;
    if (m[2] !== undefined) {
      key = m[1];
      value = m[2];
    } else {
      const word = m[3];
      const eq = word.indexOf('=');
      if (eq > 0) {
        key = word.slice(0, eq);
        value = word.slice(eq + 1);
      } else {
        value = word;
      }
    }
    if (key !== undefined) {
      terms.push({ key: key.toLowerCase(), value: value.toLowerCase() });
    } else if (value !== '') {
      terms.push({ text: value.toLowerCase() });
    }
  }
  return terms;
}

/** A value as searchable lowercase text (strings as they are, the rest as JSON), bounded. */
export function valueText(v: unknown): string {
  let t: string;
  if (typeof v === 'string') {
    t = v;
  } else if (v === undefined) {
    return '';
  } else {
    try {
      t = JSON.stringify(v) ?? String(v);
    } catch {
      t = String(v);
    }
  }
  return (t.length > MAX_VALUE_CHARS ? t.slice(0, MAX_VALUE_CHARS) : t).toLowerCase();
}

// The attribute part of a span's text, by attributes object: a live update
// reuses the attributes of unchanged spans (memoParse), so their
// text is not rebuilt for every snapshot.
const attributeTextOf = new WeakMap<object, string>();

function attributeText(attributes: Record<string, unknown>): string {
  let t = attributeTextOf.get(attributes);
  if (t === undefined) {
    const parts: string[] = [];
    for (const k in attributes) {
      parts.push(k.toLowerCase(), valueText(attributes[k]));
    }
    t = parts.join('\n');
    attributeTextOf.set(attributes, t);
  }
  return t;
}

/** All searchable text of a span, lowercase, one field per line. */
export function spanText(s: Span): string {
  const parts = [s.name.toLowerCase(), s.kind.toLowerCase(), s.status.toLowerCase(), s.id.toLowerCase()];
  if (s.statusMessage) {
    parts.push(s.statusMessage.toLowerCase());
  }
  if (s.model) {
    parts.push(s.model.toLowerCase());
  }
  parts.push(attributeText(s.attributes));
  // Inputs/outputs usually come from attributes (already in); other formats carry them apart.
  for (const io of [s.inputs, s.outputs]) {
    if (io !== undefined) {
      parts.push(valueText(io));
    }
  }
  for (const e of s.events) {
    parts.push(e.name.toLowerCase(), attributeText(e.attributes));
  }
  return parts.join('\n');
}

function fieldMatches(s: Span, key: string, value: string): boolean {
  // Own entries only: a query like `constructor=x` must not call Object.prototype's.
  const own = Object.prototype.hasOwnProperty.call(OWN_FIELDS, key) ? OWN_FIELDS[key] : undefined;
  if (own) {
    const v = own(s);
    return v !== undefined && v.toLowerCase().includes(value);
  }
  const suffix = `.${key}`;
  for (const k in s.attributes) {
    const lk = k.toLowerCase();
    if ((lk === key || lk.endsWith(suffix)) && (value === '' || valueText(s.attributes[k]).includes(value))) {
      return true;
    }
  }
  return false;
}

/**
 * Searchable text per span of one trace, kept with the trace: built ahead in
 * idle time (prebuildIndex) or, what is missing, on the first search.
 */
const textsOf = new WeakMap<Trace, string[]>();

function texts(trace: Trace): string[] {
  let t = textsOf.get(trace);
  if (!t) {
    t = [];
    textsOf.set(trace, t);
  }
  for (let i = t.length; i < trace.spans.length; i++) {
    t.push(spanText(trace.spans[i]));
  }
  return t;
}

/**
 * Build part of the trace's search index while `hasTime()` says there is time
 * (an idle callback's deadline), in chunks; true when it is complete.
 */
export function prebuildIndex(trace: Trace, hasTime: () => boolean): boolean {
  let t = textsOf.get(trace);
  if (!t) {
    t = [];
    textsOf.set(trace, t);
  }
  const n = trace.spans.length;
  while (t.length < n && hasTime()) {
    const stop = Math.min(n, t.length + 500);
    for (let i = t.length; i < stop; i++) {
      t.push(spanText(trace.spans[i]));
    }
  }
  return t.length >= n;
}

/** The spans matching every term, in tree order (Trace.spans order); none for no terms. */
export function searchSpans(trace: Trace, terms: readonly SearchTerm[]): Span[] {
  return searchIndices(trace, terms).map(i => trace.spans[i]);
}

/** Like searchSpans, as ascending indices into Trace.spans. */
export function searchIndices(trace: Trace, terms: readonly SearchTerm[]): number[] {
  if (terms.length === 0) {
    return [];
  }
  const textTerms = terms.filter((t): t is { text: string } => 'text' in t).map(t => t.text);
  const fieldTerms = terms.filter((t): t is { key: string; value: string } => 'key' in t);
  const all = textTerms.length > 0 ? texts(trace) : null;
  const out: number[] = [];
  for (let i = 0; i < trace.spans.length; i++) {
    if (all && !textTerms.every(t => all[i].includes(t))) {
      continue;
    }
    if (fieldTerms.every(t => fieldMatches(trace.spans[i], t.key, t.value))) {
      out.push(i);
    }
  }
  return out;
}

/** The matches and every ancestor of a match: what "matches only" keeps in the tree. */
export function withAncestors(trace: Trace, matches: readonly Span[]): Set<Span> {
  const keep = new Set<Span>();
  for (const m of matches) {
    let s: Span | undefined = m;
    while (s && !keep.has(s)) {
      keep.add(s);
      s = s.parentId !== null && !s.orphan ? trace.byId.get(s.parentId) : undefined;
    }
  }
  return keep;
}

/**
 * Where the text terms occur in `text` (case-insensitive), as sorted,
 * non-overlapping [start, end) ranges, for highlighting. Empty when lowercasing
 * changes the text's length (some non-ASCII letters): offsets would not line up.
 */
export function highlightRanges(text: string, textTerms: readonly string[]): [number, number][] {
  const lower = text.toLowerCase();
  if (lower.length !== text.length || textTerms.length === 0) {
    return [];
  }
  const ranges: [number, number][] = [];
  for (const t of textTerms) {
    if (t === '') {
      continue;
    }
    for (let i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + t.length)) {
      ranges.push([i, i + t.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) {
      last[1] = Math.max(last[1], r[1]);
    } else {
      merged.push([r[0], r[1]]);
    }
  }
  return merged;
}
