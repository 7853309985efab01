/**
 * Work done in the browser's idle time, in slices: `step(more)` does some of
 * it, calling `more()` between small pieces (false: the slice's time is up),
 * and returns true when all is done; then `done()` runs. Without
 * requestIdleCallback (Safari, jsdom) slices run from timers, SLICE_MS each.
 */
const SLICE_MS = 8;

/** A job's cancel function before any job runs, and a `done` that does nothing. */
export const NOTHING = (): void => undefined;

export type IdleStep = (more: () => boolean) => boolean;

/**
 * Start the job; the returned function cancels it (idempotent). `timeoutMs`:
 * run a slice after this long even if the browser never idles (default: wait).
 */
export function idleJob(step: IdleStep, done: () => void, timeoutMs?: number): () => void {
  let handle = 0;
  let timer = false;
  let cancelled = false;
  const run = (more: () => boolean): void => {
    handle = 0;
    if (cancelled) {
      return;
    }
    if (step(more)) {
      done();
    } else {
      schedule();
    }
  };
  const schedule = (): void => {
    if (typeof requestIdleCallback !== 'undefined') {
      // Leave 2 ms of the idle period to the browser.
      const run2 = (deadline: IdleDeadline): void => run(() => deadline.timeRemaining() > 2);
      handle = timeoutMs === undefined ? requestIdleCallback(run2) : requestIdleCallback(run2, { timeout: timeoutMs });
    } else {
      timer = true;
      handle = window.setTimeout(() => {
        const end = performance.now() + SLICE_MS;
        run(() => performance.now() < end);
      }, 0);
    }
  };
  schedule();
  return () => {
    cancelled = true;
    if (handle) {
      if (timer) {
        clearTimeout(handle);
      } else {
        cancelIdleCallback(handle);
      }
      handle = 0;
    }
  };
}
