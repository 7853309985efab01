/**
 * The minimap is a canvas: it keeps the colours it was drawn with, so a theme
 * change (JupyterLab marks the body with the theme it applied) redraws every
 * minimap on the page, and a disposed one no more.
 */
import { Minimap, minimapPalette } from '../../src/tools/minimap';

test('a theme change redraws the minimaps on the page, not the disposed ones', async () => {
  const a = new Minimap(() => undefined);
  const b = new Minimap(() => undefined);
  const redrawA = jest.spyOn(a, 'redraw');
  const redrawB = jest.spyOn(b, 'redraw');
  b.dispose();
  document.body.dataset.jpThemeName = 'JupyterLab Dark';
  await Promise.resolve(); // mutation observers run as a microtask
  expect(redrawA).toHaveBeenCalledTimes(1);
  expect(redrawB).not.toHaveBeenCalled();
  document.body.dataset.jpThemeLight = 'false';
  document.body.dataset.other = 'x'; // not a theme attribute
  await Promise.resolve();
  expect(redrawA).toHaveBeenCalledTimes(2);
  a.dispose();
});

test('the minimaps read the theme colours once per theme, not once per minimap', async () => {
  const a = new Minimap(() => undefined);
  const b = new Minimap(() => undefined);
  const read = jest.spyOn(window, 'getComputedStyle');
  document.body.dataset.jpThemeName = 'JupyterLab Light';
  await Promise.resolve();
  const first = minimapPalette(a.node);
  expect(minimapPalette(b.node)).toBe(first);
  expect(read).toHaveBeenCalledTimes(1);
  expect(first.slice(1).every(c => c.length > 0)).toBe(true);
  document.body.dataset.jpThemeName = 'JupyterLab Dark';
  await Promise.resolve();
  expect(minimapPalette(b.node)).not.toBe(first);
  expect(read).toHaveBeenCalledTimes(2);
  read.mockRestore();
  a.dispose();
  b.dispose();
});
