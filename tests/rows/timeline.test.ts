import { formatCompact, formatCount, formatDuration } from '../../src/rows/labels';
import { axisTicks, barGeometry, createTimeScale } from '../../src/rows/timeline';
import { Span } from '../../src/model';

function span(start: number, end?: number): Span {
  return {
    id: 'x', parentId: null, name: 'x', kind: 'UNKNOWN', status: 'OK', statusMessage: '',
    start, end, attributes: {}, events: [], children: [], depth: 0, orphan: false
  };
}

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [0.0005, '0.5 µs'],
    [0.25, '250 µs'],
    [3.14159, '3.14 ms'],
    [42.56, '42.6 ms'],
    [999.4, '999 ms'],
    [1234, '1.23 s'],
    [32583, '32.6 s'],
    [125000, '2m 05s'],
    [3 * 3600e3 + 120e3, '3h 02m'],
    [undefined, '–'],
    [NaN, '–']
  ])('%p ms → %p', (ms, text) => {
    expect(formatDuration(ms as number)).toBe(text);
  });

  it('compacts counts for badges', () => {
    expect([950, 1000, 1234, 15321, 999999, 3_400_000].map(formatCompact)).toEqual(['950', '1k', '1.2k', '15k', '1000k', '3.4M']);
  });

  it('counts with separators', () => {
    expect(formatCount(100000)).toBe('100,000');
  });
});

describe('time scale', () => {
  it('places bars as percentages of the trace duration', () => {
    const scale = createTimeScale(200);
    expect(barGeometry(span(50, 150), scale)).toEqual({ left: 25, width: 50, outside: false });
    expect(barGeometry(span(0, 200), scale)).toEqual({ left: 0, width: 100, outside: false });
  });

  it('draws a running span up to now', () => {
    const scale = createTimeScale(200);
    expect(barGeometry(span(100), scale, 150)).toEqual({ left: 50, width: 25, outside: false });
    expect(barGeometry(span(100), scale)).toEqual({ left: 50, width: 0, outside: false });
  });

  it('zooms into a window: bars are clipped to it, spans outside have no bar', () => {
    const scale = createTimeScale(200, [100, 150]);
    expect(barGeometry(span(110, 120), scale)).toEqual({ left: 20, width: 20, outside: false });
    expect(barGeometry(span(90, 200), scale)).toEqual({ left: 0, width: 100, outside: false });
    expect(barGeometry(span(10, 20), scale).outside).toBe(true);
    expect(barGeometry(span(160, 170), scale).outside).toBe(true);
    expect(axisTicks(scale, 5)[0].label).toBe('100 ms');
    // An empty or reversed window falls back to the whole trace.
    expect(createTimeScale(200, [150, 150]).domain()).toEqual([0, 200]);
  });

  it('survives a zero-length trace', () => {
    const scale = createTimeScale(0);
    expect(barGeometry(span(0, 0), scale)).toEqual({ left: 0, width: 0, outside: false });
  });

  it('makes nicely rounded ticks with duration labels', () => {
    const ticks = axisTicks(createTimeScale(1000), 5);
    expect(ticks.map(t => t.label)).toEqual(['0 ms', '200 ms', '400 ms', '600 ms', '800 ms', '1 s']);
    expect(ticks[1].percent).toBeCloseTo(20);
  });
});
