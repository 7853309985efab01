/**
 * Live snapshots reuse the parse of unchanged spans (memoParse): the
 * result must be exactly what a fresh parse gives, and changed spans must
 * never come back stale.
 */
import { sameJson } from '../../../src/model/util';
import { parseOne } from '../../helpers/fixtures';

const enc = (v: unknown) => JSON.stringify(v);

function span(id: string, parent: string | null, start: number, end: number | null, extra: Record<string, string> = {}) {
  return {
    trace_id: 'dHJhY2UtbWVtby0wMDAwMQ==',
    span_id: id,
    parent_span_id: parent,
    name: `span ${id}`,
    start_time_unix_nano: String(start * 1e6),
    end_time_unix_nano: end === null ? null : String(end * 1e6),
    status: { code: end === null ? 'STATUS_CODE_UNSET' : 'STATUS_CODE_OK', message: '' },
    attributes: { 'mlflow.spanType': enc('TOOL'), 'mlflow.spanInputs': enc({ q: id }), ...extra },
    events: []
  };
}

function snapshot(state: string, spans: unknown[], traceId = 'tr-memo-1') {
  // A fresh object graph every time, as JSON.parse of a new display message makes it.
  return JSON.parse(JSON.stringify({ info: { trace_id: traceId, state }, data: { spans } }));
}

describe('sameJson', () => {
  it('is deep equality of JSON values', () => {
    expect(sameJson({ a: [1, { b: 'x' }], c: null }, { c: null, a: [1, { b: 'x' }] })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameJson({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson({ a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } })).toBe(false);
  });

  it('gives up (false) past the depth bound instead of recursing without end', () => {
    let a: any = 'leaf';
    let b: any = 'leaf';
    for (let i = 0; i < 100; i++) {
      a = { a };
      b = { a: b };
    }
    expect(sameJson(a, b)).toBe(false);
  });
});

describe('live snapshots of one trace', () => {
  const root = (end: number | null) => span('AAAAAAAAAAE=', null, 0, end);
  const a = () => span('AAAAAAAAAAI=', 'AAAAAAAAAAE=', 1, 5);
  const b = (end: number | null, extra: Record<string, string> = {}) => span('AAAAAAAAAAM=', 'AAAAAAAAAAE=', 6, end, extra);

  it('reuses unchanged spans and re-reads changed ones', () => {
    const t1 = parseOne(snapshot('IN_PROGRESS', [root(null), a(), b(null)]));
    const t2 = parseOne(snapshot('IN_PROGRESS', [root(null), a(), b(9, { 'mlflow.spanOutputs': enc('done') })]));
    const [a1, b1] = [t1.spans[1], t1.spans[2]];
    const [a2, b2] = [t2.spans[1], t2.spans[2]];
    // Unchanged span: the decoded attributes are the very same object (reused parse).
    expect(a2.attributes).toBe(a1.attributes);
    // Changed span: new end, new output.
    expect(b1.end).toBeUndefined();
    expect(b2.end).toBe(9);
    expect(b2.outputs).toBe('done');
    expect(b2.attributes).not.toBe(b1.attributes);
  });

  it('gives the same trace as a fresh parse, through the final snapshot', () => {
    parseOne(snapshot('IN_PROGRESS', [root(null), a(), b(null)], 'tr-memo-2'));
    const final = parseOne(snapshot('OK', [root(12), a(), b(9)], 'tr-memo-2'));
    // The same final payload under another id has no memo to reuse.
    const fresh = parseOne(snapshot('OK', [root(12), a(), b(9)], 'tr-memo-2-fresh'));
    const view = (t: typeof final) =>
      t.spans.map(s => [s.id, s.parentId, s.name, s.kind, s.status, s.start, s.end, s.inputs, s.depth]);
    expect(view(final)).toEqual(view(fresh));
    expect(final.state).toBe('OK');
    expect(final.spans.every(s => s.end !== undefined)).toBe(true);
  });

  it('re-reads a span object that was changed in place', () => {
    const doc = snapshot('IN_PROGRESS', [root(null), a()], 'tr-memo-3');
    const t1 = parseOne(doc);
    expect(t1.spans[1].name).toBe('span AAAAAAAAAAI=');
    doc.data.spans[1].name = 'renamed';
    const t2 = parseOne(doc);
    expect(t2.spans[1].name).toBe('renamed');
  });

  it('keeps traces apart: the same span id in another trace is not taken from the memo', () => {
    parseOne(snapshot('IN_PROGRESS', [root(null), a()], 'tr-memo-4'));
    const other = a();
    other.name = 'other trace';
    const t = parseOne(snapshot('IN_PROGRESS', [root(null), other], 'tr-memo-5'));
    expect(t.spans[1].name).toBe('other trace');
  });
});
