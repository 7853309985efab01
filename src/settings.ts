/**
 * User settings shared by the application plugin (which loads them from the
 * settings registry) and the MIME renderer (which reads them). Both entry
 * points live in one bundle, so this module is a single instance. Renderers
 * listen for changes and apply them to the traces already on screen.
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

export const DEFAULT_SETTINGS: NbtraceSettings = {
  defaultExpandDepth: 3,
  maxAutoExpandChildren: 200,
  maxVisibleRows: 16,
  timelineVisible: true,
  rowDensity: 'comfortable',
  maxTracesPerOutput: 20
};

/** Row height in px for a density. */
export function rowHeightFor(density: RowDensity): number {
  return density === 'compact' ? 20 : 24;
}

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
