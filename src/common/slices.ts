/**
 * Run a parse's steps (model/steps.ts) a slice of time at a time, giving the
 * page back between slices: a 100k-span trace is read without a long task,
 * while a progress line can paint and the page scrolls.
 */
import { Progress, Steps } from '../model/steps';

/** A slice's time: well under the 50 ms a task may take before the page feels stuck. */
const SLICE_MS = 12;

export interface SliceOptions {
  /** After each slice, with where the steps are. */
  onProgress?: (p: Progress) => void;
  /** Checked between slices: true drops the work (a newer payload came). */
  cancelled?: () => boolean;
}

/** The steps' result, or undefined when cancelled. */
export async function runInSlices<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T | undefined> {
  for (;;) {
    const end = performance.now() + SLICE_MS;
    let r = steps.next();
    while (!r.done && performance.now() < end) {
      r = steps.next();
    }
    if (r.done) {
      // What comes next (showing the result) gets a task of its own, not the rest of this slice's.
      await nextTask();
      return options.cancelled?.() ? undefined : r.value;
    }
    options.onProgress?.(r.value);
    await nextTask();
    if (options.cancelled?.()) {
      steps.return(undefined as T);
      return undefined;
    }
  }
}

/** A new task soon (not clamped like nested timers): the browser may paint and handle input before it. */
function nextTask(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (s && typeof s.yield === 'function') {
    return s.yield();
  }
  if (typeof MessageChannel !== 'undefined') {
    return new Promise(resolve => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise(resolve => setTimeout(resolve, 0));
}
