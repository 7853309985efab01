/**
 * The application plugin: loads the user's settings for the renderer and
 * adds commands (command palette) acting on the trace the user touched last.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { getActiveTraceView } from './renderer';
import { applySettings } from './settings';

const PLUGIN_ID = 'nbtrace:plugin';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'nbtrace commands and settings.',
  autoStart: true,
  optional: [ISettingRegistry],
  activate: (app: JupyterFrontEnd, registry: ISettingRegistry | null) => {
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
    if (registry) {
      registry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = (): void => applySettings(settings.composite as Record<string, unknown>);
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => console.warn('nbtrace: could not load settings', reason));
    }
  }
};

export default plugin;
