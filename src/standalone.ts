/**
 * The trace viewer without JupyterLab: entry point of the standalone bundle
 * (scripts/build-standalone.mjs → nbtrace-standalone.js) that an exported
 * HTML page inlines (see export-html.ts). Only the model and the tree are
 * used here (no @jupyterlab, no @lumino); settings are the defaults; message
 * text shows as plain text (no markdown renderer).
 *
 * `window.nbtraceStandalone.render(element, payload)` shows every trace of
 * the payload (anything the notebook renderer accepts). The page has no
 * JupyterLab theme, so the --jp-* variables the styles use get fallback
 * values here: JupyterLab's light theme, or its dark theme when the browser
 * prefers a dark colour scheme.
 */
import { parsePayload } from './model';
import { DEFAULT_SETTINGS, rowHeightFor } from './settings';
import { TraceView } from './tree/trace-view';
import { errorBox } from './common/error-box';

/** The bundled style/*.css text (esbuild `define`); absent when not built by the standalone build. */
declare const __NBTRACE_CSS__: string | undefined;

/** Rows the tree shows before scrolling: a page is like a trace in its own tab (viewer.ts TAB_VISIBLE_ROWS). */
export const PAGE_VISIBLE_ROWS = 40;

const FONT = 'system-ui, -apple-system, blinkmacsystemfont, "Segoe UI", helvetica, arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Segoe UI Symbol"';

/** Values shared by both themes. */
const COMMON: Record<string, string> = {
  '--jp-ui-font-family': FONT,
  '--jp-content-font-family': FONT,
  '--jp-code-font-family': 'menlo, consolas, "DejaVu Sans Mono", monospace',
  '--jp-ui-font-size0': '0.83333em',
  '--jp-ui-font-size1': '13px',
  '--jp-ui-font-size2': '1.2em',
  '--jp-content-font-size2': '1.2em',
  '--jp-code-font-size': '13px',
  '--jp-border-width': '1px',
  '--jp-border-radius': '2px'
};

/** JupyterLab 4's light theme (theme-light-extension): its colour families and the editor/input colours. */
export const LIGHT_THEME: Record<string, string> = {
  ...COMMON,
  '--jp-layout-color0': '#fff',
  '--jp-layout-color1': '#fff',
  '--jp-layout-color2': '#eee',
  '--jp-layout-color3': '#bdbdbd',
  '--jp-layout-color4': '#757575',
  '--jp-inverse-layout-color0': '#111',
  '--jp-inverse-layout-color1': '#212121',
  '--jp-inverse-layout-color2': '#424242',
  '--jp-inverse-layout-color3': '#616161',
  '--jp-inverse-layout-color4': '#757575',
  '--jp-ui-font-color0': '#000',
  '--jp-ui-font-color1': 'rgba(0,0,0,.87)',
  '--jp-ui-font-color2': 'rgba(0,0,0,.54)',
  '--jp-ui-font-color3': 'rgba(0,0,0,.38)',
  '--jp-content-font-color0': '#000',
  '--jp-content-font-color1': 'rgba(0,0,0,.87)',
  '--jp-content-font-color2': 'rgba(0,0,0,.54)',
  '--jp-content-font-color3': 'rgba(0,0,0,.38)',
  '--jp-border-color0': '#bdbdbd',
  '--jp-border-color1': '#bdbdbd',
  '--jp-border-color2': '#e0e0e0',
  '--jp-border-color3': '#eee',
  '--jp-brand-color0': '#0d47a1',
  '--jp-brand-color1': '#1976d2',
  '--jp-brand-color2': '#64b5f6',
  '--jp-brand-color3': '#bbdefb',
  '--jp-brand-color4': '#e3f2fd',
  '--jp-accent-color0': '#1b5e20',
  '--jp-accent-color1': '#388e3c',
  '--jp-accent-color2': '#81c784',
  '--jp-accent-color3': '#c8e6c9',
  '--jp-error-color0': '#b71c1c',
  '--jp-error-color1': '#d32f2f',
  '--jp-error-color2': '#e57373',
  '--jp-error-color3': '#ffcdd2',
  '--jp-warn-color0': '#e65100',
  '--jp-warn-color1': '#f57c00',
  '--jp-warn-color2': '#ffb74d',
  '--jp-warn-color3': '#ffe0b2',
  '--jp-success-color0': '#1b5e20',
  '--jp-success-color1': '#388e3c',
  '--jp-success-color2': '#81c784',
  '--jp-success-color3': '#c8e6c9',
  '--jp-info-color0': '#006064',
  '--jp-info-color1': '#0097a7',
  '--jp-info-color2': '#4dd0e1',
  '--jp-info-color3': '#b2ebf2',
  '--jp-inverse-border-color': '#757575',
  '--jp-input-background': '#f5f5f5',
  '--jp-input-border-color': '#757575',
  '--jp-input-active-background': '#fff',
  '--jp-cell-editor-background': '#f5f5f5',
  '--jp-rendermime-error-background': '#fdd',
  '--jp-mirror-editor-atom-color': '#88f',
  '--jp-mirror-editor-keyword-color': 'green',
  '--jp-mirror-editor-meta-color': '#a2f',
  '--jp-mirror-editor-number-color': '#080',
  '--jp-mirror-editor-property-color': '#05a',
  '--jp-mirror-editor-string-color': '#ba2121',
  '--jp-mirror-editor-comment-color': '#408080',
  '--jp-mirror-editor-variable-color': '#212121',
  '--jp-mirror-editor-def-color': '#00f',
  '--jp-mirror-editor-builtin-color': 'green',
  '--jp-mirror-editor-operator-color': '#7800c2',
  '--jp-mirror-editor-bracket-color': '#997',
  '--jp-mirror-editor-tag-color': '#170',
  '--jp-mirror-editor-attribute-color': '#00c',
  '--jp-mirror-editor-link-color': '#00c',
  '--jp-mirror-editor-error-color': 'red',
  '--jp-content-link-color': '#0d47a1',
  '--jp-content-link-visited-color': '#7b1fa2'
};

/** JupyterLab's dark theme (theme-dark-extension). */
export const DARK_THEME: Record<string, string> = {
  ...COMMON,
  '--jp-layout-color0': '#111',
  '--jp-layout-color1': '#212121',
  '--jp-layout-color2': '#424242',
  '--jp-layout-color3': '#616161',
  '--jp-layout-color4': '#757575',
  '--jp-inverse-layout-color0': '#fff',
  '--jp-inverse-layout-color1': '#fff',
  '--jp-inverse-layout-color2': '#eee',
  '--jp-inverse-layout-color3': '#bdbdbd',
  '--jp-inverse-layout-color4': '#757575',
  '--jp-ui-font-color0': '#fff',
  '--jp-ui-font-color1': 'rgba(255,255,255,.87)',
  '--jp-ui-font-color2': 'rgba(255,255,255,.54)',
  '--jp-ui-font-color3': 'rgba(255,255,255,.38)',
  '--jp-content-font-color0': '#fff',
  '--jp-content-font-color1': '#fff',
  '--jp-content-font-color2': 'rgba(255,255,255,.7)',
  '--jp-content-font-color3': 'rgba(255,255,255,.5)',
  '--jp-border-color0': '#616161',
  '--jp-border-color1': '#616161',
  '--jp-border-color2': '#424242',
  '--jp-border-color3': '#212121',
  '--jp-brand-color0': '#1976d2',
  '--jp-brand-color1': '#2196f3',
  '--jp-brand-color2': '#64b5f6',
  '--jp-brand-color3': '#bbdefb',
  '--jp-brand-color4': '#e3f2fd',
  '--jp-accent-color0': '#388e3c',
  '--jp-accent-color1': '#4caf50',
  '--jp-accent-color2': '#81c784',
  '--jp-accent-color3': '#c8e6c9',
  '--jp-error-color0': '#d32f2f',
  '--jp-error-color1': '#f44336',
  '--jp-error-color2': '#e57373',
  '--jp-error-color3': '#ffcdd2',
  '--jp-warn-color0': '#f57c00',
  '--jp-warn-color1': '#ff9800',
  '--jp-warn-color2': '#ffb74d',
  '--jp-warn-color3': '#ffe0b2',
  '--jp-success-color0': '#388e3c',
  '--jp-success-color1': '#4caf50',
  '--jp-success-color2': '#81c784',
  '--jp-success-color3': '#c8e6c9',
  '--jp-info-color0': '#0097a7',
  '--jp-info-color1': '#00bcd4',
  '--jp-info-color2': '#4dd0e1',
  '--jp-info-color3': '#b2ebf2',
  '--jp-inverse-border-color': '#757575',
  '--jp-input-background': '#424242',
  '--jp-input-border-color': '#757575',
  '--jp-input-active-background': '#111',
  '--jp-cell-editor-background': '#212121',
  '--jp-rendermime-error-background': 'rgba(244,67,54,.28)',
  '--jp-mirror-editor-atom-color': '#64b5f6',
  '--jp-mirror-editor-keyword-color': '#4caf50',
  '--jp-mirror-editor-meta-color': '#a2f',
  '--jp-mirror-editor-number-color': '#66bb6a',
  '--jp-mirror-editor-property-color': '#42a5f5',
  '--jp-mirror-editor-string-color': '#ff7070',
  '--jp-mirror-editor-comment-color': '#408080',
  '--jp-mirror-editor-variable-color': '#e0e0e0',
  '--jp-mirror-editor-def-color': '#1e88e5',
  '--jp-mirror-editor-builtin-color': '#43a047',
  '--jp-mirror-editor-operator-color': '#d48fff',
  '--jp-mirror-editor-bracket-color': '#997',
  '--jp-mirror-editor-tag-color': '#388e3c',
  '--jp-mirror-editor-attribute-color': '#1976d2',
  '--jp-mirror-editor-link-color': '#1976d2',
  '--jp-mirror-editor-error-color': 'red',
  '--jp-content-link-color': '#64b5f6',
  '--jp-content-link-visited-color': '#ba68c8'
};

function declarations(theme: Record<string, string>): string {
  return Object.entries(theme)
    .map(([name, value]) => `${name}: ${value};`)
    .join(' ');
}

/** The page's own CSS: theme variables (light, dark by preference) and the page around the traces. */
export function themeCss(): string {
  return [
    `:root { color-scheme: light dark; ${declarations(LIGHT_THEME)} }`,
    `@media (prefers-color-scheme: dark) { :root { ${declarations(DARK_THEME)} } }`,
    'html, body { margin: 0; background: var(--jp-layout-color2); }',
    '.nbtrace-standalone { box-sizing: border-box; max-width: 1400px; margin: 0 auto; padding: 12px 16px; }',
    '.nbtrace-standalone .nbtrace-trace { margin-bottom: 12px; }'
  ].join('\n');
}

let styled = false;

/** Add the styles to the document once. */
function addStyles(doc: Document): void {
  if (styled) {
    return;
  }
  styled = true;
  const style = doc.createElement('style');
  // The page's rules come last: they override the renderer's (e.g. .nbtrace-root padding).
  style.textContent = `${typeof __NBTRACE_CSS__ === 'string' ? __NBTRACE_CSS__ : ''}\n${themeCss()}`;
  doc.head.appendChild(style);
}

/** The styles' dark-theme rules key on data-jp-theme-light, as in JupyterLab: follow the preference. */
function followColorScheme(host: HTMLElement): void {
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const apply = (): void => host.setAttribute('data-jp-theme-light', media?.matches ? 'false' : 'true');
  apply();
  media?.addEventListener?.('change', apply);
}

/** Show `message` (and nothing else) in `host`. */
function showError(host: HTMLElement, message: string): void {
  host.appendChild(errorBox(message));
}

/**
 * Render every trace of `payload` into `element` (its content is replaced);
 * returns the views (empty when the payload could not be read: the error is shown).
 */
export function render(element: HTMLElement, payload: unknown): TraceView[] {
  addStyles(element.ownerDocument);
  element.replaceChildren();
  element.classList.add('nbtrace-root', 'nbtrace-standalone');
  followColorScheme(element);
  const result = parsePayload(payload);
  if (!result.ok) {
    showError(element, result.error);
    return [];
  }
  if (result.traces.length === 0) {
    showError(element, 'This file holds no spans.');
    return [];
  }
  const s = DEFAULT_SETTINGS;
  const views = result.traces.map(trace => {
    const view = new TraceView(trace, {
      expansion: { defaultDepth: s.defaultExpandDepth, maxAutoExpandChildren: s.maxAutoExpandChildren },
      maxVisibleRows: PAGE_VISIBLE_ROWS,
      rowHeight: rowHeightFor(s.rowDensity),
      timelineVisible: s.timelineVisible,
      snapshot: true
    });
    view.setSource(result.traces.length === 1 ? payload : undefined);
    element.appendChild(view.node);
    return view;
  });
  return views;
}

declare global {
  interface Window {
    nbtraceStandalone?: { render: typeof render };
  }
}

if (typeof window !== 'undefined') {
  window.nbtraceStandalone = { render };
}
