/**
 * The exported page's stand-ins for JupyterLab's theme: the --jp-* variables
 * the styles use, with JupyterLab 4's light values (theme-light-extension),
 * or its dark ones (theme-dark-extension) when the browser prefers a dark
 * colour scheme. The values are data (theme.json: what both themes share,
 * then each theme's colour families and editor/input colours).
 */
import themes from './theme.json';

/** JupyterLab 4's light theme variables. */
export const LIGHT_THEME: Readonly<Record<string, string>> = { ...themes.common, ...themes.light };

/** JupyterLab 4's dark theme variables. */
export const DARK_THEME: Readonly<Record<string, string>> = { ...themes.common, ...themes.dark };

function declarations(theme: Readonly<Record<string, string>>): string {
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
