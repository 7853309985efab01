/**
 * The application plugin: loads the user's settings for the renderer and
 * adds commands (command palette) acting on the trace the user touched last.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, showErrorMessage } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { buildStandaloneHtml, exportFileName, exportTitle, payloadJson, standaloneBundleUrl } from './html/page';
import { KernelLike, setKernelFinder } from './kernel-bridge';
import { getActiveTraceView, MIME_TYPE } from './renderer';
import { applySettings, getSettings } from './settings';
import { createTraceWidget, setRenderOptions, showPayload, TRACE_FILE_TYPE, TraceViewerFactory, VIEWER_FACTORY } from './viewer';

const PLUGIN_ID = 'nbtrace:plugin';
let tabCount = 0;

/** The standalone viewer bundle, fetched once from the lab extension's static files. */
let standaloneBundle: Promise<string> | null = null;

function fetchStandaloneBundle(baseUrl: string): Promise<string> {
  standaloneBundle ??= fetch(standaloneBundleUrl(baseUrl), { credentials: 'same-origin' }).then(r => {
    if (!r.ok) {
      throw new Error(`${r.url}: ${r.status} ${r.statusText}`);
    }
    return r.text();
  });
  standaloneBundle.catch(() => (standaloneBundle = null)); // try again next time
  return standaloneBundle;
}

/** Save `text` as a file through the browser's download. */
function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/html;charset=utf-8' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'nbtrace commands and settings.',
  autoStart: true,
  optional: [ISettingRegistry, ICommandPalette, IRenderMimeRegistry],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    rendermime: IRenderMimeRegistry | null
  ) => {
    // "Add to dataset": the kernel of the notebook (or console) whose widget holds the output.
    setKernelFinder(node => {
      const kernelOf = (widget: unknown) =>
        (widget as { sessionContext?: { session?: { kernel?: KernelLike | null } | null } }).sessionContext?.session?.kernel ?? null;
      // The main-area widget holding the node (JupyterLab and Notebook 7 alike; the current one to be sure).
      const candidates = [...Array.from(app.shell.widgets('main')), app.shell.currentWidget];
      const holder = candidates.find(widget => widget?.node.contains(node));
      return holder ? kernelOf(holder) : null;
    });
    if (rendermime) {
      // Traces in tabs and files render markdown like outputs do: same parser, same sanitizer.
      setRenderOptions({ sanitizer: rendermime.sanitizer, markdownParser: rendermime.markdownParser });
    }
    app.commands.addCommand('nbtrace:expand-all', {
      label: 'Trace: Expand All Spans',
      isEnabled: () => getActiveTraceView() !== null,
      execute: () => getActiveTraceView()?.expandAll()
    });
    app.commands.addCommand('nbtrace:collapse-all', {
      label: 'Trace: Collapse All Spans',
      isEnabled: () => getActiveTraceView() !== null,
      execute: () => getActiveTraceView()?.collapseAll()
    });
    app.commands.addCommand('nbtrace:open-in-tab', {
      label: 'Open Trace in New Tab',
      caption: 'Show the trace you clicked last in its own tab, at full size',
      isEnabled: () => getActiveTraceView() !== null,
      execute: () => {
        const view = getActiveTraceView();
        if (!view) {
          return;
        }
        const content = createTraceWidget();
        showPayload(content, view.traceJson());
        const widget = new MainAreaWidget({ content });
        widget.id = `nbtrace-tab-${++tabCount}`;
        // A running trace is copied as it is now: the tab does not follow the cell.
        const running = view.trace.state === 'IN_PROGRESS';
        widget.title.label = `Trace: ${view.trace.name}${running ? ' (snapshot)' : ''}`;
        widget.title.caption = `Trace ${view.trace.id}`;
        widget.title.closable = true;
        app.shell.add(widget, 'main');
        app.shell.activateById(widget.id);
      }
    });
    app.commands.addCommand('nbtrace:export-html', {
      label: 'Export Trace as HTML',
      caption: 'Download the trace you clicked last as one HTML file that shows it in any browser, offline',
      isEnabled: () => getActiveTraceView() !== null,
      execute: async () => {
        const view = getActiveTraceView();
        if (!view) {
          return;
        }
        // Taken now: the trace as it is when the user asked, even if it runs on.
        const json = payloadJson(view.traceJson());
        const name = view.trace.name;
        try {
          const bundle = await fetchStandaloneBundle(app.serviceManager.serverSettings.baseUrl);
          download(buildStandaloneHtml({ bundle, json, title: exportTitle(name) }), exportFileName(name));
        } catch (error) {
          void showErrorMessage('Export Trace as HTML', `Could not build the HTML file (the standalone trace viewer did not load?): ${String(error)}`);
        }
      }
    });
    // Right-click on a trace output (the renderer marks itself active on pointerdown).
    app.contextMenu.addItem({ command: 'nbtrace:open-in-tab', selector: '.nbtrace-root', rank: 0 });
    app.contextMenu.addItem({ command: 'nbtrace:export-html', selector: '.nbtrace-root', rank: 0 });

    // Trace files: *.trace.json open in the viewer; any .json / .jsonl via Open With.
    app.docRegistry.addFileType({
      name: TRACE_FILE_TYPE,
      displayName: 'Trace',
      extensions: ['.trace.json'],
      mimeTypes: [MIME_TYPE],
      contentType: 'file',
      fileFormat: 'text'
    });
    app.docRegistry.addWidgetFactory(
      new TraceViewerFactory({
        name: VIEWER_FACTORY,
        label: VIEWER_FACTORY,
        fileTypes: [TRACE_FILE_TYPE, 'json', 'jsonl'],
        defaultFor: [TRACE_FILE_TYPE],
        readOnly: true
      })
    );

    if (registry) {
      registry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = (): void => applySettings(settings.composite as Record<string, unknown>);
          apply();
          settings.changed.connect(apply);
          // Toggles in the command palette: they change the saved setting, which every open trace follows.
          app.commands.addCommand('nbtrace:toggle-timeline', {
            label: 'Trace: Show Timeline',
            isToggled: () => getSettings().timelineVisible,
            execute: () => settings.set('timelineVisible', !getSettings().timelineVisible)
          });
          app.commands.addCommand('nbtrace:toggle-compact', {
            label: 'Trace: Compact Rows',
            isToggled: () => getSettings().rowDensity === 'compact',
            execute: () => settings.set('rowDensity', getSettings().rowDensity === 'compact' ? 'comfortable' : 'compact')
          });
          if (palette) {
            for (const command of ['nbtrace:toggle-timeline', 'nbtrace:toggle-compact']) {
              palette.addItem({ command, category: 'Trace' });
            }
          }
        })
        .catch(reason => console.warn('nbtrace: could not load settings', reason));
    }
    if (palette) {
      for (const command of ['nbtrace:expand-all', 'nbtrace:collapse-all', 'nbtrace:open-in-tab', 'nbtrace:export-html']) {
        palette.addItem({ command, category: 'Trace' });
      }
    }
  }
};

export default plugin;
