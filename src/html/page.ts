/**
 * A trace as one self-contained HTML file: the page template and the rules
 * that fill it. Pure string assembly, no DOM, no JupyterLab.
 *
 * One source of truth: HTML_TEMPLATE below. The standalone build script
 * writes it next to the viewer bundle as STANDALONE_TEMPLATE, which Python's
 * `nbtrace.to_html` fills with the same rules as fillTemplate here; a test
 * checks that both give the same bytes.
 *
 * The page loads nothing: the viewer bundle and the data are inline, and a
 * Content-Security-Policy forbids any request (images only as data: URLs).
 * The data sits in a `<script type="application/json">` with `<`, `>`, `&`,
 * U+2028/2029 and lone surrogates written as \u escapes, so no text in a
 * trace (say `</script><script>…`) can end that element; the title is
 * HTML-escaped.
 */

/** File name of the viewer bundle (beside the lab extension's other static files, and in the Python package). */
export const STANDALONE_BUNDLE = 'nbtrace-standalone.js';

/** File name of the template the build writes next to the bundle for Python. */
export const STANDALONE_TEMPLATE = 'nbtrace-standalone.template.html';

/** Nothing may be fetched; inline script and style only; images only as data: URLs. */
export const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** The placeholders of HTML_TEMPLATE; each occurs exactly once. */
export const PLACEHOLDERS = {
  title: '{{nbtrace:title}}',
  data: '{{nbtrace:data}}',
  bundle: '{{nbtrace:bundle}}'
} as const;

/**
 * The page. The bundle defines `window.nbtraceStandalone`; the last script
 * renders the embedded data into #nbtrace-app.
 */
export const HTML_TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="nbtrace">
<title>${PLACEHOLDERS.title}</title>
</head>
<body>
<noscript>This trace viewer needs JavaScript.</noscript>
<div id="nbtrace-app"></div>
<script type="application/json" id="nbtrace-data">${PLACEHOLDERS.data}</script>
<script>${PLACEHOLDERS.bundle}</script>
<script>window.nbtraceStandalone.render(document.getElementById("nbtrace-app"), JSON.parse(document.getElementById("nbtrace-data").textContent));</script>
</body>
</html>
`;

/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/** A UTF-16 code unit as a JSON \u escape. */
function uEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * JSON text made safe inside `<script type="application/json">`: `<`, `>`,
 * `&`, U+2028, U+2029 and lone surrogates become \u escapes (valid JSON:
 * in JSON text these characters only occur inside strings). JSON.parse of
 * the result equals JSON.parse of the input.
 */
export function escapeJsonForScript(json: string): string {
  return json.replace(
    /[<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    uEscape
  );
}

/**
 * JSON text of what an output showed (view.traceJson()): JSON is compacted;
 * other text (JSON Lines) becomes one JSON string, which the viewer parses
 * again as it did in the notebook.
 */
export function payloadJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return JSON.stringify(text);
  }
}

/** The bundle must not end its `<script>` element early, nor open an HTML comment. */
export function checkBundle(bundle: string): void {
  if (/<\/script|<!--|<script/i.test(bundle)) {
    throw new Error('nbtrace: the viewer bundle contains "</script", "<script" or "<!--" and cannot be inlined');
  }
}

/**
 * Fill `template` in one pass (replaced text is never scanned again):
 * `json` must be JSON text, it is escaped here; the title is HTML-escaped.
 */
export function fillTemplate(template: string, bundle: string, json: string, title: string): string {
  checkBundle(bundle);
  for (const p of Object.values(PLACEHOLDERS)) {
    if (template.split(p).length !== 2) {
      throw new Error(`nbtrace: the page template must hold ${p} exactly once`);
    }
  }
  const values: Record<string, string> = {
    title: escapeHtml(title),
    data: escapeJsonForScript(json),
    bundle
  };
  return template.replace(/\{\{nbtrace:(title|data|bundle)\}\}/g, (_m, key: string) => values[key]);
}

/** The standalone page for `json` (JSON text of a trace payload). */
export function buildStandaloneHtml(options: { bundle: string; json: string; title: string }): string {
  return fillTemplate(HTML_TEMPLATE, options.bundle, options.json, options.title);
}

/** Page title for a trace exported from JupyterLab. */
export function exportTitle(traceName: string): string {
  return `nbtrace trace '${traceName || 'trace'}'`;
}

/**
 * `<trace name>.html`, usable as a file name on any OS: path separators,
 * reserved and control characters become `_`; at most 120 characters.
 */
export function exportFileName(traceName: string): string {
  const base = traceName
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim();
  return `${base || 'trace'}.html`;
}

/** Where JupyterLab serves the bundle: the lab extension's static folder. */
export function standaloneBundleUrl(baseUrl: string): string {
  return `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}lab/extensions/nbtrace/static/${STANDALONE_BUNDLE}`;
}
