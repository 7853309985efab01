import { Trace } from '../../src/model';
import { buildRows, revealSpan, rowIndexOf } from '../../src/rows/visible-rows';
import { ExpansionState } from '../../src/rows/expansion';
import { chainSpecs, flatSpecs, parseSpecs, SpanSpec, spanHex } from '../helpers/synthetic';

const trace = parseSpecs;

// root ─┬─ a ─── a1 ─── a1x
//       └─ b
const SMALL: SpanSpec[] = [
  { id: 'root', start: 0, end: 100 },
  { id: 'a', parent: 'root', start: 10, end: 50 },
  { id: 'a1', parent: 'a', start: 20, end: 40 },
  { id: 'a1x', parent: 'a1', start: 25, end: 30 },
  { id: 'b', parent: 'root', start: 60, end: 90 }
];

const names = (t: Trace, e: ExpansionState): string[] => buildRows(t, e).map(r => r.span.name);

describe('buildRows', () => {
  it('shows spans in tree order down to the default depth', () => {
    const t = trace(SMALL);
    expect(names(t, new ExpansionState({ defaultDepth: 3 }))).toEqual(['root', 'a', 'a1', 'a1x', 'b']);
    expect(names(t, new ExpansionState({ defaultDepth: 2 }))).toEqual(['root', 'a', 'a1', 'b']);
    expect(names(t, new ExpansionState({ defaultDepth: 1 }))).toEqual(['root', 'a', 'b']);
    expect(names(t, new ExpansionState({ defaultDepth: 0 }))).toEqual(['root']);
  });

  it('gives aria levels, set sizes and positions', () => {
    const rows = buildRows(trace(SMALL), new ExpansionState());
    const b = rows.find(r => r.span.name === 'b')!;
    expect([b.level, b.posInSet, b.setSize, b.hasChildren, b.expanded]).toEqual([2, 2, 2, false, false]);
    const root = rows[0];
    expect([root.level, root.posInSet, root.setSize, root.hasChildren, root.expanded]).toEqual([1, 1, 1, true, true]);
  });

  it('collapses and expands single spans by id, then all', () => {
    const t = trace(SMALL);
    const e = new ExpansionState({ defaultDepth: 3 });
    e.toggle(t.byId.get(spanHex('a'))!);
    expect(names(t, e)).toEqual(['root', 'a', 'b']);
    e.collapseAll();
    expect(names(t, e)).toEqual(['root']);
    e.expandAll();
    expect(names(t, e)).toEqual(['root', 'a', 'a1', 'a1x', 'b']);
    e.setExpanded(t.byId.get(spanHex('root'))!, false);
    expect(names(t, e)).toEqual(['root']);
  });

  it('keeps expansion keyed by span id across a newer payload of the trace', () => {
    const e = new ExpansionState({ defaultDepth: 1 });
    const first = trace(SMALL);
    e.setExpanded(first.byId.get(spanHex('a'))!, true);
    const newer = trace([...SMALL, { id: 'a2', parent: 'a', start: 42, end: 45 }]);
    expect(names(newer, e)).toEqual(['root', 'a', 'a1', 'a2', 'b']);
  });

  it('starts spans with very many children collapsed', () => {
    const t = trace(flatSpecs(500));
    const rows = buildRows(t, new ExpansionState({ defaultDepth: 3, maxAutoExpandChildren: 200 }));
    expect(rows).toHaveLength(1);
    expect(rows[0].expanded).toBe(false);
  });

  it('walks a 10,000-level chain without recursion', () => {
    const t = trace(chainSpecs(10000));
    const e = new ExpansionState();
    e.expandAll();
    const rows = buildRows(t, e);
    expect(rows).toHaveLength(10000);
    expect(rows[9999].level).toBe(10000);
  });

  it('reveals a span hidden under collapsed ancestors', () => {
    const t = trace(SMALL);
    const e = new ExpansionState({ defaultDepth: 0 });
    const target = t.byId.get(spanHex('a1x'))!;
    expect(rowIndexOf(buildRows(t, e), target.id)).toBe(-1);
    revealSpan(t, e, target);
    expect(rowIndexOf(buildRows(t, e), target.id)).toBe(3);
  });
});
