/**
 * Markdown in trace text (LLM answers are markdown), rendered safely: the
 * text goes through JupyterLab's markdown parser, then JupyterLab's HTML
 * sanitizer (both from the rendermime options, as for any untrusted output),
 * then is parsed in an inert document (DOMParser: no script runs, nothing
 * loads) where anything that could fetch from the network is removed —
 * remote images included — before the nodes are adopted into the page.
 * Only `data:image/*` images are kept. Without a parser or a sanitizer there
 * is no markdown: callers show plain text.
 */
/** Render `source` (untrusted markdown) into `host`. */
export type MarkdownRenderer = (host: HTMLElement, source: string) => Promise<void>;

const SAFE_IMAGE = /^data:image\/(png|jpe?g|gif|webp|avif|bmp|svg\+xml);base64,/i;
const SAFE_LINK = /^(https?:|mailto:|#)/i;
/** Attributes that make a browser fetch something, besides href/src handled below. */
const FETCHING = ['srcset', 'poster', 'background', 'lowsrc', 'dynsrc', 'action', 'formaction', 'data', 'xlink:href', 'ping'];
/** Elements with no place in rendered trace text. */
const DROP = 'script, style, link, meta, base, iframe, frame, object, embed, form, input, button, textarea, select, video, audio, source, track, picture, svg, math, template';

/** Keep what is safe to show without any request; make links open outside, without referrer. */
export function neutralize(root: ParentNode): void {
  for (const node of Array.from(root.querySelectorAll(DROP))) {
    node.remove();
  }
  for (const node of Array.from(root.querySelectorAll('*'))) {
    for (const name of FETCHING) {
      node.removeAttribute(name);
    }
    const style = node.getAttribute('style');
    if (style !== null && /url\s*\(|expression\s*\(|@import/i.test(style)) {
      node.removeAttribute('style');
    }
    for (const attr of Array.from(node.attributes)) {
      if (attr.name.startsWith('on')) {
        node.removeAttribute(attr.name); // the sanitizer drops these already; defence in depth
      }
    }
    const tag = node.tagName.toLowerCase();
    if (tag === 'img') {
      const src = node.getAttribute('src') ?? '';
      if (!SAFE_IMAGE.test(src)) {
        // A remote image would be a request made by untrusted text: show its address instead.
        const note = node.ownerDocument.createElement('span');
        note.className = 'nbtrace-md-image-ref';
        note.textContent = `[image${node.getAttribute('alt') ? `: ${node.getAttribute('alt')}` : ''} — ${src || 'no source'} (not loaded)]`;
        node.replaceWith(note);
      }
    } else if (tag === 'a') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_LINK.test(href.trim())) {
        node.removeAttribute('href');
      } else if (!href.startsWith('#')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    } else if (node.hasAttribute('src') || node.hasAttribute('href')) {
      node.removeAttribute('src');
      node.removeAttribute('href');
    }
  }
}

/**
 * What markdownRenderer needs of JupyterLab's rendermime options (its
 * `sanitizer` and `markdownParser`), structurally: no JupyterLab import here.
 */
export interface MarkdownTools {
  sanitizer?: { sanitize(dirty: string): string } | null;
  markdownParser?: { render(source: string): Promise<string> } | null;
}

/**
 * A renderer from the rendermime options (sanitizer + markdown parser), or
 * undefined when the application provides no markdown parser.
 */
export function markdownRenderer(options: MarkdownTools): MarkdownRenderer | undefined {
  const sanitizer = options.sanitizer;
  const parser = options.markdownParser;
  if (!sanitizer || !parser) {
    return undefined;
  }
  return async (host: HTMLElement, source: string): Promise<void> => {
    const html = sanitizer.sanitize(await parser.render(source));
    // DOMParser makes an inert document: its scripts never run and its images never load.
    const inert = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
    neutralize(inert.body);
    const nodes = Array.from(inert.body.childNodes).map(n => document.adoptNode(n));
    host.replaceChildren(...nodes);
  };
}
