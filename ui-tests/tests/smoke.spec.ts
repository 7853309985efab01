import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { showTrace, tinyOtlpTrace } from './helpers';

const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

test('nbtrace is installed, activated and renders its MIME type', async ({ page, tmpPath }) => {
  // 1. The server lists nbtrace among the prebuilt (federated) extensions.
  const federated = await page.evaluate(() => {
    const el = document.getElementById('jupyter-config-data');
    const config = JSON.parse(el?.textContent ?? '{}');
    return (config.federated_extensions ?? []).map((e: { name: string }) => e.name);
  });
  expect(federated).toContain('nbtrace');

  // 2. Both plugins loaded in the page: the app plugin is activated, the MIME
  //    renderer is registered.
  const plugins = await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    return {
      plugin: app.isPluginActivated('nbtrace:plugin'),
      mime: app.hasPlugin('nbtrace:mime')
    };
  });
  expect(plugins).toEqual({ plugin: true, mime: true });

  // 3. A kernel output with the nbtrace MIME type is rendered by nbtrace.
  const renderer = await showTrace(page, tmpPath, tinyOtlpTrace(), 'smoke.ipynb');
  await expect(renderer).toHaveCount(1);

  await page.screenshot({ path: path.join(SCREENSHOTS, 'smoke.png') });
});
