/** What the Python tracer did not record (over its limits) shows as a trace warning. */
import { parsePayload } from '../../src/model';

function trace(metadata: Record<string, string>) {
  const result = parsePayload({
    info: { trace_id: 'tr-1', state: 'OK', trace_metadata: metadata, tags: {} },
    data: { spans: [{ name: 'root', span_id: 'AAAAAAAAAAE=', trace_id: 'AAAAAAAAAAAAAAAAAAAAAQ==', parent_span_id: null, start_time_unix_nano: 1e18, end_time_unix_nano: 1e18 + 1e6, status: { code: 'STATUS_CODE_OK' }, attributes: {} }] }
  });
  if (!result.ok) {
    throw new Error(result.error);
  }
  return result.traces[0];
}

it('warns about dropped spans and events, and says nothing otherwise', () => {
  expect(trace({ 'nbtrace.droppedSpans': '1234', 'nbtrace.droppedEvents': '5' }).warnings).toEqual([
    "1,234 spans were not recorded (over the tracer's max_spans_per_trace).",
    "5 events were not recorded (over the tracer's max_events_per_span)."
  ]);
  expect(trace({ 'nbtrace.droppedSpans': '0' }).warnings).toEqual([]);
  expect(trace({ 'nbtrace.droppedSpans': 'junk' }).warnings).toEqual([]);
});
