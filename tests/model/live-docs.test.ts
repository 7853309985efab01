/**
 * A big running trace's updates as keyframes and deltas (Python
 * `_notebook/deltas.py`, TS `model/formats/live-docs.ts`): merged back into the whole
 * trace, in order; out of step, the output waits for the next keyframe.
 */
import { LiveDocs } from '../../src/model/parse';
import { parsePayload } from '../../src/model';

function span(id: string, end: number | null = 2): Record<string, unknown> {
  return {
    trace_id: 'dHI=',
    span_id: id,
    parent_span_id: id === 'root' ? null : 'root',
    name: id,
    start_time_unix_nano: '1',
    end_time_unix_nano: end === null ? null : String(end),
    status: { code: end === null ? 'STATUS_CODE_UNSET' : 'STATUS_CODE_OK' },
    attributes: {}
  };
}

const info = (n: number) => ({ trace_id: 'tr-1', state: 'IN_PROGRESS', request_time: '2026-01-01T00:00:00Z', execution_duration_ms: n });
const keyframe = (seq: number, spans: unknown[]) => ({ info: info(seq), data: { spans }, nbtrace_live: { seq } });
const delta = (seq: number, base: number, count: number, spans: unknown[]) => ({
  nbtrace_delta: { seq, base, span_count: count },
  info: info(seq),
  data: { spans }
});

function spansOf(doc: ReturnType<LiveDocs['apply']>): string[] {
  expect(doc.kind).toBe('whole');
  const data = (doc as { data: { data: { spans: { span_id: string; end_time_unix_nano: string | null }[] } } }).data;
  return data.data.spans.map(s => `${s.span_id}:${s.end_time_unix_nano ?? 'running'}`);
}

it('merges deltas onto the keyframe they follow: new spans appended, changed ones replaced in place', () => {
  const live = new LiveDocs();
  const root = span('root', null);
  const a = span('a', null);
  expect(spansOf(live.apply(keyframe(1, [root, a])))).toEqual(['root:running', 'a:running']);
  expect(spansOf(live.apply(delta(2, 1, 3, [span('a', 5), span('b', null)])))).toEqual(['root:running', 'a:5', 'b:running']);
  const third = live.apply(delta(3, 2, 3, [span('b', 7)]));
  expect(spansOf(third)).toEqual(['root:running', 'a:5', 'b:7']);
  // The merged dict reads as the trace it stands for.
  const r = parsePayload((third as { data: unknown }).data);
  expect(r.ok && r.traces[0].spans.map(s => s.name)).toEqual(['root', 'a', 'b']);
  expect(r.ok && r.traces[0].state).toBe('IN_PROGRESS');
});

it('waits for a keyframe when a delta does not follow the last publish, or disagrees on the count', () => {
  const live = new LiveDocs();
  expect(live.apply(delta(5, 4, 10, [span('x')]))).toEqual({ kind: 'waiting', spans: 10 });
  live.apply(keyframe(6, [span('root', null)]));
  expect(live.apply(delta(8, 7, 2, [span('x')])).kind).toBe('waiting');
  // After a miss every delta waits, even one that follows on by number.
  expect(live.apply(delta(9, 8, 2, [span('y')])).kind).toBe('waiting');
  live.apply(keyframe(10, [span('root', null)]));
  expect(live.apply(delta(11, 10, 5, [span('x')])).kind).toBe('waiting'); // 2 spans, not 5
  live.apply(keyframe(12, [span('root', null)]));
  expect(spansOf(live.apply(delta(13, 12, 2, [span('x')])))).toEqual(['root:running', 'x:2']);
});

it('a whole payload without a sequence (the final state, any other trace) ends the stream', () => {
  const live = new LiveDocs();
  live.apply(keyframe(1, [span('root', null)]));
  const final = { info: { ...info(1), state: 'OK' }, data: { spans: [span('root', 9)] } };
  expect(live.apply(final)).toEqual({ kind: 'whole', data: final });
  expect(live.apply(delta(2, 1, 2, [span('x')])).kind).toBe('waiting');
  expect(live.apply('not a trace')).toEqual({ kind: 'whole', data: 'not a trace' });
});
