/**
 * The trace list grouped by session (MLflow's `mlflow.trace.session`
 * metadata, OpenInference's `session.id`, or nbtrace's `session()`): one
 * group per session, in the order of its first trace in the rows given (so
 * the list's sort orders the groups too), with its totals; traces without a
 * session form a last group. The grid shows a group's header row, then its
 * traces unless it is collapsed. Pure.
 */
import { aggregate, Aggregates } from './aggregate';
import { ListRow } from './trace-rows';

export interface SessionGroup {
  /** Stable key of the group's header row. */
  key: string;
  /** undefined: the traces without a session. */
  session?: string;
  rows: ListRow[];
  totals: Aggregates;
  /** First start and last end of its traces, epoch ms. */
  startMs?: number;
  endMs?: number;
}

export type ListItem = { kind: 'trace'; row: ListRow; group?: SessionGroup } | { kind: 'group'; group: SessionGroup; collapsed: boolean };

export function groupBySession(rows: readonly ListRow[]): SessionGroup[] {
  const groups = new Map<string, ListRow[]>();
  const none: ListRow[] = [];
  for (const r of rows) {
    const s = r.facts.session;
    if (s === undefined) {
      none.push(r);
      continue;
    }
    let g = groups.get(s);
    if (!g) {
      groups.set(s, (g = []));
    }
    g.push(r);
  }
  const out: SessionGroup[] = [...groups.entries()].map(([session, members]) => group(`session:${session}`, members, session));
  if (none.length > 0) {
    out.push(group('session:(none)', none, undefined));
  }
  return out;
}

function group(key: string, rows: ListRow[], session: string | undefined): SessionGroup {
  let startMs: number | undefined;
  let endMs: number | undefined;
  for (const r of rows) {
    const s = r.facts.start_ms;
    const e = r.facts.end_ms ?? s;
    if (s !== undefined && (startMs === undefined || s < startMs)) {
      startMs = s;
    }
    if (e !== undefined && (endMs === undefined || e > endMs)) {
      endMs = e;
    }
  }
  return { key, session, rows, totals: aggregate(rows), startMs, endMs };
}

/** The grid's items: plain rows, or each group's header followed by its rows unless collapsed. */
export function listItems(rows: readonly ListRow[], bySession: boolean, collapsed: ReadonlySet<string>): ListItem[] {
  if (!bySession) {
    return rows.map(row => ({ kind: 'trace', row }));
  }
  const items: ListItem[] = [];
  for (const g of groupBySession(rows)) {
    const isCollapsed = collapsed.has(g.key);
    items.push({ kind: 'group', group: g, collapsed: isCollapsed });
    if (!isCollapsed) {
      for (const row of g.rows) {
        items.push({ kind: 'trace', row, group: g });
      }
    }
  }
  return items;
}

export function itemKey(item: ListItem): string {
  return item.kind === 'group' ? item.group.key : item.row.key;
}
