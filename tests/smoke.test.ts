import { scaleLinear } from 'd3-scale';
test('d3 loads under jest', () => {
  expect(scaleLinear().domain([0, 10]).range([0, 100])(5)).toBe(50);
});
