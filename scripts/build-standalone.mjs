#!/usr/bin/env node
/**
 * Builds the standalone trace viewer (no JupyterLab) that exported HTML pages inline:
 *
 *   src/standalone.ts + style/index.css  →  nbtrace-standalone.js  (esbuild, IIFE, minified)
 *   HTML_TEMPLATE of src/html/page.ts  →  nbtrace-standalone.template.html
 *
 * Both go to python/nbtrace/static/ (shipped in the wheel, read by nbtrace.to_html);
 * the bundle also goes to the lab extension's static folder, where JupyterLab serves
 * it at <baseUrl>lab/extensions/nbtrace/static/nbtrace-standalone.js for the
 * "Export Trace as HTML" command. Run after the lab extension build (build:prod
 * cleans that folder first).
 *
 * The build fails when the bundle would import @jupyterlab/* or @lumino/* at run
 * time, when the CSS refers to anything but data: URLs, or when the bundle could
 * not be inlined in a <script> element.
 */
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pythonStatic = join(root, 'python', 'nbtrace', 'static');
const labStatic = join(root, 'python', 'nbtrace', 'labextension', 'static');

function fail(message) {
  console.error(`build-standalone: ${message}`);
  process.exit(1);
}

/** Only the model and the tree may be bundled: JupyterLab and Lumino are not on a plain page. */
const noJupyterLab = {
  name: 'no-jupyterlab',
  setup(build) {
    build.onResolve({ filter: /^@(jupyterlab|lumino)\// }, args => ({
      errors: [{ text: `${args.path} is imported by ${args.importer}: the standalone viewer must not need JupyterLab` }]
    }));
  }
};

async function buildCss() {
  const out = await esbuild.build({
    entryPoints: [join(root, 'style', 'index.css')],
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'silent'
  });
  const css = out.outputFiles[0].text;
  const fetching = css.match(/url\(\s*(?!["']?data:)[^)]*\)|@import/gi);
  if (fetching) {
    fail(`style/*.css refers to something a self-contained page cannot load: ${fetching.join(', ')}`);
  }
  return css;
}

async function buildBundle(css) {
  const out = await esbuild.build({
    entryPoints: [join(root, 'src', 'standalone.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    charset: 'ascii',
    legalComments: 'none',
    define: { __NBTRACE_CSS__: JSON.stringify(css) },
    plugins: [noJupyterLab],
    write: false,
    logLevel: 'warning'
  });
  const js = out.outputFiles[0].text;
  if (/<\/script|<script|<!--/i.test(js)) {
    fail('the bundle contains "</script", "<script" or "<!--": it could not be inlined in a <script> element');
  }
  return js;
}

/** HTML_TEMPLATE from src/html/page.ts, the one source of the page for Python and the browser. */
async function loadTemplate() {
  const out = await esbuild.build({
    entryPoints: [join(root, 'src', 'html', 'page.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'warning'
  });
  const module = { exports: {} };
  new Function('module', 'exports', out.outputFiles[0].text)(module, module.exports);
  const { HTML_TEMPLATE, STANDALONE_BUNDLE, STANDALONE_TEMPLATE } = module.exports;
  if (typeof HTML_TEMPLATE !== 'string') {
    fail('src/html/page.ts exports no HTML_TEMPLATE');
  }
  return { template: HTML_TEMPLATE, bundleName: STANDALONE_BUNDLE, templateName: STANDALONE_TEMPLATE };
}

const css = await buildCss();
const js = await buildBundle(css);
const { template, bundleName, templateName } = await loadTemplate();

mkdirSync(pythonStatic, { recursive: true });
writeFileSync(join(pythonStatic, bundleName), js);
writeFileSync(join(pythonStatic, templateName), template);
const written = [join(pythonStatic, bundleName), join(pythonStatic, templateName)];
if (existsSync(labStatic)) {
  writeFileSync(join(labStatic, bundleName), js);
  written.push(join(labStatic, bundleName));
} else {
  console.warn(`build-standalone: ${labStatic} does not exist (lab extension not built yet): bundle not copied there`);
}
for (const file of written) {
  console.log(`build-standalone: wrote ${file.slice(root.length + 1)}`);
}
console.log(`build-standalone: bundle ${(js.length / 1024).toFixed(0)} KiB (CSS ${(css.length / 1024).toFixed(0)} KiB)`);
