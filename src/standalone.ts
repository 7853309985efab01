/**
 * The trace viewer without JupyterLab: entry point of the standalone bundle
 * (nbtrace-standalone.js, built by the standalone build script) that an
 * exported HTML page inlines (HTML_TEMPLATE). Only the model and the views
 * are used here (no @jupyterlab, no @lumino: a test walks this file's
 * imports); settings are the defaults; message text shows as plain text (no
 * markdown renderer).
 *
 * `window.nbtraceStandalone.render(element, payload)` shows every trace of
 * the payload (anything the notebook renderer accepts). The page has no
 * JupyterLab theme: themeCss gives the --jp-* variables the styles use.
 */
import { parsePayload } from './model';
import { DEFAULT_SETTINGS, displayFor, expansionOf, OWN_VIEW_VISIBLE_ROWS } from './settings';
import { TraceView } from './tree/trace-view';
import { errorBox } from './common/error-box';
import { themeCss } from './html/theme';

/** The bundled style/*.css text (esbuild `define`); absent when not built by the standalone build. */
declare const __NBTRACE_CSS__: string | undefined;

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
      expansion: expansionOf(s),
      ...displayFor(s, OWN_VIEW_VISIBLE_ROWS),
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
