/**
 * What hostile text must never become in nbtrace's DOM: active elements,
 * event handler attributes, script URLs, or anything that fetches from the
 * network by itself (remote images, stylesheets, CSS url()). Used by the
 * corpus test; ui-tests/tests/hostile.spec.ts runs the same rules in the
 * browser (its copy is inlined there, since it runs in the page).
 */

/** Elements that run code, load something or restyle the page. */
export const FORBIDDEN_TAGS = 'script, iframe, frame, frameset, object, embed, applet, style, link, meta, base, form, svg, math, template, video, audio, source, track, portal';

/** Attributes that make the browser fetch. */
const FETCHING_ATTRS = ['src', 'srcset', 'poster', 'background', 'lowsrc', 'dynsrc', 'action', 'formaction', 'data', 'xlink:href', 'ping'];

/** `javascript:` and friends, also when split by whitespace or control characters. */
function isScriptUrl(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  const compact = v.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
  return /^(javascript|vbscript|livescript|data:text\/html)/.test(compact) || compact.startsWith('data:text/html');
}

/** Every unsafe thing under `root`, as short descriptions (empty: safe). */
export function unsafeNodes(root: Element): string[] {
  const problems: string[] = [];
  for (const e of Array.from(root.querySelectorAll(FORBIDDEN_TAGS))) {
    problems.push(`<${e.tagName.toLowerCase()}> element`);
  }
  for (const e of Array.from(root.querySelectorAll('*'))) {
    const tag = e.tagName.toLowerCase();
    for (const a of Array.from(e.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) {
        problems.push(`${name} attribute on <${tag}>`);
      }
      if ((name === 'href' || name === 'xlink:href') && isScriptUrl(a.value)) {
        problems.push(`script URL in ${name} of <${tag}>: ${a.value.slice(0, 60)}`);
      }
      if (FETCHING_ATTRS.includes(name) && name !== 'src') {
        problems.push(`fetching attribute ${name} on <${tag}>`);
      }
      if (name === 'src' && !/^data:image\/(png|jpe?g|gif|webp|avif|bmp|svg\+xml);base64,/i.test(a.value)) {
        problems.push(`src that is not an inline image on <${tag}>: ${a.value.slice(0, 60)}`);
      }
      if (name === 'style' && /url\s*\(|expression\s*\(|@import/i.test(a.value)) {
        problems.push(`style with url()/expression on <${tag}>`);
      }
    }
  }
  return problems;
}
