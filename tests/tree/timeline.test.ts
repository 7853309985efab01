import { formatCount, formatDuration } from '../../src/tree/format';
import { axisTicks, barGeometry, createTimeScale } from '../../src/tree/timeline';
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

  it('counts with separators', () => {
    expect(formatCount(100000)).toBe('100,000');
  });
});

describe('time scale', () => {
  it('places bars as percentages of the trace duration', () => {
    const scale = createTimeScale(200);
    expect(barGeometry(span(50, 150), scale)).toEqual({ left: 25, width: 50 });
    expect(barGeometry(span(0, 200), scale)).toEqual({ left: 0, width: 100 });
  });

  it('draws a running span up to now', () => {
    const scale = createTimeScale(200);
    expect(barGeometry(span(100), scale, 150)).toEqual({ left: 50, width: 25 });
    expect(barGeometry(span(100), scale)).toEqual({ left: 50, width: 0 });
  });

  it('survives a zero-length trace', () => {
    const scale = createTimeScale(0);
    expect(barGeometry(span(0, 0), scale)).toEqual({ left: 0, width: 0 });
  });

  it('makes nicely rounded ticks with duration labels', () => {
    const ticks = axisTicks(createTimeScale(1000), 5);
    expect(ticks.map(t => t.label)).toEqual(['0 ms', '200 ms', '400 ms', '600 ms', '800 ms', '1 s']);
    expect(ticks[1].percent).toBeCloseTo(20);
  });
});
