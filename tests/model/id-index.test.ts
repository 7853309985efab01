/** The builder's id table (src/model/id-index.ts) and the ids the builder gives through it. */
import { IdIndex } from '../../src/model/id-index';
import { Span } from '../../src/model/types';
import { parseOne } from '../helpers/fixtures';

const spans = (ids: string[]): Span[] => ids.map(id => ({ id }) as Span);

describe('IdIndex', () => {
  it('finds every id it was given, and no other', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => (i * 2654435761).toString(16).padStart(16, '0'));
    const list = spans(ids);
    const index = new IdIndex(list, list.length);
    list.forEach((_, k) => expect(index.add(k)).toBe(true));
    expect(index.size).toBe(5000);
    for (let k = 0; k < list.length; k += 7) {
      expect(index.get(ids[k])).toBe(list[k]);
    }
    expect(index.get('ffffffffffffffff')).toBeUndefined();
    expect(index.has('')).toBe(false);
    expect(index.get(undefined as unknown as string)).toBeUndefined();
    expect(new Set(index.keys())).toEqual(new Set(ids));
  });

  it('keeps the first span of an id and refuses later ones', () => {
    const list = spans(['a', 'b', 'a']);
    const index = new IdIndex(list, 3);
    expect([index.add(0), index.add(1), index.add(2)]).toEqual([true, true, false]);
    expect(index.get('a')).toBe(list[0]);
    expect(index.size).toBe(2);
  });

  it('holds a full table of colliding ids (ids that differ only late, and the empty string)', () => {
    const ids = ['', ...Array.from({ length: 64 }, (_, i) => `span-${'x'.repeat(40)}-${i}`)];
    const list = spans(ids);
    const index = new IdIndex(list, list.length);
    list.forEach((_, k) => index.add(k));
    ids.forEach((id, k) => expect(index.get(id)).toBe(list[k]));
  });
});

describe('the ids the builder gives', () => {
  const NS0 = 1_700_000_000_000_000_000n;
  const doc = (specs: [string | undefined, string | null][]) => ({
    info: { trace_id: 'tr-ids', state: 'OK' },
    data: {
      spans: specs.map(([id, parent], i) => ({
        ...(id === undefined ? {} : { span_id: id }),
        parent_span_id: parent,
        name: `n${i}`,
        start_time_unix_nano: String(NS0 + BigInt(i)),
        end_time_unix_nano: String(NS0 + 100n)
      }))
    }
  });

  it('a renamed duplicate skips a name a later span already has', () => {
    const t = parseOne(doc([['x', null], ['x', null], ['x#2', null], ['kid', 'x#2']]));
    expect(t.spans.map(s => `${s.name}=${s.id}`).sort()).toEqual(['n0=x', 'n1=x#3', 'n2=x#2', 'n3=kid']);
    expect(t.byId.get('x#2')!.name).toBe('n2');
    expect(t.byId.get('kid')!.depth).toBe(1);
    expect(t.byId.size).toBe(4);
  });

  it('spans without ids: the first is "(no id)", the others numbered; each is found by its id', () => {
    const t = parseOne(doc([[undefined, null], ['a', null], [undefined, null], [undefined, 'a']]));
    expect(t.spans.map(s => `${s.name}=${s.id}`).sort()).toEqual(['n0=(no id)', 'n1=a', 'n2=(no id)#2', 'n3=(no id)#3']);
    for (const s of t.spans) {
      expect(t.byId.get(s.id)).toBe(s);
    }
    expect(t.warnings.filter(w => /has no id/.test(w))).toHaveLength(3);
    expect(t.warnings.some(w => /Duplicate/.test(w))).toBe(false);
  });
});
