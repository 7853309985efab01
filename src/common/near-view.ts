/**
 * "Tell me when this element comes within about one screen of the viewport":
 * what lazy outputs wait for before they build (TraceSlot). The observer's
 * root is the element's outermost scrolling ancestor (the notebook's scroll
 * box), with a margin of one root height: with the viewport as root the
 * margin would be clipped at that box, so an output would build only once in
 * sight (and `scrollMargin`, meant for that, widened it by several screens in
 * Chromium 156). A trace inside a nested scroll box (a scrolled output)
 * builds as it shows in that box. One IntersectionObserver per root serves
 * every element under it.
 *
 * Watching is batched into the next animation frame: then the roots are
 * found (style reads) and the elements already in view are measured (layout
 * reads) for all new elements at once, and those in view are built before
 * that frame paints instead of after the observer's first report (a task
 * after the frame). Elements inside a skipped `content-visibility: auto`
 * subtree (JupyterLab's off-screen cells) are not measured, which would lay
 * them out.
 *
 * Where there is no IntersectionObserver (jsdom, old browsers) nothing is
 * deferred: `canDefer()` is false and callers build at once. Tests put in a
 * fake observer with `setNearViewObserverFactory`.
 */

/** The part of IntersectionObserver used here. */
export interface NearViewObserver {
  observe(target: Element): void;
  unobserve(target: Element): void;
  disconnect(): void;
}

export interface NearViewEntry {
  readonly target: Element;
  readonly isIntersecting: boolean;
}

export type NearViewObserverFactory = (callback: (entries: readonly NearViewEntry[]) => void, init: IntersectionObserverInit) => NearViewObserver;

/** undefined: the browser's IntersectionObserver, when there is one; null: none (never defer). */
let factory: NearViewObserverFactory | null | undefined = undefined;
/** One observer per root (null: the viewport). */
const observers = new Map<Element | null, NearViewObserver>();
const observedBy = new Map<Element, NearViewObserver>();
const waiting = new Map<Element, () => void>();
/** Watched since the last animation frame: observed, and checked for "already in view", in the next one. */
const fresh = new Set<Element>();
let frame = 0;

function currentFactory(): NearViewObserverFactory | null {
  if (factory !== undefined) {
    return factory;
  }
  return typeof IntersectionObserver !== 'undefined' ? (callback, init) => new IntersectionObserver(callback, init) : null;
}

/** Replace the observer (tests): a factory, null for "no observer", undefined for the browser's. */
export function setNearViewObserverFactory(f: NearViewObserverFactory | null | undefined): void {
  observers.forEach(o => o.disconnect());
  observers.clear();
  observedBy.clear();
  waiting.clear();
  fresh.clear();
  if (frame && typeof cancelAnimationFrame !== 'undefined') {
    cancelAnimationFrame(frame);
  }
  frame = 0;
  factory = f;
}

/** Whether work can wait for an element to come near the viewport (false: do it now). */
export function canDefer(): boolean {
  return currentFactory() !== null;
}

/** How many elements are waiting (for tests and the benchmark). */
export function waitingCount(): number {
  return waiting.size;
}

/**
 * Call `onNear` once, when `target` comes within about a screen of the
 * viewport. Watching the same element again replaces its callback. Returns
 * the function that stops watching. Without an observer, calls `onNear` now.
 */
export function whenNearView(target: Element, onNear: () => void): () => void {
  if (!canDefer()) {
    onNear();
    return () => undefined;
  }
  const known = waiting.has(target);
  waiting.set(target, onNear);
  if (!known) {
    fresh.add(target);
    if (!frame) {
      frame = typeof requestAnimationFrame !== 'undefined' ? requestAnimationFrame(watchFresh) : -1;
      if (frame === -1) {
        frame = 0;
        watchFresh();
      }
    }
  }
  return () => forget(target);
}

function forget(target: Element): void {
  waiting.delete(target);
  fresh.delete(target);
  observedBy.get(target)?.unobserve(target);
  observedBy.delete(target);
}

function fire(target: Element): void {
  const onNear = waiting.get(target);
  if (onNear) {
    forget(target);
    onNear();
  }
}

function observerFor(root: Element | null): NearViewObserver {
  let observer = observers.get(root);
  if (!observer) {
    // One root height beyond each edge. (No scrollMargin: Chromium 156 widens the root by far more than asked.)
    observer = currentFactory()!(entries => entries.forEach(e => e.isIntersecting && fire(e.target)), {
      root,
      rootMargin: '100% 0px',
      threshold: 0
    });
    observers.set(root, observer);
  }
  return observer;
}

/** The elements watched since the last frame: observe them, and call back those in view now (reads first). */
function watchFresh(): void {
  frame = 0;
  const scrolls = new Map<Element, boolean>();
  const near: Element[] = [];
  for (const target of fresh) {
    const root = target.isConnected ? scrollRoot(target, scrolls) : null;
    const observer = observerFor(root);
    observer.observe(target);
    observedBy.set(target, observer);
    if (target.isConnected && isNear(target, root)) {
      near.push(target);
    }
  }
  fresh.clear();
  near.forEach(fire);
}

/** The outermost scrolling ancestor below the document (null: none, the viewport scrolls). */
function scrollRoot(target: Element, scrolls: Map<Element, boolean>): Element | null {
  let root: Element | null = null;
  for (let el = target.parentElement; el && el !== document.body && el !== document.documentElement; el = el.parentElement) {
    let scrolling = scrolls.get(el);
    if (scrolling === undefined) {
      const overflow = getComputedStyle(el).overflowY;
      scrolling = overflow === 'auto' || overflow === 'scroll';
      scrolls.set(el, scrolling);
    }
    if (scrolling) {
      root = el;
    }
  }
  return root;
}

function isNear(target: Element, root: Element | null): boolean {
  const check = (target as Element & { checkVisibility?: (o: object) => boolean }).checkVisibility;
  if (typeof check === 'function' && !check.call(target, { contentVisibilityAuto: true })) {
    return false;
  }
  const r = target.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) {
    return false;
  }
  const view = root ? root.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
  const margin = view.bottom - view.top;
  return r.bottom >= view.top - margin && r.top <= view.bottom + margin;
}
