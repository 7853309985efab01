/**
 * Playwright configuration for the nbtrace browser tests (galata).
 *
 * Runs against the system Chromium (/usr/bin/chromium, from apt); Playwright never
 * downloads a browser or ffmpeg here, hence video 'off'. `jlpm start` launches a
 * galata-configured JupyterLab from the project's .venv on port NBTRACE_UI_PORT
 * (default 8899, so it does not collide with `make demo` on 8888).
 */
const fs = require('fs');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.NBTRACE_UI_PORT || '8899';
const url = `http://localhost:${port}/lab`;
const venvBin = path.resolve(__dirname, '..', '.venv', 'bin');
const results = path.resolve(__dirname, '..', 'test-results');
const serverLog = path.join(results, 'ui-server.log');
const jsonReport = process.env.NBTRACE_PW_JSON || path.join(results, 'playwright.json');
fs.mkdirSync(results, { recursive: true });

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  timeout: 90 * 1000,
  expect: { timeout: 15 * 1000 },
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: jsonReport }]],
  use: {
    ...baseConfig.use,
    baseURL: process.env.TARGET_URL || `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.NBTRACE_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    },
    video: 'off',
    trace: 'retain-on-failure'
  },
  webServer: {
    // The server's log goes to test-results/ui-server.log (repo root).
    command: `jlpm start > ${JSON.stringify(serverLog)} 2>&1`,
    url,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI,
    env: {
      ...process.env,
      PATH: `${venvBin}${path.delimiter}${process.env.PATH}`,
      NBTRACE_UI_PORT: port
    }
  }
};
