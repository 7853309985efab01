/**
 * Every default of the viewer, once, and the user's current settings.
 *
 * A leaf: it imports nothing, so any layer may read the defaults. The
 * application plugin loads the user's values from the settings registry
 * (schema/plugin.json holds the same defaults, as JupyterLab requires; a test
 * keeps the two equal) and applies them here; the renderers read them and
 * listen for changes, so the traces already on screen follow at once. Views
 * below the renderers never read the current settings: they get options,
 * and fall back to these defaults.
 */

export type RowDensity = 'comfortable' | 'compact';

export interface NbtraceSettings {
  /** Spans shallower than this depth start expanded. */
  defaultExpandDepth: number;
  /** Spans with more children than this start collapsed. */
  maxAutoExpandChildren: number;
  /** The span tree grows up to this many rows, then scrolls. */
  maxVisibleRows: number;
  /** Show the timing bars and the time axis. */
  timelineVisible: boolean;
  /** Row height: comfortable (24 px) or compact (20 px). */
  rowDensity: RowDensity;
  /** An output holding more traces than this shows the first ones and says how many more. */
  maxTracesPerOutput: number;
}

export const DEFAULT_SETTINGS: Readonly<NbtraceSettings> = {
  defaultExpandDepth: 3,
  maxAutoExpandChildren: 200,
  maxVisibleRows: 16,
  timelineVisible: true,
  rowDensity: 'comfortable',
  maxTracesPerOutput: 20
};

/** Row height in px for each density. */
export const ROW_HEIGHTS: Readonly<Record<RowDensity, number>> = { comfortable: 24, compact: 20 };

/** Row height in px for a density. */
export function rowHeightFor(density: RowDensity): number {
  return ROW_HEIGHTS[density];
}

/** How trees look with settings `s` (the shape of TraceView's display options); `maxVisibleRows` overrides the setting. */
export function displayFor(
  s: Readonly<NbtraceSettings>,
  maxVisibleRows = s.maxVisibleRows
): { maxVisibleRows: number; rowHeight: number; timelineVisible: boolean } {
  return { maxVisibleRows, rowHeight: rowHeightFor(s.rowDensity), timelineVisible: s.timelineVisible };
}

/** The row height of the default density. */
export const DEFAULT_ROW_HEIGHT = rowHeightFor(DEFAULT_SETTINGS.rowDensity);

/** Rows a trace shown on its own (a main-area tab, a trace file, an exported page) shows before scrolling. */
export const OWN_VIEW_VISIBLE_ROWS = 40;

/** How a tree starts expanded: the options of ExpansionState. */
export interface ExpansionDefaults {
  /** Spans with depth < this start expanded (roots have depth 0). */
  defaultDepth: number;
  /** Spans with more children than this start collapsed even within defaultDepth. */
  maxAutoExpandChildren: number;
}

/** The expansion options that `settings` ask for. */
export function expansionOf(settings: Readonly<NbtraceSettings>): ExpansionDefaults {
  return { defaultDepth: settings.defaultExpandDepth, maxAutoExpandChildren: settings.maxAutoExpandChildren };
}

export const DEFAULT_EXPANSION: Readonly<ExpansionDefaults> = expansionOf(DEFAULT_SETTINGS);

const current: NbtraceSettings = { ...DEFAULT_SETTINGS };
const listeners = new Set<() => void>();

export function getSettings(): Readonly<NbtraceSettings> {
  return current;
}

/** Call `fn` after every change of the settings; returns the unsubscribe function. */
export function onSettingsChanged(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Apply (possibly partial, possibly invalid) user values; bad values fall back to defaults. */
export function applySettings(values: Partial<Record<keyof NbtraceSettings, unknown>>): void {
  const count = (key: 'defaultExpandDepth' | 'maxAutoExpandChildren' | 'maxVisibleRows' | 'maxTracesPerOutput', min: number): void => {
    const v = values[key];
    current[key] = typeof v === 'number' && Number.isFinite(v) && v >= min ? Math.floor(v) : DEFAULT_SETTINGS[key];
  };
  count('defaultExpandDepth', 0);
  count('maxAutoExpandChildren', 0);
  count('maxVisibleRows', 1);
  count('maxTracesPerOutput', 1);
  const tv = values.timelineVisible;
  current.timelineVisible = typeof tv === 'boolean' ? tv : DEFAULT_SETTINGS.timelineVisible;
  const d = values.rowDensity;
  current.rowDensity = d === 'compact' || d === 'comfortable' ? d : DEFAULT_SETTINGS.rowDensity;
  for (const fn of [...listeners]) {
    try {
      fn();
    } catch (e) {
      console.warn('nbtrace: applying settings failed', e);
    }
  }
}
