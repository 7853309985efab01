/**
 * User settings shared by the application plugin (which loads them from the
 * settings registry) and the MIME renderer (which reads them). Both entry
 * points live in one bundle, so this module is a single instance.
 */

export interface NbtraceSettings {
  /** Spans shallower than this depth start expanded. */
  defaultExpandDepth: number;
  /** Spans with more children than this start collapsed. */
  maxAutoExpandChildren: number;
  /** The span tree grows up to this many rows, then scrolls. */
  maxVisibleRows: number;
}

export const DEFAULT_SETTINGS: NbtraceSettings = {
  defaultExpandDepth: 3,
  maxAutoExpandChildren: 200,
  maxVisibleRows: 16
};

const current: NbtraceSettings = { ...DEFAULT_SETTINGS };

export function getSettings(): Readonly<NbtraceSettings> {
  return current;
}

/** Apply (possibly partial, possibly invalid) user values; bad values fall back to defaults. */
export function applySettings(values: Partial<Record<keyof NbtraceSettings, unknown>>): void {
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof NbtraceSettings)[]) {
    const v = values[key];
    current[key] = typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : DEFAULT_SETTINGS[key];
  }
  if (current.maxVisibleRows < 1) {
    current.maxVisibleRows = 1;
  }
}
