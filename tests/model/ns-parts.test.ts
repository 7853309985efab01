/**
 * ns-parts: span times as two exact doubles must give exactly what the BigInt
 * path (toNs, relMs, nsToEpochMs) gives, for every shape a payload may use.
 */
import { epochMsOfParts, nsOfParts, NsParts, partsBefore, partsOfNs, readNs, relMsOfParts } from '../../src/model/ns-parts';
import { nsToEpochMs, relMs, toNs } from '../../src/model/time';

function read(v: unknown): NsParts | undefined {
  const out = { ms: -7, sub: -7 };
  return readNs(v, out) ? out : undefined;
}

describe('readNs', () => {
  const values: unknown[] = [
    '1700000000000000001',
    '1761103703884300123',
    '0',
    '42',
    '999999',
    '1000000',
    '18446744073709551615', // 2^64 - 1
    '18446744073709551616', // 2^64: not a time
    '99999999999999999999',
    ' 1700000000000000000 ',
    '-1700000000000000001',
    '+5',
    '1.5e18',
    '1e3',
    '',
    'abc',
    '12x4',
    '9'.repeat(30),
    1700000000000,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    -1,
    -1000001,
    1.6,
    2 ** 60,
    2 ** 70,
    NaN,
    Infinity,
    null,
    undefined,
    true,
    {},
    12345678901234567890n
  ];
  it.each(values.map(v => [typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v), v]))('%s reads as toNs does', (_, v) => {
    const ns = toNs(v);
    const p = read(v);
    if (ns === undefined) {
      expect(p).toBeUndefined();
    } else {
      expect(p).toBeDefined();
      expect(nsOfParts(p!.ms, p!.sub)).toBe(ns);
      expect(p!.sub).toBeGreaterThanOrEqual(0);
      expect(p!.sub).toBeLessThan(1e6);
      expect(Number.isInteger(p!.ms) && Number.isInteger(p!.sub)).toBe(true);
    }
  });

  it('partsOfNs floors negative times too', () => {
    const out = { ms: 0, sub: 0 };
    for (const ns of [-1n, -999999n, -1000000n, -1000001n, 0n, 1n, 1761103703884300123n, -(1n << 63n)]) {
      partsOfNs(ns, out);
      expect(nsOfParts(out.ms, out.sub)).toBe(ns);
      expect(out.sub).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('arithmetic on parts equals the BigInt arithmetic', () => {
  // A seeded walk over realistic epoch-ns times and offsets up to ~100 days.
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const cases: [bigint, bigint][] = [
    [1700000000000000003n, 1700000000000000001n],
    [1700000000000000000n, 1700000000000999999n],
    [5n, 100n]
  ];
  for (let i = 0; i < 500; i++) {
    const base = 1_600_000_000_000_000_000n + BigInt(Math.floor(rnd() * 2 ** 52)) * 100n;
    const off = BigInt(Math.floor(rnd() * 8.9e15)) - 10n ** 14n; // −1 day .. ~100 days, in ns
    cases.push([base + off, base]);
  }
  it('relMsOfParts === relMs, partsBefore === <, epochMsOfParts === nsToEpochMs', () => {
    const a = { ms: 0, sub: 0 };
    const b = { ms: 0, sub: 0 };
    for (const [x, y] of cases) {
      partsOfNs(x, a);
      partsOfNs(y, b);
      expect(relMsOfParts(a.ms, a.sub, b.ms, b.sub)).toBe(relMs(x, y));
      expect(partsBefore(a.ms, a.sub, b.ms, b.sub)).toBe(x < y);
      expect(partsBefore(b.ms, b.sub, a.ms, a.sub)).toBe(y < x);
      expect(epochMsOfParts(a.ms, a.sub)).toBe(nsToEpochMs(x));
    }
  });
});
